# t/cli.sh - command-line behaviour of stacd (sourced by t/run-tests.sh).

cli_expect() { # description expected-exit-status command...
	desc=$1 want=$2
	shift 2
	"$@" > build/cli.out 2> build/cli.err
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		pass "cli: $desc"
		return 0
	fi
	sed 's/^/    /' build/cli.out build/cli.err | head -10
	fail "cli: $desc (exit $rc, want $want)"
	return 1
}

cli_grep() { # description pattern file
	if grep -q -- "$2" "$3"; then
		pass "cli: $1"
	else
		sed 's/^/    /' "$3" | head -10
		fail "cli: $1 (no \"$2\" in output)"
	fi
}

# Runs a command as an unprivileged user when we are root (CI).
as_nobody() {
	if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	else
		"$@"
	fi
}

cli_tier() {
	cli_expect "--help exits 0" 0 "$STACD" --help &&
		cli_grep "--help lists --conf-file" "--conf-file=FILE" build/cli.out
	cli_expect "-h exits 0" 0 "$STACD" -h
	cli_expect "--version exits 0" 0 "$STACD" --version &&
		cli_grep "--version names stacd" "^stacd [0-9]" build/cli.out
	cli_expect "-v exits 0" 0 "$STACD" -v
	cli_expect "unknown option exits 2" 2 "$STACD" --no-such-option &&
		cli_grep "usage on stderr for bad usage" "^usage: stacd" build/cli.err
	cli_expect "stray argument exits 2" 2 "$STACD" stray
	cli_expect "-f without a file exits 2" 2 "$STACD" -f

	cli_expect "--idl=FILE exits 0" 0 "$STACD" --idl=build/stacd.idl
	if /usr/bin/python3 -c '
import sys, xml.dom.minidom as m
d = m.parse(sys.argv[1])
ifs = {i.getAttribute("name"): i for i in d.getElementsByTagName("interface")}
def sig(iface, meth):
    for x in ifs[iface].getElementsByTagName("method"):
        if x.getAttribute("name") == meth:
            return "".join(a.getAttribute("direction")[0] + a.getAttribute("type")
                           for a in x.getElementsByTagName("arg"))
assert sig("org.nvmexpress.stac", "list_controllers") == "ibo" + "aa{ss}"
assert sig("org.nvmexpress.stac.debug", "process_info") == "os"
assert sig("org.nvmexpress.stac.debug", "controller_info") == "is" * 7 + "os"
p = {x.getAttribute("name"): (x.getAttribute("type"), x.getAttribute("access"))
     for x in ifs["org.nvmexpress.stac.debug"].getElementsByTagName("property")}
assert p == {"tron": ("b", "readwrite"), "log_level": ("s", "read")}, p
' build/stacd.idl 2>build/cli.err; then
		pass "cli: --idl XML has the nvme-stas 3.0 interface"
	else
		sed 's/^/    /' build/cli.err
		fail "cli: --idl XML has the nvme-stas 3.0 interface"
	fi
	cli_expect "--idl to an unwritable path exits 1" 1 \
		"$STACD" --idl=/nonexistent-dir/x.idl

	# Start-up checks, in nvme-stas's order and words.
	cli_expect "non-root start exits 1" 1 as_nobody "$STACD" -f /dev/null
	if [ "$(id -u)" -eq 0 ] && ! command -v setpriv >/dev/null 2>&1; then
		skip "cli: non-root message (no setpriv)"
	elif [ "$(id -u)" -ne 0 ] || command -v setpriv >/dev/null 2>&1; then
		cli_grep "non-root start says why" \
			"Permission denied. You need root privileges to run stacd." build/cli.err
	fi
	cli_expect "missing /dev/nvme-fabrics exits 1" 1 "$STACD" --root=t/root -f /dev/null &&
		cli_grep "missing /dev/nvme-fabrics says why" \
			"Fatal error: missing nvme-tcp kernel module" build/cli.err
	cli_expect "--check of a directory exits 1" 1 "$STACD" --root=t/root --check -f t
	rm -f build/cli.fifo && mkfifo build/cli.fifo
	cli_expect "--check of a FIFO exits 1 at once (no writer awaited)" 1 \
		timeout 10 "$STACD" --root=t/root --check -f build/cli.fifo &&
		cli_grep "--check of a FIFO says why" \
			"build/cli.fifo: not a regular file" build/cli.err
	rm -f build/cli.fifo
	cli_expect "--check with a missing host NQN exits 1" 1 \
		"$STACD" --root=t/conf --check -f /dev/null &&
		cli_grep "missing host NQN uses nvme-stas wording" \
			"Error reading mandatory Host NQN (see stasadm --help)" build/cli.err

	# The NBFT's HFI as ip= for the initramfs (t/conf/nbft.root: eth0 has
	# the HFI's MAC address); a table naming a MAC no interface has.
	cli_expect "--boot-network exits 0" 0 "$STACD" --root=t/conf/nbft.root \
	    --boot-network &&
		if [ "$(cat build/cli.out)" = "ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:none:10.0.2.3" ]; then
			pass "cli: --boot-network prints the HFI as ip="
		else
			sed 's/^/    /' build/cli.out
			fail "cli: --boot-network prints the HFI as ip="
		fi
	cli_expect "--boot-network, no such interface, exits 0" 0 "$STACD" \
	    --root=t/root --nbft=t/conf/nbft.root/sys/firmware/acpi/tables/NBFT \
	    --boot-network &&
		if [ ! -s build/cli.out ]; then
			pass "cli: --boot-network prints nothing for an HFI with no interface"
		else
			fail "cli: --boot-network prints nothing for an HFI with no interface"
		fi &&
		cli_grep "--boot-network names the MAC address it did not find" \
		    "acpi/tables/NBFT: HFI 1: no interface has MAC address 52:54:00:12:34:56" build/cli.err

	cli_expect "--boot-network=dracut exits 0" 0 "$STACD" \
	    --root=t/conf/nbft.root --boot-network=dracut &&
		if [ "$(cat build/cli.out)" = "ifname=nbft1:52:54:00:12:34:56
ip=10.0.2.15::10.0.2.2:255.255.255.0::nbft1:none:10.0.2.3" ]; then
			pass "cli: --boot-network=dracut names the interface by MAC (ifname=)"
		else
			sed 's/^/    /' build/cli.out
			fail "cli: --boot-network=dracut names the interface by MAC (ifname=)"
		fi
	# Two HFIs, the second by DHCPv6 on VLAN 12 (t/nbft/two-paths.desc).
	build/mknbft t/nbft/two-paths.desc > build/two-paths.nbft
	cli_expect "--boot-network=dracut, a VLAN, exits 0" 0 "$STACD" --root=t/root \
	    --nbft=build/two-paths.nbft --boot-network=dracut &&
		if [ "$(cat build/cli.out)" = "ifname=nbft1:52:54:00:12:34:56
ip=10.0.2.15::10.0.2.2:255.255.255.0:bootme:nbft1:none:10.0.2.3
ifname=nbft2:52:54:00:12:34:57
vlan=nbft2.12:nbft2
ip=:::::nbft2.12:dhcp6" ]; then
			pass "cli: --boot-network=dracut brings a VLAN up with vlan="
		else
			sed 's/^/    /' build/cli.out
			fail "cli: --boot-network=dracut brings a VLAN up with vlan="
		fi
	mkdir -p build/two-paths.root/sys/class/net/eth0 build/two-paths.root/sys/class/net/eth1
	echo 52:54:00:12:34:56 > build/two-paths.root/sys/class/net/eth0/address
	echo 52:54:00:12:34:57 > build/two-paths.root/sys/class/net/eth1/address
	cli_expect "--boot-network, a VLAN, exits 0" 0 "$STACD" --root=build/two-paths.root \
	    --nbft=build/two-paths.nbft --boot-network &&
		if [ "$(cat build/cli.out)" = "ip=10.0.2.15::10.0.2.2:255.255.255.0:bootme:eth0:none:10.0.2.3" ]; then
			pass "cli: --boot-network leaves the VLAN HFI out"
		else
			sed 's/^/    /' build/cli.out
			fail "cli: --boot-network leaves the VLAN HFI out"
		fi &&
		cli_grep "--boot-network says why" "HFI 2: VLAN 12 is not brought up by stacd" build/cli.err
	cli_expect "--boot-network=other is a usage error" 2 "$STACD" --boot-network=other

	# make install / uninstall into a staging tree
	D=$(pwd)/build/inst
	rm -rf "$D"
	if make -s install DESTDIR="$D" PREFIX=/usr > build/cli.out 2>&1 &&
	    [ -x "$D/usr/sbin/stacd" ] && [ -f "$D/usr/share/man/man8/stacd.8" ] &&
	    [ -f "$D/usr/share/man/man5/stacd.conf.5" ] &&
	    [ -f "$D/etc/stas/stacd.conf" ] &&
	    grep -q '^BusName=org.nvmexpress.stac$' "$D/usr/lib/systemd/system/stacd.service" &&
	    grep -q '^ExecReload=/bin/kill -HUP' "$D/usr/lib/systemd/system/stacd.service" &&
	    grep -q '^ExecStart=/usr/sbin/stacd --syslog$' "$D/usr/lib/systemd/system/stacd.service" &&
	    /usr/bin/python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' \
		"$D/usr/share/dbus-1/system.d/org.nvmexpress.stac.conf"; then
		pass "cli: make install puts every file in place"
	else
		sed 's/^/    /' build/cli.out | head
		fail "cli: make install puts every file in place"
	fi
	echo "# edited" >> "$D/etc/stas/stacd.conf"
	make -s install DESTDIR="$D" PREFIX=/usr > /dev/null 2>&1
	cli_grep "make install keeps an edited stacd.conf" "^# edited" "$D/etc/stas/stacd.conf"
	make -s uninstall DESTDIR="$D" PREFIX=/usr > /dev/null 2>&1
	if [ "$(cd "$D" && find . -type f)" = "./etc/stas/stacd.conf" ]; then
		pass "cli: make uninstall removes all but the configuration"
	else
		fail "cli: make uninstall removes all but the configuration"
	fi
}

#!/bin/sh
# t/vm/boot-init.sh - /sbin/init of the root file system that the boot
# tests (t/vm/boot.sh, boot-dracut.sh, boot-demo.sh) mount over NVMe/TCP
# (busybox ash, PID 1).
#
# initramfs-tools has mounted root= (/dev/nvme0n1; nvmet exporting the
# virtio disk, in the same kernel or, with boot-demo.sh, in the target's
# VM; connected by the initramfs's stacd) read-only on /, moved
# /run, /proc and /sys here, and udev's init-bottom moved /dev.  This
# checks that the root really is the NVMe/TCP namespace, that the
# initramfs's stacd handed over (stopped, left its connection up, wrote
# last-known-config and the registry), then starts the system's stacd
# with the same stacd.conf (and NBFT, and command line) and checks that
# it adopts the controller without a disconnect while a reader of the
# root device runs, and never disconnects it, also across a SIGHUP and
# its exit.  boot.sh's stacdtest.source= (nbft, discover or conf) says
# where the controller came from, and so the owner expected in
# /run/nvme/registry (nbft, rd.nvmf or stas); stacdtest.addr= the
# target's address if not ADDR.  The I/O controller is the one of NQN:
# nvme1 after rd.nvmf.discover=, whose discovery controller is nvme0,
# and root=/dev/nvme1n1.  Output follows the VM tier's protocol
# (t/vm/lib.sh); VM-DONE, then power off.  PID 1 must not exit: the
# checks run in a subshell.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
read -r UP_AT_INIT _ < /proc/uptime 2>/dev/null || UP_AT_INIT=?

[ -e /proc/self ] || mount -t proc proc /proc
[ -d /sys/class ] || mount -t sysfs sysfs /sys
[ -e /dev/console ] || mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
echo "STACD-BOOT: /sbin/init of the NVMe/TCP root, up $UP_AT_INIT s"
mount -t tmpfs -o mode=1777 tmpfs /tmp
echo 1 > /proc/sys/kernel/printk

(
	cd /tmp || true
	. /vm/lib.sh
	. /vm/boot.conf		# NQN ADDR PORT MAC [INITRAMFS NICADDR DISKLESS], by boot*.sh
	STACD_LOG=/tmp/stacd.log

	# This boot's source of the boot controller (boot.sh's
	# stacdtest.source=, default conf) and root device.
	source=conf rootdev=
	# shellcheck disable=SC2013 # words, not lines
	for x in $(cat /proc/cmdline); do
		case "$x" in
		stacdtest.source=*) source=${x#stacdtest.source=} ;;
		root=*) rootdev=${x#root=} ;;
		stacdtest.addr=*) ADDR=${x#stacdtest.addr=} ;;
		esac
	done
	case $source in
	nbft) owner=nbft nctrl=1 ;;
	discover) owner=rd.nvmf nctrl=2 ;;	# and the discovery controller
	*) owner=stas nctrl=1 ;;
	esac
	# The I/O controller: the one of $NQN (with rd.nvmf.discover= the
	# discovery controller comes first, as nvme0).
	c=
	for d in /sys/class/nvme/nvme*; do
		[ "$(cat "$d/subsysnqn" 2>/dev/null)" = "$NQN" ] && { c=${d##*/}; break; }
	done
	diag "boot: source $source, root $rootdev, I/O controller ${c:-none}"
	diag "boot: kernel start to root mounted (/sbin/init started): $UP_AT_INIT s"
	root=$(awk '$2 == "/" { d = $1 } END { print d }' /proc/mounts)
	assert_eq "root file system mounted from $rootdev" "$root" "$rootdev"
	assert_eq "$nctrl NVMe controller(s)" "$(count_all)" $nctrl
	assert_eq "$c transport is tcp" "$(ctrl_attr "$c" transport)" tcp
	assert_eq "$c is live" "$(ctrl_attr "$c" state)" live
	assert_eq "$c is $NQN" "$(ctrl_attr "$c" subsysnqn)" "$NQN"
	assert_match "$c is at $ADDR:$PORT" "$(ctrl_attr "$c" address)" \
	    "traddr=$ADDR,trsvcid=$PORT*"
	assert_eq "$c's host NQN is $HOSTNQN" "$(ctrl_attr "$c" hostnqn)" "$HOSTNQN"
	assert_eq "$rootdev is $c's namespace" "$(ns_devs "$c")" "$rootdev"
	assert_not "the virtio disk itself is not mounted" grep -q '^/dev/vda' /proc/mounts
	if [ "${DISKLESS:-0}" = 1 ]; then
		# boot-demo.sh: the disk is the target VM's; this one has none.
		disks= all=
		for d in /sys/block/*; do
			all="$all ${d##*/}"
			case "${d##*/}" in nvme*|loop*|ram*) ;; *) disks="$disks ${d##*/}" ;; esac
		done
		assert_eq "this VM has no disk of its own (/sys/block:$all)" "$disks" ""
	fi
	diag "$c: $(ctrl_attr "$c" address)"
	dc=
	if [ $source = discover ]; then
		for d in /sys/class/nvme/nvme*; do
			[ "$(cat "$d/cntrltype" 2>/dev/null)" = discovery ] && { dc=${d##*/}; break; }
		done
		assert "a discovery controller is connected (cntrltype discovery)" [ -n "$dc" ]
		assert_eq "${dc:-it} is the well-known discovery NQN" \
		    "$(ctrl_attr "${dc:-none}" subsysnqn 2>/dev/null)" "$DISC_NQN"
		assert_eq "${dc:-it} is live" "$(ctrl_attr "${dc:-none}" state 2>/dev/null)" live
		assert_match "${dc:-it} is at $ADDR:$PORT" "$(ctrl_attr "${dc:-none}" address 2>/dev/null)" \
		    "traddr=$ADDR,trsvcid=$PORT*"
		assert_eq "/run/nvme/registry: ${dc:-it} is owned by rd.nvmf" \
		    "$(cat /run/nvme/registry/${dc:-none}/owner 2>/dev/null)" rd.nvmf
	fi
	if [ $source = nbft ]; then
		assert "the firmware's NBFT is /sys/firmware/acpi/tables/NBFT (-acpitable)" \
		    [ -f /sys/firmware/acpi/tables/NBFT ]
		diag "kernel: $(dmesg | grep -m1 'ACPI: NBFT' | sed 's/^\[[ 0-9.]*\] //')"
		# The HFI's MAC (boot.sh's NIC) names the interface stacd
		# binds the controller to.
		nic=
		for d in /sys/class/net/*; do
			[ "$(cat "$d/address" 2>/dev/null)" = "$MAC" ] && { nic=${d##*/}; break; }
		done
		assert_match "$c is bound to ${nic:-the NIC} (host_iface), the NIC with the HFI's MAC $MAC" \
		    "$(ctrl_attr "$c" address)" "*,host_iface=${nic:-none},*"
	else
		assert "no NBFT (/sys/firmware/acpi/tables/NBFT*)" \
		    sh -c '! ls /sys/firmware/acpi/tables/NBFT* >/dev/null 2>&1'
	fi

	# ip= gives the NIC NICADDR (prefix included): boot.sh's NIC on an
	# isolated QEMU hub 127.0.0.2/8 (the default); dracut's ifup refuses
	# an address of lo's 127/8, so boot-dracut.sh gives another, as
	# boot-demo.sh does for VM B's NIC on the network it shares with the
	# target's VM.  configure_networking ran in the initramfs; dracut's
	# network module (INITRAMFS=dracut, t/vm/boot-dracut.sh) leaves no
	# file in /run: there the address on the NIC is the evidence.
	nic=${NICADDR:-127.0.0.2/8}
	if [ "${INITRAMFS:-initramfs-tools}" = initramfs-tools ]; then
		net=$(ls /run/net-*.conf 2>/dev/null | head -n 1)
		assert "ip= configured the network in the initramfs ($net)" \
		    grep -q "^IPV4ADDR='*${nic%/*}'*" "$net"
		diag "network: $(tr '\n' ' ' < "$net")"
	fi
	assert "the NIC has $nic" sh -c "ip -4 addr show | grep -q 'inet $nic '"

	# The hand-over, as the initramfs left it.
	running=$(for p in /proc/[0-9]*; do
		[ "$(cat "$p/comm" 2>/dev/null)" = stacd ] && echo "${p#/proc/}"
	done)
	assert_eq "the initramfs's stacd is gone (init-bottom stopped it)" "$running" ""
	assert "the initramfs's stacd log came along in /run/initramfs" \
	    grep -q "$c - Connection established" /run/initramfs/stacd.log
	assert "it exited on SIGTERM, leaving the connection up" \
	    grep -q "exiting;.*connections left as they are" /run/initramfs/stacd.log
	if [ $source = conf ]; then
		assert "/run/stacd/last-known-config names $NQN" \
		    grep -q "$NQN" /run/stacd/last-known-config
	fi
	assert_eq "/run/nvme/registry: $c is owned by $owner" \
	    "$(cat /run/nvme/registry/$c/owner 2>/dev/null)" "$owner"
	diag "--- the initramfs's stacd log ---"
	tr -c '\n -~' '?' < /run/initramfs/stacd.log | sed 's/^/# /'
	diag "--- /run/stacd/last-known-config ---"
	tr -c '\n -~' '?' < /run/stacd/last-known-config 2>/dev/null | sed 's/^/# /'

	# The system's stacd: same stacd.conf (with the NBFT or
	# rd.nvmf.discover=, no controller= and the default disconnect-scope),
	# adopts the controllers and never disconnects them.
	if [ $source != conf ]; then
		assert_not "the booted system's stacd.conf has no controller=" \
		    grep -q '^[[:space:]]*controller' /etc/stas/stacd.conf
		assert_not "nor a disconnect-scope (the default, only-stas-connections)" \
		    grep -q '^[[:space:]]*disconnect-scope' /etc/stas/stacd.conf
	fi
	reader_start "$rootdev"
	t0=$(uptime_s)
	stacd_start
	assert "the system's stacd adopts $c" \
	    wait_for 20 grep -q "$c - adopted" $STACD_LOG
	diag "adopted $(echo "$(uptime_s) - $t0" | bc | sed 's/^\./0./') s after the start"
	if [ $source = conf ]; then
		assert "it read the initramfs's last-known-config" \
		    grep -q "1 controller owned before the restart" $STACD_LOG
	fi
	if [ -n "$dc" ]; then
		assert "and the discovery controller $dc" \
		    wait_for 10 grep -q "$dc - adopted" $STACD_LOG
	fi
	sleep 3
	# A reload (SIGHUP) must not give the root up either.
	stacd_hup
	sleep 2
	assert_eq "still $nctrl controller(s): nothing connected twice" "$(count_all)" $nctrl
	assert_eq "still $c, live" "$(ctrl_attr "$c" state)" live
	assert_eq "still $c's host NQN" "$(ctrl_attr "$c" hostnqn)" "$HOSTNQN"
	assert_eq "/run/nvme/registry: $c still owned by $owner" \
	    "$(cat /run/nvme/registry/$c/owner 2>/dev/null)" "$owner"
	[ -z "$dc" ] || assert_eq "still $dc, live" "$(ctrl_attr "$dc" state 2>/dev/null)" live
	assert_not "no connect and no disconnect by the system's stacd" \
	    grep -q "Connection established\|Disconnect initiated" $STACD_LOG
	assert "a reader of $rootdev never failed through the hand-over" \
	    [ ! -e /tmp/reader.died ]
	echo 3 > /proc/sys/vm/drop_caches
	assert "the root file system still reads (page cache dropped)" \
	    cmp -s /sbin/init /vm/init.copy
	kill -TERM $STACD_PID
	wait $STACD_PID
	assert_eq "the system's stacd exits 0 on SIGTERM" $? 0
	assert_eq "and leaves $c live" "$(ctrl_attr "$c" state)" live
	assert "the reader still never failed" [ ! -e /tmp/reader.died ]
	kill $READER 2>/dev/null
	show_log
)
rc=$?
[ $rc = 0 ] || echo "not ok - /sbin/init checks exited with status $rc"
echo "# boot: done, up $(cut -d' ' -f1 /proc/uptime) s"
echo VM-DONE
sync
poweroff -f
while :; do sleep 60; done

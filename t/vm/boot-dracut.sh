#!/bin/bash
# t/vm/boot-dracut.sh - boot a VM whose root file system is on NVMe/TCP
# through an initramfs built by dracut with stacd's dracut module
# (etc/dracut/modules.d/90stacd), and check the hand-over to the booted
# system's stacd.  The dracut counterpart of t/vm/boot.sh (initramfs-
# tools), with the same root file system and /sbin/init (boot-init.sh).
#
# usage: t/vm/boot-dracut.sh [-t TIMEOUT_S] [-d]
#
#   -t TIMEOUT_S  the bound of the boot (default 150)
#   -d            demo: the console is shown as it goes, without "quiet"
#
# dracut is not installed: Debian's dracut conflicts with initramfs-tools.
# Its packages (dracut, dracut-core, dracut-network) are fetched with
# `apt-get download` into build/vm/dracut/debs and unpacked with
# `dpkg-deb -x` into build/vm/dracut/root; that tree's dracut runs with
# dracutbasedir= pointing into it, --conf/--confdir of its own and
# -m "base rootfs-block network-legacy stacd stacd-test" (nvmf omitted).
# Its network-legacy module wants dhclient and arping on the build
# machine (t/deps.sh installs isc-dhcp-client and iputils-arping).
#
# The boot: a virtio disk holds the ext4 root image; a test-only dracut
# module (stacd-test, written here, never shipped) runs t/vm/boot-target.sh
# from a pre-trigger hook, which exports the disk with nvmet in the same
# kernel on 127.0.0.1:4420 before any initqueue job (stacd starts from
# the initqueue); stacd connects the controller= entry of its stacd.conf;
# root=/dev/nvme0n1 is mounted over NVMe/TCP; ip= configures a NIC on an
# isolated QEMU hub through dracut's network-legacy (rd.neednet=1 comes
# from stacd's cmdline hook).  /sbin/init checks the hand-over ("ok" /
# "not ok" lines are printed here).
#
# A third boot takes the root's controller from an NBFT (-acpitable) and
# the network from its HFI, with no ip= on the command line.
#
# Environment: STACD_VM_KERNEL, STACD_VM_KVER, STACD_VM_ACCEL (common.sh).
# Exit status: 0 if all passed, 77 (with a SKIP line) when a tool,
# dracut or the kernel is missing, 1 otherwise.
set -euo pipefail

. "$(dirname "$0")/common.sh"

TIMEOUT=150
DEMO=0
while getopts t:dh opt; do
	case $opt in
	t) TIMEOUT=$OPTARG ;;
	d) DEMO=1 ;;
	*) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done

# shellcheck disable=SC2034 # boot-lib.sh reads it
BOOT_NAME=boot-dracut
. "$VM_SRC/boot-lib.sh"
NICIP=192.0.2.2
W=$VM_BUILD/boot-dracut
DR=$VM_BUILD/dracut		# debs/ and root/: kept between runs

# dhclient and arping: dracut's network-legacy wants them on the build
# machine (isc-dhcp-client, iputils-arping; t/deps.sh installs them).
boot_prereqs dpkg-deb dhclient arping

# ---------------------------------------------------------------- dracut, unpacked
# fetch: the .debs of dracut into $DR/debs (apt-get download, which needs
# no root; as root, apt-get update once if the lists are stale).
DEBS="dracut dracut-core dracut-network"
fetch() {
	local log=$DR/debs/download.log
	mkdir -p "$DR/debs"
	# shellcheck disable=SC2086 # $DEBS: package names
	(cd "$DR/debs" && apt-get download $DEBS) > "$log" 2>&1 && return 0
	[ "$(id -u)" = 0 ] || return 1
	# shellcheck disable=SC2086 # $DEBS: package names
	apt-get update -qq >> "$log" 2>&1 &&
	    (cd "$DR/debs" && apt-get download $DEBS) >> "$log" 2>&1
}
if ! ls "$DR"/debs/dracut-core_*.deb >/dev/null 2>&1; then
	command -v apt-get >/dev/null 2>&1 || skip "no apt-get to download $DEBS (not Debian)"
	fetch || skip "apt-get download $DEBS failed: $(tail -n 1 "$DR/debs/download.log")"
fi
stamp=$(cd "$DR/debs" && ls -- *.deb | sort | tr '\n' ' ')
if [ ! -x "$DR/root/usr/bin/dracut" ] || [ "$(cat "$DR/root/.debs" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$DR/root"
	mkdir -p "$DR/root"
	for d in "$DR"/debs/*.deb; do
		dpkg-deb -x "$d" "$DR/root" || skip "dpkg-deb -x $d failed"
	done
	echo "$stamp" > "$DR/root/.debs"
fi
DRACUT=$DR/root/usr/bin/dracut
DRACUT_BASE=$DR/root/usr/lib/dracut
[ -x "$DRACUT" ] && [ -f "$DRACUT_BASE/dracut-init.sh" ] || skip "no dracut in $DR/root after unpacking $stamp"
DRACUT_VERSION=$(sed -n 's/^DRACUT_VERSION=//p' "$DRACUT_BASE/dracut-version.sh" 2>/dev/null || true)

rm -rf "$W"
mkdir -p "$W"

# ---------------------------------------------------------------- the root file system
boot_sysroot
t0=$(now)
boot_rootfs "INITRAMFS=dracut NICADDR=$NICIP/24"
t_rootfs=$(elapsed "$t0")

# ---------------------------------------------------------------- the initramfs
# A private dracut base directory: the unpacked one's files, with stacd's
# module and the test's target module added to modules.d.
B=$W/dracut-base
mkdir -p "$B"
cp -a "$DRACUT_BASE"/. "$B"/
rm -rf "$B/modules.d/90stacd"
cp -a "$VM_TOP/etc/dracut/modules.d/90stacd" "$B/modules.d/90stacd"
T=$B/modules.d/99stacd-test
mkdir -p "$T"
sed "s|@NQN@|$NQN|; s|@ADDR@|$ADDR|; s|@PORT@|$PORT|" \
    "$VM_SRC/boot-target.sh" > "$T/stacd-test-target"
cat > "$T/module-setup.sh" <<'EOM'
#!/bin/bash
# test only (t/vm/boot-dracut.sh): the nvmet target of the boot test.
check() { return 255; }
depends() { return 0; }
installkernel() {
    hostonly='' instmods virtio_pci virtio_blk virtio_net configfs nvmet nvmet-tcp
}
install() {
    inst_script "$moddir/stacd-test-target" /sbin/stacd-test-target
    inst_hook pre-trigger 90 "$moddir/stacd-test-target-hook.sh"
    inst_multiple ip modprobe ln mkdir
}
EOM
# pre-trigger: after udev started, before the coldplug and before any
# initqueue job (stacd-start is one).  The disk's drivers are loaded by
# hand, as udev has not yet seen the device.  A hook is sourced by init:
# the target script (which exits) runs as a program.
cat > "$T/stacd-test-target-hook.sh" <<'EOM'
#!/bin/sh
modprobe -q virtio_pci; modprobe -q virtio_blk
/sbin/stacd-test-target
:
EOM
chmod 755 "$T"/*

CONFDIR=$W/dracut.conf.d
mkdir -p "$CONFDIR" "$W/tmp"
: > "$W/dracut.conf"
# mkdracut OUT MODULES...
mkdracut() {
	local out=$1
	shift
	STACD_INITRAMFS_ROOT=$SYSROOT STACD_INITRAMFS_BIN=$STACD \
	dracutbasedir=$B "$DRACUT" --force --no-hostonly --no-hostonly-cmdline \
	    --conf "$W/dracut.conf" --confdir "$CONFDIR" --tmpdir "$W/tmp" \
	    --kver "$KVER" --no-early-microcode --nofscks --omit nvmf \
	    -m "$*" --add-drivers "ext4 crc32c_generic" --compress zstd \
	    "$out" > "$out.log" 2>&1 || {
		nok "dracut -m \"$*\" $out $KVER"
		sed 's/^/#   /' "$out.log" | tail -n 30
		return 1
	}
}
t0=$(now)
# The same dracut modules but stacd in both: stacd's depends() pulls in
# network (and so kernel-network-modules), named in the second.
mkdracut "$W/initrd.img" base rootfs-block network-legacy stacd stacd-test || exit 1
t_initrd=$(elapsed "$t0")
grep -iE 'warn|error|stacd' "$W/initrd.img.log" | sed 's/^/# dracut: /' || true
mkdracut "$W/initrd-without.img" base rootfs-block network-legacy network stacd-test || exit 1
s_with=$(stat -c %s "$W/initrd.img")
s_without=$(stat -c %s "$W/initrd-without.img")
echo "# initramfs (dracut $DRACUT_VERSION, $KVER, zstd): $s_with bytes with stacd, $s_without without: stacd adds $((s_with - s_without)) bytes"

LSINITRD=$DR/root/usr/bin/lsinitrd
dracutbasedir=$B "$LSINITRD" "$W/initrd.img" > "$W/initrd.lsinitrd" 2>&1 || true
awk '{ print $NF }' "$W/initrd.lsinitrd" | sed 's|^\./||' | sort -u > "$W/initrd.list"
grep -q 'stacd' "$W/initrd.lsinitrd" || sed 's/^/# lsinitrd: /' "$W/initrd.lsinitrd" | head -n 20
for f in usr/sbin/stacd etc/stas/stacd.conf etc/nvme/hostnqn etc/nvme/hostid \
    lib/stacd-lib.sh sbin/stacd-start sbin/stacd-stop \
    lib/dracut/hooks/cmdline/95-parse-stacd.sh \
    lib/dracut/hooks/initqueue/online/95-stacd-online.sh \
    lib/dracut/hooks/initqueue/finished/95-stacd-finished.sh \
    lib/dracut/hooks/cleanup/90-stacd-cleanup.sh; do
	# /lib and /sbin are links into /usr in the image
	if grep -qxE "(usr/)?$f" "$W/initrd.list"; then
		ok "initramfs has /$f"
	else
		nok "initramfs has /$f"
	fi
done
if grep -q '/nvme-tcp\.ko' "$W/initrd.list"; then
	ok "initramfs has the nvme-tcp module"
else
	nok "initramfs has the nvme-tcp module"
fi
if grep -qx 'sbin/nvmf-autoconnect.sh' "$W/initrd.list"; then
	nok "initramfs has no part of dracut's nvmf module"
else
	ok "initramfs has no part of dracut's nvmf module"
fi
# --list-modules lists the modules whose check() passes here: stacd's
# needs the binary (and a source for images without -m).
STACD_INITRAMFS_ROOT=$SYSROOT STACD_INITRAMFS_BIN=$STACD dracutbasedir=$B \
    "$DRACUT" --list-modules --no-kernel --conf "$W/dracut.conf" --confdir "$CONFDIR" \
    > "$W/list-modules" 2>&1 || true
if grep -qx stacd "$W/list-modules"; then
	ok "dracut --list-modules lists stacd"
else
	nok "dracut --list-modules lists stacd"
fi

# ---------------------------------------------------------------- boot
QUIET=quiet
[ $DEMO = 0 ] || QUIET=
# dracut's ip=: a static address on eth0 (the NIC on the QEMU hub), of
# TEST-NET-1 (RFC 5737): dracut's ifup refuses an address that routes
# locally, as one of lo's 127/8 does.
NET_IP="ip=$NICIP:::255.255.255.0:stacd-boot:eth0:none"
# boot NAME CMDLINE...
boot() {
	local name=$1
	shift
	boot_vm "$name" "$W/initrd.img" \
	    "console=ttyS0 panic=-1 $QUIET mitigations=off root=/dev/nvme0n1 ro $NET_IP rd.shell=0 $*"
}
t0=$(now)
rc=0
boot root "stacd.timeout=60" || rc=$?
t_boot=$(elapsed "$t0")
LOG=$W/root.log
if [ $rc = 124 ]; then
	nok "boot: timed out after ${TIMEOUT}s"
elif [ $rc != 0 ]; then
	nok "boot: qemu exited with status $rc"
	sed 's/^/# qemu: /' "$LOG.qemu"
fi
vm_lines "$LOG"
if grep -q '^STACD-BOOT: /sbin/init' "$LOG"; then
	ok "boot: the root on NVMe/TCP was mounted and its /sbin/init ran"
else
	nok "boot: the root on NVMe/TCP was mounted and its /sbin/init ran"
fi
boot_check "boot: stacd started when the network came up" '^stacd: started \(pid [0-9]+\) when eth0 came up'
boot_check "boot: said what it waits for" '^stacd: waiting up to 60 s \(stacd.timeout=\) for the root device /dev/nvme0n1 over NVMe-oF'
boot_check "boot: saw the root device" '^stacd: root device /dev/nvme0n1 is there after [0-9.]+ s'
grep -E '^stacd:' "$LOG" | sed 's/^/# initramfs: /' || true
if ! grep -qx VM-DONE "$LOG"; then
	nok "boot: reached VM-DONE"
	echo "# last lines of $LOG:"
	tail -n 25 "$LOG" | sed 's/^/#   /'
fi
printf '# boot 1 (root on NVMe/TCP): %.1f s of %s, kernel %s\n' "$t_boot" "${STACD_VM_ACCEL:-tcg}" "$KVER"

# ---------------------------------------------------------------- 2: target unreachable
# No port (stacdtest.target=off), stacd.timeout=5, rd.retry=8: stacd's
# finished hook must say what it waits for, give up after 5 s and list
# the controller it tried; dracut then waits on and fails as usual
# (rd.shell=0: no shell, init exits, panic=-1 reboots, QEMU ends).
t0=$(now)
rc=0
boot unreachable "stacd.timeout=5 rd.retry=8 stacdtest.target=off" || rc=$?
t_boot2=$(elapsed "$t0")
LOG=$W/unreachable.log
vm_lines "$LOG"
if [ $rc = 0 ]; then
	ok "unreachable: QEMU ended by itself (dracut failed, panic=-1)"
else
	nok "unreachable: QEMU ended by itself (dracut failed, panic=-1): status $rc"
fi
W_RE="^stacd: waiting up to 5 s \(stacd.timeout=\) for the root device /dev/nvme0n1 over NVMe-oF"
G_RE="^stacd: gave up waiting for the root device /dev/nvme0n1 after 5 s; stacd keeps trying"
boot_check "unreachable: says what it waits for, and how long" "$W_RE"
boot_check "unreachable: gives up after stacd.timeout=5" "$G_RE"
boot_check "unreachable: lists the configured controller" "^stacd:   controller=transport=tcp;traddr=$ADDR;trsvcid=$PORT;nqn=$NQN"
boot_check "unreachable: and why it failed" "^stacd:   .*$ADDR.*connect failed"
boot_check "unreachable: dracut then waits and fails as usual" "Could not boot"
boot_before "unreachable: in that order" "$G_RE" "Could not boot"
boot_check "unreachable: naming the root device" '/dev/nvme0n1"? does not exist'
if grep -q '^STACD-BOOT: /sbin/init' "$LOG"; then
	nok "unreachable: no root was mounted"
else
	ok "unreachable: no root was mounted"
fi
echo "# unreachable target, as the console shows it:"
grep -E '^stacd:|does not exist|Could not boot|has failed' "$LOG" | sed 's/^/#   /'
printf '# boot 2 (target unreachable, stacd.timeout=5 rd.retry=8): %.1f s\n' "$t_boot2"
# ---------------------------------------------------------------- 3: the NBFT, no ip=
# The firmware's NBFT (-acpitable) names the root's subsystem on the
# NIC's own address (as boot.sh's: a controller bound to the NIC reaches
# a local address of the NIC, not 127.0.0.1) and the HFI that reaches it
# (the NIC's MAC, 192.0.2.2/24, static).  No ip= and no controller= in
# stacd.conf: stacd's cmdline hook turns the HFI into ifname=nbft1:MAC
# and ip= (stacd --boot-network=dracut) for dracut's network module.
NICADDR=$NICIP/24
# shellcheck disable=SC2034 # boot-lib.sh reads it
NBFT_ADDR=$NICIP
boot_nbft
boot_sysroot nbft
boot_rootfs "INITRAMFS=dracut NICADDR=$NICADDR MAC=$MAC"
mkdracut "$W/initrd-nbft.img" base rootfs-block network-legacy stacd stacd-test || exit 1
t0=$(now)
rc=0
boot_vm nbft "$W/initrd-nbft.img" \
    "console=ttyS0 panic=-1 $QUIET mitigations=off root=/dev/nvme0n1 ro rd.shell=0 stacd.timeout=60 stacdtest.source=nbft stacdtest.addr=$NICIP" \
    -acpitable "file=$W/nbft.bin" || rc=$?
t_boot3=$(elapsed "$t0")
LOG=$W/nbft.log
[ $rc = 0 ] || nok "nbft: qemu exited with status $rc"
vm_lines "$LOG"
boot_check "nbft: no ip=: the HFI became ifname= and ip= for dracut" \
    "^stacd: network from the NBFT: ip=$NICIP:::255\.255\.255\.0::nbft1:none\$"
boot_check "nbft: the root on NVMe/TCP was mounted and its /sbin/init ran" '^STACD-BOOT: /sbin/init'
boot_check "nbft: reached VM-DONE" '^VM-DONE$'
grep -E '^stacd:' "$LOG" | sed 's/^/# initramfs: /' || true
printf '# boot 3 (the NBFT, no ip=): %.1f s\n' "$t_boot3"

printf '# vm: boot-dracut: rootfs %.1fs, initramfs %.1fs, boots %.1fs + %.1fs + %.1fs (%s, %s, dracut %s)\n' \
    "$t_rootfs" "$t_initrd" "$t_boot" "$t_boot2" "$t_boot3" "${STACD_VM_ACCEL:-tcg}" "$KVER" "$DRACUT_VERSION"
echo "# vm: boot-dracut: $N_OK ok, $N_FAIL not ok"
[ $N_OK -gt 0 ] && [ $N_FAIL = 0 ]

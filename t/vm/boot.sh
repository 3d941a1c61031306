#!/bin/bash
# t/vm/boot.sh - boot a VM whose root file system is on NVMe/TCP, through
# an initramfs built by Debian's mkinitramfs with stacd's initramfs-tools
# files (etc/initramfs-tools), and check the hand-over to the booted
# system's stacd.
#
# usage: t/vm/boot.sh [-t TIMEOUT_S] [-d]
#
#   -t TIMEOUT_S  the bound of each boot (default 150)
#   -d            demo: the consoles are shown as they go, without "quiet"
#                 (make boot-demo is the two-VM t/vm/boot-demo.sh)
#
# One VM, three boots of the same images:
#   1. the root: a virtio disk holds an ext4 image (busybox, stacd.static,
#      t/vm/boot-init.sh as /sbin/init); a test-only init-premount script
#      (t/vm/boot-target.sh) exports it with nvmet in the same kernel on
#      127.0.0.1:4420; stacd's local-top script starts stacd, which
#      connects it from the boot source (STACD_BOOT_SOURCE, below), and
#      root=/dev/nvme0n1 is mounted over NVMe/TCP; /sbin/init checks the
#      controller, its owner in /run/nvme/registry and the hand-over to
#      the booted system's stacd (its "ok"/"not ok" lines are printed
#      here);
#   2. the target unreachable (no port, stacd.timeout=10), same source:
#      the initramfs must say what it waits for, give up after 10 s, list
#      the controllers it tried, and let initramfs-tools fail as usual
#      (panic=-1 reboots, which ends QEMU);
#   3. as 1, with the other of the nbft and discover sources (none after
#      conf).
# Also printed as "#" lines: kernel start to root mounted (per source),
# the initramfs size with and without stacd's files.
#
# The initramfs is built by `mkinitramfs -d CONFDIR -o OUT KVER` with a
# private copy of /etc/initramfs-tools (MODULES=list): the build machine's
# configuration is not touched.  stacd's hook takes /etc/stas and
# /etc/nvme from a private tree (STACD_INITRAMFS_ROOT) and the binary
# from ./stacd.static (STACD_INITRAMFS_BIN).
#
# Where the boot controller comes from is one switch, STACD_BOOT_SOURCE
# (boot_source, t/vm/boot-lib.sh; boots 1 and 2):
#   nbft (default)  an ACPI NBFT (made by build/mknbft from a description
#                   written here: the test's host NQN/ID, an HFI with the
#                   NIC's MAC and ip='s address, a subsystem namespace
#                   descriptor for the root) given to QEMU with
#                   -acpitable; stacd.conf names no controller; owner nbft;
#   discover        rd.nvmf.discover=tcp,127.0.0.1,,4420 on the kernel
#                   command line: a discovery controller (nvme0, so the
#                   root is /dev/nvme1n1) whose log page lists the root's
#                   subsystem; no controller= either; owner rd.nvmf;
#   conf            a controller= entry of stacd.conf; owner stas.
# The booted system's stacd reads the same stacd.conf, NBFT and command
# line.
#
# Environment: STACD_BOOT_SOURCE (above), STACD_VM_MKNBFT (the NBFT
# generator, default build/mknbft, made here), STACD_VM_KERNEL,
# STACD_VM_KVER, STACD_VM_ACCEL (common.sh).
# Exit status: 0 if all passed, 77 (with a SKIP line) when a tool or the
# kernel is missing, 1 otherwise.
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

# skip, ok, nok, vm_lines, now, elapsed, the boot_* steps; NQN ADDR PORT
# HOSTNQN HOSTID MAC.
# shellcheck disable=SC2034 # boot-lib.sh reads it
BOOT_NAME=boot
. "$VM_SRC/boot-lib.sh"
W=$VM_BUILD/boot

# ---------------------------------------------------------------- prerequisites
boot_prereqs
boot_mkinitramfs_prereqs

rm -rf "$W"
mkdir -p "$W"

# ---------------------------------------------------------------- boot controller source
# SRC1: the source of boots 1 and 2 (STACD_BOOT_SOURCE); SRC3: boot 3's,
# the other one of nbft and discover (none after conf: its stacd.conf
# names the controller).
SRC1=${STACD_BOOT_SOURCE:-nbft}
case $SRC1 in
conf) SRC3= ;;
nbft) SRC3=discover ;;
discover) SRC3=nbft ;;
*) echo "boot.sh: STACD_BOOT_SOURCE must be nbft, discover or conf" >&2; exit 2 ;;
esac
# The NBFT (boot_nbft): the test's host identity, one HFI (the NIC's MAC,
# the address of ip= below) and one subsystem namespace descriptor.
# shellcheck disable=SC2034 # boot-lib.sh reads NICADDR and NBFT_ADDR
NICADDR=127.0.0.2/8
# The NBFT's subsystem is at the HFI's own address, 127.0.0.2, not
# 127.0.0.1: stacd binds the controller to the NIC with that MAC
# (host-iface=), and the kernel refuses a connect to 127.0.0.1 through a
# non-loopback device (EINVAL, "failed to connect socket: -22"), while a
# local address of the NIC itself is reached through it.
# stacdtest.addr= puts the target's port there (boot_source).
# shellcheck disable=SC2034
NBFT_ADDR=127.0.0.2
case " $SRC1 $SRC3 " in
*" nbft "*) boot_nbft ;;
esac

# ---------------------------------------------------------------- the system's /etc
# One stacd.conf and host identity, for the initramfs (through the hook)
# and for the root file system alike: a controller= entry for conf only.
boot_sysroot "$SRC1"

# ---------------------------------------------------------------- the root file system
t0=$(now)
boot_rootfs "MAC=$MAC"
t_rootfs=$(elapsed "$t0")

# ---------------------------------------------------------------- the initramfs
boot_confdir "$W/confdir" 1 1
boot_confdir "$W/confdir-without" 0 1
t0=$(now)
boot_mkinitramfs "$W/confdir" "$W/initrd.img" || exit 1
t_initrd=$(elapsed "$t0")
grep -v '^$' "$W/initrd.img.log" | sed 's/^/# mkinitramfs: /' || true
boot_mkinitramfs "$W/confdir-without" "$W/initrd-without.img" || exit 1

# The sizes: compressed (what the boot loader loads), unpacked, and the
# files that stacd's hook and scripts add.
# unpack IMAGE DIR: "BYTES PATH" of every file of IMAGE, by path.
unpack() {
	rm -rf "$2"; mkdir -p "$2"
	unmkinitramfs "$1" "$2" >/dev/null 2>&1 || return 1
	# %i: busybox's applets are hard links, counted once below
	(cd "$2" && find . -type f -printf '%s %P %i\n' | sort -k 2)
}
s_with=$(stat -c %s "$W/initrd.img")
s_without=$(stat -c %s "$W/initrd-without.img")
compress=$(sed -n 's/^COMPRESS=//p' "$W/confdir/initramfs.conf" | tail -n 1)
echo "# initramfs ($KVER, MODULES=list, COMPRESS=${compress:-default}): $s_with bytes with stacd, $s_without without: stacd adds $((s_with - s_without)) bytes"
if command -v unmkinitramfs >/dev/null 2>&1 &&
    unpack "$W/initrd.img" "$W/unpacked" > "$W/files-with" &&
    unpack "$W/initrd-without.img" "$W/unpacked-without" > "$W/files-without"; then
	u_with=$(awk '!seen[$3]++ { n += $1 } END { print n }' "$W/files-with")
	u_without=$(awk '!seen[$3]++ { n += $1 } END { print n }' "$W/files-without")
	echo "# unpacked: $u_with bytes with stacd, $u_without without: stacd adds $((u_with - u_without)) bytes:"
	# The files only in the image with stacd, the largest first.
	awk 'NR == FNR { had[$2] = 1; next } !($2 in had) { print $1, $2 }' \
	    "$W/files-without" "$W/files-with" | sort -rn |
	    awk '{ printf "#   %8d %s\n", $1, $2 }'
	rm -rf "$W/unpacked" "$W/unpacked-without"
fi
if [ -e /usr/share/initramfs-tools/hooks/stacd ]; then
	echo "# note: stacd's initramfs-tools files are installed on this host (/usr/share/initramfs-tools): the image without stacd has them too"
fi
lsinitramfs "$W/initrd.img" > "$W/initrd.list" 2>/dev/null || true
for f in usr/sbin/stacd etc/stas/stacd.conf etc/nvme/hostnqn etc/nvme/hostid \
    scripts/local-top/stacd scripts/init-bottom/stacd; do
	if grep -qx "$f" "$W/initrd.list"; then
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

# ---------------------------------------------------------------- boots
# An ELF vmlinux boots through QEMU's PVH entry; the NBFT of -acpitable
# reaches it as it reaches /boot/vmlinuz (SeaBIOS loads QEMU's ACPI tables
# either way): /sys/firmware/acpi/tables/NBFT, "ACPI: NBFT" in dmesg.
echo "# kernel: $KERNEL"
QUIET=quiet
[ $DEMO = 0 ] || QUIET=
# The network of ip= (not with the NBFT, whose HFI says the same): a NIC
# on a QEMU hub with nothing else on it (no packet leaves QEMU), given an
# address of the loopback range, so that scripts/local-top/stacd's
# configure_networking has work to do.
IP_PARAM="ip=127.0.0.2::0.0.0.0:255.0.0.0:stacd-boot::off"
# boot NAME CMDLINE...: one boot, the console in $W/NAME.log.
boot() {
	local name=$1
	shift
	boot_vm "$name" "$W/initrd.img" \
	    "console=ttyS0 panic=-1 $QUIET mitigations=off noresume root=$ROOTDEV ro $NET_IP $CMDLINE_EXTRA $*" \
	    ${QEMU_EXTRA[@]+"${QEMU_EXTRA[@]}"}
}
# root_boot N SRC: boot N, the root on NVMe/TCP with the controller from
# SRC; /sbin/init's checks; the time from kernel start to root mounted
# in T_ROOT_<SRC>.
root_boot() {
	local n=$1 src=$2 rc=0 t0 t line up
	boot_source "$src"
	t0=$(now)
	boot "root-$src" "stacd.timeout=60" || rc=$?
	t=$(elapsed "$t0")
	LOG=$W/root-$src.log
	if [ $rc = 124 ]; then
		nok "boot $n ($src): timed out after ${TIMEOUT}s"
	elif [ $rc != 0 ]; then
		nok "boot $n ($src): qemu exited with status $rc"
		sed 's/^/# qemu: /' "$LOG.qemu"
	fi
	vm_lines "$LOG"
	if grep -q '^STACD-BOOT: /sbin/init' "$LOG"; then
		ok "boot $n ($src): the root on NVMe/TCP was mounted and its /sbin/init ran"
	else
		nok "boot $n ($src): the root on NVMe/TCP was mounted and its /sbin/init ran"
	fi
	# No ip=: /sbin/init's checks of the NIC's address and /run/net-*.conf
	# show the network is up; this, that it came from the NBFT's HFI.
	[ "$src" != nbft ] || boot_check "boot $n ($src): no ip=: the network came from the NBFT's HFI" \
	    '^stacd: network from the NBFT: ip=127\.0\.0\.2:::255\.0\.0\.0::[a-z0-9]+:none$'
	line=$(grep -m1 '^stacd: root device' "$LOG" || true)
	[ -z "$line" ] || echo "# initramfs: $line"
	if ! grep -qx VM-DONE "$LOG"; then
		nok "boot $n ($src): reached VM-DONE"
		echo "# last lines of $LOG:"
		tail -n 25 "$LOG" | sed 's/^/#   /'
	fi
	up=$(sed -n 's/^STACD-BOOT: \/sbin\/init of the NVMe\/TCP root, up \([0-9.]*\) s$/\1/p' "$LOG" | head -n 1)
	eval "T_ROOT_$src=\${up:-?}"
	printf '# boot %s (root on NVMe/TCP, %s): %.1f s of %s, kernel %s; kernel start to root mounted: %s s\n' \
	    "$n" "$src" "$t" "${STACD_VM_ACCEL:-tcg}" "$KVER" "${up:-?}"
	eval "T_BOOT_$n=$t"
}
T_BOOT_3=0
root_boot 1 "$SRC1"

# ---------------------------------------------------------------- 2: target unreachable
boot_source "$SRC1"
t0=$(now)
rc=0
boot unreachable "stacd.timeout=10 stacdtest.target=off" || rc=$?
t_boot2=$(elapsed "$t0")
LOG=$W/unreachable.log
vm_lines "$LOG"
if [ $rc = 0 ]; then
	ok "unreachable: QEMU ended by itself (initramfs-tools' panic with panic=-1)"
else
	nok "unreachable: QEMU ended by itself (initramfs-tools' panic with panic=-1): status $rc"
fi
W_RE="^stacd: waiting up to 10 s \(stacd.timeout=\) for the root device $ROOTDEV over NVMe-oF"
G_RE="^stacd: gave up waiting for the root device $ROOTDEV after 10 s"
boot_check "unreachable: says what it waits for, and how long" "$W_RE"
boot_check "unreachable: gives up after stacd.timeout=10" "$G_RE"
if [ "$SRC1" = discover ]; then
	boot_check "unreachable: lists the discovery controller of rd.nvmf.discover=" \
	    "^stacd:   discovery controller=transport=tcp;traddr=$ADDR;trsvcid=$PORT;nqn=nqn.2014-08.org.nvmexpress.discovery \\(cmdline"
else
	boot_check "unreachable: lists the configured controller${SRC1:+ ($SRC1)}" "^stacd:   controller=transport=tcp;traddr=$TADDR;trsvcid=$PORT;nqn=$NQN"
fi
boot_check "unreachable: and why it failed" "^stacd:   .*$TADDR.*connect failed"
boot_check "unreachable: initramfs-tools then waits and fails as usual" "Gave up waiting for root file system device"
boot_before "unreachable: in that order" "$G_RE" "Gave up waiting for root file system device"
boot_check "unreachable: naming the root device" "ALERT!  $ROOTDEV does not exist"
if grep -q '^STACD-BOOT: /sbin/init' "$LOG"; then
	nok "unreachable: no root was mounted"
else
	ok "unreachable: no root was mounted"
fi
echo "# unreachable target, as the console shows it:"
grep -E '^stacd:|Gave up|ALERT|Rebooting' "$LOG" | sed 's/^/#   /'
printf '# boot 2 (target unreachable, stacd.timeout=10): %.1f s\n' "$t_boot2"
# ---------------------------------------------------------------- 3: the other source
if [ -n "$SRC3" ]; then
	root_boot 3 "$SRC3"
fi
for src in $SRC1 $SRC3; do
	eval "printf '# kernel start to root mounted (%s): %s s\n' $src \"\$T_ROOT_$src\""
done
printf '# vm: boot: rootfs %.1fs, initramfs %.1fs, boots %.1fs + %.1fs + %.1fs (%s, %s)\n' \
    "$t_rootfs" "$t_initrd" "$T_BOOT_1" "$t_boot2" "$T_BOOT_3" "${STACD_VM_ACCEL:-tcg}" "$KVER"
echo "# vm: boot: $N_OK ok, $N_FAIL not ok"
[ $N_OK -gt 0 ] && [ $N_FAIL = 0 ]

#!/bin/bash
# t/vm/run.sh - run one VM test scenario against the real kernel in QEMU.
#
# usage: t/vm/run.sh [-t TIMEOUT_S] [-d] SCENARIO
#
#   -t TIMEOUT_S  kill the VM after this many seconds (default 120)
#   -d            build the image with D-Bus
#
# A scenario can state what its image needs in header lines:
#   # vm: dbus                 same as -d
#   # vm: file SRC:/DEST       copy SRC (relative to the repo top) into the image
#   # vm: kernel SERIES        boot the newest kernel of SERIES (6.1, 6.12);
#                              STACD_VM_KERNEL overrides it (see common.sh)
#   # vm: modules M...         more modules loaded at boot, with their deps
#   # vm: program /PATH...     host programs to ship with their libraries
#   # vm: debs PKG...          Debian packages whose programs to ship with
#                              their libraries, unpacked, not installed
#                              (debs.sh); when they cannot be had, the
#                              image goes without them and a "# vm: ...
#                              SKIP" line says why: the scenario must
#                              check for them
#
# Builds build/vm/NAME.cpio.gz with stacd from $STACD_VM_STACD, else
# ./stacd.static if it exists, else a placeholder; boots it with the serial
# console captured in build/vm/NAME.log; prints the log's "ok", "not ok"
# and "#" lines.
# Exit status: 0 if there was at least one "ok", no "not ok", and the VM
# reached VM-DONE; 77 (with a SKIP line) if QEMU or a kernel is missing;
# 1 otherwise.
set -euo pipefail

. "$(dirname "$0")/common.sh"

TIMEOUT=120
DBUS=
while getopts t:dh opt; do
	case $opt in
	t) TIMEOUT=$OPTARG ;;
	d) DBUS=--dbus ;;
	*) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 1 ] || { echo "usage: $0 [-t TIMEOUT_S] [-d] SCENARIO" >&2; exit 2; }
SCENARIO=$1
NAME=$(basename "$SCENARIO" .sh)
[ -f "$SCENARIO" ] || { echo "run.sh: no scenario $SCENARIO" >&2; exit 2; }
grep '^# vm: dbus' "$SCENARIO" >/dev/null && DBUS=--dbus
EXTRA=()
while read -r _ _ _ spec; do
	case "$spec" in
	/*) EXTRA+=("$spec") ;;
	*) EXTRA+=("$VM_TOP/$spec") ;;
	esac
done < <(grep '^# vm: file ' "$SCENARIO" || true)
WANT_KERNEL=$(sed -n 's/^# vm: kernel  *\([^ ]*\).*/\1/p' "$SCENARIO" | tail -n 1)
MKINITRD_OPTS=()
# shellcheck disable=SC2013 # words, not lines
for m in $(sed -n 's/^# vm: modules //p' "$SCENARIO"); do MKINITRD_OPTS+=(-m "$m"); done
# shellcheck disable=SC2013
for p in $(sed -n 's/^# vm: program //p' "$SCENARIO"); do MKINITRD_OPTS+=(-b "$p"); done
DEBS=$(sed -n 's/^# vm: debs //p' "$SCENARIO" | tr '\n' ' ')

skip() {
	echo "SKIP: vm tier: $*"
	exit 77
}
now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }

# ---------------------------------------------------------------- prerequisites
QEMU=$(command -v qemu-system-x86_64 || true)
[ -n "$QEMU" ] || skip "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
want=${STACD_VM_KERNEL:-$WANT_KERNEL}
KVER=$(vm_kver "$WANT_KERNEL") || skip "no /boot/vmlinuz-${want:-*}* with modules in /lib/modules (as root: sh t/deps.sh)"
[ -r "/boot/vmlinuz-$KVER" ] || skip "/boot/vmlinuz-$KVER is missing or not readable by $(id -un)"
for tool in busybox cpio modprobe depmod bc; do
	command -v $tool >/dev/null 2>&1 ||
	    skip "$tool not installed (apt-get install busybox-static cpio kmod bc)"
done
# kvm_pvm (a software KVM) cannot run a stock kernel: TCG is the default.
# shellcheck disable=SC2054 # the commas belong to -accel's value
case "${STACD_VM_ACCEL:-tcg}" in
tcg) ACCEL=(-accel tcg,thread=multi -cpu max) ;;
kvm) ACCEL=(-accel kvm -cpu host) ;;
*) echo "run.sh: STACD_VM_ACCEL must be tcg or kvm" >&2; exit 2 ;;
esac

# ---------------------------------------------------------------- image
STACD=${STACD_VM_STACD:-$VM_TOP/stacd.static}
if [ ! -f "$STACD" ]; then
	echo "# vm: $NAME: no $STACD (make static): using a placeholder stacd"
	STACD=-
fi
IMAGE=$VM_BUILD/$NAME.cpio.gz
LOG=$VM_BUILD/$NAME.log
mkdir -p "$VM_BUILD"
if [ -n "${DEBS// /}" ]; then
	# shellcheck disable=SC2086 # a list of package names
	if root=$("$VM_SRC/debs.sh" $DEBS 2>"$VM_BUILD/$NAME.debs.err"); then
		MKINITRD_OPTS+=(-r "$root")
	else
		echo "# vm: $NAME: SKIP: the image goes without the packages ${DEBS% }:" \
		    "$(tr '\n' ' ' < "$VM_BUILD/$NAME.debs.err")"
	fi
	rm -f "$VM_BUILD/$NAME.debs.err"
fi
t0=$(now)
"$VM_SRC/mkinitrd.sh" $DBUS -k "$KVER" ${MKINITRD_OPTS[@]+"${MKINITRD_OPTS[@]}"} "$IMAGE" "$STACD" "$SCENARIO" ${EXTRA[@]+"${EXTRA[@]}"}
t_image=$(elapsed "$t0")
KERNEL=$(vm_vmlinux "$KVER")

# ---------------------------------------------------------------- boot
# quiet: every console byte is an emulated UART write; the kernel log
# stays available to /init's dmesg dump.  mitigations=off: speculation
# workarounds only cost time under TCG.
t0=$(now)
rc=0
timeout "$TIMEOUT" "$QEMU" "${ACCEL[@]}" -smp 2 -m 512M \
	-nodefaults -no-reboot -display none -monitor none \
	-serial "file:$LOG" \
	-kernel "$KERNEL" -initrd "$IMAGE" \
	-append "console=ttyS0 panic=-1 quiet mitigations=off" \
	</dev/null >"$LOG.qemu" 2>&1 || rc=$?
t_boot=$(elapsed "$t0")

# ---------------------------------------------------------------- verdict
# The guest's tty turns \n into \r\n.
tr -d '\r' < "$LOG" | grep -E '^(ok|not ok)( |$)|^#' || true
n_ok=$(tr -d '\r' < "$LOG" | grep -cE '^ok( |$)' || true)
n_fail=$(tr -d '\r' < "$LOG" | grep -cE '^not ok( |$)' || true)
done=0
tr -d '\r' < "$LOG" | grep -x 'VM-DONE' >/dev/null && done=1

if [ $rc = 124 ]; then
	echo "not ok - vm: $NAME: timed out after ${TIMEOUT}s"
	n_fail=$((n_fail + 1))
elif [ $rc != 0 ]; then
	echo "not ok - vm: $NAME: qemu exited with status $rc"
	sed 's/^/# qemu: /' "$LOG.qemu"
	n_fail=$((n_fail + 1))
fi
if [ $done = 0 ]; then
	echo "# vm: $NAME: no VM-DONE; last lines of $LOG:"
	tr -d '\r' < "$LOG" | tail -n 15 | sed 's/^/#   /'
fi
printf '# vm: %s: %d ok, %d not ok; image %.1fs, boot+scenario %.1fs (%s, %s)\n' \
    "$NAME" "$n_ok" "$n_fail" "$t_image" "$t_boot" "${STACD_VM_ACCEL:-tcg}" "$KVER"
[ "$n_ok" -gt 0 ] && [ "$n_fail" = 0 ] && [ $done = 1 ]

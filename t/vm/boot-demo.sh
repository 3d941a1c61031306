#!/bin/bash
# t/vm/boot-demo.sh - make boot-demo: a diskless VM boots from NVMe/TCP
# exported by another VM, through an initramfs built by Debian's
# mkinitramfs with stacd's initramfs-tools files (etc/initramfs-tools).
#
# usage: t/vm/boot-demo.sh [-t TIMEOUT_S] [-s SOURCE]
#
#   -t TIMEOUT_S  the bound of the demo's VMs (default 300)
#   -s SOURCE     where VM B learns its boot controller: nbft (default,
#                 or STACD_BOOT_SOURCE), discover or conf
#
# Two VMs on a QEMU socket network on 127.0.0.1 (-netdev socket: A
# listens on a free TCP port, or STACD_DEMO_NETPORT, B connects):
#   A  the target: Debian's kernel with the VM tier's image
#      (t/vm/mkinitrd.sh) whose scenario, t/vm/boot-demo-target.sh, puts
#      10.0.2.1/24 on its NIC and exports its virtio disk, the root file
#      system image that t/vm/boot.sh boots (busybox, stacd.static,
#      t/vm/boot-init.sh as /sbin/init), with nvmet-tcp on 10.0.2.1:4420;
#   B  the host, started once A's port is up: no disk; Debian's kernel
#      and an initramfs by `mkinitramfs -d CONFDIR` (a private copy of
#      /etc/initramfs-tools: the build machine's is not touched) with
#      stacd's hook and scripts; ip= gives its NIC 10.0.2.2/24.  stacd's
#      local-top script connects the boot controller from SOURCE:
#        nbft      an ACPI NBFT given to QEMU with -acpitable (made by
#                  build/mknbft: the host identity, an HFI with B's MAC
#                  and 10.0.2.2/24, a namespace descriptor for the root's
#                  subsystem at 10.0.2.1:4420);
#        discover  rd.nvmf.discover=tcp,10.0.2.1,,4420 on the command
#                  line (the discovery controller is nvme0, so the root
#                  is nvme1n1);
#        conf      a controller= entry of stacd.conf;
#      initramfs-tools mounts root= from the NVMe/TCP namespace and
#      switches to it; its /sbin/init prints the STACD-BOOT marker, checks
#      the hand-over and starts stacd again, which adopts the boot
#      connection (same nvmeN, no disconnect, a reader of the root device
#      never fails), then powers B off; A is stopped then.
# Shown as they go: both consoles, each line prefixed "A: " or "B: "
# (without "quiet" on B).  Then the "ok"/"not ok" lines, the time from
# B's kernel start to its root mounted, and a last line PASS or FAIL.
#
# Environment: STACD_BOOT_SOURCE, STACD_DEMO_NETPORT, STACD_VM_MKNBFT,
# STACD_VM_KERNEL, STACD_VM_KVER, STACD_VM_ACCEL (common.sh).
# Exit status: 0 on PASS, 77 (with a SKIP line) when a tool or the kernel
# is missing, 1 otherwise.
set -euo pipefail

. "$(dirname "$0")/common.sh"

TIMEOUT=300
SRC=${STACD_BOOT_SOURCE:-nbft}
while getopts t:s:h opt; do
	case $opt in
	t) TIMEOUT=$OPTARG ;;
	s) SRC=$OPTARG ;;
	*) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done
case $SRC in
nbft|discover|conf) ;;
*) echo "boot-demo.sh: the source must be nbft, discover or conf" >&2; exit 2 ;;
esac

# shellcheck disable=SC2034 # boot-lib.sh reads it
BOOT_NAME=boot-demo
. "$VM_SRC/boot-lib.sh"
W=$VM_BUILD/boot-demo
T_START=$(now)
# fail MESSAGE: the demo cannot go on.
fail() {
	nok "$1"
	echo "FAIL: boot-demo ($SRC): $1"
	exit 1
}

boot_prereqs timeout tail
boot_mkinitramfs_prereqs

# The private network, 10.0.2.0/24: A's NIC, the target's address (ADDR,
# also the NBFT's subsystem), and B's NIC (NICADDR, also the NBFT's HFI).
MAC_A=52:54:00:5a:c0:0a
ADDR=10.0.2.1
NICADDR=10.0.2.2/24
# shellcheck disable=SC2034 # boot-lib.sh reads it
NBFT_ADDR=$ADDR
# initramfs-tools' ip= (not with the NBFT, whose HFI says the same):
# static, no gateway, no device named (udev may rename it).
IP_PARAM="ip=${NICADDR%/*}::0.0.0.0:255.255.255.0:stacd-demo-b::off"

rm -rf "$W"
mkdir -p "$W"

# ---------------------------------------------------------------- the images
t0=$(now)
[ "$SRC" != nbft ] || boot_nbft
boot_sysroot "$SRC"
boot_rootfs "MAC=$MAC NICADDR=$NICADDR DISKLESS=1"
# B's initramfs: stacd's files, no target.
boot_confdir "$W/confdir" 1 0
boot_mkinitramfs "$W/confdir" "$W/initrd.img" || fail "B's initramfs (mkinitramfs)"
# A's image: the VM tier's, with the virtio drivers.
sed "s|@NQN@|$NQN|; s|@ADDR@|$ADDR|; s|@PORT@|$PORT|" \
    "$VM_SRC/boot-target.sh" > "$W/boot-target"
printf 'NQN=%s PORT=%s ADDR=%s/24 MAC=%s\n' "$NQN" "$PORT" "$ADDR" "$MAC_A" > "$W/target.conf"
"$VM_SRC/mkinitrd.sh" -k "$KVER" -m virtio_pci -m virtio_blk -m virtio_net \
    "$W/target.cpio.gz" - "$VM_SRC/boot-demo-target.sh" \
    "$W/boot-target:/vm/boot-target" "$W/target.conf:/vm/target.conf" \
    > "$W/target.cpio.gz.log" 2>&1 || {
	sed 's/^/#   /' "$W/target.cpio.gz.log"
	fail "A's image (t/vm/mkinitrd.sh)"
}
t_build=$(elapsed "$t0")
printf "# images: B's initramfs %d bytes (mkinitramfs, %s), A's %d bytes, root.img 24 MiB: %.1f s\n" \
    "$(stat -c %s "$W/initrd.img")" "$KVER" "$(stat -c %s "$W/target.cpio.gz")" "$t_build"

# ---------------------------------------------------------------- the network
# free_port: a TCP port of 127.0.0.1 that nothing listens on.
free_port() {
	local p tries=10
	while [ $tries -gt 0 ]; do
		p=$((20000 + RANDOM % 20000))
		# bash's /dev/tcp: the connect fails if nothing listens there.
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
		tries=$((tries - 1))
	done
	return 1
}
NETPORT=${STACD_DEMO_NETPORT:-$(free_port)} || fail "no free TCP port on 127.0.0.1"

# ---------------------------------------------------------------- the VMs
declare -A VM_PID SHOW_PID
# stop_vms: what is still running of the VMs (their timeout(1), which
# passes the signal on to QEMU) and of their console followers.
stop_vms() {
	local p
	for p in "${VM_PID[@]}" "${SHOW_PID[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
}
trap stop_vms EXIT
trap 'exit 1' INT TERM HUP
# vm_start NAME QEMU_ARG...: QEMU_CMD (boot_qemu) and the arguments in
# the background, the console in $W/NAME.raw, shown as it comes with
# "NAME: " in front of each line.
vm_start() {
	local name=$1
	shift
	echo "=== VM $name: ${QEMU_CMD[*]} $*" | sed "s|$VM_TOP/||g"
	# There from the start, so that tail follows it through inotify.
	: > "$W/$name.raw"
	"${QEMU_CMD[@]}" "$@" -serial "file:$W/$name.raw" </dev/null >"$W/$name.qemu" 2>&1 &
	VM_PID[$name]=$!
	# --pid: tail ends once the VM has (checked every 0.2 s).
	tail --pid="${VM_PID[$name]}" -s 0.2 -n +1 -f "$W/$name.raw" |
	    sed -u "s/\r\$//; s/^/$name: /" &
	SHOW_PID[$name]=$!
}
# vm_wait NAME: its QEMU's status (124: the TIMEOUT ran out), once its
# console is shown to the end; the console then in $W/NAME.log.
vm_wait() {
	local rc=0
	wait "${VM_PID[$1]}" || rc=$?
	wait "${SHOW_PID[$1]}" || true
	unset "VM_PID[$1]" "SHOW_PID[$1]"
	tr -d '\r' < "$W/$1.raw" > "$W/$1.log"
	return "$rc"
}
# console_has NAME PATTERN: NAME's console has a line matching PATTERN.
console_has() { tr -d '\r' < "$W/$1.raw" | grep -qE "$2"; }

# A: its disk is the root image (snapshot=on: nothing is written to it).
boot_qemu 1 "$W/target.cpio.gz" "console=ttyS0 panic=-1 quiet mitigations=off"
t_a=$(now)
# shellcheck disable=SC2054 # the commas belong to the values
vm_start A -drive "file=$W/root.img,if=virtio,format=raw,snapshot=on" \
    -netdev "socket,id=n0,listen=127.0.0.1:$NETPORT" \
    -device "virtio-net-pci,netdev=n0,mac=$MAC_A"
while ! console_has A '^TARGET-(READY|FAILED)$' && kill -0 "${VM_PID[A]}" 2>/dev/null; do
	sleep 0.5
done
t_ready=$(elapsed "$t_a")

rc_b=none
if console_has A '^TARGET-READY$'; then
	# B: no disk; the rest of the bound.
	boot_source "$SRC"
	TIMEOUT=$(printf '%.0f' "$(echo "$TIMEOUT - $t_ready" | bc)")
	[ "$TIMEOUT" -ge 1 ] || TIMEOUT=1
	boot_qemu 1 "$W/initrd.img" \
	    "console=ttyS0 panic=-1 mitigations=off noresume root=$ROOTDEV ro $NET_IP $CMDLINE_EXTRA stacd.timeout=60"
	t_b=$(now)
	# shellcheck disable=SC2054 # the commas belong to the values
	vm_start B -netdev "socket,id=n0,connect=127.0.0.1:$NETPORT" \
	    -device "virtio-net-pci,netdev=n0,mac=$MAC" \
	    ${QEMU_EXTRA[@]+"${QEMU_EXTRA[@]}"}
	rc_b=0
	vm_wait B || rc_b=$?
	t_boot_b=$(elapsed "$t_b")
fi
a_alive=0
if [ -n "${VM_PID[A]:-}" ] && kill -0 "${VM_PID[A]}" 2>/dev/null; then
	a_alive=1
	kill -TERM "${VM_PID[A]}"
fi
vm_wait A || true

# ---------------------------------------------------------------- results
echo "=== results ($SRC)"
echo "# VM A, the target:"
LOG=$W/A.log
vm_lines "$LOG"
boot_check "A: its target was up before B started" '^TARGET-READY$'
if [ "$rc_b" = none ]; then
	sed 's/^/# qemu A: /' "$W/A.qemu"
	echo "# last lines of $LOG:"
	tail -n 25 "$LOG" | sed 's/^/#   /'
else
	boot_check "A: VM B (${NICADDR%/*}) connected to $ADDR:$PORT across the socket network" \
	    "^# target: TCP connections to $ADDR:$PORT: (.*, )?${NICADDR%/*} x"
	if [ $a_alive = 1 ]; then
		ok "A: still serving when B was done"
	else
		nok "A: still serving when B was done"
		sed 's/^/# qemu A: /' "$W/A.qemu"
	fi
	echo "# VM B, the diskless host:"
	LOG=$W/B.log
	if [ "$rc_b" = 124 ]; then
		nok "B: timed out after ${TIMEOUT}s"
	elif [ "$rc_b" != 0 ]; then
		nok "B: qemu exited with status $rc_b"
		sed 's/^/# qemu B: /' "$W/B.qemu"
	fi
	vm_lines "$LOG"
	boot_check "B: the root on NVMe/TCP was mounted and its /sbin/init ran" '^STACD-BOOT: /sbin/init'
	boot_check "B: its initramfs's stacd saw the root device" "^stacd: root device $ROOTDEV is there after"
	boot_check "B: reached VM-DONE" '^VM-DONE$'
	grep -qx VM-DONE "$LOG" || { echo "# last lines of $LOG:"; tail -n 25 "$LOG" | sed 's/^/#   /'; }
fi
up=$(sed -n 's/^STACD-BOOT: \/sbin\/init of the NVMe\/TCP root, up \([0-9.]*\) s$/\1/p' "$W/B.log" 2>/dev/null | head -n 1 || true)
line=$(grep -m1 '^stacd: root device' "$W/B.log" 2>/dev/null || true)
[ -z "$line" ] || echo "# B's initramfs: $line"
if [ "$rc_b" = none ]; then
	echo "# B: not started"
else
	printf '# B (diskless, %s): kernel start to root mounted over NVMe/TCP: %s s; its boot %.1f s\n' \
	    "$SRC" "${up:-?}" "$t_boot_b"
fi
printf '# A: up to its target ready %.1f s; images %.1f s; wall %.1f s (%s, %s, 1 vCPU each)\n' \
    "$t_ready" "$t_build" "$(elapsed "$T_START")" "${STACD_VM_ACCEL:-tcg}" "$KVER"
if [ $N_OK -gt 0 ] && [ $N_FAIL = 0 ]; then
	echo "PASS: boot-demo ($SRC): diskless VM B booted from VM A's NVMe/TCP target, root mounted ${up:-?} s after its kernel started; $N_OK ok, 0 not ok"
	exit 0
fi
echo "FAIL: boot-demo ($SRC): $N_OK ok, $N_FAIL not ok (consoles in ${W#"$VM_TOP"/}/A.log, B.log)"
exit 1

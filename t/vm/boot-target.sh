#!/bin/sh
# t/vm/boot-target.sh - test only, never shipped: the NVMe/TCP target of
# the root-on-NVMe/TCP boot test (t/vm/boot.sh), inside the initramfs.
#
# boot.sh installs it, with @NQN@, @ADDR@ and @PORT@ filled in, as
# scripts/init-premount/stacd-test-target of its private initramfs-tools
# configuration directory.  init-premount runs before every local-top
# script, so the target is up before scripts/local-top/stacd starts
# stacd, whatever order tsort gives local-top scripts.  It exports the
# virtio disk (/dev/vda, holding the root file system image) through
# nvmet in this same kernel on @ADDR@:@PORT@; root=/dev/nvme0n1 then
# makes initramfs-tools mount the root over NVMe/TCP, not from vda.
#
# stacdtest.target=off on the kernel command line leaves the port out
# (the unreachable-target boot); stacdtest.addr=ADDR puts the port on
# ADDR instead of @ADDR@ (the NBFT boot: 127.0.0.2, the address ip=
# gives the NIC, for a controller bound to that NIC by host-iface; any
# 127/8 address is local from the start, so the port binds before ip=
# is configured).  Its lines follow the VM tier's output
# protocol ("# " diagnostics, "not ok - " failures; t/vm/lib.sh).
# shellcheck disable=SC3043 # local: dash, klibc sh and busybox sh have it

PREREQ=""
prereqs() { echo "$PREREQ"; }
case "${1:-}" in
prereqs) prereqs; exit 0 ;;
esac

NQN=@NQN@ ADDR=@ADDR@ PORT=@PORT@ DISK=/dev/vda
C=/sys/kernel/config/nvmet
mode=on
# shellcheck disable=SC2013 # words, not lines
for x in $(cat /proc/cmdline); do
	case "$x" in
	stacdtest.target=*) mode=${x#stacdtest.target=} ;;
	stacdtest.addr=*) ADDR=${x#stacdtest.addr=} ;;
	esac
done

fail() { echo "not ok - target: $*"; exit 0; }
put() { echo "$1" > "$2" 2>/dev/null || fail "cannot write '$1' to $2"; }
up() { local u r; read -r u r < /proc/uptime; echo "$u"; }

for m in configfs nvmet nvmet-tcp; do
	modprobe "$m" || fail "modprobe $m"
done
grep -q ' /sys/kernel/config ' /proc/mounts ||
    mount -t configfs configfs /sys/kernel/config || fail "mount configfs"
ip link set lo up || fail "ip link set lo up"
# dracut's NBFT boot puts the port on the NIC's address, which the
# network module configures only later: bind to it before it exists.
case "$ADDR" in
127.*) ;;
*) put 1 /proc/sys/net/ipv4/ip_nonlocal_bind ;;
esac

n=0
while [ ! -b $DISK ] && [ $n -lt 50 ]; do
	sleep 0.2
	n=$((n + 1))
done
[ -b $DISK ] || fail "no $DISK (virtio disk with the root file system)"

mkdir "$C/subsystems/$NQN" || fail "mkdir subsystem $NQN"
put 1 "$C/subsystems/$NQN/attr_allow_any_host"
mkdir "$C/subsystems/$NQN/namespaces/1" || fail "mkdir namespace"
put $DISK "$C/subsystems/$NQN/namespaces/1/device_path"
put 1 "$C/subsystems/$NQN/namespaces/1/enable"
if [ "$mode" = off ]; then
	echo "# target: $DISK in $NQN, no port (stacdtest.target=off), up $(up) s"
	exit 0
fi
mkdir "$C/ports/1" || fail "mkdir port"
put tcp "$C/ports/1/addr_trtype"
put ipv4 "$C/ports/1/addr_adrfam"
put "$ADDR" "$C/ports/1/addr_traddr"
put "$PORT" "$C/ports/1/addr_trsvcid"
ln -s "$C/subsystems/$NQN" "$C/ports/1/subsystems/$NQN" ||
    fail "cannot enable port $ADDR:$PORT"
echo "# target: $DISK exported as $NQN on $ADDR:$PORT, up $(up) s"
exit 0

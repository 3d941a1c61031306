#!/bin/sh
# t/vm/init.sh - /init of the VM test image (busybox ash, PID 1).
#
# Sets up the bare minimum a scenario needs, runs /vm/scenario.sh with
# lib.sh sourced, prints VM-DONE and powers off.  PID 1 must never exit
# (that panics the kernel), so the scenario runs in a subshell and
# everything here is best effort.  Output goes to the serial console,
# which run.sh captures; it reports only "ok", "not ok" and "#" lines.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
# Kernel messages would interleave with test output on the console; they
# stay readable with dmesg, which is dumped at the end.
echo 1 > /proc/sys/kernel/printk

# Boot problems become "not ok" lines, so run.sh fails loudly on them.
boot_fail() { echo "not ok - boot: $*"; }

KVER=$(cat /etc/vm-kver)
while read -r m; do
	out=$(insmod "/lib/modules/$KVER/$m" 2>&1) && continue
	case "$out" in
	*"File exists"*) ;;
	# CPU-accelerated variants depend on the emulated CPU; the generic
	# modules cover for them.
	*/arch/*|arch/*) echo "# insmod $m: $out" ;;
	*) boot_fail "insmod $m: $out" ;;
	esac
done < /etc/vm-modules

mount -t configfs configfs /sys/kernel/config ||
    grep -q ' /sys/kernel/config ' /proc/mounts || boot_fail "mount configfs"

ip link set lo up
# ::1 normally comes with lo, unless IPv6 is not ready yet; add it then.
ip -6 addr show dev lo | grep -q '::1/128' ||
    ip -6 addr add ::1/128 dev lo 2>/dev/null || boot_fail "no ::1 on lo"

# The fixed host identity the tests expect (always used as a pair).
mkdir -p /etc/nvme
echo nqn.2014-08.org.nvmexpress:uuid:0b7d3a4c-2b1e-4c55-9a86-3c1f2f0e9d11 > /etc/nvme/hostnqn
echo 0b7d3a4c-2b1e-4c55-9a86-3c1f2f0e9d11 > /etc/nvme/hostid

[ -c /dev/nvme-fabrics ] || boot_fail "no /dev/nvme-fabrics"
[ -d /sys/kernel/config/nvmet ] || boot_fail "no nvmet in configfs"

NAME=$(cat /vm/name)
echo "# vm: kernel $(uname -r), $(nproc) cpu(s), up $(cut -d' ' -f1 /proc/uptime)s, scenario $NAME"

(
	cd /tmp || true
	. /vm/lib.sh
	. /vm/scenario.sh
)
rc=$?
# A scenario that stops early must not pass just because nothing failed.
[ $rc = 0 ] || echo "not ok - scenario $NAME exited with status $rc"

echo "# vm: scenario finished at ${NAME}, up $(cut -d' ' -f1 /proc/uptime)s"
echo "--- dmesg (not part of the test output) ---"
dmesg | sed 's/^/dmesg: /'
echo VM-DONE
sync
poweroff -f
# poweroff -f should not return; if it does, keep PID 1 alive until the
# host side times out.
while :; do sleep 60; done

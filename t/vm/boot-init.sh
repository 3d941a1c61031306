#!/bin/sh
# t/vm/boot-init.sh - /sbin/init of the root file system that the boot
# test (t/vm/boot.sh) mounts over NVMe/TCP (busybox ash, PID 1).
#
# initramfs-tools has mounted /dev/nvme0n1 (nvmet exporting the virtio
# disk, connected by the initramfs's stacd) read-only on /, moved /run,
# /proc and /sys here, and udev's init-bottom moved /dev.  This checks
# that the root really is the NVMe/TCP namespace, that the initramfs's
# stacd handed over (stopped, left its connection up, wrote
# last-known-config and the registry), then starts the system's stacd
# with the same stacd.conf and checks that it adopts nvme0 without a
# disconnect while a reader of the root device runs.  Output follows the
# VM tier's protocol (t/vm/lib.sh); VM-DONE, then power off.  PID 1 must
# not exit: the checks run in a subshell.
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
	. /vm/boot.conf		# NQN ADDR PORT [INITRAMFS NICADDR], written by boot.sh
	STACD_LOG=/tmp/stacd.log

	diag "boot: kernel start to root mounted (/sbin/init started): $UP_AT_INIT s"
	root=$(awk '$2 == "/" { d = $1 } END { print d }' /proc/mounts)
	assert_eq "root file system mounted from /dev/nvme0n1" "$root" /dev/nvme0n1
	assert_eq "nvme0 is the only NVMe controller" "$(count_all)" 1
	assert_eq "nvme0 transport is tcp" "$(ctrl_attr nvme0 transport)" tcp
	assert_eq "nvme0 is live" "$(ctrl_attr nvme0 state)" live
	assert_eq "nvme0 is $NQN" "$(ctrl_attr nvme0 subsysnqn)" "$NQN"
	assert_match "nvme0 is at $ADDR:$PORT" "$(ctrl_attr nvme0 address)" \
	    "traddr=$ADDR,trsvcid=$PORT*"
	assert_eq "/dev/nvme0n1 is nvme0's namespace" "$(ns_devs nvme0)" /dev/nvme0n1
	assert_not "the virtio disk itself is not mounted" grep -q '^/dev/vda' /proc/mounts

	# ip= (boot.sh gives a NIC on an isolated QEMU hub 127.0.0.2/8):
	# configure_networking ran in the initramfs.  dracut's network
	# module (INITRAMFS=dracut, t/vm/boot-dracut.sh) leaves no file in
	# /run: there the address on the NIC is the evidence.
	if [ "${INITRAMFS:-initramfs-tools}" = initramfs-tools ]; then
		net=$(ls /run/net-*.conf 2>/dev/null | head -n 1)
		assert "ip= configured the network in the initramfs ($net)" \
		    grep -q "^IPV4ADDR='*127.0.0.2'*" "$net"
		diag "network: $(tr '\n' ' ' < "$net")"
	fi
	# dracut's ifup refuses an address of lo's 127/8: boot-dracut.sh
	# gives NICADDR (prefix included).
	nic=${NICADDR:-127.0.0.2/8}
	assert "the NIC has $nic" sh -c "ip -4 addr show | grep -q 'inet $nic '"

	# The hand-over, as the initramfs left it.
	running=$(for p in /proc/[0-9]*; do
		[ "$(cat "$p/comm" 2>/dev/null)" = stacd ] && echo "${p#/proc/}"
	done)
	assert_eq "the initramfs's stacd is gone (init-bottom stopped it)" "$running" ""
	assert "the initramfs's stacd log came along in /run/initramfs" \
	    grep -q "nvme0 - Connection established" /run/initramfs/stacd.log
	assert "it exited on SIGTERM, leaving the connection up" \
	    grep -q "exiting;.*connections left as they are" /run/initramfs/stacd.log
	assert "/run/stacd/last-known-config names $NQN" \
	    grep -q "$NQN" /run/stacd/last-known-config
	assert_eq "/run/nvme/registry: nvme0 is owned by stas" \
	    "$(cat /run/nvme/registry/nvme0/owner 2>/dev/null)" stas
	diag "--- the initramfs's stacd log ---"
	tr -c '\n -~' '?' < /run/initramfs/stacd.log | sed 's/^/# /'

	# The system's stacd: same stacd.conf, adopts nvme0.
	reader_start /dev/nvme0n1
	t0=$(uptime_s)
	stacd_start
	assert "the system's stacd adopts nvme0" \
	    wait_for 20 grep -q "nvme0 - adopted" $STACD_LOG
	diag "adopted $(echo "$(uptime_s) - $t0" | bc | sed 's/^\./0./') s after the start"
	assert "it read the initramfs's last-known-config" \
	    grep -q "1 controller owned before the restart" $STACD_LOG
	sleep 3
	assert_eq "still one controller: nothing connected twice" "$(count_all)" 1
	assert_eq "still nvme0, live" "$(ctrl_attr nvme0 state)" live
	assert_not "no connect and no disconnect by the system's stacd" \
	    grep -q "Connection established\|Disconnect initiated" $STACD_LOG
	assert "a reader of /dev/nvme0n1 never failed through the hand-over" \
	    [ ! -e /tmp/reader.died ]
	echo 3 > /proc/sys/vm/drop_caches
	assert "the root file system still reads (page cache dropped)" \
	    cmp -s /sbin/init /vm/init.copy
	kill $READER 2>/dev/null
	kill -TERM $STACD_PID
	wait $STACD_PID
	assert_eq "the system's stacd exits 0 on SIGTERM" $? 0
	show_log
)
rc=$?
[ $rc = 0 ] || echo "not ok - /sbin/init checks exited with status $rc"
echo "# boot: done, up $(cut -d' ' -f1 /proc/uptime) s"
echo VM-DONE
sync
poweroff -f
while :; do sleep 60; done

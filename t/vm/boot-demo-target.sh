# t/vm/boot-demo-target.sh - VM A of make boot-demo (t/vm/boot-demo.sh):
# shellcheck shell=sh
# the NVMe/TCP target that the diskless VM B boots from.  A scenario of
# the VM tier's image (t/vm/mkinitrd.sh; its /init, t/vm/init.sh, loads
# the modules, mounts configfs and sources lib.sh, then this).
#
# /vm/target.conf, written by boot-demo.sh, gives NQN, PORT, ADDR (with
# its prefix) and MAC (this VM's NIC).  This puts
# ADDR on the NIC with MAC, exports the virtio disk (the root file system
# image) as NQN on ADDR:PORT with /vm/boot-target (t/vm/boot-target.sh,
# the one-VM boot test's target), prints TARGET-READY (or TARGET-FAILED),
# then reports the TCP connections to the port as they come and go (so
# that boot-demo.sh sees VM B's address among them).  It
# never ends by itself: B's root is served until boot-demo.sh stops this
# VM.

. /vm/target.conf

nic=
for d in /sys/class/net/*; do
	[ "$(cat "$d/address" 2>/dev/null)" = "$MAC" ] && { nic=${d##*/}; break; }
done
assert "A: the NIC with MAC $MAC is ${nic:-missing}" [ -n "$nic" ] &&
    assert "A: $nic has $ADDR" sh -c "ip addr add $ADDR dev $nic && ip link set $nic up"
# The port binds to ADDR: it must be on the NIC first.
sh /vm/boot-target
if [ -L "$NVMET/ports/1/subsystems/$NQN" ]; then
	ok "A: its disk /dev/vda (the root file system image) is exported as $NQN on ${ADDR%/*}:$PORT"
	echo TARGET-READY
else
	not_ok "A: its disk /dev/vda exported as $NQN on ${ADDR%/*}:$PORT"
	echo TARGET-FAILED
fi

# peers: "ADDRESS xN" for each remote address with N established TCP
# connections to the port (one per queue of a controller).
peers() {
	netstat -tn 2>/dev/null |
	    awk -v l="${ADDR%/*}:$PORT" '$4 == l && $6 == "ESTABLISHED" { split($5, a, ":"); print a[1] }' |
	    sort | uniq -c | awk '{ printf "%s%s x%d", s, $2, $1; s = ", " }'
}
last=
while [ -L "$NVMET/ports/1/subsystems/$NQN" ]; do
	cur=$(peers)
	if [ "$cur" != "$last" ]; then
		diag "target: TCP connections to ${ADDR%/*}:$PORT: ${cur:-none}, up $(uptime_s) s"
		last=$cur
	fi
	sleep 1
done

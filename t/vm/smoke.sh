# t/vm/smoke.sh - proves the VM harness itself; stacd is not involved.
#
# nvmet exports one subsystem on 127.0.0.1:4420 and [::1]:4420; the host
# connects to both with nvmf-connect and we check what the kernel shows.

NQN=nqn.2014-08.org.example.stacd:smoke

# ---------------------------------------------------------------- kernel facts
# A fresh fd (no write) reads back the option tokens this kernel accepts.
opts=$(cat /dev/nvme-fabrics 2>&1)
assert_match "fresh /dev/nvme-fabrics fd lists the supported options" \
    "$opts" 'instance=-1,cntlid=-1,transport=%s,*'
diag "nvme-fabrics options: $opts"
for o in host_iface dhchap_secret tls; do
	case ",$opts," in
	*",$o,"*|*",$o=%"*) diag "option $o: supported" ;;
	*) diag "option $o: not supported" ;;
	esac
done
assert_eq "hostnqn file" "$(cat /etc/nvme/hostnqn)" \
    nqn.2014-08.org.nvmexpress:uuid:0b7d3a4c-2b1e-4c55-9a86-3c1f2f0e9d11
assert_eq "hostid file" "$(cat /etc/nvme/hostid)" 0b7d3a4c-2b1e-4c55-9a86-3c1f2f0e9d11
assert "wait_for succeeds at once on a true command" wait_for 0 true
assert_not "wait_for gives up on a false command" wait_for 0 false

# ---------------------------------------------------------------- target
assert "target: subsystem with a 16 MiB namespace" tgt_subsys $NQN 16
assert "target: port 1 on 127.0.0.1:4420" tgt_port 1 ipv4 127.0.0.1 4420
assert "target: port 2 on [::1]:4420" tgt_port 2 ipv6 ::1 4420
assert "target: subsystem linked to port 1" tgt_link 1 $NQN
assert "target: subsystem linked to port 2" tgt_link 2 $NQN

# ---------------------------------------------------------------- connect
c4=$(host_connect $NQN 127.0.0.1 4420 2>&1)
assert_match "connect over IPv4 gives a controller" "$c4" 'nvme[0-9]*'
c6=$(host_connect $NQN ::1 4420 2>&1)
assert_match "connect over IPv6 gives a controller" "$c6" 'nvme[0-9]*'

live() { [ "$(ctrl_attr "$1" state)" = live ]; }
for c in "$c4" "$c6"; do
	wait_for 10 live "$c"
	assert_eq "$c state is live" "$(ctrl_attr "$c" state 2>&1)" live
	assert_eq "$c transport is tcp" "$(ctrl_attr "$c" transport 2>&1)" tcp
	assert_eq "$c hostnqn is ours" "$(ctrl_attr "$c" hostnqn 2>&1)" "$HOSTNQN"
	assert_eq "$c hostid is ours" "$(ctrl_attr "$c" hostid 2>&1)" "$HOSTID"
	diag "$c address: $(ctrl_attr "$c" address)"
done
assert_match "IPv4 address attribute" "$(ctrl_attr "$c4" address 2>&1)" \
    'traddr=127.0.0.1,trsvcid=4420*'
assert_eq "ctrl_for finds the IPv4 controller" "$(ctrl_for $NQN 127.0.0.1 4420)" "$c4"
assert_eq "ctrl_for finds the IPv6 controller" "$(ctrl_for $NQN ::1 4420)" "$c6"
assert_not "ctrl_for fails for another trsvcid" ctrl_for $NQN 127.0.0.1 4421
assert_eq "ctrl_count sees both paths" "$(ctrl_count $NQN)" 2

# ---------------------------------------------------------------- namespace
has_ns() { [ -n "$(ns_devs "$1")" ]; }
assert "a namespace block device appears" wait_for 10 has_ns "$c4"
dev=$(ns_devs "$c4" | head -n 1)
diag "namespace of $c4: $dev"
assert "$dev is readable with dd" dd if="$dev" of=/tmp/ns.blk bs=4096 count=1
assert_match "$dev holds the target's data" "$(head -c 64 /tmp/ns.blk)" "$(ns_magic $NQN)*"

# ---------------------------------------------------------------- errors
assert_errno "duplicate connect fails with EALREADY" EALREADY \
    nvmf-connect "$(nvmf_opts $NQN 127.0.0.1 4420)"
assert_errno "unknown NQN fails with EIO" EIO \
    nvmf-connect "$(nvmf_opts nqn.2014-08.org.example.stacd:nosuch 127.0.0.1 4420)"
assert_errno "closed port fails with ECONNREFUSED" ECONNREFUSED \
    nvmf-connect "$(nvmf_opts $NQN 127.0.0.1 4421)"
two() { [ "$(ctrl_count $NQN)" = 2 ]; }
assert "failed connects leave no controller behind" wait_for 5 two

# ---------------------------------------------------------------- delete
gone() { [ ! -e "/sys/class/nvme/$1" ]; }
assert "delete_controller accepted for $c4" ctrl_delete "$c4"
assert "$c4 disappears" wait_for 10 gone "$c4"
assert_eq "one controller left" "$(ctrl_count $NQN)" 1
assert "$dev still readable over the IPv6 path" dd if="$dev" of=/dev/null bs=4096 count=1
assert "delete_controller accepted for $c6" ctrl_delete "$c6"
assert "$c6 disappears" wait_for 10 gone "$c6"
no_dev() { [ ! -b "$1" ]; }
assert "$dev disappears with the last path" wait_for 10 no_dev "$dev"

# ---------------------------------------------------------------- port down
assert "target: unlink port 1" tgt_unlink 1 $NQN
assert_errno "port 1 no longer listens" ECONNREFUSED \
    nvmf-connect "$(nvmf_opts $NQN 127.0.0.1 4420)"
assert_eq "no controller left" "$(ctrl_count $NQN)" 0

# t/vm/transports.sh - stacd over every transport Linux 6.12 has in one
# VM (loop, fc through nvme-fcloop, rdma through rdma_rxe, tcp), and
# DH-HMAC-CHAP against nvmet, in one boot.
# vm: kernel 6.12
# vm: modules nvme-loop nvme-fc nvmet-fc nvme-fcloop veth crc32_generic rdma_rxe nvme-rdma nvmet-rdma
# vm: program /usr/bin/rdma /usr/sbin/ip
#
# Every assertion is on kernel facts: /sys/class/nvme (transport, address,
# state, cntrltype, dhchap_secret), the namespaces read with O_DIRECT, and
# the target's own log (dmesg) for the connects that must fail; stacd's
# log is only checked for what it must say and must not say (secrets).
#
# The kernel runs one write to /dev/nvme-fabrics at a time, so the
# entries meant to fail come after those meant to connect.  The target
# has one host entry (stacd connects as the host NQN only), so its
# DH-HMAC-CHAP key changes between the stacd runs:
#   run 1  loop, fc, rdma; tcp with a secret (unidirectional), with both
#          secrets (bidirectional); a wrong secret (retried 3 s, then
#          60 s later), no secret where one is required; then (SIGHUP) a
#          wrong controller key
#   run 2  after a restart: loop, fc and rdma adopted; the [Host] key of
#          sys.conf (literal) used for the entry without a secret; then
#          SIGHUP without loop, fc and rdma: stacd disconnects them
#   run 3  the [Host] key as file://

P=nqn.2014-08.org.example.transports
L=$P:loop F=$P:fc R=$P:rdma
A1=$P:auth-uni A2=$P:auth-bi A3=$P:auth-badctrl A4=$P:auth-hostkey
A5=$P:auth-keyfile A6=$P:auth-wrong
# FC names: the host's port (fcloop local port) and the target's (fcloop
# target port, and the remote port the host sees it as).
H_WWNN=0x10000000c9a0a001 H_WWPN=0x20000000c9a0a001
T_WWNN=0x10000000c9a0b001 T_WWPN=0x20000000c9a0b001
FC_HOST=nn-$H_WWNN:pn-$H_WWPN FC_TGT=nn-$T_WWNN:pn-$T_WWPN
# RDMA: rxe on one end of a veth pair (rxe computes its ICRC with the
# crypto API's "crc32", which nothing loads by itself: crc32_generic is
# in the modules above); host and target share its address
# (rxe loops a packet for its own address back itself).  The VM has no
# network device besides these, so nothing leaves it.
RXE_ADDR=192.0.2.1

KH1=$(dhchap_secret) KC1=$(dhchap_secret) KC_BAD=$(dhchap_secret)
KH_BAD=$(dhchap_secret) KH2=$(dhchap_secret) KH3=$(dhchap_secret)
SECRETS="$KH1 $KC1 $KC_BAD $KH_BAD $KH2 $KH3"

# since T0: seconds from uptime T0 until now.
since() { awk -v t0="$1" '{ printf "%.1f", $1 - t0 }' /proc/uptime; }

# nvmet_ctrls NQN: the uptimes at which nvmet made a controller for NQN,
# one a line: each is one connect that reached the target.
nvmet_ctrls() {
	dmesg | awk -v s="subsystem $1 for NQN" 'index($0, s) {
		sub(/^\[ */, ""); sub(/\].*/, ""); print }'
}
n_attempts() { nvmet_ctrls "$1" | wc -l; }

# is_live NVMEN
is_live() { [ "$(ctrl_attr "$1" state 2>/dev/null)" = live ]; }

# check_ctrl TAG NQN TRANSPORT ADDRESS-GLOB: one controller for NQN, live,
# an I/O controller of that transport at that address, its namespace
# reading back what the target wrote.  Prints nothing; "ok" lines.
check_ctrl() {
	local tag=$1 nqn=$2 c
	assert "$tag: connected" wait_for 30 connected "$nqn" || return 1
	c=$(ctrl_for "$nqn" | head -n 1)
	assert "$tag: $c live" wait_for 15 is_live "$c"
	assert_eq "$tag: $c transport" "$(ctrl_attr "$c" transport)" "$3"
	assert_match "$tag: $c address" "$(ctrl_attr "$c" address)" "$4"
	assert_eq "$tag: $c cntrltype" "$(ctrl_attr "$c" cntrltype)" io
	assert_eq "$tag: $c host NQN" "$(ctrl_attr "$c" hostnqn)" "$HOSTNQN"
	assert "$tag: $c namespace reads back the target's data" \
	    wait_for 15 ns_reads "$nqn"
	diag "$tag: $c address '$(ctrl_attr "$c" address)'"
}

# no_secret_logged: no secret, nor any DHHC-1 text, in stacd's log.
no_secret_logged() {
	local k
	grep -q 'DHHC-1' $STACD_LOG && { echo "DHHC-1 in the log"; return 1; }
	for k in $SECRETS; do
		k=${k#DHHC-1:00:}
		grep -qF "${k%:}" $STACD_LOG && { echo "a secret in the log"; return 1; }
	done
	return 0
}

# The entries of runs 1 and 2: loop, fc, rdma.
TRANSPORT_ENTRIES="controller=transport=loop;nqn=$L
controller=transport=fc;traddr=$FC_TGT;host-traddr=$FC_HOST;nqn=$F
controller=transport=rdma;traddr=$RXE_ADDR;nqn=$R"
A1_ENTRY="controller=transport=tcp;traddr=127.0.0.1;nqn=$A1;dhchap-secret=$KH1"

# A connect that hangs in the kernel (see the wrong controller key) holds
# every other one up for the admin timeout: 10 s here instead of 60 s,
# for the controllers made from now on.
echo 10 > /sys/module/nvme_core/parameters/admin_timeout ||
    not_ok "nvme_core admin_timeout"

stacd_stop() {
	kill -TERM "$STACD_PID"
	wait "$STACD_PID"
}

# ---------------------------------------------------------------- target
for s in $L $F $R $A1 $A2 $A3 $A4 $A5 $A6; do
	tgt_subsys "$s" 1 || not_ok "target: subsystem $s"
done
for s in $A1 $A2 $A3 $A4 $A5 $A6; do
	tgt_allow "$s" "$HOSTNQN" || not_ok "target: $s allows only the host"
done
assert "target: the host's DH-HMAC-CHAP keys" tgt_host_auth "$HOSTNQN" "$KH1" "$KC1"
assert "target: tcp port" tgt_port 1 ipv4 127.0.0.1 4420
for s in $A1 $A2 $A3 $A4 $A5 $A6; do tgt_link 1 "$s"; done

assert "target: loop port" tgt_port_of 2 loop
tgt_link 2 "$L"

FCLOOP=/sys/class/fcloop/ctl
assert "fcloop: target port" _put "wwnn=$T_WWNN,wwpn=$T_WWPN" $FCLOOP/add_target_port
assert "fcloop: local (host) port" _put "wwnn=$H_WWNN,wwpn=$H_WWPN" $FCLOOP/add_local_port
assert "fcloop: remote port" _put \
    "wwnn=$T_WWNN,wwpn=$T_WWPN,lpwwnn=$H_WWNN,lpwwpn=$H_WWPN,roles=0x60" \
    $FCLOOP/add_remote_port
assert "target: fc port" tgt_port_of 3 fc fc "$FC_TGT"
tgt_link 3 "$F"

# iproute2's ip, by its path: busybox's ash runs its own applet for a bare
# "ip", and that one cannot make a veth pair.
IP=/usr/sbin/ip
assert "veth pair up" sh -c "$IP link add veth0 type veth peer name veth1 &&
    $IP link set veth1 up && $IP link set veth0 up &&
    $IP addr add $RXE_ADDR/24 dev veth0"
assert "rxe0 on veth0" rdma link add rxe0 type rxe netdev veth0
diag "rdma: $(rdma link show 2>&1 | tr '\n' ' ')"
assert "target: rdma port" tgt_port_of 4 rdma ipv4 $RXE_ADDR 4420
tgt_link 4 "$R"

# ---------------------------------------------------------------- run 1
RUN1_CONF="[Controllers]
$TRANSPORT_ENTRIES
$A1_ENTRY
controller=transport=tcp;traddr=127.0.0.1;nqn=$A2;dhchap-secret=$KH1;dhchap-ctrl-secret=$KC1
controller=transport=tcp;traddr=127.0.0.1;nqn=$A6;dhchap-secret=$KH_BAD
controller=transport=tcp;traddr=127.0.0.1;nqn=$A4"
echo "$RUN1_CONF" | write_conf
t0=$(uptime_s)
stacd_start --tron
check_ctrl "loop" "$L" loop '*'
check_ctrl "fc" "$F" fc "traddr=$FC_TGT,host_traddr=$FC_HOST*"
check_ctrl "rdma" "$R" rdma "traddr=$RXE_ADDR,trsvcid=4420*"
check_ctrl "auth: unidirectional" "$A1" tcp 'traddr=127.0.0.1,trsvcid=4420*'
c=$(ctrl_for "$A1")
assert_eq "auth: unidirectional: the kernel has the entry's secret" \
    "$(ctrl_attr "$c" dhchap_secret)" "$KH1"
check_ctrl "auth: bidirectional" "$A2" tcp 'traddr=127.0.0.1,trsvcid=4420*'
c=$(ctrl_for "$A2")
assert_eq "auth: bidirectional: the kernel has the controller secret" \
    "$(ctrl_attr "$c" dhchap_ctrl_secret)" "$KC1"
diag "run 1: 5 controllers connected $(since "$t0")s after the start"
c_loop=$(ctrl_for "$L") c_fc=$(ctrl_for "$F") c_rdma=$(ctrl_for "$R")

# The failures: each reached the target (nvmet made a controller for it)
# and left no controller on the host.
tried() { [ "$(n_attempts "$1")" -ge "$2" ]; }
assert "auth: a wrong secret reached the target" wait_for 15 tried "$A6" 1
assert "auth: no secret, where one is required, reached the target" wait_for 15 tried "$A4" 1
assert "auth: the wrong secret is retried (a second attempt)" wait_for 15 tried "$A6" 2
sleep 1
assert_eq "auth: the wrong secret is refused" "$(ctrl_count "$A6")" 0
assert_eq "auth: no secret where one is required: refused" "$(ctrl_count "$A4")" 0
set -- $(nvmet_ctrls "$A6")
gap=$(awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }')
diag "auth: wrong secret: attempts at ${1}s and ${2}s (uptime), $gap s apart"
assert "auth: the second attempt came about 3 s after the first" \
    awk -v g="$gap" 'BEGIN { exit !(g >= 2.5 && g < 10) }'
second_bad=$2
# The kernel's reasons: EKEYREJECTED for a wrong secret (or controller
# key), ENOKEY when the target wants a key and the host has none.
assert "auth: a wrong secret is logged naming the controller and the kernel's reason" \
    grep -q "^warning: (tcp, 127.0.0.1, 4420, $A6): connect failed: DH-HMAC-CHAP authentication failed; retrying in 3 s" $STACD_LOG
diag "auth: no key: stacd said: $(grep -m 1 "^warning: .*$A4.*connect failed" $STACD_LOG)"

# Then every 60 s: nothing until 50 s after the second attempt, the
# third about 60 s after it. The 60 s run from the end of the failed
# attempt, and an attempt can wait out the admin timeout (10 s, set
# above) when the kernel's connect mutex is held by another connect,
# so the gap between the starts is 60 to 60 + 10 s, plus TCG slack.
while awk -v t="$second_bad" '{ exit !($1 < t + 50) }' /proc/uptime; do sleep 1; done
assert_eq "auth: no third attempt within 50 s of the second" "$(n_attempts "$A6")" 2
assert "auth: the third attempt comes" wait_for 30 tried "$A6" 3
set -- $(nvmet_ctrls "$A6")
gap=$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.1f", b - a }')
diag "auth: wrong secret: third attempt ${gap}s after the second"
assert "auth: the third attempt came about 60 s after the second" \
    awk -v g="$gap" 'BEGIN { exit !(g >= 58 && g < 76) }'

# A wrong controller key last: when the host finds the controller's
# answer wrong, nvmet may tear the queue down before it completes the
# host's AUTH_Send (failure2), and the connect then waits out the admin
# timeout holding the kernel's mutex (lowered to 10 s above).
printf '%s\n%s\n' "$RUN1_CONF" \
    "controller=transport=tcp;traddr=127.0.0.1;nqn=$A3;dhchap-secret=$KH1;dhchap-ctrl-secret=$KC_BAD" |
    write_conf
stacd_hup
assert "auth: a wrong controller key reached the target" wait_for 15 tried "$A3" 1
bad_ctrl_logged() {
	grep -q "^warning: (tcp, 127.0.0.1, 4420, $A3): connect failed: DH-HMAC-CHAP authentication failed" $STACD_LOG
}
assert "auth: a wrong controller key fails, logged with the kernel's reason" \
    wait_for 15 bad_ctrl_logged
assert_eq "auth: a controller answering with the wrong key is refused" "$(ctrl_count "$A3")" 0
diag "auth: the kernel said: $(dmesg | grep -E 'nvme[0-9]+: (qid 0: (no key|authentication failed|controller authentication failed)|.*QID 0 timeout)' | sed 's/^\[[^]]*\] nvme nvme[0-9]*: //' | sort -u | tr '\n' '|')"
assert "no secret in stacd's log (--tron)" no_secret_logged

# ---------------------------------------------------------------- run 2
stacd_stop
assert_eq "run 1: SIGTERM left loop, fc and rdma up" \
    "$(ctrl_for "$L") $(ctrl_for "$F") $(ctrl_for "$R")" "$c_loop $c_fc $c_rdma"
# The target now wants another key: the entry without a secret must
# take the [Host] key of sys.conf.
assert "target: the host key changed" tgt_host_auth "$HOSTNQN" "$KH2" "" "hmac(sha256)" ffdhe2048
mkdir -p /etc/stas
printf '[Host]\nkey=%s\n' "$KH2" > /etc/stas/sys.conf
write_conf <<EOF2
[Controllers]
$TRANSPORT_ENTRIES
$A1_ENTRY
controller=transport=tcp;traddr=127.0.0.1;nqn=$A4
EOF2
before=$(count_all)
t0=$(uptime_s)
stacd_start --tron
check_ctrl "auth: [Host] key= (literal)" "$A4" tcp 'traddr=127.0.0.1,trsvcid=4420*'
c=$(ctrl_for "$A4")
assert_eq "auth: [Host] key= (literal): the kernel has the host key" \
    "$(ctrl_attr "$c" dhchap_secret)" "$KH2"
diag "run 2: A4 connected $(since "$t0")s after the restart (ffdhe2048)"
sleep 2
assert_eq "loop: adopted after the restart: same controller" "$(ctrl_for "$L")" "$c_loop"
assert_eq "loop: no duplicate" "$(ctrl_count "$L")" 1
assert_eq "fc: same controller after the restart" "$(ctrl_for "$F")" "$c_fc"
assert_eq "rdma: same controller after the restart" "$(ctrl_for "$R")" "$c_rdma"
# A2 was stacd's before the restart and is no longer configured.
assert "auth: bidirectional: owned before the restart, not wanted now: disconnected" \
    wait_for 10 gone "$A2"
assert_eq "run 2: A4 in, A2 out, nothing duplicated" "$(count_all)" "$before"
for x in "$L|loop" "$F|fc" "$R|rdma"; do
	ns_reads "${x%|*}" || not_ok "${x#*|}: namespace unreadable after the restart"
done

# SIGHUP without loop, fc and rdma: stacd owns them (it connected or
# adopted them), so the default disconnect-scope removes them.  The
# target still serves them: a connect by hand works afterwards.
write_conf <<EOF2
[Controllers]
$A1_ENTRY
controller=transport=tcp;traddr=127.0.0.1;nqn=$A4
EOF2
stacd_hup
assert "loop: removed from the configuration, SIGHUP: disconnected" wait_for 15 gone "$L"
assert "fc: the adopted controller is disconnected on SIGHUP" wait_for 15 gone "$F"
assert "rdma: the adopted controller is disconnected on SIGHUP" wait_for 15 gone "$R"
assert_eq "auth: A1 and A4 untouched by the reload" \
    "$(ctrl_count "$A1") $(ctrl_count "$A4")" "1 1"
sleep 2
for x in "$L|loop|" "$F|fc|,traddr=$FC_TGT,host_traddr=$FC_HOST" \
    "$R|rdma|,traddr=$RXE_ADDR,trsvcid=4420"; do
	nq=${x%%|*} rest=${x#*|}
	tr=${rest%%|*} more=${rest#*|}
	out=$(nvmf-connect "nqn=$nq,transport=$tr$more,hostnqn=$HOSTNQN,hostid=$HOSTID" 2>&1)
	assert_match "$tr: the target still serves it (stacd disconnected it, not the target)" \
	    "$out" 'instance=*'
done
assert "no secret in stacd's log (--tron)" no_secret_logged

# ---------------------------------------------------------------- run 3
stacd_stop
assert "target: the host key changed again" tgt_host_auth "$HOSTNQN" "$KH3"
echo "$KH3" > /etc/stas/hostkey.vm
chmod 600 /etc/stas/hostkey.vm
printf '[Host]\nkey=file:///etc/stas/hostkey.vm\n' > /etc/stas/sys.conf
write_conf <<EOF2
[Controllers]
$A1_ENTRY
controller=transport=tcp;traddr=127.0.0.1;nqn=$A4
controller=transport=tcp;traddr=127.0.0.1;nqn=$A5
EOF2
stacd_start --tron
check_ctrl "auth: [Host] key=file://" "$A5" tcp 'traddr=127.0.0.1,trsvcid=4420*'
c=$(ctrl_for "$A5")
assert_eq "auth: [Host] key=file://: the kernel has the file's key" \
    "$(ctrl_attr "$c" dhchap_secret)" "$KH3"
assert_eq "auth: A1 and A4 adopted, not duplicated" \
    "$(ctrl_count "$A1") $(ctrl_count "$A4")" "1 1"
assert "no secret in stacd's log (--tron)" no_secret_logged
stacd_stop
show_log

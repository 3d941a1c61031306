# t/vm/faults.sh - stacd under faults on the real kernel, every fault
# scenario in one boot.
# vm: dbus
# vm: file etc/org.nvmexpress.stac.conf:/etc/dbus-1/system.d/org.nvmexpress.stac.conf
# vm: debs nvme-cli libnvme1 libjson-c5
#
# nvmet serves 19 subsystems s01..s19 on 127.0.0.1: s01 alone on port
# 4421 (its port is the one taken away), the others on 4420.  A "black
# hole" on port 4430 accepts TCP and never answers the NVMe/TCP ICReq.
# Every assertion is on kernel facts (/sys/class/nvme, the namespaces
# read with O_DIRECT); stacd's log is only diagnostics.
#
# The kernel runs one write to /dev/nvme-fabrics at a time (nvmf_dev_mutex)
# and the black hole's connect holds it until nvme-tcp gives up waiting
# for the ICResp, so the black hole comes last, after the scenarios that
# must connect:
#   6  /run/stacd read-only at start-up; the state file comes later
#      (and at the last start, the runtime directory cannot be created)
#   1  target gone for longer than ctrl-loss-tmo
#   4  100 SIGHUPs while connects run
#   3  kill -9 during a burst of connects, then a restart
#   5  stacd.conf replaced by garbage, then SIGHUP
#   2  the black hole among 20 controllers; D-Bus stays responsive
# and then own discovery (no stafd, nvme-fabrics.conf's discovery
# controllers):
#   8  log pages read, the discovery-change event, referrals, a subsystem
#      that leaves the log page disconnected
#   9  ... and kept under disconnect-scope = no-disconnect
#   10 64 subsystems: own discovery and Debian's nvme connect-all timed
#      (nvme-cli from the "vm: debs" line; SKIP without it)
#   11 the discovery port down past ctrl-loss-tmo and back: the I/O
#      controllers (on another port) untouched

P=nqn.2014-08.org.example.faults
BH=$P:blackhole
BH_PORT=4430
LKC=/run/stacd/last-known-config

nqn() { echo "$P:s$1"; }

# ids FIRST LAST: 01 02 ... (the two-digit suffixes of the subsystems).
ids() {
	local i=$1
	while [ "$i" -le "$2" ]; do printf '%02d\n' "$i"; i=$((i + 1)); done
}

# since T0: seconds from uptime T0 until now.
since() { awk -v t0="$1" '{ printf "%.1f", $1 - t0 }' /proc/uptime; }

# conf_for FIRST LAST [LINE]: stacd.conf with s<FIRST>..s<LAST>, and LINE.
conf_for() {
	local i
	printf '[Global]\nnr-io-queues=1\n\n[Controllers]\n'
	for i in $(ids "$1" "$2"); do
		if [ "$i" = 01 ]; then
			echo "controller=transport=tcp;traddr=127.0.0.1;trsvcid=4421;nqn=$(nqn 01);ctrl-loss-tmo=4;reconnect-delay=1"
		else
			echo "controller=transport=tcp;traddr=127.0.0.1;nqn=$(nqn "$i")"
		fi
	done
	[ -z "${3:-}" ] || echo "$3"
}

# subsys_table FIRST LAST: "sNN nvmeM=STATE ..." for s<FIRST>..s<LAST>
# ("sNN -" when it has no controller).
subsys_table() {
	ctrl_table | awk -v p="$P:s" -v first="$1" -v last="$2" '
	{ ctrls[$2] = ctrls[$2] " " $1 "=" $3 }
	END {
		for (i = first; i <= last; i++) {
			k = sprintf("%s%02d", p, i)
			printf "s%02d%s\n", i, (k in ctrls) ? ctrls[k] : " -"
		}
	}'
}

# all_live FIRST LAST: each has exactly one controller, and it is live.
all_live() {
	! subsys_table "$1" "$2" | grep -qv '^s[0-9]* nvme[0-9]*=live$'
}

# assert_live DESC TIMEOUT FIRST LAST
assert_live() {
	assert "$1" wait_for "$2" all_live "$3" "$4" ||
	    diag "$(subsys_table "$3" "$4" | tr '\n' ' ')"
}

# snapshot FIRST LAST: which controllers serve each; the same snapshot
# later means nothing was disconnected in between.
snapshot() { subsys_table "$1" "$2" | sed 's/=[a-z]*//g'; }

# n_ctrls: how many controllers the kernel has (builtins only).
n_ctrls() {
	set -- /sys/class/nvme/nvme*
	[ -e "$1" ] && echo $# || echo 0
}

# ctrls_now: the kernel's controllers on one line, for diagnostics.
ctrls_now() { ctrl_table | sed "s/$P://" | tr '\n' ' '; }

# free_instance: the instance number the kernel gives the next controller
# (the lowest one not in use).
free_instance() {
	local i=0
	while [ -e /sys/class/nvme/nvme$i ]; do i=$((i + 1)); done
	echo $i
}

all_read() {
	local i
	for i in $(ids "$1" "$2"); do
		wait_for 10 ns_reads "$(nqn "$i")" ||
		    { echo "s$i: namespace not readable"; return 1; }
	done
}

# lkc_lists FIRST LAST: the state file names every one of them.
lkc_lists() {
	local i
	for i in $(ids "$1" "$2"); do
		grep -qE "(^|;)nqn=$(nqn "$i")(;|\$)" $LKC 2>/dev/null || return 1
	done
}

alive() { kill -0 "$STACD_PID" 2>/dev/null; }

# ---------------------------------------------------------------- target
for i in $(ids 1 19); do
	tgt_subsys "$(nqn "$i")" 1 || not_ok "target: subsystem s$i"
done
tgt_port 1 ipv4 127.0.0.1 4420 && tgt_port 2 ipv4 127.0.0.1 4421 ||
    not_ok "target: ports"
for i in $(ids 2 19); do tgt_link 1 "$(nqn "$i")"; done
tgt_link 2 "$(nqn 01)"
assert "the system bus is up" dbus_start

# ------------------------------------------- 6: /run/stacd read-only at start
mkdir -p /run/stacd
assert "6: a read-only tmpfs over /run/stacd" \
    mount -t tmpfs -o ro,mode=0700 tmpfs /run/stacd
conf_for 1 4 | write_conf
t0=$(uptime_s)
stacd_start
assert_live "6: s01-s04 connected while /run/stacd is read-only" 20 1 4
diag "6: s01-s04 live $(since "$t0")s after the start"
assert "6: their namespaces are readable" all_read 1 4
assert_not "6: no state file on the read-only /run/stacd" test -e $LKC
assert "6: /run/stacd made writable again" mount -o remount,rw /run/stacd
# A reconcile pass with nothing changed: a synthetic uevent.
echo change > "/sys/class/nvme/$(ctrl_for "$(nqn 02)")/uevent"
assert "6: the state file is written on a later pass (a uevent)" \
    wait_for 5 lkc_lists 1 4 ||
    diag "6: $LKC: $(cat $LKC 2>&1 | tr '\n' ' ')"

# ---------------------------------------- 1: target gone past ctrl-loss-tmo
S01=$(nqn 01)
snap=$(snapshot 2 4)
c=$(ctrl_for "$S01" 127.0.0.1 4421)
assert_eq "1: s01 got ctrl-loss-tmo=4 from stacd.conf" "$(ctrl_attr "$c" ctrl_loss_tmo)" 4
assert_eq "1: s01 got reconnect-delay=1" "$(ctrl_attr "$c" reconnect_delay)" 1
t0=$(uptime_s)
tgt_unlink 2 "$S01"
not_live() { [ "$(ctrl_attr "$1" state 2>/dev/null)" != live ]; }
assert "1: s01 ($c) leaves the live state when its port goes" wait_for 10 not_live "$c"
diag "1: $c is '$(ctrl_attr "$c" state 2>&1)' $(since "$t0")s after the port went"
assert "1: the kernel deletes s01 itself once ctrl-loss-tmo expires" \
    wait_for 20 gone "$S01"
diag "1: s01 deleted by the kernel $(since "$t0")s after its port went"
t0=$(uptime_s)
tgt_link 2 "$S01"
# Normally the retry 3 s after the removal finds the target back; should
# a loaded machine take longer to put it back, the 60 s retry must.
assert_live "1: stacd connects s01 again once the target is back" 75 1 1
assert "1: s01's namespace is readable again" wait_for 10 ns_reads "$S01"
diag "1: s01 live again as $(ctrl_for "$S01") $(since "$t0")s after the target came back (stacd retries 3 s after a removal)"
assert_eq "1: s02-s04 kept their controllers" "$(snapshot 2 4)" "$snap"
assert "6: the state file follows the owned set once it is writable" \
    wait_for 5 lkc_lists 1 4

# -------------------------------------------- 4: 100 SIGHUPs during connects
snap=$(snapshot 1 4)
conf_for 1 9 | write_conf
t0=$(uptime_s)
n=0 seen=
while [ $n -lt 100 ] && kill -HUP "$STACD_PID" 2>/dev/null; do
	n=$((n + 1))
	case $n in 1|2|5|10|20|50|100) seen="$seen $(n_ctrls)@$n" ;; esac
	usleep 10000
done
diag "4: $n SIGHUPs in $(since "$t0")s; controllers in the kernel after SIGHUP #n:$seen (4 before, 9 wanted)"
assert_eq "4: 100 SIGHUPs sent" "$n" 100
assert "4: stacd is still running" alive
assert_live "4: s01-s09 all live, one controller each" 20 1 9
assert_eq "4: s01-s04 kept their controllers" "$(snapshot 1 4)" "$snap"
assert "4: namespaces of s05-s09 readable" all_read 5 9
assert "4: stacd is still running after the reload storm" alive

# ---------------------------------- 3: kill -9 during a burst, then a restart
reader_start "$(ns_devs "$(ctrl_for "$(nqn 02)")" | head -n 1)"
snap=$(snapshot 1 9)
conf_for 1 19 | write_conf
# kill -9 once the third new controller exists: two are connected, the
# third is in the kernel (a device appears as its connect starts, with
# subsysnqn "(efault)" until it is up) and the rest wait for the kernel's
# mutex or for a worker.
third=/sys/class/nvme/nvme$(($(free_instance) + 2))
kill -HUP "$STACD_PID"
k=0
while [ ! -e "$third" ] && [ $k -lt 100000 ]; do k=$((k + 1)); done
kill -9 "$STACD_PID"
t0=$(uptime_s)
at_kill=$(ctrls_now)
wait "$STACD_PID" 2>/dev/null
diag "3: kill -9 after $k polls for ${third##*/}; the kernel had: $at_kill" \
    "3: the process was gone $(since "$t0")s later; then: $(ctrls_now)"
assert_eq "3: the kill left s01-s09 as they were" "$(snapshot 1 9)" "$snap"
t0=$(uptime_s)
stacd_start
assert_live "3: the restarted stacd has s01-s19 all live, one controller each" 30 1 19
diag "3: all 19 live $(since "$t0")s after the restart"
assert_eq "3: no duplicates: 19 controllers in all" "$(n_ctrls)" 19
assert_eq "3: s01-s09 kept their controllers" "$(snapshot 1 9)" "$snap"
assert "3: namespaces of s10-s19 readable" all_read 10 19
assert "3: the reader of s02 never failed" [ ! -e /tmp/reader.died ]

# ----------------------------------------------- 5: garbage configuration
cp /etc/stas/stacd.conf /tmp/good.conf
# garbage DESC: stdin replaces stacd.conf, then SIGHUP.  The previous
# configuration must stay in force: nothing is disconnected, and s19,
# deleted behind stacd's back right after the SIGHUP, is reconnected.
garbage() {
	local snap lines
	snap=$(snapshot 1 18)
	lines=$(wc -l < $STACD_LOG)
	cat > /etc/stas/stacd.conf
	kill -HUP "$STACD_PID"
	ctrl_delete "$(ctrl_for "$(nqn 19)")"
	assert_live "5: $1: the old configuration applies: s19, deleted after the SIGHUP, is reconnected" 10 19 19
	assert_eq "5: $1: SIGHUP disconnected nothing (s01-s18)" \
	    "$(snapshot 1 18 | tr '\n' ' ')" "$(echo "$snap" | tr '\n' ' ')"
	assert "5: $1: stacd is still running" alive
	diag "5: $1: stacd logged $(($(wc -l < $STACD_LOG) - lines)) lines on the reload; the first:" \
	    "$(tail -n +$((lines + 1)) $STACD_LOG | head -n 2 | tr -c '\n -~' '?' | cut -c 1-150)"
	cp /tmp/good.conf /etc/stas/stacd.conf
	kill -HUP "$STACD_PID"
	assert_live "5: $1: the good stacd.conf back, s01-s19 all live" 30 1 19
}
head -c 4096 /dev/urandom | garbage "4 KiB of random bytes"
printf '%s\n' 'this is not an INI file' '[Controllers' '= = =' \
    '{"controller": "transport=tcp"}' | garbage "unparseable text"
assert "5: the reader of s02 never failed" [ ! -e /tmp/reader.died ]
kill "$READER" 2>/dev/null

# ------------------ 7: nvme-cli 3's ownership registry and exclusion list
REG=/run/nvme/registry
reg_owner() { cat "$REG/$(ctrl_for "$(nqn "$1")")/owner" 2>/dev/null; }
gone_now() { ! ctrl_for "$(nqn "$1")" >/dev/null; }
assert_eq "7: stacd claims what it connected (s02's owner)" \
    "$(reg_owner 02)" stas
c03=$(ctrl_for "$(nqn 03)") c04=$(ctrl_for "$(nqn 04)")
echo nbft > "$REG/$c03/owner"
# s03 and s04 leave the configuration: s04 is stas's, s03 now nbft's.
{ conf_for 1 2; conf_for 5 19 | sed 1,4d; } | write_conf
kill -HUP "$STACD_PID"
assert "7: s04, stas's, is disconnected when no longer configured" \
    wait_for 15 gone_now 04
assert "7: ... and its registry entry is removed" \
    wait_for 5 sh -c "! test -e $REG/$c04"
assert_eq "7: s03, nbft's in the registry, is never disconnected" \
    "$(ctrl_for "$(nqn 03)")" "$c03"
assert "7: ... and its namespace is still readable" ns_reads "$(nqn 03)"
grep -q "$c03 - no longer wanted, connection kept: the registry says nbft" \
    $STACD_LOG && diag "7: stacd said why it kept $c03"
# The host-wide exclusion list: s05 excluded, then allowed again.
mkdir -p /etc/nvme
printf '[exclusions]\nexclusion = transport=tcp;nqn=%s\n' "$(nqn 05)" \
    > /etc/nvme/exclusions.conf
echo change > "/sys/class/nvme/$(ctrl_for "$(nqn 06)")/uevent"
assert "7: exclusions.conf: s05 is disconnected at the next pass" \
    wait_for 15 gone_now 05
snap=$(snapshot 6 19)
rm /etc/nvme/exclusions.conf
echo change > "/sys/class/nvme/$(ctrl_for "$(nqn 06)")/uevent"
assert_live "7: exclusions.conf gone: s05 is connected again" 15 5 5
assert_eq "7: s06-s19 untouched throughout" "$(snapshot 6 19)" "$snap"
echo stas > "$REG/$c03/owner"
cp /tmp/good.conf /etc/stas/stacd.conf
kill -HUP "$STACD_PID"
assert_live "7: the good stacd.conf back, s01-s19 all live" 30 1 19
# A controller deleted behind stacd's back: its remove uevent clears the
# stale entry, so the one made again is claimed anew (a newer seqnum).
c06=$(ctrl_for "$(nqn 06)")
seq0=$(cat "$REG/$c06/seqnum" 2>/dev/null)
ctrl_delete "$c06"
assert_live "7: s06, deleted behind stacd's back, is connected again" 15 6 6
seq1=$(cat "$REG/$(ctrl_for "$(nqn 06)")/seqnum" 2>/dev/null)
assert "7: ... and claimed anew in the registry (seqnum $seq0 -> $seq1)" \
    [ -n "$seq0" ] && [ -n "$seq1" ] && [ "$seq1" -gt "$seq0" ]
# nvme-cli 3's nvme-fabrics.conf: a [Subsystem] of its own (s20), with
# its file's defaults, and no [Global] of stacd.conf (that has none
# here, so the kernel's default would show as 5).
S20=$(nqn 20)
tgt_subsys "$S20" 1 && tgt_link 1 "$S20" || not_ok "target: subsystem s20"
cat > /etc/nvme/nvme-fabrics.conf <<EOF2
[I/O Controller Defaults]
keep-alive-tmo = 12
[Subsystem]
nqn = $S20
controller = transport=tcp;traddr=127.0.0.1;trsvcid=4420
EOF2
kill -HUP "$STACD_PID"
assert "7: nvme-fabrics.conf: its [Subsystem] is connected" \
    wait_for 15 ns_reads "$S20"
assert_eq "7: ... with the file's keep-alive-tmo" \
    "$(ctrl_attr "$(ctrl_for "$S20")" kato)" 12
rm /etc/nvme/nvme-fabrics.conf
kill -HUP "$STACD_PID"
assert "7: ... and disconnected once the file no longer names it" \
    wait_for 15 gone_now 20

# ------------------------------------------------------ 2: the black hole
# nc runs blackhole.sh per connection: it swallows the ICReq, answers
# nothing and notes when the connection opened and closed.
cat > /tmp/blackhole.sh <<'EOF2'
#!/bin/sh
echo "open $(cut -d' ' -f1 /proc/uptime)" >> /tmp/bh.log
cat > /dev/null
echo "close $(cut -d' ' -f1 /proc/uptime)" >> /tmp/bh.log
EOF2
chmod 755 /tmp/blackhole.sh
: > /tmp/bh.log
nc -ll -p $BH_PORT -e /tmp/blackhole.sh &
BH_PID=$!
listening() { netstat -ltn | grep -q ":$BH_PORT "; }
assert "2: the black hole listens on port $BH_PORT" wait_for 5 listening
opens() { grep -c '^open' /tmp/bh.log; }
# at_bh: the controllers at the black hole's port, "nvmeN=STATE" each.
at_bh() {
	local c addr state
	for c in /sys/class/nvme/nvme*; do
		read -r addr 2>/dev/null < "$c/address" || continue
		case ",$addr," in *",trsvcid=$BH_PORT,"*) ;; *) continue ;; esac
		read -r state 2>/dev/null < "$c/state"
		echo "${c##*/}=$state"
	done
}
in_hang() { [ "$(opens)" -gt "$(grep -c '^close' /tmp/bh.log)" ]; }

# The kernel alone first: how long the black-holed connect hangs, and how
# long a connect behind it waits (a duplicate of s02, refused at once
# once it gets the mutex).
t0=$(uptime_s)
( nvmf-connect "$(nvmf_opts "$BH" 127.0.0.1 $BH_PORT)" > /tmp/bh.out 2>&1
  uptime_s > /tmp/bh.end ) &
wait_for 5 in_hang
sleep 1
t1=$(uptime_s)
dup=$(nvmf-connect "$(nvmf_opts "$(nqn 02)" 127.0.0.1 4420)" 2>&1)
waited=$(since "$t1")
assert "2: the black-holed connect returns" wait_for 30 test -e /tmp/bh.end
hang=$(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /tmp/bh.end)
assert_match "2: it fails with EAGAIN (nvme-tcp's ICResp receive timeout)" \
    "$(cat /tmp/bh.out)" "*EAGAIN*"
assert_match "2: a connect behind it gets EALREADY" "$dup" "*EALREADY*"
diag "2: kernel: the black-holed connect hung ${hang}s; a connect issued 1 s into it waited ${waited}s for nvmf_dev_mutex"

# stacd from scratch with 19 healthy controllers and the black hole.
kill -TERM "$STACD_PID"
wait "$STACD_PID"
for i in $(ids 1 19); do
	for c in $(ctrl_for "$(nqn "$i")"); do ctrl_delete "$c"; done
done
none_left() { [ "$(n_ctrls)" = 0 ]; }
assert "2: every controller deleted before the restart" wait_for 20 none_left
conf_for 1 19 "controller=transport=tcp;traddr=127.0.0.1;trsvcid=$BH_PORT;nqn=$BH" |
    write_conf
: > /tmp/bh.log

# A D-Bus client calls list_controllers every 0.2 s; each line of
# probe.log: start (1/100 s), duration (1/100 s), exit status.
cs() { local u; read -r u _ < /proc/uptime; echo "${u%.*}${u#*.}"; }
probe() {
	local t rc
	while [ ! -e /tmp/probe.stop ]; do
		t=$(cs)
		dbus-send --system --print-reply --reply-timeout=20000 \
		    --dest=org.nvmexpress.stac /org/nvmexpress/stac \
		    org.nvmexpress.stac.list_controllers boolean:false \
		    > /tmp/probe.out 2>&1
		rc=$?
		echo "$t $(($(cs) - t)) $rc" >> /tmp/probe.log
		usleep 200000
	done
}
# bh_times: the black hole's connections, in seconds since stacd started.
bh_times() {
	awk -v t0="$t0" '{ printf "%s +%.1f  ", $1, $2 - t0 }' /tmp/bh.log
}
# 6 again, harder: this stacd's runtime directory cannot even be created
# at start-up (its parent is read-only).
mkdir -p /run/ro
mount -t tmpfs -o ro,mode=0755 tmpfs /run/ro || not_ok "6: a read-only /run/ro"
export RUNTIME_DIRECTORY=/run/ro/stacd
t0=$(uptime_s)
stacd_start
unset RUNTIME_DIRECTORY
assert "2: stacd owns its bus name" wait_for 10 bus_owner
probe &
PROBE_PID=$!
assert_live "2: the 19 healthy controllers all live despite the black hole" 60 1 19
diag "2: all 19 live $(since "$t0")s after the start; black hole so far: $(bh_times)"
assert "2: their namespaces are readable" all_read 1 19

# Healthy controllers deleted while the black hole's connect hangs.
wait_for 20 in_hang || diag "2: no black-holed connect running"
t1=$(uptime_s)
for i in $(ids 5 9); do ctrl_delete "$(ctrl_for "$(nqn "$i")")"; done
assert_live "2: s05-s09, deleted during the hang, are connected again" 40 5 9
diag "2: s05-s09 deleted at +$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')s, all back $(since "$t1")s later (stacd retries at +3 s; a black-holed connect holds nvmf_dev_mutex)"
hang_over() { ! in_hang; }
wait_for 20 hang_over
touch /tmp/probe.stop
stopped() { ! kill -0 "$PROBE_PID" 2>/dev/null; }
wait_for 30 stopped

n=$(wc -l < /tmp/probe.log)
bad=$(awk '$3 != 0' /tmp/probe.log | wc -l)
max=$(awk '$2 > m { m = $2 } END { print m * 10 }' /tmp/probe.log)
# probes that overlapped a black-holed connect
during=$(awk 'NR == FNR { if ($1 == "open") o[++n] = $2 * 100
	else c[++m] = $2 * 100; next }
	{ for (i = 1; i <= n; i++) if ($1 + $2 >= o[i] && (i > m || $1 <= c[i])) { k++; break } }
	END { print k + 0 }' /tmp/bh.log /tmp/probe.log)
diag "2: D-Bus: $n list_controllers calls, $bad failed, slowest ${max} ms, $during during a black-holed connect" \
    "2: black hole: $(bh_times)"
assert "2: D-Bus was called during the hangs" [ "$during" -ge 5 ]
assert_eq "2: every list_controllers call answered" "$bad" 0
# The bound: well under the 10 s a black-holed connect holds the kernel,
# with room for a loaded CI machine under TCG.
assert "2: every answer within 5 s" [ "$max" -lt 5000 ]
assert_match "2: list_controllers names the black-holed controller" \
    "$(cat /tmp/probe.out)" "*$BH*"
assert_live "2: s01-s19 still all live, one controller each" 5 1 19
# stacd keeps retrying: a black-holed connect may be in the kernel now,
# its controller in "connecting"; it must never become live.
bh_live() { at_bh | grep -q '=live$'; }
assert_not "2: no live controller at the black hole" bh_live
diag "2: at the black hole now: $(at_bh | tr '\n' ' ')"
assert "2: stacd is still running" alive
kill "$BH_PID" 2>/dev/null

assert "6: /run/ro made writable" mount -o remount,rw /run/ro
LKC=/run/ro/stacd/last-known-config
echo change > "/sys/class/nvme/$(ctrl_for "$(nqn 02)")/uevent"
assert "6: a runtime directory that could not be created at start-up is created and the state file written on a later pass" \
    wait_for 5 lkc_lists 1 19 || diag "6: $(ls -la /run/ro 2>&1 | tr '\n' ' ')"
kill -TERM "$STACD_PID"
wait "$STACD_PID"

# ------------------------------- 8: own discovery (nvme-fabrics.conf DCs)
# No stafd on the bus: stacd connects the discovery controller of
# nvme-fabrics.conf itself (nvmet serves one on every port) and connects
# what its log page lists: s02-s19 on port 1.
for i in $(ids 1 20); do
	for c in $(ctrl_for "$(nqn "$i")"); do ctrl_delete "$c"; done
done
wait_for 20 none_left
printf '[Controllers]\n' | write_conf
cat > /etc/nvme/nvme-fabrics.conf <<EOF2
[Discovery Controller]
controller = transport=tcp;traddr=127.0.0.1;trsvcid=4420
EOF2
t0=$(uptime_s)
stacd_start
is_dc() { for c in /sys/class/nvme/nvme*; do
	[ "$(cat "$c/cntrltype" 2>/dev/null)" = discovery ] &&
	    [ "$(cat "$c/state")" = live ] && return 0; done; return 1; }
assert "8: the discovery controller is connected (cntrltype discovery)" \
    wait_for 20 is_dc
dc=$(for c in /sys/class/nvme/nvme*; do
	[ "$(cat "$c/cntrltype" 2>/dev/null)" = discovery ] && basename "$c"
done | head -n 1)
assert_eq "8: ... persistently: keep-alive 30 s" "$(ctrl_attr "$dc" kato)" 30
assert_live "8: every subsystem of its log page is connected (s02-s19)" \
    60 2 19
diag "8: s02-s19 live $(since "$t0")s after the start"
assert "8: their namespaces are readable" all_read 2 19
# A subsystem linked later: the discovery-change event brings it.
S21=$(nqn 21)
tgt_subsys "$S21" 1 || not_ok "target: subsystem s21"
t0=$(uptime_s)
tgt_link 1 "$S21"
assert "8: a subsystem linked later is connected (discovery-change event)" \
    wait_for 30 ns_reads "$S21"
diag "8: s21 live $(since "$t0")s after it was linked to the port"
# Referrals: port 1 refers to port 3 (which serves s22), port 3 back to
# port 1 (a loop, not followed twice).
S22=$(nqn 22)
tgt_subsys "$S22" 1 && tgt_port 3 ipv4 127.0.0.1 4422 && tgt_link 3 "$S22" ||
    not_ok "target: port 3 with s22"
referral() { # FROM-PORT NAME TRSVCID
	local d=$NVMET/ports/$1/referrals/$2
	mkdir "$d" && echo tcp > "$d/addr_trtype" &&
	    echo ipv4 > "$d/addr_adrfam" && echo 127.0.0.1 > "$d/addr_traddr" &&
	    echo "$3" > "$d/addr_trsvcid" && echo 1 > "$d/enable"
}
t0=$(uptime_s)
referral 3 back 4420 && referral 1 to3 4422 || not_ok "target: referrals"
assert "8: a referral is followed: s22 (only at port 3) is connected" \
    wait_for 30 ns_reads "$S22"
diag "8: s22 live $(since "$t0")s after the referral was made"
dcs() { local c n=0; for c in /sys/class/nvme/nvme*; do
	[ "$(cat "$c/cntrltype" 2>/dev/null)" = discovery ] && n=$((n + 1))
done; echo $n; }
sleep 2
assert_eq "8: the referral loop ends: two discovery controllers, no more" \
    "$(dcs)" 2
# s21 leaves the log page (the host withdrawn: the kernel keeps the
# connection itself, so only stacd can take it down): disconnected under
# the default disconnect-scope, the others untouched.
snap=$(snapshot 2 19)
echo 0 > "$NVMET/subsystems/$S21/attr_allow_any_host"
assert "8: a subsystem that leaves the log page is disconnected" \
    wait_for 30 gone_now 21
assert_eq "8: ... and nothing else is (s02-s19)" "$(snapshot 2 19)" "$snap"
kill -TERM "$STACD_PID"
wait "$STACD_PID"

# -------- 8: a restart keeps what the last stacd connected from log pages
# The default disconnect-scope; the controllers are in last-known-config.
# Nothing may be disconnected before (or after) the first log page read.
snap=$(snapshot 2 19)
t0=$(uptime_s)
stacd_start
changed=
n=0
while [ $n -lt 25 ]; do
	[ "$(snapshot 2 19)" = "$snap" ] || { changed="at +$(since "$t0")s: $(ctrls_now)"; break; }
	usleep 200000
	n=$((n + 1))
done
assert_eq "8: a restarted stacd keeps s02-s19 (the same controllers, 5 s after its start)" \
    "$changed" ""
assert_live "8: ... all live" 30 2 19
kill -TERM "$STACD_PID"
wait "$STACD_PID"

# ------------------------- 9: disconnect-scope = no-disconnect keeps a leaver
# The same discovery controller, stacd restarted under no-disconnect.  s21
# is allowed again (and connected), then withdrawn; s23 is linked right
# after the withdrawal, so once s23 is connected stacd has read a log page
# without s21.
printf '[I/O controller connection management]\ndisconnect-scope = no-disconnect\n\n[Controllers]\n' |
    write_conf
stacd_start
_put 1 "$NVMET/subsystems/$S21/attr_allow_any_host"
assert "9: s21, allowed again, is connected" wait_for 30 ns_reads "$S21"
c21=$(ctrl_for "$S21")
snap=$(snapshot 2 19)
S23=$(nqn 23)
tgt_subsys "$S23" 1 || not_ok "target: subsystem s23"
_put 0 "$NVMET/subsystems/$S21/attr_allow_any_host"
t0=$(uptime_s)
tgt_link 1 "$S23"
assert "9: s23, linked after s21 was withdrawn, is connected: a log page without s21 was read" \
    wait_for 30 ns_reads "$S23"
diag "9: s23 live $(since "$t0")s after it was linked"
sleep 5
assert_eq "9: no-disconnect: s21, gone from the log page, keeps its controller ($c21)" \
    "$(ctrl_for "$S21")" "$c21"
assert_eq "9: ... which is live" "$(ctrl_attr "$c21" state)" live
assert "9: ... and its namespace still reads" ns_reads "$S21"
assert_eq "9: s02-s19 untouched" "$(snapshot 2 19)" "$snap"
kill -TERM "$STACD_PID"
wait "$STACD_PID"

# delete_all: every controller (discovery ones too) deleted, and gone.
delete_all() {
	local c
	for c in /sys/class/nvme/nvme*; do
		[ -e "$c" ] && ctrl_delete "${c##*/}"
	done
	wait_for 30 none_left
}

# ------------- 10: 64 subsystems: own discovery and nvme connect-all
# s31-s94 alone on port 4 (127.0.0.1:4424).  From no controller at all,
# how long until each has one live controller: (a) stacd started with
# that port's discovery controller in nvme-fabrics.conf, (b) Debian's
# nvme connect-all.  Two rounds of each, alternating.
B1=31 BN=94
assert "10: every controller deleted first" delete_all
tgt_port 4 ipv4 127.0.0.1 4424 || not_ok "target: port 4"
for i in $(ids $B1 $BN); do
	tgt_subsys "$(nqn "$i")" 1 && tgt_link 4 "$(nqn "$i")" ||
	    not_ok "target: subsystem s$i"
done
# live_after T0 TIMEOUT: once s31-s94 are all live, prints the seconds
# since uptime T0 (polled every 0.05 s); fails after TIMEOUT seconds.
live_after() {
	local n=$(($2 * 20))
	while ! all_live $B1 $BN; do
		[ $n -gt 0 ] || return 1
		n=$((n - 1))
		usleep 50000
	done
	awk -v t0="$1" '{ printf "%.2f", $1 - t0 }' /proc/uptime
}
# bench_check WHO ROUND TIME: the correctness checks of a round.
bench_check() {
	if [ -n "$3" ]; then
		ok "10: $1, round $2: s$B1-s$BN all live, one controller each"
	else
		not_ok "10: $1, round $2: s$B1-s$BN all live, one controller each"
		diag "$(subsys_table $B1 $BN | grep -v '=live$' | head -n 5)"
	fi
	assert "10: $1, round $2: their namespaces read" all_read $B1 $BN
}
printf '[Controllers]\n' | write_conf
printf '[Discovery Controller]\ncontroller = transport=tcp;traddr=127.0.0.1;trsvcid=4424\n' \
    > /etc/nvme/nvme-fabrics.conf
cli_present 10
t_own= t_cli=
for r in 1 2; do
	t0=$(uptime_s)
	stacd_start
	t=$(live_after "$t0" 90)
	bench_check "own discovery" $r "$t"
	diag "10: own discovery, round $r: all 64 live ${t:-never}s after stacd started"
	t_own="$t_own $t"
	kill -TERM "$STACD_PID"
	wait "$STACD_PID"
	assert "10: own discovery, round $r: every controller deleted after" delete_all
	if [ $have_cli = 0 ]; then
		skip "10: nvme connect-all, round $r" "no nvme-cli in the image"
		continue
	fi
	t0=$(uptime_s)
	nvme connect-all -t tcp -a 127.0.0.1 -s 4424 \
	    --hostnqn="$HOSTNQN" --hostid="$HOSTID" > /tmp/connect-all.out 2>&1 &
	cli=$!
	t=$(live_after "$t0" 90)
	wait $cli
	rc=$?
	bench_check "nvme connect-all" $r "$t"
	diag "10: nvme connect-all, round $r: all 64 live ${t:-never}s after it started (exit $rc)"
	[ $rc = 0 ] || diag "$(head -n 5 /tmp/connect-all.out)"
	t_cli="$t_cli $t"
	assert "10: nvme connect-all, round $r: every controller deleted after" delete_all
done
# shellcheck disable=SC2086 # lists of numbers
[ $have_cli = 0 ] || diag "$(echo $t_own / $t_cli | awk '{
	n = 0; for (i = 1; $i != "/"; i++) { a += $i; n++ }
	for (i++; i <= NF; i++) b += $i
	if (n == 2 && NF == 5 && b > 0)
		printf "10: 64 subsystems: own discovery %.2fs, nvme connect-all %.2fs (mean of 2); ratio own/connect-all %.2f", a / 2, b / 2, a / b
	else print "10: no ratio: a round failed" }')"

# ------ 11: the discovery port down and up; the I/O controllers untouched
# Port 5 (127.0.0.1:8009) only refers to port 4: it listens because a
# subsystem no host may use is linked to it, so its log page holds the
# referral alone.  stacd follows the referral and connects s31-s94 on
# port 4.  Then port 5 goes away for longer than the discovery
# controller's ctrl-loss-tmo (3 s, from nvme-fabrics.conf): the kernel
# deletes that controller, stacd's first retry fails, and nothing on port
# 4 may change; port 5 comes back and stacd connects the discovery
# controller again at its next retry.
HIDDEN=$P:hidden
tgt_subsys "$HIDDEN" 0 && _put 0 "$NVMET/subsystems/$HIDDEN/attr_allow_any_host" ||
    not_ok "target: subsystem $HIDDEN"
port5_up() {
	tgt_port 5 ipv4 127.0.0.1 8009 && referral 5 to4 4424 && tgt_link 5 "$HIDDEN"
}
port5_down() {
	rm "$NVMET/ports/5/subsystems/$HIDDEN" && rmdir "$NVMET/ports/5/referrals/to4" &&
	    rmdir "$NVMET/ports/5"
}
assert "11: port 5 (8009) up, referring to port 4" port5_up
printf '[Discovery Controller]\ncontroller = transport=tcp;traddr=127.0.0.1;trsvcid=8009;ctrl-loss-tmo=3;reconnect-delay=1\n' \
    > /etc/nvme/nvme-fabrics.conf
# dc5: the live discovery controller at port 5, if there is one.
dc5() {
	local c
	for c in $(ctrl_for "$DISC_NQN" 127.0.0.1 8009); do
		[ "$(ctrl_attr "$c" cntrltype)" = discovery ] &&
		    [ "$(ctrl_attr "$c" state)" = live ] && echo "$c" && return 0
	done
	return 1
}
t0=$(uptime_s)
stacd_start
assert "11: the discovery controller at 8009 is connected" wait_for 20 dc5
c5=$(dc5)
assert_eq "11: ... with ctrl-loss-tmo 3 from nvme-fabrics.conf" \
    "$(ctrl_attr "$c5" ctrl_loss_tmo 2>&1)" 3
assert_live "11: the referral is followed: s31-s94 all live" 60 $B1 $BN
diag "11: s31-s94 live $(since "$t0")s after the start"
snap=$(snapshot $B1 $BN)
# Every second until told to stop, a line in /tmp/io.bad for any moment
# the I/O controllers are not the same ones, all live.
rm -f /tmp/io.bad /tmp/io.stop
( while [ ! -e /tmp/io.stop ]; do
	all_live $B1 $BN && [ "$(snapshot $B1 $BN)" = "$snap" ] ||
	    echo "at $(uptime_s)s: $(subsys_table $B1 $BN | grep -v '=live$' | head -n 3 | tr '\n' ' ')" >> /tmp/io.bad
	sleep 1
done ) &
WATCH=$!
reader_start "$(ns_devs "$(ctrl_for "$(nqn $B1)")" | head -n 1)"
t0=$(uptime_s)
assert "11: port 5 taken away (its link and referral removed, the port removed)" port5_down
dc5_gone() { ! ctrl_for "$DISC_NQN" 127.0.0.1 8009 >/dev/null; }
assert "11: the discovery controller at 8009 leaves the live state" \
    wait_for 10 sh -c "[ \"\$(cat /sys/class/nvme/$c5/state 2>/dev/null)\" != live ]"
assert "11: the kernel deletes it once its ctrl-loss-tmo expires" wait_for 20 dc5_gone
diag "11: $c5 deleted by the kernel $(since "$t0")s after port 5 went"
# stacd retries 3 s after the removal; under TCG the checks below take
# longer than that, so that try fails and the next comes 60 s later
# (the wait for the recovery allows for it).
sleep 1
assert "11: port 5 still down: no discovery controller at 8009" dc5_gone
assert_eq "11: port 5 down: the I/O controllers are the same" "$(snapshot $B1 $BN)" "$snap"
assert "11: ... all live" all_live $B1 $BN
assert "11: ... and their namespaces read" all_read $B1 $BN
diag "11: port 5 was down for $(since "$t0")s"
t0=$(uptime_s)
assert "11: port 5 back" port5_up
assert "11: the discovery controller at 8009 is connected again" wait_for 80 dc5
diag "11: $(dc5) (cntrltype $(ctrl_attr "$(dc5)" cntrltype)) live again $(since "$t0")s after port 5 came back"
sleep 2
touch /tmp/io.stop
wait $WATCH
assert_eq "11: after recovery the I/O controllers are the same" "$(snapshot $B1 $BN)" "$snap"
assert "11: ... and were all live, the same ones, throughout" [ ! -e /tmp/io.bad ] ||
    diag "$(head -n 5 /tmp/io.bad)"
assert "11: the reader of s$B1 never failed" [ ! -e /tmp/reader.died ]
kill "$READER" 2>/dev/null
kill -TERM "$STACD_PID"
wait "$STACD_PID"
show_log

# t/vm/bench-vm.sh - make bench, item 8: 64 subsystems on one nvmet-tcp
# port, from no controller at all to all 64 live, four ways, in one boot.
# vm: modules sch_netem
# vm: program /usr/sbin/tc
# vm: debs nvme-cli libnvme1 libjson-c5
#
#   stacd   stacd started with 64 controller= entries in stacd.conf (the
#           connect path alone: no discovery)
#   own     stacd started with one discovery controller in
#           nvme-fabrics.conf (its own discovery: the log page, then 64)
#   cli     Debian's nvme connect-all (nvme-cli 2.3, from the vm: debs line)
#   raw     nvmf-bench raw: 64 processes writing the 64 option strings to
#           /dev/nvme-fabrics at once; it prints the kernel's serial bound
#           (the sum of the writes' own times, see nvmf-bench.c)
#   pool    nvmf-bench raw -j 8: the same 64 writes, at most 8 in the
#           kernel at once, the next forked as one ends (the shape of
#           stacd's worker pool, WORKERS_MAX in worker.h)
#   serial  nvmf-bench raw -s: the same 64 writes one after another from
#           one process (nobody waits on the kernel's mutex meanwhile)
# Each is timed by nvmf-bench live (the 64th NVME_EVENT=connected uevent,
# counted from just before the command's fork), two rounds, in the order
# above and then back, every controller deleted (and checked
# gone) before each; then all of it again with 1 ms of delay on lo (tc
# netem), what a real fabric adds to each packet.  The figures are "#
# bench: MODE DELAY_MS ROUND key=value..." lines that t/bench.sh turns into
# BENCHMARKS.md rows; the "ok" lines are the functional checks of each
# round (all 64 live, one controller each, the namespaces read).

P=nqn.2014-08.org.example.bench
PREFIX=$P:s
N=64
PORT=4420
MODES="stacd own cli raw pool serial"

ids() {
	local i=1
	while [ $i -le $N ]; do printf '%02d\n' $i; i=$((i + 1)); done
}

none_left() { [ "$(count_all)" = 0 ]; }

# clean: no controller at all (deleted, and checked gone), no state of a
# previous stacd.
clean() {
	local c
	# In parallel: one at a time, 64 deletes take seconds under TCG.
	for c in /sys/class/nvme/nvme*; do
		[ -e "$c" ] && ctrl_delete "${c##*/}" &
	done
	wait
	wait_for 60 none_left || return 1
	rm -rf /run/stacd /run/nvme /etc/nvme/nvme-fabrics.conf
}

# one_each: every subsystem has exactly one controller, and it is live.
one_each() {
	ctrl_table | awk -v p="$PREFIX" -v want=$N '
	index($2, p) == 1 { n[$2]++; if ($3 != "live") bad = 1 }
	END { for (k in n) { if (n[k] != 1) bad = 1; c++ }
	      exit bad || c != want }'
}

all_read() {
	local i
	for i in $(ids); do
		wait_for 10 ns_reads "$P:s$i" || { echo "s$i: namespace not readable"; return 1; }
	done
}

# ---------------------------------------------------------------- target
tgt_port 1 ipv4 127.0.0.1 $PORT || not_ok "target: port 1"
for i in $(ids); do
	tgt_subsys "$P:s$i" 1 && tgt_link 1 "$P:s$i" || not_ok "target: subsystem s$i"
done
for i in $(ids); do nvmf_opts "$P:s$i" 127.0.0.1 $PORT; done > /tmp/raw.opts
{
	printf '[Controllers]\n'
	for i in $(ids); do
		echo "controller=transport=tcp;traddr=127.0.0.1;trsvcid=$PORT;nqn=$P:s$i"
	done
} > /tmp/stacd-configured.conf
printf '[Controllers]\n' > /tmp/stacd-own.conf
cli_present bench

# run MODE: the command of MODE under the clock; its figures on stdout.
run() {
	local live="nvmf-bench live"
	case $1 in
	stacd) write_conf < /tmp/stacd-configured.conf
		$live -k -o "$STACD_LOG" $N "$PREFIX" 120 /usr/sbin/stacd ;;
	own) write_conf < /tmp/stacd-own.conf
		printf '[Discovery Controller]\ncontroller = transport=tcp;traddr=127.0.0.1;trsvcid=%s\n' \
		    $PORT > /etc/nvme/nvme-fabrics.conf
		$live -k -o "$STACD_LOG" $N "$PREFIX" 120 /usr/sbin/stacd ;;
	cli) $live -o /tmp/connect-all.out $N "$PREFIX" 120 nvme connect-all \
		    -t tcp -a 127.0.0.1 -s $PORT --hostnqn="$HOSTNQN" --hostid="$HOSTID" ;;
	raw) $live $N "$PREFIX" 120 nvmf-bench raw /tmp/raw.opts ;;
	pool) $live $N "$PREFIX" 120 nvmf-bench raw -j 8 /tmp/raw.opts ;;
	serial) $live $N "$PREFIX" 120 nvmf-bench raw -s /tmp/raw.opts ;;
	esac
}

# round MODE DELAY_MS ROUND: one clean, timed, checked run.
round() {
	local what="$1, delay $2 ms, round $3" out said
	assert "$what: no controller before" clean || return 1
	if [ "$1" = cli ] && [ $have_cli = 0 ]; then
		skip "$what" "no nvme-cli in the image"
		return 0
	fi
	: > "$STACD_LOG"
	out=$(run "$1" 2>/tmp/bench.err | tr '\n' ' ')
	# A failed connect waits 3 s for its retry: say so, with stacd's words.
	case $1 in stacd|own)
		out="${out}failed_connects=$(grep -c 'connect failed' "$STACD_LOG")"
		said=$(grep -E 'warning|error|failed' "$STACD_LOG" | grep -v D-Bus |
		    head -n 3)
		[ -z "$said" ] || diag "$(echo "$said" | sed "s/^/$what: stacd: /")" ;;
	esac
	diag "bench: $1 $2 $3 $out"
	case "$out" in
	*"live_ms=never"*) not_ok "$what: all $N live"
		diag "$(head -n 5 /tmp/bench.err)" "$(ctrl_table | head -n 5)"
		return 1 ;;
	*) ok "$what: all $N live" ;;
	esac
	assert "$what: one live controller each" one_each
	# Reading 64 namespaces takes a few seconds under TCG: once a mode.
	[ "$2$3" != 01 ] || assert "$what: the $N namespaces read" all_read
}

for delay in 0 1; do
	if [ $delay = 1 ]; then
		# The full path: busybox ash runs its own tc applet before PATH,
		# and that one knows no netem.
		assert "tc qdisc add dev lo root netem delay 1ms" \
		    /usr/sbin/tc qdisc add dev lo root netem delay 1ms || break
		diag "bench: $(/usr/sbin/tc qdisc show dev lo | head -n 1)"
	fi
	for r in 1 2; do
		order=$MODES
		[ $r = 1 ] || order=$(echo "$MODES" | tr ' ' '\n' | sed '1!G;h;$!d')
		for m in $order; do round $m $delay $r; done
	done
done
assert "every controller deleted at the end" clean

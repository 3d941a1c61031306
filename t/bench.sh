#!/bin/sh
# t/bench.sh - the process-level half of `make bench` (after build/bench):
# binary size, peak RSS, start -> ready, CPU while connects fail,
# reconcile passes, list_controllers over a private bus against an echo
# service, a uevent storm, and in the QEMU VM 64 subsystems connected by
# stacd, nvme connect-all and raw writes (t/vm/bench-vm.sh).  Prints every figure with the command that
# made it and writes them into BENCHMARKS.md between the "bench.sh"
# marker comments (the rest of the file is left alone).  Numbers only:
# nothing passes or fails.  A figure whose tool is missing prints SKIP.
#
#   BENCH_NO_WRITE=1   print only, leave BENCHMARKS.md as it is
#   BENCH_CPU_S=30     the length of the CPU figure
set -u
PY=/usr/bin/python3
H="$PY t/bench-helper.py"
CPU_S=${BENCH_CPU_S:-30}
T=$(mktemp -d /tmp/stacd-bench.XXXXXX) || exit 1
chmod 755 "$T"
ROWS=$T/rows
RAW=$T/raw
: > "$ROWS"
: > "$RAW"
BG_PIDS="" BUS_PID="" STACD_PID=""

cleanup() {
	trap - EXIT INT TERM
	for _p in $STACD_PID $BG_PIDS; do
		kill "$_p" 2>/dev/null
	done
	sleep 0.2
	for _p in $STACD_PID $BG_PIDS; do
		kill -9 "$_p" 2>/dev/null
	done
	[ -n "$BUS_PID" ] && kill "$BUS_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "$*"; }
# fig FIGURE VALUE COMMAND: print it, keep it for BENCHMARKS.md
fig() {
	printf '%-58s %s\n    $ %s\n' "$1" "$2" "$3"
	printf '| %s | %s | `%s` |\n' "$1" "$2" "$3" >> "$ROWS"
}
skip() {
	echo "SKIP: $1"
	printf '| %s | SKIP: %s | |\n' "$1" "$2" >> "$ROWS"
}
val() { sed -n "s/^$1 //p" "$2" | head -n 1; }

# ---- tools ---------------------------------------------------------------
need_pkgs=""
command -v musl-gcc >/dev/null 2>&1 || need_pkgs="$need_pkgs musl-tools"
command -v dbus-daemon >/dev/null 2>&1 || need_pkgs="$need_pkgs dbus-daemon"
command -v unshare >/dev/null 2>&1 || need_pkgs="$need_pkgs util-linux"
[ -x $PY ] && $PY -c 'from gi.repository import Gio' 2>/dev/null ||
	need_pkgs="$need_pkgs python3 python3-gi"
if [ -n "$need_pkgs" ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
	say "# installing:$need_pkgs"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends $need_pkgs >/dev/null 2>&1 ||
		say "# apt-get install$need_pkgs failed; the figures needing them are skipped"
fi
HAVE_PY=1
[ -x $PY ] && $PY -c 'from gi.repository import Gio' 2>/dev/null || HAVE_PY=
[ -x ./stacd ] || make -s stacd >/dev/null || exit 1
[ -x build/bench ] || make -s build/bench >/dev/null || exit 1

# ---- 1. binary size --------------------------------------------------------
say "== 1. binary size"
if make -s static > "$T/static.out" 2>&1 && [ -x ./stacd.static ]; then
	# the compiler the Makefile picks
	cc=$(command -v musl-gcc >/dev/null 2>&1 && echo musl-gcc || echo "${CC:-cc}, no musl-gcc")
	fig "static stripped ./stacd.static ($cc)" \
	    "$(stat -c %s stacd.static) bytes" "make static; stat -c %s stacd.static"
else
	skip "static ./stacd.static" "make static failed"
fi
strip -o "$T/stacd.stripped" stacd 2>/dev/null &&
	fig "glibc ./stacd, stripped (dynamic)" \
	    "$(stat -c %s "$T/stacd.stripped") bytes" "strip -o X stacd; stat -c %s X"

if [ -z "$HAVE_PY" ]; then
	skip "figures 2-4, 6" "/usr/bin/python3 with python3-gi missing"
else

# ---- 4 (in the background while 2 runs). CPU in the first 30 s ------------
mkdir "$T/cpu"
$H tree "$T/cpu" 1000 fail
$H run ./stacd "$T/cpu/root" "$CPU_S" > "$T/cpu.out" 2>&1 &
CPU_PID=$!
BG_PIDS="$BG_PIDS $CPU_PID"

# ---- 2. peak RSS -------------------------------------------------------------
say "== 2. peak RSS (VmHWM 4 s after the start: the first pass and the 3 s retry done)"
BINS="./stacd"
[ -x ./stacd.static ] && BINS="$BINS ./stacd.static"
for mode in fail ok; do
	for n in 0 100 1000 10000; do
		[ $n -eq 0 ] && [ $mode = ok ] && continue	# idle: once
		d=$T/rss-$mode-$n
		mkdir "$d"
		$H tree "$d" $n $mode
		cp "$d/root/dev/nvme-fabrics" "$d/fabrics.orig"
		for b in $BINS; do
			rm -rf "$d/root/run"; mkdir "$d/root/run"
			cp "$d/fabrics.orig" "$d/root/dev/nvme-fabrics"
			$H run $b "$d/root" 4 > "$d/out" 2>&1
			kb=$(val vmhwm_kb "$d/out")
			[ "$mode" = fail ] && what="connects fail" ||
			    what="all $n live (adopted)"
			[ $n -eq 0 ] && what="idle"
			fig "VmHWM $b, $n controllers, $what" "${kb:-?} kB" \
			    "t/bench-helper.py tree D $n $mode; t/bench-helper.py run $b D/root 4"
			echo "$b $mode $n ${kb:-}" >> "$T/rss"
		done
		[ $n -ge 10000 ] && rm -rf "$d"
	done
done

# The slope: what one more controller costs, from 1,000 to 10,000.
for b in $BINS; do
	for mode in fail ok; do
		a=$(awk -v b=$b -v m=$mode '$1 == b && $2 == m && $3 == 1000 { print $4 }' "$T/rss")
		z=$(awk -v b=$b -v m=$mode '$1 == b && $2 == m && $3 == 10000 { print $4 }' "$T/rss")
		[ -n "$a" ] && [ -n "$z" ] &&
			fig "  RSS per controller, $b, $mode (1000 -> 10000)" \
			    "$(( (z - a) * 1024 / 9000 )) bytes" "(VmHWM at 10000 - at 1000) / 9000"
	done
done

say "== 4. CPU in the first $CPU_S s, 1,000 controllers that cannot connect"
wait $CPU_PID
fig "CPU (utime+stime) of ./stacd, first $CPU_S s, 1000 failing" \
    "$(val cpu_s "$T/cpu.out") s" \
    "t/bench-helper.py tree D 1000 fail; t/bench-helper.py run ./stacd D/root $CPU_S"
fabrics_lines=$(($(wc -l < "$T/cpu/root/dev/nvme-fabrics") - 1))
fig "  connect attempts in those $CPU_S s" "$fabrics_lines" \
    "wc -l D/root/dev/nvme-fabrics (minus the reply line)"

# ---- the private bus (3 and 6) -----------------------------------------------
HAVE_BUS=
if command -v dbus-daemon >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	mkdir "$T/system.d"
	cp etc/org.nvmexpress.stac.conf "$T/system.d/"
	cat > "$T/system.d/bench-echo.conf" <<-'EOF'
	<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
	 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
	<busconfig>
	  <policy user="root">
	    <allow own="org.nvmexpress.stac.BenchEcho"/>
	    <allow send_destination="org.nvmexpress.stac.BenchEcho"/>
	  </policy>
	</busconfig>
	EOF
	sed "s|@DIR@|$T|g" t/dbus/bus.conf.in > "$T/bus.conf"
	if dbus-daemon --config-file="$T/bus.conf" --fork --print-address=1 \
	    --print-pid=1 > "$T/bus.info" 2> "$T/bus.log"; then
		BUS_PID=$(sed -n 2p "$T/bus.info")
		BUS="unix:path=$T/bus.sock"
		HAVE_BUS=1
	fi
fi

say "== 3. start -> ready"
for spec in "0 fail" "1000 fail" "1000 ok"; do
	set -- $spec
	d=$T/ready-$1-$2
	mkdir "$d"
	$H tree "$d" $1 $2
	for b in $BINS; do
		rm -rf "$d/root/run"; mkdir "$d/root/run"
		$H run $b "$d/root" 0 > "$d/out" 2>&1
		[ "$2" = ok ] && what="$1 live (adopted)" || what="$1 (connects fail)"
		fig "start -> READY=1, $b, no bus, $what" \
		    "$(val ready_ms "$d/out") ms" "t/bench-helper.py run $b D/root 0"
		if [ -n "$HAVE_BUS" ]; then
			rm -rf "$d/root/run"; mkdir "$d/root/run"
			$H run $b "$d/root" 0 "$BUS" > "$d/out" 2>&1
			fig "start -> READY=1, $b, private bus, $what" \
			    "$(val ready_ms "$d/out") ms" \
			    "t/bench-helper.py run $b D/root 0 \$BUS"
			fig "start -> bus name owned, $b, private bus, $what" \
			    "$(val owned_ms "$d/out") ms" \
			    "(the same run: NameHasOwner polled every 0.5 ms)"
		fi
	done
done
[ -n "$HAVE_BUS" ] || skip "start -> ready on a bus" "dbus-daemon missing or not root"

# ---- 6. list_controllers(true) ----------------------------------------------------
say "== 6. list_controllers(true), 1,000 controllers, private dbus-daemon"
if [ -n "$HAVE_BUS" ]; then
	for mode in ok fail; do
		d=$T/lc-$mode
		mkdir "$d"
		$H tree "$d" 1000 $mode
		DBUS_SYSTEM_BUS_ADDRESS=$BUS NOTIFY_SOCKET= RUNTIME_DIRECTORY=/run/stacd \
		    ./stacd --root="$d/root" -f "$d/root/etc/stas/stacd.conf" \
		    > "$d/stacd.log" 2>&1 &
		STACD_PID=$!
		DBUS_SYSTEM_BUS_ADDRESS=$BUS timeout 10 gdbus wait --system \
		    --timeout 8 org.nvmexpress.stac
		# Past the first pass and the +3 s retries of failing
		# connects: the daemon's CPU is then the calls' alone (the
		# next retries are 60 s later).
		sleep 5
		[ $mode = ok ] && what="1000 live, sysfs read" ||
		    what="1000 not connected"
		if $H lc "$BUS" $STACD_PID $BUS_PID 200 > "$d/out" 2>&1; then
			c="t/bench-helper.py lc \$BUS STACD_PID BUS_PID 200 (GDBus client)"
			fig "list_controllers(true) reply, $what" \
			    "$(val reply_dicts "$d/out") dicts, $(val reply_bytes "$d/out") bytes" "$c"
			fig "  stacd: wall per call" "$(val stacd_ms_per_call "$d/out") ms ($(val stacd_calls_per_s "$d/out") calls/s)" "$c"
			fig "  stacd: daemon CPU per call" "$(val stacd_cpu_ms_per_call "$d/out") ms" "$c"
			fig "  stacd: dbus-daemon CPU per call" "$(val stacd_bus_cpu_ms_per_call "$d/out") ms" "$c"
			fig "  echo service, same reply: wall per call" "$(val echo_ms_per_call "$d/out") ms ($(val echo_calls_per_s "$d/out") calls/s, $(val echo_reply_bytes "$d/out") bytes)" "$c"
			fig "  echo service: its CPU per call (GDBus, Python)" "$(val echo_cpu_ms_per_call "$d/out") ms" "$c"
			fig "  echo service: dbus-daemon CPU per call" "$(val echo_bus_cpu_ms_per_call "$d/out") ms" "$c"
		else
			skip "list_controllers(true), $what" "$(tail -n 1 "$d/out")"
		fi
		kill $STACD_PID; wait $STACD_PID 2>/dev/null; STACD_PID=
	done
else
	skip "list_controllers(true)" "dbus-daemon missing or not root"
fi
fi	# HAVE_PY

# ---- 5. reconcile ---------------------------------------------------------------
say "== 5. one reconcile pass, desired N x observed N"
build/bench reconcile > "$T/recon.out"
cat "$T/recon.out"
{ echo '#### build/bench reconcile'; echo; echo '```'; cat "$T/recon.out"; echo '```'; echo; } >> "$RAW"
for n in 100 1000 10000; do
	fig "recon_plan steady pass, $n wanted x $n observed" \
	    "$(sed -n "s/^recon_plan: steady pass, $n connected *\([0-9.]* ms\).*/\1/p" "$T/recon.out")" \
	    "build/bench reconcile"
done
g=$(grep -A1 'steady pass, 1000 ' "$T/recon.out" | sed -n 's/.*growth of the pass) *\([0-9.]* x\).*/\1/p')
fig "  growth 100 -> 1000" "${g:-?}" "build/bench reconcile"
g=$(grep -A1 'steady pass, 10000 ' "$T/recon.out" | sed -n 's/.*growth of the pass) *\([0-9.]* x\).*/\1/p')
fig "  growth 1000 -> 10000" "${g:-?}" "build/bench reconcile"

# ---- 7. uevent storm ---------------------------------------------------------------
say "== 7. uevent storm: 100,000 real kernel uevents (a private netns; lo's uevent file)"
STORM="unshare -n -m sh -c 'mount -t sysfs sysfs /sys && build/bench storm 100000 [late]'"
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null 2>&1 &&
    unshare -n -m sh -c 'mount -t sysfs sysfs /sys &&
	build/bench storm 100000 && build/bench storm 100000 late' > "$T/storm.out" 2>&1 &&
    grep -q '^uevent storm' "$T/storm.out"; then
	cat "$T/storm.out"
	l=$(grep -v stalled "$T/storm.out" | grep '^uevent storm')
	fig "uevent storm, reader in its poll loop" \
	    "$(echo "$l" | sed 's/^uevent storm: //')" "$STORM"
	l=$(grep stalled "$T/storm.out")
	fig "uevent storm, reader stalled for the burst" \
	    "$(echo "$l" | sed 's/^uevent storm (reader stalled until the burst ends): //')" "$STORM"
	if [ -n "$HAVE_PY" ]; then
		d=$T/storm
		mkdir "$d"
		$H tree "$d" 1000 ok
		for how in run stall; do
			arg=; [ $how = stall ] && arg=stall
			rm -rf "$d/root/run"; mkdir "$d/root/run"
			c="unshare -n -m sh -c 'mount -t sysfs sysfs /sys && t/bench-helper.py storm ./stacd D/root 100000${arg:+ $arg}'"
			unshare -n -m sh -c "mount -t sysfs sysfs /sys &&
			    $H storm ./stacd '$d/root' 100000 $arg" > "$d/out" 2>&1
			[ $how = stall ] && what="stopped (SIGSTOP) for the burst, the kernel drops most" ||
			    what="running"
			fig "uevent storm, ./stacd (1000 live) $what: daemon CPU" \
			    "$(val daemon_cpu_s "$d/out") s for $(val written "$d/out") events ($(val daemon_us_per_event "$d/out") us/event), written in $(val write_s "$d/out") s" "$c"
			fig "  ... its \"uevent overrun: rescanning\" warnings" \
			    "$(val overrun_warnings "$d/out")" "grep -c 'uevent overrun' stacd's log"
		done
	fi
else
	skip "uevent storm" "needs root and unshare (a private network namespace): $(tail -n 1 "$T/storm.out" 2>/dev/null)"
fi

# ---- 8. 64 subsystems in the QEMU VM ------------------------------------------------
say "== 8. 64 subsystems on nvmet-tcp in the QEMU VM: stacd, nvme connect-all, the kernel's bound"
VM_CMD="make static && t/vm/run.sh -t 600 t/vm/bench-vm.sh | grep '^# bench:'"
# vm_stat MODE DELAY KEY: "MEAN MIN ROUND1, ROUND2..." of KEY=, nothing
# if a round has no figure
vm_stat() {
	awk -v m="$1" -v d="$2" -v k="$3" '
	$1 == "#" && $2 == "bench:" && $3 == m && $4 == d {
		v = ""
		for (i = 6; i <= NF; i++)
			if (index($i, k "=") == 1) v = substr($i, length(k) + 2)
		if (v == "" || v == "never") bad = 1
		else {
			s += v; n++; l = l (n > 1 ? ", " : "") v
			if (n == 1 || v + 0 < min) min = v + 0
		}
	}
	END { if (n && !bad) printf "%.0f %.0f %s\n", s / n, min, l }' "$T/vm.out"
}
# vm_fig FIGURE MODE DELAY KEY [MORE]: the mean, the minimum and the
# rounds, in ms
vm_fig() {
	_s=$(vm_stat "$2" "$3" "$4")
	if [ -n "$_s" ]; then
		_mean=${_s%% *} _r=${_s#* }
		fig "$1" "mean $_mean ms, min ${_r%% *} ms (rounds: ${_r#* } ms)${5:+; $5}" "$VM_CMD"
	else
		skip "$1" "no figure (a round failed or was skipped: see t/vm/run.sh's output)"
	fi
}
# vm_cpu MODE DELAY: the mean user and system CPU time of the command
vm_cpu() {
	echo "$(vm_stat "$1" "$2" user_ms | cut -d' ' -f1) ms user +" \
	    "$(vm_stat "$1" "$2" sys_ms | cut -d' ' -f1) ms sys"
}
# vm_ratio FIGURE A B: mean A / mean B, and min A / min B ("MODE:KEY" each)
vm_ratio() {
	_a=$(vm_stat "${2%%:*}" "$d" "${2#*:}") _b=$(vm_stat "${3%%:*}" "$d" "${3#*:}")
	[ -n "$_a" ] && [ -n "$_b" ] || return 0
	set -- "$1" $_a
	_am=$2 _an=$3
	set -- "$1" $_b
	fig "$1" "$(echo "$_am $_an $2 $3" |
	    awk '{ printf "%.2f (of the minima: %.2f)", $1 / $3, $2 / $4 }')" \
	    "(the means and minima above)"
}
if make -s static >/dev/null 2>&1; then
	t/vm/run.sh -t 600 t/vm/bench-vm.sh > "$T/vm.out" 2>&1
	vm_rc=$?
else
	echo "SKIP: make static failed" > "$T/vm.out"
	vm_rc=77
fi
if [ $vm_rc = 77 ]; then
	say "################################################################"
	say "SKIP: the VM figures (8): $(grep -m 1 SKIP "$T/vm.out")"
	say "################################################################"
	skip "VM, 64 subsystems (8)" "$(grep -m 1 SKIP "$T/vm.out")"
else
	grep -E '^# (bench|vm):' "$T/vm.out"
	[ $vm_rc = 0 ] || {
		say "# the VM run failed (exit $vm_rc); its checks:"
		grep -E '^not ok' "$T/vm.out"
		fig "VM, 64 subsystems: the run's functional checks" \
		    "FAILED: $(grep -c '^not ok' "$T/vm.out") not ok (see t/vm/run.sh)" "$VM_CMD"
	}
	VM_KVER=$(sed -n 's/^# vm: bench-vm: .*(tcg, \(.*\))$/\1/p' "$T/vm.out")
	for d in 0 1; do
		w="VM, 64 subsystems, lo delay $d ms:"
		vm_fig "$w stacd (64 controller= entries) start -> all live" stacd $d live_ms \
		    "stacd CPU $(vm_cpu stacd $d)"
		vm_fig "$w stacd own discovery (1 DC) start -> all live" own $d live_ms \
		    "stacd CPU $(vm_cpu own $d)"
		vm_fig "$w nvme connect-all -> all live" cli $d live_ms \
		    "nvme CPU $(vm_cpu cli $d)"
		vm_fig "$w 64 raw parallel writes -> all live" raw $d live_ms \
		    "their CPU $(vm_cpu raw $d)"
		vm_fig "$w  kernel's serial bound (sum of those writes' own times)" raw $d bound_ms
		vm_fig "$w 64 raw writes, 8 at a time (stacd's pool) -> all live" pool $d live_ms \
		    "their CPU $(vm_cpu pool $d)"
		vm_fig "$w  sum of those writes' own times" pool $d bound_ms
		vm_fig "$w 64 writes one after another -> all live" serial $d live_ms \
		    "their CPU $(vm_cpu serial $d)"
		vm_fig "$w  sum of those writes' times" serial $d bound_ms
		vm_ratio "$w  stacd / serial bound" stacd:live_ms raw:bound_ms
		vm_ratio "$w  stacd / connect-all" stacd:live_ms cli:live_ms
		vm_ratio "$w  stacd own discovery / connect-all" own:live_ms cli:live_ms
		vm_ratio "$w  stacd / the writes one after another" stacd:live_ms serial:bound_ms
		vm_ratio "$w  stacd / the writes 8 at a time" stacd:live_ms pool:live_ms
	done
	fig "VM, 64 subsystems: boot + the 24 rounds" \
	    "$(sed -n 's/^# vm: bench-vm: .*boot+scenario \([0-9.]*s\).*/\1/p' "$T/vm.out")" "$VM_CMD"
fi

# ---- BENCHMARKS.md ---------------------------------------------------------------
[ -n "${BENCH_NO_WRITE:-}" ] && exit 0
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- 2>/dev/null || commit="$commit (with local changes)"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
{
	echo '<!-- bench.sh: begin (generated by `make bench`; do not edit by hand) -->'
	echo '## make bench: size, memory, start-up, CPU, D-Bus, uevents, VM connects'
	echo
	echo "Machine: $(nproc) cores ($cpu), $mem; kernel $(uname -r);" \
	    "$(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-?}")."
	echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $commit."
	echo
	echo 'Made by `t/bench.sh` (run by `make bench` after `build/bench`).'
	echo 'The fake trees are `t/bench-helper.py tree`: N `controller=` lines'
	echo '(tcp, 10.x.y.z, nqn ...:sN); *fail*: `/dev/nvme-fabrics` is a file'
	echo 'whose reply is not `instance=`, so every connect fails and is retried'
	echo '(3 s, then 60 s); *ok*: it answers `instance=0,cntlid=1` and'
	echo '`/sys/class/nvme` already holds the N controllers live, so all are'
	echo 'adopted.  stacd runs with `--root`, no bus unless said.'
	echo
	echo 'The uevent storm writes `change` to `/sys/class/net/lo/uevent` in a'
	echo 'private network and mount namespace (`unshare -n -m`), so the events'
	echo 'are the kernel'"'"'s own (port 0), reach only that namespace and are'
	echo 'read with `netlink_open()` + `netlink_drain()`, the socket and function'
	echo 'of the daemon'"'"'s loop (8 MiB SO_RCVBUFFORCE, 256 datagrams per call).'
	echo 'They are SUBSYSTEM=net, so stacd parses and ignores them (no pass).'
	echo 'When the kernel drops events (ENOBUFS), `netlink_drain()` still drains'
	echo 'the queue and returns NETLINK_OVERRUN; stacd logs `uevent overrun:'
	echo 'rescanning /sys/class/nvme` and runs a full pass at once, so lost'
	echo 'events cost a sysfs rescan, not a missed state change.'
	echo 'list_controllers: the echo service (GDBus in Python, `t/bench-helper.py'
	echo 'echo-serve`) holds the reply stacd gave and returns it for every call,'
	echo 'so its row is the cost of the bus and the client alone.'
	echo
	echo 'VM (8): `t/vm/bench-vm.sh` in one boot of QEMU'" $(qemu-system-x86_64 --version 2>/dev/null | sed -n '1s/.*version \([^ ]*\).*/\1/p')"
	echo "(TCG, 2 vCPUs, 512 MiB), guest kernel ${VM_KVER:-?} for host and"
	echo 'nvmet target alike, 64 subsystems (1 MiB namespace each) on one port,'
	echo '127.0.0.1:4420.  Every round starts with no controller at all (each'
	echo 'deleted and checked gone) and ends when the 64th subsystem has a live'
	echo 'controller: `nvmf-bench live` counts the kernel'"'"'s NVME_EVENT=connected'
	echo 'uevents (sent as the controller goes live, before its write returns)'
	echo 'from just before the command'"'"'s fork, so the resolution is the uevent'"'"'s'
	echo 'delivery, under 1 ms.  Modes: *stacd*, 64 `controller=` entries in'
	echo 'stacd.conf (the connect path alone); *stacd own discovery*, one'
	echo 'discovery controller in nvme-fabrics.conf (one more controller and a log'
	echo 'page, like connect-all); *connect-all*, Debian'"'"'s nvme-cli 2.3; *raw*,'
	echo '`nvmf-bench raw`: 64 processes, each with /dev/nvme-fabrics open, released'
	echo 'together; the kernel takes one write at a time (`nvmf_dev_mutex`), so a'
	echo 'write'"'"'s own time is its end minus the later of its start and the'
	echo 'previous end, and their sum is the serial bound; *8 at a time*,'
	echo '`nvmf-bench raw -j 8`, a process a write, the next forked as one ends'
	echo '(the shape of stacd'"'"'s worker pool); *one after another*,'
	echo '`nvmf-bench raw -s`, the same 64 writes from one process.  Two rounds'
	echo 'each, alternating (in order, then back), then all again with'
	echo '`tc qdisc add dev lo root netem delay 1ms`.  The connect options are the'
	echo 'kernel'"'"'s defaults in every mode (2 I/O queues: one per vCPU).'
	echo 'The machine is shared: other QEMU runs and builds add noise that'
	echo 'only slows a round down, so the minimum of the rounds is the figure'
	echo 'least disturbed; the ratios are given of the means and of the minima.'
	echo
	echo '| figure | value | command |'
	echo '| --- | --- | --- |'
	cat "$ROWS"
	echo
	cat "$RAW"
	echo '<!-- bench.sh: end -->'
} > "$T/section"
$PY - "$T/section" BENCHMARKS.md <<'EOF'
import sys
sec = open(sys.argv[1]).read()
doc = open(sys.argv[2]).read()
b, e = "<!-- bench.sh: begin", "<!-- bench.sh: end -->"
if b in doc and e in doc:
    i = doc.index(b)
    j = doc.index(e) + len(e)
    doc = doc[:i] + sec.rstrip("\n") + doc[j:]
else:
    doc = doc.rstrip("\n") + "\n\n" + sec
open(sys.argv[2], "w").write(doc)
EOF
say "== written to BENCHMARKS.md"

#!/bin/sh
# t/daemon-tier.sh - the daemon's lifecycle on a fake tree, without a
# kernel or a bus: readiness to NOTIFY_SOCKET, the option strings it
# writes, SIGHUP with a broken configuration or a FIFO, --tron across
# SIGHUP, a state file that cannot be written at first, SIGTERM.
# Prints PASS/FAIL lines for t/run-tests.sh; exit 77 = SKIP.
set -u
PY=/usr/bin/python3
[ -x $PY ] || { echo "SKIP: daemon tier: /usr/bin/python3 missing"; exit 77; }
STACD=$(pwd)/build/asan/stacd
T=$(mktemp -d /tmp/stacd-daemon.XXXXXX)
PID=
trap 'kill $PID 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
rc=0
pass() { echo "PASS daemon: $1"; }
fail() { echo "FAIL daemon: $1"; rc=1; }
check() { # description command...
	d=$1; shift
	if "$@" >/dev/null 2>&1; then pass "$d"; else fail "$d"; fi
}
wait_for() { # seconds command...
	n=$(($1 * 10)); shift
	while ! "$@" >/dev/null 2>&1; do
		[ $n -gt 0 ] || return 1
		n=$((n - 1)); sleep 0.1
	done
}

T0=$(date +%s)
R=$T/root
mkdir -p $R/dev $R/sys/class/nvme $R/etc/nvme $R/etc/stas
cp t/root/etc/nvme/hostnqn t/root/etc/nvme/hostid $R/etc/nvme/
echo 'instance=-1,cntlid=-1,transport=%s,traddr=%s,trsvcid=%s,nqn=%s,hostnqn=%s,hostid=%s,host_iface=%s,keep_alive_tmo=%d' > $R/dev/nvme-fabrics
cat > $R/etc/stas/stacd.conf <<EOF2
[Controllers]
controller=transport=tcp;traddr=::ffff:10.1.2.3;nqn=nqn.2014-08.org.example:a;kato=9
controller=transport=tcp;traddr=10.1.2.4;trsvcid=4421;nqn=nqn.2014-08.org.example:b;dhchap-secret=DHHC-1:00:ia6zGodOr4SEG0Zzaw398rpY0wqipUWj4jWjUh4HWUz6aQ2n:
controller=transport=tcp;traddr=10.1.2.5;nqn=nqn.2014-08.org.example:x
EOF2
# nvme-cli 3's nvme-fabrics.conf: a [Subsystem] path with the cascade.
cat > $R/etc/nvme/nvme-fabrics.conf <<EOF2
[I/O Controller Defaults]
keep-alive-tmo = 20
[Subsystem]
nqn = nqn.2014-08.org.example:fab
keep-alive-tmo = 25
controller = transport=tcp;traddr=10.1.2.6;trsvcid=4430;keep-alive-tmo=
controller = transport=tcp;traddr=10.1.2.7;trsvcid=4430
EOF2
# nvme-cli 3's host-wide exclusion list keeps x out (a drop-in).
mkdir -p $R/etc/nvme/exclusions.conf.d
printf '[exclusions]\nexclusion = traddr=::ffff:10.1.2.5;nqn=nqn.2014-08.org.example:x\n' \
    > $R/etc/nvme/exclusions.conf.d/50-test.conf

# The readiness listener: prints the first datagram it gets.
$PY -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); s.settimeout(20)
print(s.recv(256).decode(), flush=True)
' $T/notify > $T/notified 2>&1 &
LISTENER=$!
wait_for 5 test -S $T/notify
# The state file's directory cannot be made: a file is in the way.
mkdir -p $R/run
echo in-the-way > $R/run/stacd
DBUS_SYSTEM_BUS_ADDRESS=unix:path=$T/no-bus NOTIFY_SOCKET=$T/notify \
RUNTIME_DIRECTORY=/run/stacd \
    $STACD --root=$R --tron -f $R/etc/stas/stacd.conf > $T/log 2>&1 &
PID=$!
wait $LISTENER
check "READY=1 sent to NOTIFY_SOCKET" grep -qx 'READY=1' $T/notified

fabrics_lines() { sed 1d $R/dev/nvme-fabrics; }
wait_for 5 sh -c "[ \$(sed 1d $R/dev/nvme-fabrics | wc -l) -ge 2 ]"
a=$(fabrics_lines | grep 'nqn.2014-08.org.example:a' | head -n 1)
b=$(fabrics_lines | grep 'nqn.2014-08.org.example:b' | head -n 1)
host="hostnqn=$(cat $R/etc/nvme/hostnqn),hostid=$(cat $R/etc/nvme/hostid)"
check "option string: canonical IPv4, default port, host identity, kato" \
    [ "$a" = "nqn=nqn.2014-08.org.example:a,transport=tcp,traddr=10.1.2.3,trsvcid=4420,$host,keep_alive_tmo=9" ]
check "option string: unsupported dhchap_secret left out" \
    [ "$b" = "nqn=nqn.2014-08.org.example:b,transport=tcp,traddr=10.1.2.4,trsvcid=4421,$host" ]
check "the kernel's missing dhchap_secret support was reported" \
    grep -q 'does not support dhchap_secret' $T/log
check "the secret never reached the log" sh -c "! grep -q ia6zGodOr4 $T/log"
check "the bad reply was reported and a retry scheduled" \
    grep -q 'unexpected reply from /dev/nvme-fabrics; retrying in 3 s' $T/log
check "retried 3 s later" wait_for 6 sh -c \
    "[ \$(sed 1d $R/dev/nvme-fabrics | grep -c example:a) -ge 2 ]"
fab6=$(fabrics_lines | grep 'traddr=10.1.2.6' | head -n 1)
fab7=$(fabrics_lines | grep 'traddr=10.1.2.7' | head -n 1)
check "nvme-fabrics.conf: a [Subsystem] path is connected, an empty key resets" \
    [ "$fab6" = "nqn=nqn.2014-08.org.example:fab,transport=tcp,traddr=10.1.2.6,trsvcid=4430,$host" ]
check "nvme-fabrics.conf: the section's tunable over the defaults" \
    [ "$fab7" = "nqn=nqn.2014-08.org.example:fab,transport=tcp,traddr=10.1.2.7,trsvcid=4430,$host,keep_alive_tmo=25" ]
check "exclusions.conf.d: the excluded controller was never connected" \
    sh -c "! grep -q example:x $R/dev/nvme-fabrics"
check "exclusions.conf.d: ... and the log says so" \
    grep -q '1 controller excluded by exclusions.conf' $T/log
# The list is read again when it changes: without it x is connected.
rm $R/etc/nvme/exclusions.conf.d/50-test.conf
kill -HUP $PID
check "exclusions.conf.d: an entry removed counts at the next pass" \
    wait_for 5 grep -q 'nqn=nqn.2014-08.org.example:x,transport=tcp' \
    $R/dev/nvme-fabrics

# The state file: its failed write is said once, then retried at every
# pass until it works (it used to be taken as written).
check "state file: the failed write is reported" \
    grep -q "cannot save $R/run/stacd/last-known-config" $T/log
check "state file: ... once" \
    [ "$(grep -c 'cannot save' $T/log)" -eq 1 ]
rm $R/run/stacd		# stacd makes the directory itself now
kill -HUP $PID
check "state file: written at a later pass once it can be" \
    wait_for 5 test -s $R/run/stacd/last-known-config
check "state file: the recovery is reported" \
    wait_for 5 grep -q "saved $R/run/stacd/last-known-config" $T/log
# --tron on the command line outlives a reload whose file says tron=false.
debug_lines=$(grep -c '^debug: ' $T/log)
kill -HUP $PID
wait_for 5 sh -c "[ \$(grep -c 'configuration reloaded' $T/log) -ge 2 ]"
check "--tron survives SIGHUP (debug lines after the reload)" \
    wait_for 5 sh -c "[ \$(grep -c \"^debug: \" $T/log) -gt $debug_lines ]"

# hup_with_bad_conf DESCRIPTION LOG-TEXT COMMAND...: the configuration
# replaced by what COMMAND makes, SIGHUP, LOG-TEXT awaited, then put back.
hup_with_bad_conf() {
	d=$1 text=$2
	shift 2
	mv $R/etc/stas/stacd.conf $R/etc/stas/stacd.conf.saved
	"$@" $R/etc/stas/stacd.conf
	kill -HUP $PID
	check "$d" wait_for 5 grep -q "$text" $T/log
	rm -rf $R/etc/stas/stacd.conf
	mv $R/etc/stas/stacd.conf.saved $R/etc/stas/stacd.conf
}

# A FIFO as the configuration: refused without waiting for a writer.
hup_with_bad_conf "SIGHUP: a FIFO configuration is refused, not waited on" \
    "stacd.conf: not a regular file" mkfifo
kill -HUP $PID
check "... and the loop still runs (the next SIGHUP is served)" \
    wait_for 5 sh -c "[ \$(grep -c 'configuration reloaded' $T/log) -ge 3 ]"

# Garbage in place of the configuration: refused whole, not half-used.
garbage() { head -c 4096 /dev/urandom > "$1"; }
hup_with_bad_conf "SIGHUP: a garbage configuration is refused, previous one kept" \
    'not INI syntax; keeping the previous configuration' garbage

# SIGHUP with an unreadable configuration keeps the running one.
hup_with_bad_conf \
    "SIGHUP: unreadable configuration reported, previous one kept" \
    'keeping the previous configuration' mkdir
printf '[Controllers]\ncontroller=transport=tcp;traddr=10.9.9.9;nqn=nqn.2014-08.org.example:c\n' \
    > $R/etc/stas/stacd.conf
kill -HUP $PID
check "SIGHUP: the new configuration is used at once" wait_for 5 \
    grep -q 'nqn=nqn.2014-08.org.example:c,transport=tcp,traddr=10.9.9.9' \
    $R/dev/nvme-fabrics
check "still running after the reloads" kill -0 $PID

# The ownership registry (nvme-cli 3): two live controllers the kernel
# has, both configured; nvme7 is claimed, nvme8 is nbft's.
mkctrl() { # NAME TRADDR NQN
	d=$R/sys/class/nvme/$1
	mkdir -p $d
	echo tcp > $d/transport
	echo "traddr=$2,trsvcid=4420" > $d/address
	echo "$3" > $d/subsysnqn
	cat $R/etc/nvme/hostnqn > $d/hostnqn
	echo live > $d/state
	echo io > $d/cntrltype
	: > $d/delete_controller
	: > $R/dev/$1
}
mkctrl nvme7 10.7.7.7 nqn.2014-08.org.example:ours
mkctrl nvme8 10.8.8.8 nqn.2014-08.org.example:nbfts
mkdir -p $R/run/nvme/registry/nvme8
echo nbft > $R/run/nvme/registry/nvme8/owner
echo 5 > $R/run/nvme/registry/nvme8/seqnum
printf '[Controllers]\ncontroller=transport=tcp;traddr=10.7.7.7;nqn=nqn.2014-08.org.example:ours\ncontroller=transport=tcp;traddr=10.8.8.8;nqn=nqn.2014-08.org.example:nbfts\n' \
    > $R/etc/stas/stacd.conf
kill -HUP $PID
check "registry: an adopted controller is claimed as stas's" \
    wait_for 5 grep -qx stas $R/run/nvme/registry/nvme7/owner
check "registry: ... with a seqnum" test -s $R/run/nvme/registry/nvme7/seqnum
check "registry: nbft's entry is left as it was" \
    grep -qx nbft $R/run/nvme/registry/nvme8/owner
printf '[Controllers]\n' > $R/etc/stas/stacd.conf
kill -HUP $PID
check "registry: ours is disconnected when no longer wanted" \
    wait_for 5 test -s $R/sys/class/nvme/nvme7/delete_controller
check "registry: ... and its entry removed" \
    wait_for 5 sh -c "! test -e $R/run/nvme/registry/nvme7"
check "registry: nbft's is never disconnected, whatever the scope" \
    sh -c "sleep 1; ! test -s $R/sys/class/nvme/nvme8/delete_controller"
check "registry: ... and the log says why" \
    grep -q 'nvme8 - no longer wanted, connection kept: the registry says nbft owns it' $T/log
# A controller of stacd's whose namespace is mounted (the root, say) is
# not disconnected when it is no longer wanted, whatever the scope.
mkctrl nvme11 10.11.11.11 nqn.2014-08.org.example:rootdisk
mkdir -p $R/sys/class/nvme/nvme11/nvme11n1 $R/proc/self
printf '22 1 259:3 / / ro - ext4 /dev/nvme11n1 ro\n' > $R/proc/self/mountinfo
printf '[Controllers]\ncontroller=transport=tcp;traddr=10.11.11.11;nqn=nqn.2014-08.org.example:rootdisk\n' \
    > $R/etc/stas/stacd.conf
kill -HUP $PID
check "in use: the mounted controller is adopted (claimed as stas's)" \
    wait_for 5 grep -qx stas $R/run/nvme/registry/nvme11/owner
printf '[Controllers]\n' > $R/etc/stas/stacd.conf
kill -HUP $PID
check "in use: no longer wanted, it is kept: its namespace is mounted" \
    wait_for 5 grep -q 'nvme11 - no longer wanted, connection kept: nvme11n1 is mounted or a swap' $T/log
check "in use: ... and delete_controller was not written" \
    sh -c "! test -s $R/sys/class/nvme/nvme11/delete_controller"
# Own discovery (no bus here): a discovery controller the kernel has, whose
# log page cannot be read (/dev/nvme9 is a plain file: the ioctl fails).
# What it listed stays, and the page is read again 3 s later, then every
# 60 s.
mkctrl nvme9 10.9.9.1 nqn.2014-08.org.nvmexpress.discovery
echo "traddr=10.9.9.1,trsvcid=8009" > $R/sys/class/nvme/nvme9/address
echo discovery > $R/sys/class/nvme/nvme9/cntrltype
printf '[Discovery Controller]\ncontroller = transport=tcp;traddr=10.9.9.1\n' \
    >> $R/etc/nvme/nvme-fabrics.conf
kill -HUP $PID
DLP_FAIL='nvme9 (tcp, 10.9.9.1, 8009, nqn.2014-08.org.nvmexpress.discovery.*): cannot read its discovery log page: .*; keeping what it listed before, reading it again in'
check "own discovery: a log page that cannot be read is read again in 3 s" \
    wait_for 5 grep -q "$DLP_FAIL 3 s" $T/log
check "own discovery: ... and after a second failure, in 60 s" \
    wait_for 6 grep -q "$DLP_FAIL 60 s" $T/log
check "own discovery: the discovery controller is kept" \
    sh -c "! test -s $R/sys/class/nvme/nvme9/delete_controller"
# The other sources of discovery controllers: nvme-cli 2.x's
# discovery.conf and stafd.conf's [Controllers] (port 8009 by default).
echo '--transport=tcp --traddr=10.9.9.2 --host-iface=none -p' > $R/etc/nvme/discovery.conf
printf '[Global]\ntron=true\n[Controllers]\ncontroller=transport=tcp;traddr=10.9.9.3\n' \
    > $R/etc/stas/stafd.conf
kill -HUP $PID
for a in 10.9.9.2 10.9.9.3; do
	check "own discovery: $a (discovery.conf, stafd.conf) is connected" \
	    wait_for 5 grep -q "(tcp, $a, 8009, nqn.2014-08.org.nvmexpress.discovery): waiting -> connecting" $T/log
done
rm $R/etc/nvme/discovery.conf $R/etc/stas/stafd.conf
# discovery=stafd: stacd reads no log page, so the discovery controller
# it adopted is no longer its to keep.
printf '[Global]\ndiscovery=stafd\n[Controllers]\n' > $R/etc/stas/stacd.conf
kill -HUP $PID
check "discovery=stafd: said so" wait_for 5 grep -q \
    "discovery: stafd's log pages are used, stacd's own discovery is idle (discovery=stafd)" $T/log
check "discovery=stafd: the discovery controller stacd adopted is let go" \
    wait_for 5 test -s $R/sys/class/nvme/nvme9/delete_controller
# /sys/class/nvme is read in full at the start and on each reload (and
# a periodic audit, once a minute); a job's end re-reads only its device.
full_scans() {
	n=$(grep -c 'sysfs: full scan of /sys/class/nvme' $T/log)
	reloads=$(grep -c 'configuration reloaded from' $T/log)
	audits=$((($(date +%s) - T0) / 60 + 1))
	[ "$n" -ge 1 ] && [ "$n" -le $((reloads + 1 + audits)) ]
}
check "sysfs: a disconnect's end re-reads its device alone" \
    grep -q 'sysfs: nvme7 re-read' $T/log
check "sysfs: full scans only at start, on reload (and the audit)" full_scans
kill -TERM $PID
wait $PID
check "SIGTERM exits 0" [ $? -eq 0 ]
PID=
check "last-known-config directory created under the root" test -d $R/run/stacd
exit $rc

#!/bin/sh
# t/daemon-tier.sh - the daemon's lifecycle on a fake tree, without a
# kernel or a bus: readiness to NOTIFY_SOCKET, the option strings it
# writes, SIGHUP with a broken configuration, SIGTERM.
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

R=$T/root
mkdir -p $R/dev $R/sys/class/nvme $R/etc/nvme $R/etc/stas
cp t/root/etc/nvme/hostnqn t/root/etc/nvme/hostid $R/etc/nvme/
echo 'instance=-1,cntlid=-1,transport=%s,traddr=%s,trsvcid=%s,nqn=%s,hostnqn=%s,hostid=%s,host_iface=%s,keep_alive_tmo=%d' > $R/dev/nvme-fabrics
cat > $R/etc/stas/stacd.conf <<EOF2
[Controllers]
controller=transport=tcp;traddr=::ffff:10.1.2.3;nqn=nqn.2014-08.org.example:a;kato=9
controller=transport=tcp;traddr=10.1.2.4;trsvcid=4421;nqn=nqn.2014-08.org.example:b;dhchap-secret=DHHC-1:00:ia6zGodOr4SEG0Zzaw398rpY0wqipUWj4jWjUh4HWUz6aQ2n:
EOF2

# The readiness listener: prints the first datagram it gets.
$PY -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); s.settimeout(20)
print(s.recv(256).decode(), flush=True)
' $T/notify > $T/notified 2>&1 &
LISTENER=$!
wait_for 5 test -S $T/notify
DBUS_SYSTEM_BUS_ADDRESS=unix:path=$T/no-bus NOTIFY_SOCKET=$T/notify \
RUNTIME_DIRECTORY=/run/stacd \
    $STACD --root=$R -f $R/etc/stas/stacd.conf > $T/log 2>&1 &
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

# SIGHUP with an unreadable configuration keeps the running one.
mv $R/etc/stas/stacd.conf $R/etc/stas/stacd.conf.saved
mkdir $R/etc/stas/stacd.conf
kill -HUP $PID
check "SIGHUP: unreadable configuration reported, previous one kept" \
    wait_for 5 grep -q 'keeping the previous configuration' $T/log
rmdir $R/etc/stas/stacd.conf
printf '[Controllers]\ncontroller=transport=tcp;traddr=10.9.9.9;nqn=nqn.2014-08.org.example:c\n' \
    > $R/etc/stas/stacd.conf
kill -HUP $PID
check "SIGHUP: the new configuration is used at once" wait_for 5 \
    grep -q 'nqn=nqn.2014-08.org.example:c,transport=tcp,traddr=10.9.9.9' \
    $R/dev/nvme-fabrics
check "still running after the reloads" kill -0 $PID
kill -TERM $PID
wait $PID
check "SIGTERM exits 0" [ $? -eq 0 ]
PID=
check "last-known-config directory created under the root" test -d $R/run/stacd
exit $rc

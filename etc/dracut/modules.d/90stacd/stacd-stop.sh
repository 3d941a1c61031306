#!/bin/sh
# /sbin/stacd-stop: stop the initramfs's stacd before the switch to the
# real root (dracut's cleanup hook).
#
# On SIGTERM stacd leaves every connection up, writes
# /run/stacd/last-known-config (the controllers it owns) and keeps its
# claims in /run/nvme/registry.  switch_root then moves /run into the real
# root, where the system's stacd reads them and adopts the connections
# (stacd(8)).  Its log stays in /run/initramfs/stacd.log.

. /lib/stacd-lib.sh

pid=$(stacd_pid) || { rm -f "$STACD_PIDFILE"; exit 0; }
rm -f "$STACD_PIDFILE"
kill -TERM "$pid" 2> /dev/null || exit 0
# It exits at once, unless a connect in the kernel holds it for that
# connect's own timeout.  The root must not be switched under a running
# stacd (its binary goes with the initramfs): wait 10 s at most.
n=0
while [ -d "/proc/$pid" ] && [ $n -lt 100 ]; do
    read -r st < "/proc/$pid/stat" 2> /dev/null || break
    case "${st##*) }" in Z* | X*) break ;; esac
    sleep 0.1 2> /dev/null || sleep 1
    n=$((n + 1))
done
if [ $n -ge 100 ]; then
    stacd_say "pid $pid did not exit within 10 s of SIGTERM; going on" \
        "(the system's stacd adopts what it finds)"
fi
exit 0

#!/bin/sh
# /sbin/stacd-start [IFACE]: start stacd in the initramfs, once.
#
# Run by the initqueue/settled job that parse-stacd.sh queues (again at
# every turn of dracut's main loop until stacd runs) and by the
# initqueue/online hook with the interface that came up.  When the
# network is needed (tcp, rdma), it waits for an interface other than lo
# to have an address: stacd retries a failed connect 3 s, then 60 s
# later, so starting it before the network would cost a minute.
# No D-Bus here: stacd runs on its configuration alone, logging to
# /run/initramfs/stacd.log, which /run carries into the real root.

. /lib/stacd-lib.sh

[ -e "$STACD_STATE/enabled" ] || exit 0
[ -d "$STACD_STATE/started" ] && exit 0
if [ -e "$STACD_STATE/neednet" ] && [ -z "${1:-}" ] && ! stacd_have_address; then
    exit 0
fi
mkdir "$STACD_STATE/started" 2> /dev/null || exit 0

ip link set lo up 2> /dev/null
mkdir -p /run/stacd /run/initramfs
tron=""
getargbool 0 stacd.tron && tron=--tron
# setsid: not in the session of the job that started it
# shellcheck disable=SC2086 # $tron is empty or one word
setsid "$STACD" $tron < /dev/null >> "$STACD_LOG" 2>&1 &
echo $! > "$STACD_PIDFILE"

read -r t0 < "$STACD_STATE/t0"
read -r timeout < "$STACD_STATE/timeout"
now=$(stacd_centis)
# stacd.timeout= counts from here: the network may take long to come up
echo $((now + timeout * 100)) > "$STACD_STATE/deadline"
stacd_say "started (pid $!)${1:+ when $1 came up}, $(stacd_secs $((now - t0))) s after the command line; log in $STACD_LOG"
if [ -e "$STACD_STATE/wait" ]; then
    stacd_say "waiting up to $timeout s (stacd.timeout=) for the root device $(stacd_root) over NVMe-oF"
fi
exit 0

#!/bin/sh
# initqueue/finished hook of dracut's stacd module, sourced in a
# subshell at every turn of dracut's main loop: true once stacd's part of
# the wait is over.  While false, dracut keeps waiting (and running the
# initqueue).  Over when:
#   - the root device (root=/dev/..., UUID=, LABEL=, PARTUUID=,
#     PARTLABEL=) exists: says how long it took;
#   - stacd exited, or stacd.timeout= seconds have passed since the
#     command line was parsed: says so, lists the controllers stacd was
#     given and what became of them, and lets dracut wait on for the
#     root as it does for any root (rd.retry=, then "Could not boot").
#     stacd keeps retrying in the background meanwhile.
[ -e /tmp/stacd/wait ] || return 0
. /lib/stacd-lib.sh

_root=$(stacd_root)
_dev=$(stacd_rootdev "$_root") || { rm -f "$STACD_STATE/wait"; return 0; }
read -r _t0 < "$STACD_STATE/t0"
read -r _deadline < "$STACD_STATE/deadline"
read -r _timeout < "$STACD_STATE/timeout"
_now=$(stacd_centis)
if [ -b "$_dev" ]; then
    stacd_say "root device $_root is there after $(stacd_secs $((_now - _t0))) s"
    rm -f "$STACD_STATE/wait"
    return 0
fi
if [ -d "$STACD_STATE/started" ] && ! stacd_pid > /dev/null; then
    stacd_say "stacd exited; the root device $_root did not appear"
    stacd_report
    rm -f "$STACD_STATE/wait"
    return 0
fi
if [ "$_now" -ge "$_deadline" ]; then
    if [ -d "$STACD_STATE/started" ]; then
        stacd_say "gave up waiting for the root device $_root after $_timeout s;" \
            "stacd keeps trying in the background"
    else
        stacd_say "gave up waiting for the root device $_root after $_timeout s:" \
            "stacd was not started, no interface got an address (ip=, rd.neednet=1)"
    fi
    stacd_report
    rm -f "$STACD_STATE/wait"
    return 0
fi
return 1

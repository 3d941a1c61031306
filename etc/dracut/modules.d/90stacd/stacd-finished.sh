#!/bin/sh
# initqueue/finished hook of dracut's stacd module, sourced in a
# subshell at every turn of dracut's main loop: true once stacd's part of
# the wait is over.  While false, dracut keeps waiting (and running the
# initqueue).  Over when:
#   - the root device (root=/dev/..., UUID=, LABEL=, PARTUUID=,
#     PARTLABEL=) exists: says how long it took;
#   - stacd exited, or stacd.timeout= seconds have passed since it
#     started, or it has not started (no interface got an address) when
#     dracut's own timeout hooks run (2/3 of rd.retry=): says so, lists
#     the controllers stacd was given and what became of them, and lets
#     dracut wait on for the root as it does for any root (rd.retry=,
#     then "Could not boot").  stacd keeps retrying in the background.
[ -e /tmp/stacd/wait ] || return 0
. /lib/stacd-lib.sh

_root=$(stacd_root)
_dev=$(stacd_rootdev "$_root") || { rm -f "$STACD_STATE/wait"; return 0; }
read -r _t0 < "$STACD_STATE/t0"
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
if [ -d "$STACD_STATE/started" ]; then
    _deadline=0
    read -r _deadline < "$STACD_STATE/deadline"
    if [ "$_now" -ge "$_deadline" ]; then
        stacd_say "gave up waiting for the root device $_root after $_timeout s;" \
            "stacd keeps trying in the background"
        stacd_report
        rm -f "$STACD_STATE/wait"
        return 0
    fi
elif [ "${main_loop:-0}" -gt $((2 * ${RDRETRY:-360} / 3)) ]; then
    # init's main loop counts its turns in main_loop, up to RDRETRY
    stacd_say "gave up waiting for the root device $_root after" \
        "$(stacd_secs $((_now - _t0))) s: stacd was not started," \
        "no interface got an address (ip=, rd.neednet=1)"
    stacd_report
    rm -f "$STACD_STATE/wait"
    return 0
fi
return 1

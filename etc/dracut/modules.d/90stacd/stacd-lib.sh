#!/bin/sh
# shellcheck disable=SC3043 # local: dash, busybox sh and bash have it
# /lib/stacd-lib.sh: what the hooks of dracut's stacd module share.
# Sourced (by init's hooks too): defines stacd_* functions and STACD_*
# variables only.

type getarg > /dev/null 2>&1 || . /lib/dracut-lib.sh

STACD=/usr/sbin/stacd
STACD_LOG=/run/initramfs/stacd.log
STACD_PIDFILE=/run/initramfs/stacd.pid
# State of this boot (the initramfs's /tmp, not carried to the real root):
#   enabled  stacd is to run;  neednet  an interface must have an address
#   started  (dir) stacd was started;  t0, deadline  hundredths of a second
#   wait     the finished hook still waits for the root device
# shellcheck disable=SC2034 # used by the scripts that source this
STACD_STATE=/tmp/stacd

stacd_say() {
    echo "stacd: $*" > /dev/console 2> /dev/null || echo "stacd: $*"
}

# stacd_centis: the uptime in hundredths of a second.
stacd_centis() {
    local up rest
    read -r up rest < /proc/uptime
    echo $((${up%.*} * 100 + 1${up#*.} - 100))
}
# stacd_secs CENTIS: "12.34"
stacd_secs() {
    printf '%d.%02d' $(($1 / 100)) $(($1 % 100))
}

# stacd_root: the root= parameter, as given (empty if none).
stacd_root() {
    local r
    r=$(getarg root=) || r=""
    echo "${r#block:}"
}

# stacd_rootdev SPEC: the device node SPEC names (/dev/..., UUID=,
# LABEL=, PARTUUID=, PARTLABEL=); fails for anything else (nfs:, nvmf,
# zfs...), which the finished hook does not wait for.
stacd_rootdev() {
    case "$1" in
        /dev/*) echo "$1" ;;
        UUID=*) echo "/dev/disk/by-uuid/${1#UUID=}" ;;
        LABEL=*) echo "/dev/disk/by-label/${1#LABEL=}" ;;
        PARTUUID=*) echo "/dev/disk/by-partuuid/${1#PARTUUID=}" ;;
        PARTLABEL=*) echo "/dev/disk/by-partlabel/${1#PARTLABEL=}" ;;
        *) return 1 ;;
    esac
}

# stacd_pid: the pid of the stacd started here, if it still runs.
stacd_pid() {
    local pid st
    [ -f "$STACD_PIDFILE" ] || return 1
    read -r pid < "$STACD_PIDFILE" || return 1
    case "$pid" in "" | *[!0-9]*) return 1 ;; esac
    [ "$(cat "/proc/$pid/comm" 2> /dev/null)" = stacd ] || return 1
    read -r st < "/proc/$pid/stat" 2> /dev/null || return 1
    case "${st##*) }" in Z* | X*) return 1 ;; esac
    echo "$pid"
}

# stacd_have_address: an interface other than lo has an address that is
# not link-local (IPv6 gives every interface that is up one of those).
stacd_have_address() {
    ip -o addr show 2> /dev/null |
        awk '$2 != "lo" && !/ scope link/ { found = 1 } END { exit !found }'
}

# stacd_report: what stacd was given and what became of it.
stacd_report() {
    local line c t st addr nqn n=0
    stacd_say "controllers in stacd's configuration:"
    "$STACD" --check 2> /dev/null | while read -r line; do
        case "$line" in
            controller=*) stacd_say "  $line" ;;
        esac
    done
    if [ -f "$STACD_LOG" ]; then
        stacd_say "what stacd logged about them ($STACD_LOG):"
        while read -r line; do
            case "$line" in
                *"connect failed"* | *"Connection established"* | *adopt* | *"cannot resolve"* | \
                    *resolved* | error:* | *Fatal* | *Error* | *"discovery log page"*)
                    stacd_say "  $line"
                    ;;
            esac
        done < "$STACD_LOG"
    else
        stacd_say "stacd was not started"
    fi
    for c in /sys/class/nvme/nvme*; do
        [ -e "$c/transport" ] || continue
        read -r t < "$c/transport"
        read -r st < "$c/state"
        read -r addr < "$c/address"
        read -r nqn < "$c/subsysnqn"
        stacd_say "kernel: ${c##*/} $t $st $addr $nqn"
        n=$((n + 1))
    done
    [ $n -gt 0 ] || stacd_say "kernel: no NVMe controller"
}

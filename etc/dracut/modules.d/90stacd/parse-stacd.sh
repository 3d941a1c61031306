#!/bin/sh
# shellcheck disable=SC3043 # local: dash, busybox sh and bash have it
# cmdline hook of dracut's stacd module (sourced by init: no exit).
#
# Kernel parameters:
#   stacd=off              do not start stacd (also stacd=0, stacd=no)
#   stacd.timeout=SECONDS  how long the initqueue waits for the root
#                          device on stacd's account once stacd runs
#                          (default 60; 0: not at all); dracut's rd.retry=
#                          bounds the whole wait, the network's included
#   stacd.tron             stacd logs debug messages too
#   ip=, rd.neednet=1      the network, as dracut.cmdline(7) defines it
# The cmdline stage is the first: the modules load before udev starts,
# and rd.neednet=1 is in /etc/cmdline.d before the network module's
# pre-udev hook reads it.

. /lib/stacd-lib.sh

stacd_parse() {
    local timeout f src="" tr
    [ -x "$STACD" ] || return 0
    if ! getargbool 1 stacd=; then
        stacd_say "not started (stacd=off)"
        return 0
    fi
    for f in /etc/stas/stacd.conf /etc/stas/stafd.conf /etc/nvme/nvme-fabrics.conf \
        /etc/nvme/discovery.conf /etc/nvme/nvme-fabrics.conf.d/*.conf \
        /sys/firmware/acpi/tables/NBFT*; do
        [ -f "$f" ] && src="$src $f"
    done
    getarg rd.nvmf.discover= > /dev/null && src="$src rd.nvmf.discover="
    if [ -z "$src" ]; then
        stacd_say "not started: no stacd.conf, stafd.conf, nvme-fabrics.conf, discovery.conf, NBFT or rd.nvmf.discover="
        return 0
    fi

    timeout=$(getarg stacd.timeout=) || timeout=60
    case "$timeout" in
        "" | *[!0-9]*)
            stacd_say "stacd.timeout=$timeout is not a number of seconds; waiting 60 s"
            timeout=60
            ;;
    esac
    mkdir -p "$STACD_STATE"
    echo "$timeout" > "$STACD_STATE/timeout"
    stacd_centis > "$STACD_STATE/t0"
    : > "$STACD_STATE/enabled"
    [ "$timeout" -gt 0 ] && stacd_rootdev "$(stacd_root)" > /dev/null &&
        : > "$STACD_STATE/wait"

    modprobe -q nvme_tcp || stacd_say "cannot load nvme_tcp"

    # tcp and rdma need an address; the network module (network-legacy's
    # udev rules, or another handler) brings the interfaces up.
    tr=$({
        # stacd.conf's entries, and the others' ("# SOURCE: controller=")
        "$STACD" --check 2> /dev/null | sed -n 's/^\(# .*\)\{0,1\}controller=transport=\([a-z]*\).*/\2/p'
        for f in $(getargs rd.nvmf.discover=); do echo "${f%%,*}"; done
    } | grep -m1 -E '^(tcp|rdma)$')
    if [ -n "$tr" ] && [ -e /lib/net-lib.sh ]; then
        : > "$STACD_STATE/neednet"
        getargbool 0 rd.neednet || echo "rd.neednet=1" > /etc/cmdline.d/90stacd-neednet.conf
    fi
    initqueue --settled --unique --name stacd-start /sbin/stacd-start
}
stacd_parse
unset -f stacd_parse

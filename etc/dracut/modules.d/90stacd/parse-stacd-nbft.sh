#!/bin/sh
# shellcheck disable=SC3043 # local: dash, busybox sh and bash have it
# cmdline hook 91 of dracut's stacd module (sourced by init: no exit):
# without ip= on the command line, the interfaces (HFIs) of the
# firmware's NBFT become kernel parameters in /etc/cmdline.d, as
# `stacd --boot-network=dracut` prints them (ifname=nbftN:MAC, vlan= for
# one on a VLAN, ip=), so that the network module brings them up as the
# firmware had them.  Hook 91 comes before the network module's
# parse-ip-opts.sh (92), as its own parse-ibft.sh does for iBFT; the
# interfaces need not exist yet (udev renames them by MAC address).

. /lib/stacd-lib.sh

stacd_nbft_network() {
    local f=/etc/cmdline.d/40-stacd-nbft.conf line
    [ -x "$STACD" ] || return 0
    getargbool 1 stacd= || return 0
    getarg ip= > /dev/null && return 0
    [ -e /sys/firmware/acpi/tables/NBFT ] || return 0
    mkdir -p /etc/cmdline.d /run/initramfs
    "$STACD" --boot-network=dracut 2>> "$STACD_LOG" > "$f.new" || :
    if [ ! -s "$f.new" ]; then
        rm -f "$f.new"
        stacd_say "the NBFT has no interface to bring up (see $STACD_LOG)"
        return 0
    fi
    while read -r line; do
        stacd_say "network from the NBFT: $line"
    done < "$f.new"
    echo "rd.neednet=1" >> "$f.new"
    mv "$f.new" "$f"
}
stacd_nbft_network
unset -f stacd_nbft_network

#!/bin/bash
# shellcheck disable=SC2154 # moddir, initdir...: set by dracut
# dracut module of stacd: connect the NVMe over Fabrics controllers of
# stacd's configuration (stacd.conf controller= entries, discovery.conf,
# nvme-fabrics.conf, a firmware NBFT, rd.nvmf.discover=) in the
# initramfs, so that the root device can be on NVMe/TCP.
#
# Installed as /usr/lib/dracut/modules.d/90stacd/ (make install).  The
# hooks, in the order they run at boot:
#   cmdline 91          parse-stacd-nbft.sh: without ip=, the NBFT's
#                       interfaces as ip= in /etc/cmdline.d
#                       (stacd --boot-network), before the network
#                       module's parse-ip-opts.sh (92)
#   cmdline 95          parse-stacd.sh: stacd=, stacd.timeout=; loads
#                       nvme-tcp; rd.neednet=1 for tcp and rdma; queues
#                       /sbin/stacd-start
#   initqueue/online 95 stacd-online.sh: starts stacd when an interface
#                       comes up (network-legacy runs these hooks)
#   initqueue/settled   /sbin/stacd-start, queued by the cmdline hook:
#                       starts stacd once udev has settled and, if the
#                       network is needed, an interface has an address
#   initqueue/finished 95  stacd-finished.sh: the bounded, explained wait
#                       for the root device (stacd.timeout=)
#   cleanup 90          stacd-cleanup.sh: SIGTERM to stacd right before
#                       switch_root, which moves /run (last-known-config,
#                       the registry, the log) into the real root
#
# It does the job of dracut's own nvmf module (95nvmf, 74nvmf in
# dracut-ng), which runs "nvme connect-all": the two must not both
# connect.  Leave nvmf out of images that have stacd:
#   omit_dracutmodules+=" nvmf "      (in /etc/dracut.conf.d/*.conf)
# or boot with rd.nonvmf; install() warns when both are included.
#
# Environment (for images built from another tree than the running
# system, as the VM test does; the same as stacd's initramfs-tools hook):
#   STACD_INITRAMFS_ROOT  the tree whose /etc/stas and /etc/nvme are
#                         copied (default: /, or dracut's --sysroot)
#   STACD_INITRAMFS_BIN   the stacd binary (default: the first of
#                         /usr/sbin/stacd, /usr/local/sbin/stacd)
# dracut.conf:
#   stacd_network="no"    do not pull in dracut's network module (the
#                         controllers are reached without it, or another
#                         module configures the interfaces)

# _stacd_src: the configuration tree, without a trailing slash.
_stacd_src() {
    local s=${STACD_INITRAMFS_ROOT:-$dracutsysrootdir}
    echo "${s%/}"
}

# _stacd_bin: the stacd binary to install.
_stacd_bin() {
    local b
    if [[ $STACD_INITRAMFS_BIN ]]; then
        [[ -x $STACD_INITRAMFS_BIN ]] && echo "$STACD_INITRAMFS_BIN"
        return
    fi
    for b in "$dracutsysrootdir"/usr/sbin/stacd "$dracutsysrootdir"/usr/local/sbin/stacd; do
        [[ -x $b ]] && { echo "$b"; return 0; }
    done
    return 1
}

# _stacd_has_source: the tree names a controller (or the build machine's
# firmware has an NBFT, which the booting machine likely has too).
_stacd_has_source() {
    local src f
    src=$(_stacd_src)
    grep -qsE '^[[:space:]]*controller[[:space:]]*=[[:space:]]*[^[:space:]]' \
        "$src"/etc/stas/stacd.conf "$src"/etc/stas/stafd.conf && return 0
    for f in "$src"/etc/nvme/discovery.conf "$src"/etc/nvme/nvme-fabrics.conf \
        "$src"/etc/nvme/nvme-fabrics.conf.d/*.conf; do
        grep -qsEv '^[[:space:]]*(#|$)' "$f" && return 0
    done
    for f in /sys/firmware/acpi/tables/NBFT*; do
        [[ -f $f ]] && return 0
    done
    return 1
}

# called by dracut: 0 (in every image) when stacd and one of its sources
# exist; 255 (only when asked, -m/add_dracutmodules, e.g. for
# rd.nvmf.discover=) when stacd exists; 1 without stacd.
check() {
    _stacd_bin > /dev/null || return 1
    _stacd_has_source && return 0
    return 255
}

# called by dracut
depends() {
    # NVMe/TCP and RDMA need an interface with an address: dracut's
    # network module configures it from ip= (rd.neednet=1, which the
    # cmdline hook sets for tcp and rdma, without ip= means DHCP).
    # stacd_network: set in dracut.conf
    [[ $stacd_network == no ]] || echo network
    return 0
}

# called by dracut
installkernel() {
    # crct10dif_generic and crc64_rocksoft_generic: nvme-core's t10-pi
    # looks its crypto providers up by name, which no module dependency
    # records.
    hostonly='' instmods nvme_tcp nvme_fabrics nvme_core
    hostonly='' instmods -o crct10dif_generic crc64_rocksoft_generic nvme_rdma
}

# called by dracut
install() {
    local src bin f secrets=""
    src=$(_stacd_src)
    bin=$(_stacd_bin) || {
        dwarn "stacd: no stacd binary found; the initramfs will not connect NVMe-oF controllers"
        return 0
    }
    # inst_binary copies a dynamic stacd's libraries too.
    inst_binary "$bin" /usr/sbin/stacd || {
        derror "stacd: cannot install $bin"
        return 1
    }

    for f in "$src"/etc/stas/*.conf \
        "$src"/etc/nvme/{hostnqn,hostid,hostkey,nvme-fabrics.conf,discovery.conf,exclusions.conf} \
        "$src"/etc/nvme/{nvme-fabrics,exclusions}.conf.d/*.conf; do
        [[ -f $f ]] || continue
        inst_simple "$f" "${f#"$src"}"
        grep -qs 'DHHC-1:' "$f" && secrets+=" ${f#"$src"}"
    done
    [[ $secrets ]] && dinfo "stacd: DH-HMAC-CHAP secrets in$secrets (dracut writes the image mode 0600)"
    if [[ ! -f $src/etc/stas/sys.conf ]] &&
        { [[ ! -f $src/etc/nvme/hostnqn ]] || [[ ! -f $src/etc/nvme/hostid ]]; }; then
        dwarn "stacd: $src/etc/nvme/hostnqn or hostid is missing: stacd will not start in the initramfs"
    fi
    if dracut_module_included nvmf; then
        dwarn "stacd: dracut's nvmf module is included too: both would connect;" \
            "add omit_dracutmodules+=\" nvmf \" to dracut.conf, or boot with rd.nonvmf"
    fi

    inst_multiple -o ip sleep mkdir cat grep sed awk setsid
    inst_simple "$moddir/stacd-lib.sh" /lib/stacd-lib.sh
    inst_script "$moddir/stacd-start.sh" /sbin/stacd-start
    inst_script "$moddir/stacd-stop.sh" /sbin/stacd-stop
    inst_hook cmdline 91 "$moddir/parse-stacd-nbft.sh"
    inst_hook cmdline 95 "$moddir/parse-stacd.sh"
    inst_hook initqueue/online 95 "$moddir/stacd-online.sh"
    inst_hook initqueue/finished 95 "$moddir/stacd-finished.sh"
    inst_hook cleanup 90 "$moddir/stacd-cleanup.sh"
    dracut_need_initqueue
}

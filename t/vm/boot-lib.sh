# t/vm/boot-lib.sh - what the root-on-NVMe/TCP boot tests share (bash,
# shellcheck shell=bash
# sourced after common.sh): t/vm/boot.sh (initramfs-tools, one VM),
# t/vm/boot-dracut.sh (dracut) and t/vm/boot-demo.sh (make boot-demo,
# two VMs).
#
# The caller sets BOOT_NAME (for SKIP lines), TIMEOUT, DEMO and W (its
# build directory) before boot_prereqs, and calls, in this order:
#   boot_prereqs [TOOL...]   SKIPs (exit 77) without QEMU, mke2fs (with
#                            -d), busybox, cpio, bc, the TOOLs, the
#                            kernel, a static stacd
#   boot_mkinitramfs_prereqs SKIPs without Debian's mkinitramfs
#   boot_nbft                $W/nbft.bin, by build/mknbft (the nbft source)
#   boot_sysroot [SRC]       $SYSROOT/etc/{stas,nvme}: stacd.conf (the
#                            boot controller in it for SRC conf, the
#                            default), the host identity
#   boot_rootfs LINE         $W/root.img: busybox, stacd, boot-init.sh as
#                            /sbin/init, /vm/boot.conf (LINE appended)
#   boot_confdir DIR STACD TARGET, boot_mkinitramfs CONFDIR OUT
#                            an initramfs by mkinitramfs (initramfs-tools)
#   boot_source SRC          before each boot: its command line, QEMU
#                            arguments and root device for SRC
#   boot_vm NAME INITRD CMDLINE [QEMU_ARG...]
#                            one boot, the console in $W/NAME.log
# (boot_qemu gives the QEMU command line a boot starts from), and counts
# with ok, nok and vm_lines; boot_check and boot_before grep $LOG.
# boot_nbft and boot_source read NICADDR (the NIC's address/prefix, the
# NBFT's HFI) and NBFT_ADDR (the subsystem's address in the NBFT), which
# the caller sets.

NQN=nqn.2014-08.org.example.stacd:boot-root
ADDR=127.0.0.1
PORT=4420
HOSTNQN=nqn.2014-08.org.nvmexpress:uuid:0b7d3a4c-2b1e-4c55-9a86-3c1f2f0e9d11
HOSTID=0b7d3a4c-2b1e-4c55-9a86-3c1f2f0e9d11
# The booting VM's NIC (the NBFT's HFI names it by this MAC).
MAC=52:54:00:5a:c0:01

skip() {
	echo "SKIP: vm $BOOT_NAME: $*"
	exit 77
}
now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }
N_OK=0 N_FAIL=0
ok() { echo "ok - $*"; N_OK=$((N_OK + 1)); }
nok() { echo "not ok - $*"; N_FAIL=$((N_FAIL + 1)); }
# vm_lines LOG: the console's test lines (the target script's and
# /sbin/init's), counted.
vm_lines() {
	grep -E '^(ok|not ok)( |$)|^#' "$1" || true
	N_OK=$((N_OK + $(grep -cE '^ok( |$)' "$1" || true)))
	N_FAIL=$((N_FAIL + $(grep -cE '^not ok( |$)' "$1" || true)))
}
# boot_check DESC PATTERN: ok if $LOG has a line matching PATTERN (grep -E).
boot_check() {
	if grep -qE "$2" "$LOG"; then
		ok "$1"
	else
		nok "$1"
		echo "# no line matching: $2"
	fi
}
# boot_before DESC A B: the first line of $LOG matching A comes before the
# first matching B.
boot_before() {
	local a b
	a=$(grep -nE -m1 "$2" "$LOG" | cut -d: -f1)
	b=$(grep -nE -m1 "$3" "$LOG" | cut -d: -f1)
	if [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]; then
		ok "$1"
	else
		nok "$1"
	fi
}

boot_prereqs() {
	local tool
	QEMU=$(command -v qemu-system-x86_64 || true)
	[ -n "$QEMU" ] || skip "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
	MKE2FS=$(PATH=$PATH:/usr/sbin:/sbin command -v mke2fs || true)
	[ -n "$MKE2FS" ] || skip "mke2fs not installed (apt-get install e2fsprogs)"
	case "$("$MKE2FS" 2>&1 || true)" in *"-d root-directory"*) ;; *) false ;; esac ||
	    skip "$MKE2FS cannot populate an image (-d): e2fsprogs 1.43 or later needed"
	for tool in busybox cpio bc "$@"; do
		PATH=$PATH:/usr/sbin:/sbin command -v "$tool" >/dev/null 2>&1 ||
		    skip "$tool not installed"
	done
	KVER=$(vm_kver 6.1) || skip "no /boot/vmlinuz-6.1* with modules in /lib/modules (as root: sh t/deps.sh)"
	[ -r "/boot/vmlinuz-$KVER" ] || skip "/boot/vmlinuz-$KVER is missing or not readable by $(id -un)"
	STACD=${STACD_VM_STACD:-$VM_TOP/stacd.static}
	[ -x "$STACD" ] || skip "no $STACD (make static)"
	case "$(file -L "$STACD" 2>/dev/null || true)" in *"statically linked"*|*"static-pie linked"*) ;; *) false ;; esac ||
	    skip "$STACD is not static: the root file system has no libc"
	# shellcheck disable=SC2054 # the commas belong to -accel's value
	case "${STACD_VM_ACCEL:-tcg}" in
	tcg) ACCEL=(-accel tcg,thread=multi -cpu max) ;;
	kvm) ACCEL=(-accel kvm -cpu host) ;;
	*) echo "$BOOT_NAME: STACD_VM_ACCEL must be tcg or kvm" >&2; exit 2 ;;
	esac
	KERNEL=$(vm_vmlinux "$KVER")
}

boot_mkinitramfs_prereqs() {
	MKINITRAMFS=$(PATH=$PATH:/usr/sbin:/sbin command -v mkinitramfs || true)
	[ -n "$MKINITRAMFS" ] && [ -f /etc/initramfs-tools/initramfs.conf ] ||
	    skip "mkinitramfs not installed (apt-get install initramfs-tools)"
}

# boot_nbft: the NBFT, as UEFI firmware would leave it after booting from
# the namespace: the test's host identity, one HFI (the NIC's MAC, its
# static NICADDR) and one subsystem namespace descriptor (NBFT_ADDR).
boot_nbft() {
	local mknbft=${STACD_VM_MKNBFT:-$VM_TOP/build/mknbft}
	[ -n "${STACD_VM_MKNBFT:-}" ] || make -s -C "$VM_TOP" build/mknbft >/dev/null 2>&1 ||
	    skip "cannot build build/mknbft (make build/mknbft)"
	[ -x "$mknbft" ] || skip "no $mknbft (make build/mknbft)"
	cat > "$W/nbft.desc" <<-EOF
	# the NBFT of t/vm/$BOOT_NAME.sh: build/mknbft nbft.desc > nbft.bin
	host nqn=$HOSTNQN id=$HOSTID
	hfi mac=$MAC ip=$NICADDR origin=static
	subsys traddr=$NBFT_ADDR trsvcid=$PORT nqn=$NQN hfi=1
	EOF
	"$mknbft" "$W/nbft.desc" > "$W/nbft.bin" || {
		echo "not ok - build/mknbft $W/nbft.desc"
		exit 1
	}
}

# boot_sysroot [SRC]: one stacd.conf and host identity, for the initramfs
# and for the root file system alike.  A controller= entry for the conf
# source (the default) only: with the others stacd.conf names no
# controller (and disconnect-scope is the default).
boot_sysroot() {
	local controllers=
	# ctrl-loss-tmo=-1: a root device must never be given up on.
	[ "${1:-conf}" != conf ] ||
	    controllers="controller=transport=tcp;traddr=$ADDR;trsvcid=$PORT;nqn=$NQN;ctrl-loss-tmo=-1"
	SYSROOT=$W/sysroot
	mkdir -p "$SYSROOT/etc/stas" "$SYSROOT/etc/nvme"
	cat > "$SYSROOT/etc/stas/stacd.conf" <<-EOC
	# stacd.conf of the NVMe/TCP root boot test ($BOOT_NAME)
	[Global]
	kato=10

	[Controllers]
	$controllers
	EOC
	echo "$HOSTNQN" > "$SYSROOT/etc/nvme/hostnqn"
	echo "$HOSTID" > "$SYSROOT/etc/nvme/hostid"
}

# boot_rootfs EXTRA: the ext4 image of the root file system.
boot_rootfs() {
	local R=$W/rootfs app busybox
	mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,run,tmp,root,vm}
	busybox=$(command -v busybox)
	cp "$busybox" "$R/bin/busybox"
	for app in $("$busybox" --list-full); do
		case "$app" in bin/busybox|linuxrc|sbin/init) continue ;; esac
		mkdir -p "$R/$(dirname "$app")"
		ln -sf /bin/busybox "$R/$app"
	done
	install -m 755 "$STACD" "$R/usr/sbin/stacd"
	install -m 755 "$VM_SRC/boot-init.sh" "$R/sbin/init"
	cp "$R/sbin/init" "$R/vm/init.copy"
	install -m 644 "$VM_SRC/lib.sh" "$R/vm/lib.sh"
	printf 'NQN=%s ADDR=%s PORT=%s %s\n' "$NQN" "$ADDR" "$PORT" "$1" > "$R/vm/boot.conf"
	cp -r "$SYSROOT/etc/stas" "$SYSROOT/etc/nvme" "$R/etc/"
	echo 'root:x:0:0:root:/root:/bin/sh' > "$R/etc/passwd"
	"$MKE2FS" -q -F -t ext4 -O ^has_journal -L stacd-root -E root_owner=0:0 \
	    -d "$R" "$W/root.img" 24M >/dev/null
}

# boot_confdir DIR WITH_STACD WITH_TARGET: a private copy of
# /etc/initramfs-tools in DIR, with stacd's hook and scripts if
# WITH_STACD is 1, and, if WITH_TARGET is 1, the one-VM test's target
# (t/vm/boot-target.sh exporting the virtio disk with nvmet).
boot_confdir() {
	local d=$1
	cp -a /etc/initramfs-tools "$d"
	# conf.d is read after initramfs.conf: these win.  BUSYBOX=y: the
	# test's target script needs ip(8).
	cat > "$d/conf.d/zz-stacd-test" <<-EOF
	MODULES=list
	BUSYBOX=y
	EOF
	# The NIC and the root's file system.
	printf '%s\n' virtio_pci virtio_net crc32c_generic ext4 >> "$d/modules"
	mkdir -p "$d/scripts/init-premount" "$d/scripts/local-top" \
	    "$d/scripts/init-bottom" "$d/hooks"
	if [ "$3" = 1 ]; then
		# The target's disk and nvmet.
		printf '%s\n' virtio_blk configfs nvmet nvmet-tcp >> "$d/modules"
		sed "s|@NQN@|$NQN|; s|@ADDR@|$ADDR|; s|@PORT@|$PORT|" \
		    "$VM_SRC/boot-target.sh" > "$d/scripts/init-premount/stacd-test-target"
		chmod 755 "$d/scripts/init-premount/stacd-test-target"
	fi
	[ "$2" = 1 ] || return 0
	install -m 755 "$VM_TOP/etc/initramfs-tools/hooks/stacd" "$d/hooks/stacd"
	install -m 755 "$VM_TOP/etc/initramfs-tools/scripts/local-top/stacd" \
	    "$d/scripts/local-top/stacd"
	install -m 755 "$VM_TOP/etc/initramfs-tools/scripts/init-bottom/stacd" \
	    "$d/scripts/init-bottom/stacd"
}

# boot_mkinitramfs CONFDIR OUT: `mkinitramfs -d CONFDIR -o OUT KVER`;
# stacd's hook takes /etc/stas and /etc/nvme from $SYSROOT and the binary
# from $STACD.
boot_mkinitramfs() {
	STACD_INITRAMFS_ROOT=$SYSROOT STACD_INITRAMFS_BIN=$STACD \
	    "$MKINITRAMFS" -d "$1" -o "$2" "$KVER" > "$2.log" 2>&1 || {
		nok "mkinitramfs -d $1 -o $2 $KVER"
		sed 's/^/#   /' "$2.log"
		return 1
	}
}

# boot_source SRC: where this boot's initramfs stacd learns the boot
# controller, the only place that knows.  Sets TADDR (the target's
# address), CMDLINE_EXTRA (with stacdtest.source= for /sbin/init's
# checks), ROOTDEV (with rd.nvmf.discover= the discovery controller is
# nvme0, so the namespace is nvme1n1), QEMU_EXTRA and NET_IP: the
# caller's IP_PARAM, none with the NBFT (the initramfs brings its HFI up).
# shellcheck disable=SC2034 # the caller's
boot_source() {
	QEMU_EXTRA=()
	ROOTDEV=/dev/nvme0n1
	TADDR=$ADDR
	NET_IP=$IP_PARAM
	case "$1" in
	conf) CMDLINE_EXTRA="stacdtest.source=conf" ;;
	nbft)
		# No ip=: the initramfs takes the network from the NBFT's HFI.
		NET_IP=
		TADDR=$NBFT_ADDR
		CMDLINE_EXTRA="stacdtest.source=nbft stacdtest.addr=$NBFT_ADDR"
		QEMU_EXTRA=(-acpitable "file=$W/nbft.bin") ;;
	discover)
		ROOTDEV=/dev/nvme1n1
		CMDLINE_EXTRA="stacdtest.source=discover rd.nvmf.discover=tcp,$ADDR,,$PORT" ;;
	esac
}

# boot_qemu SMP INITRD CMDLINE: QEMU_CMD, the command line of a boot of
# Debian's kernel with SMP vCPUs, bounded by TIMEOUT, no devices yet.
# -no-reboot: a panic (panic=-1) and poweroff both end QEMU.
boot_qemu() {
	QEMU_CMD=(timeout "$TIMEOUT" "$QEMU" "${ACCEL[@]}" -smp "$1" -m 512M
	    -nodefaults -no-reboot -display none -monitor none
	    -kernel "$KERNEL" -initrd "$2" -append "$3")
}

# boot_vm NAME INITRD CMDLINE [QEMU_ARG...]: one boot of the root image (a
# virtio disk, snapshot=on: nvmet writes nothing to it) and a NIC on a
# QEMU hub with nothing else on it (no packet leaves QEMU).  Returns
# QEMU's status (124: the TIMEOUT ran out).
boot_vm() {
	local name=$1 cmdline=$3 log=$W/$1.log rc=0
	boot_qemu 2 "$2" "$cmdline"
	shift 3
	# shellcheck disable=SC2054 # the commas belong to -drive's value
	local qemu=("${QEMU_CMD[@]}"
	    -drive "file=$W/root.img,if=virtio,format=raw,snapshot=on"
	    -netdev hubport,id=n0,hubid=0
	    -device "virtio-net-pci,netdev=n0,mac=$MAC" "$@")
	if [ "$DEMO" = 1 ]; then
		echo "=== boot $name: $cmdline"
		set +e
		"${qemu[@]}" -serial stdio </dev/null 2>"$log.qemu" |
		    tr -d '\r' | tee "$log"
		rc=${PIPESTATUS[0]}
		set -e
	else
		"${qemu[@]}" -serial "file:$log.raw" </dev/null >"$log.qemu" 2>&1 || rc=$?
		tr -d '\r' < "$log.raw" > "$log"
	fi
	return "$rc"
}

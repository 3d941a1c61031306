# t/vm/boot-lib.sh - what the root-on-NVMe/TCP boot tests share (bash,
# shellcheck shell=bash
# sourced after common.sh): t/vm/boot-dracut.sh uses all of it;
# t/vm/boot.sh (initramfs-tools) its helpers and names.
#
# The caller sets BOOT_NAME (for SKIP lines), TIMEOUT, DEMO and W (its
# build directory) before boot_prereqs, and calls, in this order:
#   boot_prereqs [TOOL...]   SKIPs (exit 77) without QEMU, mke2fs, busybox,
#                            cpio, bc, the TOOLs, the kernel, a static stacd
#   boot_sysroot             $SYSROOT/etc/{stas,nvme}: stacd.conf with the
#                            boot controller, the host identity
#   boot_rootfs LINE         $W/root.img: busybox, stacd, boot-init.sh as
#                            /sbin/init, /vm/boot.conf (LINE appended)
#   boot_vm NAME INITRD CMDLINE   one boot, the console in $W/NAME.log
# and counts with ok, nok and vm_lines; boot_check and boot_before grep
# $LOG.

NQN=nqn.2014-08.org.example.stacd:boot-root
ADDR=127.0.0.1
PORT=4420
HOSTNQN=nqn.2014-08.org.nvmexpress:uuid:0b7d3a4c-2b1e-4c55-9a86-3c1f2f0e9d11
HOSTID=0b7d3a4c-2b1e-4c55-9a86-3c1f2f0e9d11

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

# boot_sysroot: one stacd.conf and host identity, for the initramfs and
# for the root file system alike.  ctrl-loss-tmo=-1: a root device must
# never be given up on.
boot_sysroot() {
	SYSROOT=$W/sysroot
	mkdir -p "$SYSROOT/etc/stas" "$SYSROOT/etc/nvme"
	cat > "$SYSROOT/etc/stas/stacd.conf" <<-EOC
	# stacd.conf of the NVMe/TCP root boot test ($BOOT_NAME)
	[Global]
	kato=10

	[Controllers]
	controller=transport=tcp;traddr=$ADDR;trsvcid=$PORT;nqn=$NQN;ctrl-loss-tmo=-1
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

# boot_vm NAME INITRD CMDLINE: one boot of the root image (a virtio disk,
# snapshot=on: nvmet writes nothing to it) and a NIC on a QEMU hub with
# nothing else on it (no packet leaves QEMU).  -no-reboot: a panic
# (panic=-1) and poweroff both end QEMU.  Returns QEMU's status (124: the
# TIMEOUT ran out).
boot_vm() {
	local name=$1 initrd=$2 cmdline=$3 log=$W/$1.log rc=0
	# shellcheck disable=SC2054 # the commas belong to -drive's value
	local qemu=(timeout "$TIMEOUT" "$QEMU" "${ACCEL[@]}" -smp 2 -m 512M
	    -nodefaults -no-reboot -display none -monitor none
	    -drive "file=$W/root.img,if=virtio,format=raw,snapshot=on"
	    -netdev hubport,id=n0,hubid=0
	    -device virtio-net-pci,netdev=n0,mac=52:54:00:5a:c0:01
	    -kernel "$KERNEL" -initrd "$initrd" -append "$cmdline")
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

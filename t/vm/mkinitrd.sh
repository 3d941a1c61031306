#!/bin/bash
# t/vm/mkinitrd.sh - build the initramfs for one VM test scenario.
#
# usage: t/vm/mkinitrd.sh [--dbus] [-k KVER] [-m MODULE]... [-b PROGRAM]...
#                         [-r ROOT]... OUT.cpio.gz STACD_BINARY SCENARIO
#                         [EXTRA_FILE:DEST ...]
#
#   --dbus        also ship dbus-daemon, dbus-send, their shared libraries
#                 and a permissive system bus config (/etc/dbus-1/vm-system.conf)
#   -k KVER       kernel whose modules to ship (default: see common.sh)
#   -m MODULE     one more module for /init to load at boot, with what it
#                 depends on (modules.dep), from KVER's tree
#   -b PROGRAM    one more host program (absolute path), with its shared
#                 libraries, at the same path in the image
#   -r ROOT       an unpacked package tree (debs.sh): the programs in its
#                 bin and sbin directories go to their paths inside it,
#                 with their shared libraries, the tree's own first
#   STACD_BINARY  installed as /usr/sbin/stacd; it must be static, as the
#                 image has no libc.  "-" installs a placeholder that fails.
#   SCENARIO      busybox ash script run by /init after sourcing lib.sh
#   EXTRA:DEST    any further file (or directory) to copy into the image
#
# The image is two concatenated gzip'd cpio archives, which the kernel
# unpacks one over the other:
#   base  busybox, kernel modules (+ modules.dep), optional D-Bus and
#         programs; it only depends on the kernel, on this script and on
#         those options, so it is cached in build/vm/base-KVER[-SUM][-dbus]
#         .cpio.gz (SUM: a checksum of the -m and -b lists and of the -r
#         trees' programs) and reused across scenarios;
#   run   /init, lib.sh, the scenario, stacd, nvmf-connect, nvmf-bench,
#         extras: small, rebuilt every time.
set -euo pipefail

. "$(dirname "$0")/common.sh"

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

DBUS=0
KVER=
MORE_MODULES=
PROGRAMS=
ROOTS=
while [ $# -gt 0 ]; do
	case "$1" in
	--dbus) DBUS=1; shift ;;
	-k) KVER=$2; shift 2 ;;
	-m) MORE_MODULES="$MORE_MODULES $2"; shift 2 ;;
	-b) PROGRAMS="$PROGRAMS $2"; shift 2 ;;
	-r) ROOTS="$ROOTS $2"; shift 2 ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-?*) echo "mkinitrd: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -ge 3 ] || usage
OUT=$1 STACD=$2 SCENARIO=$3
shift 3

[ -n "$KVER" ] || KVER=$(vm_kver) || { echo "mkinitrd: no kernel with modules found" >&2; exit 1; }
MODDIR=/lib/modules/$KVER
[ -f "$MODDIR/modules.dep" ] || { echo "mkinitrd: no $MODDIR/modules.dep" >&2; exit 1; }
[ -f "$SCENARIO" ] || { echo "mkinitrd: no scenario $SCENARIO" >&2; exit 1; }

BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] || { echo "mkinitrd: busybox not found (busybox-static)" >&2; exit 1; }

is_static() {
	# file(1) says "statically linked" or "static-pie linked"; fall back to
	# "no ELF interpreter" where file(1) is not installed.
	if command -v file >/dev/null 2>&1; then
		file -L "$1" | grep -E 'statically linked|static-pie linked' >/dev/null
	else
		if LC_ALL=C readelf -l "$1" 2>/dev/null | grep 'program interpreter' >/dev/null
		then return 1; fi
	fi
}
is_static "$BUSYBOX" || { echo "mkinitrd: $BUSYBOX is not static (install busybox-static)" >&2; exit 1; }

mkdir -p "$VM_BUILD"
STAGE=$(mktemp -d "$VM_BUILD/stage.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT

# pack DIR OUT: a newc archive of DIR owned by root, in a stable order.
pack() {
	chmod 755 "$1"	# the "." entry sets the mode of / in the guest
	(cd "$1" && find . -print0 | LC_ALL=C sort -z |
	    cpio --null -o -H newc --quiet -R 0:0) | gzip -n -6 > "$2.tmp.$$"
	mv "$2.tmp.$$" "$2"	# atomic: parallel builds may share the base
}

# Modules, in load order; kmod resolves dependencies and softdeps.  The
# crypto providers are listed because crc-t10dif / crc64-rocksoft look
# them up by name at init time, which no dependency records; crc32c is
# only for hdr_digest / data_digest.
MODULES="configfs crct10dif_generic crc64_rocksoft_generic crc32c_generic
	nvme-core nvme-fabrics nvme-tcp nvmet nvmet-tcp null_blk$MORE_MODULES"
for m in $MORE_MODULES; do
	modprobe -S "$KVER" --show-depends "$m" >/dev/null 2>&1 ||
	    { echo "mkinitrd: kernel $KVER has no module $m" >&2; exit 1; }
done
for p in $PROGRAMS; do
	case "$p" in
	/*) [ -x "$p" ] || { echo "mkinitrd: no program $p on this machine" >&2; exit 1; } ;;
	*) echo "mkinitrd: -b wants an absolute path, got $p" >&2; exit 1 ;;
	esac
done
# root_programs ROOT: the executables of an unpacked package tree.
root_programs() {
	find "$1"/bin "$1"/sbin "$1"/usr/bin "$1"/usr/sbin -maxdepth 1 \
	    -type f -perm -u+x 2>/dev/null | LC_ALL=C sort
}
ROOT_SUM=
for r in $ROOTS; do
	[ -n "$(root_programs "$r")" ] ||
	    { echo "mkinitrd: -r $r: no programs in its bin or sbin directories" >&2; exit 1; }
	# shellcheck disable=SC2046 # a list of paths
	ROOT_SUM="$ROOT_SUM $(cat $(root_programs "$r") | cksum | cut -d' ' -f1)"
done

# ---------------------------------------------------------------- base layer
BASE=$VM_BUILD/base-$KVER
[ -z "$MORE_MODULES$PROGRAMS$ROOTS" ] ||
    BASE=$BASE-$(echo "$MORE_MODULES|$PROGRAMS|$ROOTS|$ROOT_SUM" | cksum | cut -d' ' -f1)
if [ $DBUS = 1 ]; then BASE=$BASE-dbus.cpio.gz; else BASE=$BASE.cpio.gz; fi

base_is_fresh() {
	local dep
	[ -s "$BASE" ] || return 1
	# shellcheck disable=SC2086 # the programs are a list
	for dep in "$0" "$VM_SRC/common.sh" "$BUSYBOX" "$MODDIR/modules.dep" \
	    $PROGRAMS; do
		[ "$BASE" -nt "$dep" ] || return 1
	done
}

# copy_elf PATH [ROOT]: copies a dynamic executable and every library it
# loads, at the same paths, into the base stage.  With ROOT, PATH is in
# that unpacked package tree: libraries are looked up in the tree's
# library directories first, and what comes from the tree goes to its
# path inside the tree.  A library that is not found is fatal.
copy_elf() {
	local f dst root=${2:-} libpath= out
	[ -z "$root" ] || libpath=$(find "$root" -name 'lib*.so*' -printf '%h\n' |
	    LC_ALL=C sort -u | paste -sd:)
	out=$(LD_LIBRARY_PATH=$libpath ldd "$1" 2>&1 || true)
	case "$out" in
	*"not found"*)
		echo "mkinitrd: $1 needs libraries not found here:" \
		    "$(echo "$out" | grep 'not found' | tr -s ' \t\n' ' ')" >&2
		exit 1 ;;
	esac
	for f in "$1" $(echo "$out" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
	    $1 ~ /^\// { print $1 }'); do
		dst=$f
		[ -z "$root" ] || dst=${f#"$root"}
		[ -e "$B$dst" ] && continue
		mkdir -p "$B$(dirname "$dst")"
		cp -L "$f" "$B$dst"
	done
}

build_base() {
	local B=$STAGE/base app path rel
	mkdir -p "$B"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,run,tmp,root,var/tmp}
	chmod 1777 "$B/tmp" "$B/var/tmp"

	cp "$BUSYBOX" "$B/bin/busybox"
	for app in $("$BUSYBOX" --list-full); do
		case "$app" in bin/busybox|linuxrc) continue ;; esac
		mkdir -p "$B/$(dirname "$app")"
		ln -s /bin/busybox "$B/$app"
	done

	# kmod prints "insmod PATH" per module, dependencies first, repeating
	# shared ones; keep the first occurrence.
	mkdir -p "$B$MODDIR"
	for m in $MODULES; do
		modprobe -S "$KVER" --show-depends "$m"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' > "$STAGE/modules"
	while read -r path; do
		rel=${path#"$MODDIR"/}
		mkdir -p "$B$MODDIR/$(dirname "$rel")"
		case "$path" in	# busybox insmod wants plain .ko
		*.ko.xz) xz -dc "$path" > "$B$MODDIR/${rel%.xz}"; rel=${rel%.xz} ;;
		*.ko.zst) zstd -dcq "$path" > "$B$MODDIR/${rel%.zst}"; rel=${rel%.zst} ;;
		*.ko.gz) gzip -dc "$path" > "$B$MODDIR/${rel%.gz}"; rel=${rel%.gz} ;;
		*) cp "$path" "$B$MODDIR/$rel" ;;
		esac
		echo "$rel"
	done < "$STAGE/modules" > "$B/etc/vm-modules"
	# modules.dep lets the kernel's request_module() (-> busybox modprobe)
	# load anything else in the image on demand.
	for path in modules.builtin modules.builtin.modinfo modules.order; do
		[ -f "$MODDIR/$path" ] && cp "$MODDIR/$path" "$B$MODDIR/"
	done
	depmod -b "$B" "$KVER"
	echo "$KVER" > "$B/etc/vm-kver"

	# dbus-daemon (and clients) need these to look up root and the bus id.
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
	    'messagebus:x:100:101::/nonexistent:/bin/false' > "$B/etc/passwd"
	printf '%s\n' 'root:x:0:' 'messagebus:x:101:' > "$B/etc/group"
	echo 5e0c6a3c2b1e4c559a863c1f2f0e9d11 > "$B/etc/machine-id"
	# Not fatal for non-root builds: the kernel's built-in initramfs has
	# /dev/console already, and /init mounts devtmpfs.
	mknod -m 600 "$B/dev/console" c 5 1 2>/dev/null || true

	for app in $PROGRAMS; do copy_elf "$app"; done
	for path in $ROOTS; do
		for app in $(root_programs "$path"); do copy_elf "$app" "$path"; done
	done
	if [ $DBUS = 1 ]; then
		command -v dbus-daemon >/dev/null ||
		    { echo "mkinitrd: --dbus: dbus-daemon not installed" >&2; exit 1; }
		copy_elf "$(command -v dbus-daemon)"
		command -v dbus-send >/dev/null && copy_elf "$(command -v dbus-send)"
		mkdir -p "$B/etc/dbus-1/system.d" "$B/var/lib/dbus" "$B/run/dbus"
		cp "$B/etc/machine-id" "$B/var/lib/dbus/machine-id"
		# Allow everything by default; policies installed into system.d
		# (for example stacd's own) still apply on top.
		cat > "$B/etc/dbus-1/vm-system.conf" <<-'EOF'
		<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
		 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
		<busconfig>
		  <type>system</type>
		  <listen>unix:path=/run/dbus/system_bus_socket</listen>
		  <auth>EXTERNAL</auth>
		  <policy context="default">
		    <allow user="*"/>
		    <allow own="*"/>
		    <allow send_destination="*"/>
		    <allow receive_sender="*"/>
		  </policy>
		  <includedir>/etc/dbus-1/system.d</includedir>
		</busconfig>
		EOF
	fi
	pack "$B" "$BASE"
}

# ---------------------------------------------------------------- run layer
# The static helpers (nvmf-connect, and nvmf-bench for bench-vm.sh) are
# cached too: each only changes with its source.
HELPERS="nvmf-connect nvmf-bench"
build_helper() {
	local cc out=$VM_BUILD/$1
	[ -x "$out" ] && [ "$out" -nt "$VM_SRC/$1.c" ] && return 0
	# musl gives a 30 KiB static binary, glibc about 700 KiB; both work.
	cc=$(command -v musl-gcc || command -v "${CC:-cc}" || true)
	[ -n "$cc" ] || { echo "mkinitrd: no C compiler for $1" >&2; exit 1; }
	"$cc" -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Os -static -s \
	    -o "$out.tmp.$$" "$VM_SRC/$1.c"
	mv "$out.tmp.$$" "$out"
}

build_run() {
	local R=$STAGE/run e src dst
	mkdir -p "$R/vm" "$R/usr/sbin" "$R/usr/bin" "$R/etc"
	install -m 755 "$VM_SRC/init.sh" "$R/init"
	install -m 644 "$VM_SRC/lib.sh" "$R/vm/lib.sh"
	install -m 644 "$SCENARIO" "$R/vm/scenario.sh"
	basename "$SCENARIO" .sh > "$R/vm/name"
	for e in $HELPERS; do install -m 755 "$VM_BUILD/$e" "$R/usr/bin/$e"; done
	if [ "$STACD" = - ]; then
		printf '#!/bin/sh\necho "stacd: placeholder, build stacd.static" >&2\nexit 1\n' \
		    > "$R/usr/sbin/stacd"
		chmod 755 "$R/usr/sbin/stacd"
		: > "$R/etc/stacd-placeholder"
	else
		[ -f "$STACD" ] || { echo "mkinitrd: no $STACD" >&2; exit 1; }
		is_static "$STACD" ||
		    echo "mkinitrd: warning: $STACD is not static; it will not run in the VM" >&2
		install -m 755 "$STACD" "$R/usr/sbin/stacd"
	fi
	for e in "$@"; do
		src=${e%%:*} dst=${e#*:}
		case "$e" in *:/*) ;; *) echo "mkinitrd: EXTRA must be FILE:/DEST, got $e" >&2; exit 1 ;; esac
		mkdir -p "$R$(dirname "$dst")"
		cp -a "$src" "$R$dst"
	done
	pack "$R" "$STAGE/run.cpio.gz"
}

base_is_fresh || build_base
for h in $HELPERS; do build_helper "$h"; done
build_run "$@"
mkdir -p "$(dirname "$OUT")"
cat "$BASE" "$STAGE/run.cpio.gz" > "$OUT.tmp.$$"
mv "$OUT.tmp.$$" "$OUT"

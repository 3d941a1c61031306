# t/vm/common.sh - host-side helpers shared by mkinitrd.sh and run.sh (bash).
#
# Sourced, not run.  Everything the VM tier writes goes under build/vm/,
# which is gitignored and safe to delete at any time.
#
# Environment knobs:
#   STACD_VM_KVER     exact kernel version to boot (overrides the rest)
#   STACD_VM_KERNEL   kernel series to boot, such as 6.1 or 6.12 (overrides
#                     a scenario's "# vm: kernel" line); the newest
#                     /boot/vmlinuz-SERIES.* that has its modules in
#                     /lib/modules is used.  Default: 6.1, Debian 12's own
#                     kernel, or else the newest kernel there is.
#   STACD_VM_ACCEL    tcg (default) or kvm.  KVM is opt-in: on some hosts
#                     /dev/kvm is kvm_pvm, which cannot run a stock kernel.

VM_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_TOP=$(cd "$VM_SRC/../.." && pwd)
VM_BUILD=$VM_TOP/build/vm

# vm_kver [SERIES]: prints the kernel version to use (see STACD_VM_KVER
# and STACD_VM_KERNEL above; SERIES is the scenario's wish); fails if
# there is none, or none of an explicitly asked series.
vm_kver() {
	local k v series=${STACD_VM_KERNEL:-${1:-}} pattern
	if [ -n "${STACD_VM_KVER:-}" ]; then
		echo "$STACD_VM_KVER"
		return 0
	fi
	# 6.1 must not match 6.12: the series is followed by "." or "-".
	for pattern in "${series:-6.1}[.-]*" ${series:+none} '*'; do
		[ "$pattern" = none ] && return 1
		# sort -V so 6.10 beats 6.9; the kernel must come with its modules
		# shellcheck disable=SC2086 # $pattern is a glob
		for k in $(printf '%s\n' /boot/vmlinuz-$pattern | sort -rV); do
			v=${k#/boot/vmlinuz-}
			if [ -f "/lib/modules/$v/modules.dep" ]; then
				echo "$v"
				return 0
			fi
		done
	done
	return 1
}

vm_is_elf() {
	[ "$(head -c 4 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]
}

# vm_vmlinux KVER: prints the path of an uncompressed vmlinux for KVER,
# extracting it from /boot/vmlinuz-KVER once and caching it.  QEMU can
# start an ELF vmlinux through its PVH entry (CONFIG_PVH), which skips
# the real-mode setup and in-guest decompression: ~3 s less under TCG.
# Prints the bzImage path instead if the extraction does not work.
vm_vmlinux() {
	local bz=/boot/vmlinuz-$1 out=$VM_BUILD/vmlinux-$1
	local sig tool off
	if [ -s "$out" ] && [ "$out" -nt "$bz" ]; then
		echo "$out"
		return 0
	fi
	mkdir -p "$VM_BUILD"
	if vm_is_elf "$bz"; then
		echo "$bz"
		return 0
	fi
	# The compressed payload starts at one of these magics; false hits are
	# possible, so try each offset until the result is an ELF file.
	for sig in '\xfd7zXZ\x00:xz -dcq --single-stream' \
	    '\x28\xb5\x2f\xfd:zstd -dcq' '\x1f\x8b\x08:gzip -dcq'; do
		tool=${sig#*:}
		command -v "${tool%% *}" >/dev/null 2>&1 || continue
		for off in $(LC_ALL=C grep -obUaP "${sig%%:*}" "$bz" 2>/dev/null |
		    cut -d: -f1 | head -n 5); do
			tail -c +$((off + 1)) "$bz" | $tool > "$out.tmp" 2>/dev/null
			if vm_is_elf "$out.tmp"; then
				mv "$out.tmp" "$out"
				echo "$out"
				return 0
			fi
		done
	done
	rm -f "$out.tmp"
	echo "$bz"
}

#!/bin/sh
# t/vm-tier.sh - the real-kernel tier: boots Debian's kernels in QEMU
# (TCG) with nvmet targets and runs the batched scenarios against the
# static stacd: connector and faults on Debian 12's 6.1 (tcp), transports
# on 6.12 (loop, fc, rdma, DH-HMAC-CHAP; the kernel each scenario boots
# is in its "# vm: kernel" line).  Prints PASS/FAIL per assertion for
# t/run-tests.sh; a scenario whose kernel (or QEMU) is missing prints
# SKIP, and exit 77 means every one was skipped.  CI installs both
# kernels (t/deps.sh).  boot has a runner of its own (t/vm/boot.sh): a
# root file system on NVMe/TCP through an initramfs built by Debian's
# mkinitramfs with stacd's initramfs-tools files; boot-dracut
# (t/vm/boot-dracut.sh) the same root through dracut (downloaded and
# unpacked, not installed) with stacd's dracut module.
set -u
make -s static >/dev/null || { echo "FAIL vm: make static"; exit 1; }
rc=0 ran=0
t0=$(date +%s)
for scenario in t/vm/connector.sh t/vm/faults.sh t/vm/transports.sh t/vm/boot.sh \
    t/vm/boot-dracut.sh; do
	name=$(basename "$scenario" .sh)
	case $name in
	boot) out=$(t/vm/boot.sh -t 200 2>&1); r=$? ;;
	boot-dracut) out=$(t/vm/boot-dracut.sh -t 200 2>&1); r=$? ;;
	# faults: ~200 s in all under TCG on 2 cores
	*) out=$(t/vm/run.sh -t 600 "$scenario" 2>&1); r=$? ;;
	esac
	if [ $r = 77 ]; then
		echo "$out" | grep '^SKIP' | sed "s/^SKIP: vm tier:/SKIP: vm $name:/"
		continue
	fi
	ran=$((ran + 1))
	# a check that could not run ("ok - DESC # SKIP WHY") counts as skipped
	echo "$out" | sed -n "s/^ok - \(.*\) # SKIP \(.*\)/SKIP: vm $name: \1 (\2)/p;
		s/^ok - \(.*\)/PASS vm $name: \1/p;
		s/^not ok - \(.*\)/FAIL vm $name: \1/p;
		s/^\(# .*\)/    \1/p" | grep -v '^    # [^0-9a-z]*$'
	echo "$out" | grep -E '^(vm|run):|wall|took' | sed 's/^/    # /'
	[ $r = 0 ] || rc=1
done
echo "    # vm tier: $ran scenario boot(s) in $(($(date +%s) - t0)) s"
[ $ran -gt 0 ] || exit 77
exit $rc

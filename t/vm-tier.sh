#!/bin/sh
# t/vm-tier.sh - the real-kernel tier: boots Debian's kernels in QEMU
# (TCG) with nvmet targets and runs the batched scenarios against the
# static stacd: connector and faults on Debian 12's 6.1 (tcp), transports
# on 6.12 (loop, fc, rdma, DH-HMAC-CHAP; the kernel each scenario boots
# is in its "# vm: kernel" line).  Prints PASS/FAIL per assertion for
# t/run-tests.sh; a scenario whose kernel (or QEMU) is missing prints
# SKIP, and exit 77 means every one was skipped.  CI installs both
# kernels (t/deps.sh).
set -u
make -s static >/dev/null || { echo "FAIL vm: make static"; exit 1; }
rc=0 ran=0
t0=$(date +%s)
for scenario in t/vm/connector.sh t/vm/faults.sh t/vm/transports.sh; do
	name=$(basename "$scenario" .sh)
	# faults waits out a 60 s retry of stacd (scenario 11): ~200 s in all
	out=$(t/vm/run.sh -t 600 "$scenario" 2>&1); r=$?
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

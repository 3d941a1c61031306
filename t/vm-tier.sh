#!/bin/sh
# t/vm-tier.sh - the real-kernel tier: boots Debian's kernel in QEMU
# (TCG) with nvmet-tcp targets and runs the batched scenarios against
# the static stacd.  Prints PASS/FAIL per assertion for t/run-tests.sh;
# exit 77 means SKIP (no QEMU or kernel here).  CI installs both.
set -u
make -s static >/dev/null || { echo "FAIL vm: make static"; exit 1; }
rc=0
for scenario in t/vm/connector.sh t/vm/faults.sh; do
	name=$(basename "$scenario" .sh)
	out=$(t/vm/run.sh -t 400 "$scenario" 2>&1); r=$?
	if [ $r = 77 ]; then
		echo "$out" | grep '^SKIP'
		exit 77
	fi
	echo "$out" | sed -n "s/^ok - \(.*\)/PASS vm $name: \1/p;
		s/^not ok - \(.*\)/FAIL vm $name: \1/p;
		s/^\(# .*\)/    \1/p" | grep -v '^    # [^0-9a-z]*$'
	echo "$out" | grep -E '^(vm|run):|wall|took' | sed 's/^/    # /'
	[ $r = 0 ] || rc=1
done
exit $rc

#!/bin/sh
# t/run-tests.sh - run every test tier that exists and print one summary
# line "N passed, N failed[, N skipped]".  Called by `make check` from the
# top of the tree after the binaries in build/asan/ are built.
#
# Tiers: unit (t/test-*.c under ASan+UBSan), conf (golden --check
# outputs and round trips), cli, fuzz corpus replay, man page lint, and
# the tiers with their own scripts (t/*-tier.sh) such as the D-Bus and VM
# tiers.  A tier that cannot run prints "SKIP: ..." and counts as skipped.
#
#   sh t/run-tests.sh        every tier (make check)
#   sh t/run-tests.sh unit   the unit tier only (make unit)
#   sh t/run-tests.sh dev    all but the D-Bus and VM tiers (make dev)

MODE=${1:-all}
B=build
STACD=$B/asan/stacd
passed=0 failed=0 skipped=0
failures=""

pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); failures="$failures $1"; echo "FAIL $1"; }
skip() { skipped=$((skipped + 1)); echo "SKIP: $1"; }

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# --- unit tier -----------------------------------------------------------------
for t in $B/asan/test-*; do
	[ -x "$t" ] || continue
	out=$("$t" 2>&1); rc=$?
	echo "$out" | grep -E '^(not ok|#)' | sed 's/^/    /'
	n_ok=$(echo "$out" | grep -c '^ok ')
	n_bad=$(echo "$out" | grep -c '^not ok ')
	passed=$((passed + n_ok))
	failed=$((failed + n_bad))
	if [ "$rc" -ne 0 ] && [ "$n_bad" -eq 0 ]; then
		# a crash or sanitizer report outside any TEST()
		echo "$out" | tail -20 | sed 's/^/    /'
		fail "unit: $(basename "$t") exited $rc"
	else
		echo "PASS unit: $(basename "$t") ($n_ok cases)"
	fi
done

summary() {
	echo
	[ -n "$failures" ] && echo "failed:$failures"
	if [ "$skipped" -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	[ "$failed" -eq 0 ]
	exit
}
[ "$MODE" = unit ] && summary

# --- conf tier: golden --check outputs ------------------------------------------
. t/conf/golden.sh
conf_tier

# --- cli tier -----------------------------------------------------------------------
. t/cli.sh
cli_tier

# --- fuzz corpus replay (ASan+UBSan) ----------------------------------------------
for f in $B/asan/fuzz-*; do
	[ -x "$f" ] || continue
	name=${f##*/fuzz-}
	if [ -d "t/corpus/$name" ] && out=$("$f" t/corpus/"$name"/* 2>&1); then
		pass "fuzz replay: $name ($(echo "$out" | tail -1))"
	else
		echo "$out" | tail -20 | sed 's/^/    /'
		fail "fuzz replay: $name"
	fi
done

# --- man pages --------------------------------------------------------------------
if command -v mandoc >/dev/null 2>&1; then
	for m in stacd.8 stacd.conf.5; do
		if [ ! -f "$m" ]; then
			fail "man: $m missing"
		elif out=$(mandoc -Tlint -Wwarning "$m" 2>&1) && [ -z "$out" ]; then
			pass "man: mandoc -Tlint $m"
		else
			echo "$out" | sed 's/^/    /'
			fail "man: mandoc -Tlint $m"
		fi
	done
else
	skip "man lint: mandoc not installed (apt-get install mandoc)"
fi

# --- tiers with their own scripts (exit 0 pass, 77 skip, else fail) ---------------
for tier in t/*-tier.sh; do
	[ -f "$tier" ] || continue
	name=$(basename "$tier" -tier.sh)
	case "$MODE:$name" in dev:dbus|dev:vm) continue ;; esac
	sh "$tier" > "$B/$name-tier.log" 2>&1; rc=$?
	# each tier prints its own PASS/FAIL lines: count them too
	grep -E '^(PASS|FAIL|SKIP|    |#)' "$B/$name-tier.log"
	p=$(grep -c '^PASS ' "$B/$name-tier.log")
	f=$(grep -c '^FAIL ' "$B/$name-tier.log")
	s=$(grep -c '^SKIP' "$B/$name-tier.log")
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ "$f" -eq 0 ]; then
		tail -30 "$B/$name-tier.log" | sed 's/^/    /'
		fail "$name tier exited $rc"
	fi
done

summary

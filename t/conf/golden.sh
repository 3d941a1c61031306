# t/conf/golden.sh - golden tests of `stacd --check` (sourced by
# t/run-tests.sh, which defines pass/fail and $STACD).
#
# Each t/conf/NAME.conf is checked with --root=t/root (or the directory
# t/conf/NAME.root when it exists); stderr+stdout and the exit status must
# equal t/conf/NAME.ok.  The shipped sample etc/stacd.conf is a case too,
# as are generated hostile inputs.  Every usable output is fed back to
# --check and must come out the same (round trip, with --show-secrets: the
# default output has "<redacted>" for every secret).
# `make update-golden` rewrites the .ok files: review the diff!

GOLDEN_OUT=build/conf

golden_run() { # conf-file root
	"$STACD" --root="$2" --check -f "$1" 2>&1
	echo "exit $?"
}

# Hostile inputs are generated rather than committed (sizes, NUL bytes).
golden_generate() {
	mkdir -p "$GOLDEN_OUT"
	{
		printf '[Global]\nkato=7\n'
		printf 'tron=%s\n' "$(head -c 9000 /dev/zero | tr '\0' x)"
		printf 'queue-size=64\n'
	} > "$GOLDEN_OUT/huge-line.conf"
	printf '[Global]\nkato=9\nnr-io-queues=4\0\nqueue-size=32\n' \
		> "$GOLDEN_OUT/nul-byte.conf"
	awk 'BEGIN { print "[Controllers]";
		for (i = 0; i < 10000; i++)
			printf "controller=transport=tcp;traddr=10.%d.%d.%d;nqn=nqn.2014-08.org.example:s%d\n",
			    int(i / 65536), int(i / 256) % 256, i % 256, i }' \
		> "$GOLDEN_OUT/many.conf"
}

golden_case() { # name conf-file
	name=$1 file=$2 root=t/root
	[ -d "t/conf/$name.root" ] && root=t/conf/$name.root
	golden_run "$file" "$root" > "$GOLDEN_OUT/$name.out"
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$GOLDEN_OUT/$name.out" "t/conf/$name.ok"
	fi
	if diff -u "t/conf/$name.ok" "$GOLDEN_OUT/$name.out" > "$GOLDEN_OUT/$name.diff" 2>&1; then
		pass "conf golden: $name"
	else
		sed 's/^/    /' "$GOLDEN_OUT/$name.diff" | head -40
		fail "conf golden: $name"
	fi
	golden_round_trip "$name" "$file" "$root"
}

golden_round_trip() { # name conf-file root
	"$STACD" --root="$3" --check --show-secrets -f "$2" 2>/dev/null > "$GOLDEN_OUT/$1.rt1" || return 0
	"$STACD" --root="$3" --check --show-secrets -f "$GOLDEN_OUT/$1.rt1" 2> "$GOLDEN_OUT/$1.rt2.err" |
		sed 1d > "$GOLDEN_OUT/$1.rt2"
	# the printout itself must draw no warning (sys.conf ones may repeat)
	if sed 1d "$GOLDEN_OUT/$1.rt1" | cmp -s - "$GOLDEN_OUT/$1.rt2" &&
	   ! grep -q "$1.rt1" "$GOLDEN_OUT/$1.rt2.err"; then
		pass "conf round trip: $1"
	else
		sed 1d "$GOLDEN_OUT/$1.rt1" | diff -u - "$GOLDEN_OUT/$1.rt2" | head -20 | sed 's/^/    /'
		sed 's/^/    /' "$GOLDEN_OUT/$1.rt2.err" | head
		fail "conf round trip: $1"
	fi
}

conf_tier() {
	golden_generate
	for f in t/conf/*.conf; do
		golden_case "$(basename "$f" .conf)" "$f"
	done
	golden_case sample etc/stacd.conf
	golden_case missing-file t/conf/does-not-exist.conf
	golden_case huge-line "$GOLDEN_OUT/huge-line.conf"
	golden_case nul-byte "$GOLDEN_OUT/nul-byte.conf"
	# 10,000 entries: every one parsed, none lost, order kept.
	n=$("$STACD" --root=t/root --check -f "$GOLDEN_OUT/many.conf" 2>&1 |
		grep -c '^controller=transport=tcp;traddr=10\.')
	last=$("$STACD" --root=t/root --check -f "$GOLDEN_OUT/many.conf" 2>/dev/null | tail -1)
	if [ "$n" = 10000 ] && [ "$last" = "controller=transport=tcp;traddr=10.0.39.15;trsvcid=4420;nqn=nqn.2014-08.org.example:s9999" ]; then
		pass "conf: 10000 controller entries"
	else
		fail "conf: 10000 controller entries (got $n, last: $last)"
	fi
	golden_round_trip many "$GOLDEN_OUT/many.conf" t/root
}

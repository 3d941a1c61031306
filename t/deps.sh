#!/bin/sh
# t/deps.sh - install what the test tiers and `make demo` need, on
# Debian/Ubuntu, when run as root; otherwise say what is missing (the
# tiers that need it then print SKIP).  Quiet and idempotent.
PKGS="mandoc musl-tools qemu-system-x86 busybox-static linux-image-amd64
      cpio kmod bc file xz-utils zstd dbus dbus-bin libglib2.0-bin systemd python3-dbus
      python3-gi util-linux"

command -v dpkg-query >/dev/null 2>&1 || {
	echo "deps: not a Debian system; install the equivalents of: $PKGS" >&2
	exit 0
}
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -n "$missing" ] || exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing:$missing (as root: apt-get install$missing);" \
	    "the tiers needing them will SKIP" >&2
	exit 0
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null &&
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
	{ echo "deps: apt-get failed" >&2; exit 1; }

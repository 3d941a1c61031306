#!/bin/bash
# t/vm/debs.sh - Debian packages for a VM image, unpacked, not installed.
#
# usage: t/vm/debs.sh PKG...
#
# Downloads PKG... with apt-get download (the versions apt would install
# here) into build/vm/debs/SUM/ (SUM: a checksum of the list) and unpacks
# them with dpkg-deb -x into build/vm/debs/SUM/root, once (SUM/unpacked
# lists the .deb files); prints that root.  Nothing is installed on this machine.  When the download fails
# and we are root, the package lists are refreshed (apt-get update) and
# the download tried again.  Fails, with the reason on stderr, when
# apt-get or dpkg-deb is missing or a package cannot be had.
set -euo pipefail

. "$(dirname "$0")/common.sh"

[ $# -gt 0 ] || { echo "usage: $0 PKG..." >&2; exit 2; }
for tool in apt-get dpkg-deb; do
	command -v $tool >/dev/null 2>&1 || { echo "debs: no $tool here" >&2; exit 1; }
done
DIR=$VM_BUILD/debs/$(echo "$*" | cksum | cut -d' ' -f1)
if [ -e "$DIR/unpacked" ] && [ -d "$DIR/root" ]; then
	echo "$DIR/root"
	exit 0
fi
rm -rf "$DIR"
mkdir -p "$DIR/deb"
log=$DIR/apt.log
# apt-get download writes into the current directory; as root it warns
# that _apt cannot write there, which is harmless.
fetch() { (cd "$DIR/deb" && apt-get download "$@") >"$log" 2>&1; }
if ! fetch "$@"; then
	[ "$(id -u)" = 0 ] && apt-get update -qq >>"$log" 2>&1 && fetch "$@" || {
		echo "debs: apt-get download $* failed:" >&2
		grep -E '^(E|W):' "$log" | head -n 5 >&2
		exit 1
	}
fi
mkdir -p "$DIR/root.tmp"
for deb in "$DIR"/deb/*.deb; do
	dpkg-deb -x "$deb" "$DIR/root.tmp"
done
mv "$DIR/root.tmp" "$DIR/root"
(cd "$DIR/deb" && ls ./*.deb) | sed 's|^\./||' > "$DIR/unpacked"
echo "$DIR/root"

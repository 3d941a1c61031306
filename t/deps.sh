#!/bin/sh
# t/deps.sh - install what the test tiers and `make demo` need, on
# Debian/Ubuntu, when run as root; otherwise say what is missing (the
# tiers that need it then print SKIP).  Quiet and idempotent.
#
# On Debian 12 (bookworm) the VM tier also boots Linux 6.12, whose nvmet
# has the loop and fcloop transports and DH-HMAC-CHAP that Debian's 6.1
# lacks.  It comes as a versioned image package (linux-image-6.12.N+deb12-
# amd64, from bookworm-backports or bookworm-security): never through the
# linux-image-amd64 meta-package, which would move the machine's default
# kernel off 6.1 and pull in apparmor.  The 6.1 image stays installed.
#
# Debian packages that only go into a VM image (nvme-cli for the faults
# scenario) are not installed here: t/vm/debs.sh downloads and unpacks
# them into build/vm/debs/ when a scenario's "# vm: debs" line asks.
# Nor is dracut, which conflicts with initramfs-tools: t/vm/boot-dracut.sh
# downloads and unpacks it; its network-legacy module wants dhclient and
# arping on the build machine (isc-dhcp-client, iputils-arping).
PKGS="mandoc musl-tools qemu-system-x86 busybox-static linux-image-amd64
      cpio kmod bc file xz-utils zstd dbus dbus-bin libglib2.0-bin systemd python3-dbus
      python3-gi util-linux iproute2 initramfs-tools e2fsprogs
      isc-dhcp-client iputils-arping"
BACKPORTS=/etc/apt/sources.list.d/stacd-bookworm-backports.sources

command -v dpkg-query >/dev/null 2>&1 || {
	echo "deps: not a Debian system; install the equivalents of: $PKGS" >&2
	exit 0
}
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done

# A 6.12 kernel is there when one of its images has its modules.
have_612() {
	for k in /boot/vmlinuz-6.12.*; do
		[ -f "/lib/modules/${k#/boot/vmlinuz-}/modules.dep" ] && return 0
	done
	return 1
}
want_612=0
# shellcheck disable=SC1091
[ "$(. /etc/os-release 2>/dev/null; echo "${VERSION_CODENAME:-}")" = bookworm ] &&
    [ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ] && ! have_612 &&
    want_612=1

[ -n "$missing" ] || [ $want_612 = 1 ] || exit 0
if [ "$(id -u)" -ne 0 ]; then
	[ $want_612 = 0 ] || missing="$missing linux-image-6.12.N+deb12-amd64"
	echo "deps: missing:$missing (as root: apt-get install$missing);" \
	    "the tiers needing them will SKIP" >&2
	exit 0
fi

# backports_entry: a deb822 stanza for bookworm-backports with the mirror
# and components of the main bookworm suite, from debian.sources or a
# one-line "deb URI bookworm COMPONENTS" entry; fails if there is neither.
backports_entry() {
	awk '
	function flush() {
		if (deb && uri != "" && main && comp != "")
			{ print uri "|" comp; found = 1; exit }
		deb = main = 0; uri = comp = ""
	}
	/^[ \t]*$/ { flush(); next }
	/^[ \t]*#/ { next }
	tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
	tolower($1) == "uris:" { uri = $2 }
	tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == "bookworm") main = 1 }
	tolower($1) == "components:" { comp = $2; for (i = 3; i <= NF; i++) comp = comp " " $i }
	END { if (!found) flush() }
	' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1 | grep . ||
	awk '$1 == "deb" && $2 !~ /^\[/ && $3 == "bookworm" {
		comp = $4; for (i = 5; i <= NF; i++) comp = comp " " $i
		print $2 "|" comp; exit
	}' /etc/apt/sources.list 2>/dev/null | grep .
}
has_backports() {
	grep -qs 'bookworm-backports' /etc/apt/sources.list \
	    /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
fail() {
	echo "deps: $*" >&2
	sed 's/^/deps:   /' "$log" >&2
	exit 1
}
export DEBIAN_FRONTEND=noninteractive
what=$missing
[ $want_612 = 0 ] || what="$what linux-image-6.12.*+deb12-amd64"
echo "deps: installing:$what"
if [ $want_612 = 1 ] && ! has_backports; then
	if e=$(backports_entry); then
		printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: %s\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		    "${e%%|*}" "${e#*|}" > "$BACKPORTS"
	else
		echo "deps: no bookworm entry in the apt sources to model bookworm-backports on" >&2
	fi
fi
apt-get update -qq >"$log" 2>&1 || fail "apt-get update failed"
if [ -n "$missing" ]; then
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >"$log" 2>&1 ||
	    fail "apt-get install failed"
fi
if [ $want_612 = 1 ]; then
	# The 6.1 image (the tier's default kernel) must outlive any change of
	# the meta-package: installed by hand, not as a dependency.
	for p in $(dpkg-query -W -f='${Package} ${Status}\n' 'linux-image-6.1.*' 2>/dev/null |
	    awk '/ok installed/ { print $1 }'); do
		apt-mark manual "$p" >/dev/null 2>&1
	done
	img=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9.]+\+deb12[0-9.]*-amd64$' |
	    awk '{ print $1 }' | sort -V | tail -n 1)
	[ -n "$img" ] || fail "no linux-image-6.12.*+deb12-amd64 package in the apt sources"
	apt-get install -y -qq --no-install-recommends "$img" >"$log" 2>&1 ||
	    fail "apt-get install $img failed"
fi
exit 0

# t/vm/lib.sh - helpers for VM scenario scripts (busybox ash, inside the VM).
#
# /init sources this before it sources the scenario, so scenarios just call
# these functions.  Output protocol (run.sh only reports these lines):
#   ok - DESCRIPTION          one line per passing assertion
#   not ok - DESCRIPTION      one line per failing assertion
#   # TEXT                    diagnostics
# Anything else (command noise, stacd logs) stays in build/vm/NAME.log only.

# Also meant for scenarios: NVMET, DISC_NQN, HOSTNQN, HOSTID.
# shellcheck disable=SC2034
NVMET=/sys/kernel/config/nvmet
DISC_NQN=nqn.2014-08.org.nvmexpress.discovery
HOSTNQN=$(cat /etc/nvme/hostnqn)
HOSTID=$(cat /etc/nvme/hostid)

# ---------------------------------------------------------------- reporting

# diag TEXT...: prints each argument, and each line in it, as a "#" line.
diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }

# assert DESC CMD [ARG...]: ok if CMD exits 0; otherwise not ok, followed
# by the command, its exit status and its output as diagnostics.
# CMD runs in a command substitution, so variables it sets do not survive.
assert() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc = 0 ]; then
		ok "$desc"
		return 0
	fi
	not_ok "$desc"
	diag "command: $* (exit $rc)"
	[ -z "$out" ] || diag "$out"
	return 1
}

# assert_not DESC CMD [ARG...]: ok if CMD fails.
assert_not() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		not_ok "$desc"
		diag "command: $* (unexpectedly succeeded)"
		[ -z "$out" ] || diag "$out"
		return 1
	fi
	ok "$desc"
}

# assert_eq DESC GOT WANT
assert_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
		return 0
	fi
	not_ok "$1"
	diag "got:  '$2'" "want: '$3'"
	return 1
}

# assert_match DESC STRING GLOB: ok if STRING matches the shell pattern.
assert_match() {
	# shellcheck disable=SC2254 # $3 is a pattern, so unquoted
	case "$2" in
	$3) ok "$1"; return 0 ;;
	esac
	not_ok "$1"
	diag "got:  '$2'" "want pattern: '$3'"
	return 1
}

# assert_errno DESC NAME CMD [ARG...]: ok if CMD fails and its output
# names errno NAME (nvmf-connect prints "(errno=N NAME)").
assert_errno() {
	local desc=$1 name=$2 out
	shift 2
	if out=$("$@" 2>&1); then
		not_ok "$desc"
		diag "command: $* (unexpectedly succeeded: $out)"
		return 1
	fi
	case "$out" in
	*" $name)"*) ok "$desc"; return 0 ;;
	esac
	not_ok "$desc"
	diag "command: $*" "want errno $name, got: $out"
	return 1
}

# skip DESC REASON: a passing line that says the check was not run.
skip() { echo "ok - $1 # SKIP $2"; }

# cli_present TAG: sets have_cli to 1 when the image has nvme-cli
# (t/vm/debs.sh), saying its version, else to 0 with a SKIP diagnostic.
cli_present() {
	have_cli=0
	if command -v nvme >/dev/null 2>&1; then
		have_cli=1
		diag "$1: $(nvme version 2>&1 | tr '\n' ' ')"
	else
		diag "$1: SKIP: no nvme-cli in this image (see the vm: debs line): connect-all not measured"
	fi
}

# wait_for TIMEOUT_S CMD [ARG...]: runs CMD every 0.2 s until it succeeds
# (returns 0) or TIMEOUT_S whole seconds have passed (returns 1).
wait_for() {
	local n=$(($1 * 5))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ $n -gt 0 ] || return 1
		n=$((n - 1))
		sleep 0.2
	done
}

# ---------------------------------------------------------------- target (nvmet)

# _put VALUE FILE: configfs writes, with the failing path in the diagnostic.
_put() {
	printf '%s\n' "$1" > "$2" 2>/dev/null && return 0
	diag "cannot write '$1' to $2"
	return 1
}

# ns_magic NQN: the text tgt_subsys writes at offset 0 of the namespace,
# so a host can check it reads the right data.
ns_magic() { echo "stacd-vm-ns:$1"; }

# tgt_subsys NQN [NS_SIZE_MB]: a subsystem any host may use, with namespace
# 1 backed by a file on tmpfs (default 8 MiB; 0 = no namespace).  tmpfs has
# no O_DIRECT, hence buffered_io.
tgt_subsys() {
	local nqn=$1 mb=${2:-8} d=$NVMET/subsystems/$1 img
	mkdir "$d" || return 1
	_put 1 "$d/attr_allow_any_host" || return 1
	[ "$mb" -gt 0 ] || return 0
	mkdir -p /tmp/nvmet
	img=/tmp/nvmet/$(echo "$nqn" | tr -c 'A-Za-z0-9._\n-' '_').img
	truncate -s "${mb}M" "$img" || return 1
	ns_magic "$nqn" | dd of="$img" conv=notrunc 2>/dev/null || return 1
	mkdir "$d/namespaces/1" || return 1
	_put "$img" "$d/namespaces/1/device_path" &&
	    _put 1 "$d/namespaces/1/buffered_io" &&
	    _put 1 "$d/namespaces/1/enable"
}

# tgt_port ID ipv4|ipv6 ADDR SVCID: a TCP port; it listens only once a
# subsystem is linked to it (tgt_link).
tgt_port() { tgt_port_of "$1" tcp "$2" "$3" "$4"; }

# tgt_port_of ID TRTYPE [ADRFAM [TRADDR [SVCID]]]: a port of any transport
# (tcp, rdma, fc, loop); what is not given is left unset.
tgt_port_of() {
	local d=$NVMET/ports/$1
	mkdir "$d" || return 1
	_put "$2" "$d/addr_trtype" || return 1
	[ -z "${3:-}" ] || _put "$3" "$d/addr_adrfam" || return 1
	[ -z "${4:-}" ] || _put "$4" "$d/addr_traddr" || return 1
	[ -z "${5:-}" ] || _put "$5" "$d/addr_trsvcid"
}

# tgt_host NQN: the host entry (hosts/NQN) a subsystem can allow.
tgt_host() {
	[ -d "$NVMET/hosts/$1" ] || mkdir "$NVMET/hosts/$1"
}

# tgt_allow SUBNQN HOSTNQN: only that host may use the subsystem.
tgt_allow() {
	tgt_host "$2" &&
	    _put 0 "$NVMET/subsystems/$1/attr_allow_any_host" &&
	    ln -s "$NVMET/hosts/$2" "$NVMET/subsystems/$1/allowed_hosts/$2"
}

# tgt_host_auth HOSTNQN HOSTKEY [CTRLKEY [HASH [DHGROUP]]]: DH-HMAC-CHAP
# for every subsystem that allows the host: its key, the key the
# controller answers with for bidirectional authentication (empty: none),
# the hash (default hmac(sha256)) and the DH group (default null).
tgt_host_auth() {
	local d=$NVMET/hosts/$1
	tgt_host "$1" && _put "$2" "$d/dhchap_key" &&
	    _put "${4:-hmac(sha256)}" "$d/dhchap_hash" &&
	    _put "${5:-null}" "$d/dhchap_dhgroup" || return 1
	[ -z "${3:-}" ] || _put "$3" "$d/dhchap_ctrl_key"
}

# dhchap_secret: a new random DH-HMAC-CHAP secret, as nvme gen-dhchap-key
# makes them: "DHHC-1:00:" (no hash transformation), the base64 of 32
# random bytes followed by their CRC-32 (little-endian), and ":".  gzip's
# trailer is that CRC-32, little-endian, followed by the length.
dhchap_secret() {
	local f=/tmp/dhchap.$$
	head -c 32 /dev/urandom > $f.key &&
	    gzip -c < $f.key | tail -c 8 | head -c 4 > $f.crc &&
	    printf 'DHHC-1:00:%s:\n' "$(cat $f.key $f.crc | base64 | tr -d '\n')"
	rm -f $f.key $f.crc
}

# tgt_link PORTID NQN: exports NQN on the port (the first link enables it).
tgt_link() {
	ln -s "$NVMET/subsystems/$2" "$NVMET/ports/$1/subsystems/$2"
}

# tgt_unlink PORTID NQN: the port goes down for NQN (and stops listening
# when that was its last subsystem); connected hosts start reconnecting.
tgt_unlink() {
	rm "$NVMET/ports/$1/subsystems/$2"
}

# ---------------------------------------------------------------- host side

# nvmf_opts NQN TRADDR SVCID [MORE]: a connect string for a TCP I/O
# controller.  hostnqn and hostid always go together (the kernel rejects
# a hostnqn paired with another hostid), and trsvcid is explicit (the
# kernel's TCP default is the discovery port 8009).
nvmf_opts() {
	echo "nqn=$1,transport=tcp,traddr=$2,trsvcid=$3,hostnqn=$HOSTNQN,hostid=$HOSTID${4:+,$4}"
}

# host_connect NQN TRADDR SVCID [MORE]: connects behind stacd's back and
# prints the new controller's name (nvmeN).
host_connect() {
	local r
	r=$(nvmf-connect "$(nvmf_opts "$@")") || return 1
	r=${r#instance=}
	echo "nvme${r%%,*}"
}

# ctrl_delete NVMEN: what "nvme disconnect" does.
ctrl_delete() {
	echo 1 > "/sys/class/nvme/$1/delete_controller"
}

# ctrl_attr NVMEN ATTR: one sysfs attribute of a controller.
ctrl_attr() { cat "/sys/class/nvme/$1/$2"; }

# _ctrl_match DIR NQN [TRADDR SVCID]: true if the controller in DIR is for
# NQN and, if given, at exactly that traddr and trsvcid.  The address
# attribute looks like "traddr=127.0.0.1,trsvcid=4420,src_addr=127.0.0.1".
# Shell builtins only: polls run this, and a fork costs milliseconds
# under TCG.
_ctrl_match() {
	local nqn addr
	read -r nqn 2>/dev/null < "$1/subsysnqn" && [ "$nqn" = "$2" ] || return 1
	[ $# -ge 4 ] || return 0
	read -r addr 2>/dev/null < "$1/address" || return 1
	addr=,$addr,
	case "$addr" in *",traddr=$3,"*) ;; *) return 1 ;; esac
	case "$addr" in *",trsvcid=$4,"*) ;; *) return 1 ;; esac
}

# ctrl_for NQN TRADDR SVCID: prints the matching controllers, one nvmeN a
# line (normally just one); fails if there is none.
ctrl_for() {
	local c found=1
	for c in /sys/class/nvme/nvme*; do
		[ -e "$c" ] || continue
		_ctrl_match "$c" "$@" || continue
		echo "${c##*/}"
		found=0
	done
	return $found
}

# ctrl_table: "nvmeN SUBSYSNQN STATE", a line a controller (builtins only).
ctrl_table() {
	local c nqn state
	for c in /sys/class/nvme/nvme*; do
		[ -e "$c" ] || continue
		nqn=? state=?
		read -r nqn 2>/dev/null < "$c/subsysnqn"
		read -r state 2>/dev/null < "$c/state"
		echo "${c##*/} $nqn $state"
	done
}

# ctrl_count NQN [TRADDR SVCID]: prints how many controllers there are.
ctrl_count() {
	local c n=0
	for c in /sys/class/nvme/nvme*; do
		[ -e "$c" ] && _ctrl_match "$c" "$@" && n=$((n + 1))
	done
	echo $n
}

# ns_devs NVMEN: prints the namespace block devices (/dev/nvmeXnY) that
# controller NVMEN serves.  With native multipath (Debian's default) the
# disk is the subsystem's shared head, numbered after the subsystem, not
# the controller; without it the disk sits under the controller.
ns_devs() {
	local s d
	for s in /sys/class/nvme-subsystem/nvme-subsys*; do
		[ -e "$s/$1" ] || continue
		for d in "$s"/nvme*n*; do
			case "${d##*/}" in
			*c*) ;;	# nvmeXcYnZ: a hidden per-path device
			nvme*n*) [ -b "/dev/${d##*/}" ] && echo "/dev/${d##*/}" ;;
			esac
		done
		return 0
	done
	for d in "/sys/class/nvme/$1"/nvme*n*; do
		case "${d##*/}" in
		*c*) ;;
		nvme*n*) [ -b "/dev/${d##*/}" ] && echo "/dev/${d##*/}" ;;
		esac
	done
}

# ns_reads NQN: the namespace reads back, with O_DIRECT (not from the
# page cache), what the target wrote there.
ns_reads() {
	local c dev magic
	c=$(ctrl_for "$1") || return 1
	dev=$(ns_devs "$c" | head -n 1)
	[ -n "$dev" ] || return 1
	magic=$(ns_magic "$1")
	[ "$(dd if="$dev" bs=4096 count=1 iflag=direct 2>/dev/null |
	    head -c ${#magic})" = "$magic" ]
}

# ---------------------------------------------------------------- D-Bus

# dbus_start: the system bus, for images built with mkinitrd.sh --dbus.
dbus_start() {
	[ -x /usr/bin/dbus-daemon ] || { diag "no dbus-daemon in this image (mkinitrd.sh --dbus)"; return 1; }
	mkdir -p /run/dbus
	dbus-daemon --config-file=/etc/dbus-1/vm-system.conf --fork --nopidfile &&
	    wait_for 5 test -S /run/dbus/system_bus_socket
}

# ---------------------------------------------------------------- stacd

# Where stacd_start sends stacd's output (diagnostics only: assertions
# are on kernel facts).
STACD_LOG=/tmp/stacd.log

uptime_s() { cut -d' ' -f1 /proc/uptime; }

# connected NQN [TRADDR SVCID] / gone NQN [TRADDR SVCID]: is there a
# matching controller?
connected() { ctrl_for "$@" >/dev/null; }
gone() { ! ctrl_for "$@" >/dev/null; }

# count_all: how many controllers the kernel has, whatever they are.
count_all() { ls -d /sys/class/nvme/nvme* 2>/dev/null | wc -l; }

# has_ns NVMEN: the controller serves a namespace block device.
has_ns() { [ -n "$(ns_devs "$1")" ]; }

# stacd_start [ARG...]: the static stacd in the background, its pid in
# STACD_PID.
stacd_start() {
	/usr/sbin/stacd "$@" >> $STACD_LOG 2>&1 &
	STACD_PID=$!
	diag "stacd started (pid $STACD_PID) at $(uptime_s)s"
}

stacd_hup() {
	kill -HUP $STACD_PID
	sleep 0.5
}

# write_conf: stdin becomes /etc/stas/stacd.conf.
write_conf() {
	mkdir -p /etc/stas
	cat > /etc/stas/stacd.conf
}

# show_log: stacd's log as diagnostics, unprintable bytes (a log line may
# quote a broken configuration) as '?'.
show_log() {
	diag "--- stacd log ---"
	tr -c '\n -~' '?' < $STACD_LOG | sed 's/^/# /'
}

# reader_start DEV: reads the first block of DEV every 0.2 s in the
# background (pid in READER), with O_DIRECT so that every read crosses
# the fabric; the first failure leaves /tmp/reader.died.
reader_start() {
	rm -f /tmp/reader.died
	( while dd if="$1" of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null
	do sleep 0.2; done
	echo "reader of $1 stopped at $(uptime_s)s" > /tmp/reader.died ) &
	READER=$!
}

# bus_owner: succeeds once some process owns org.nvmexpress.stac.
bus_owner() {
	dbus-send --system --print-reply --dest=org.freedesktop.DBus \
	    /org/freedesktop/DBus org.freedesktop.DBus.GetNameOwner \
	    string:org.nvmexpress.stac
}

# t/vm/connector.sh - stacd against the real kernel, all connector
# scenarios in one boot (each boot costs ~8 s under TCG).
# vm: dbus
# vm: file etc/org.nvmexpress.stac.conf:/etc/dbus-1/system.d/org.nvmexpress.stac.conf
#
# nvmet serves subsystems on 127.0.0.1:4420, [::1]:4420 and
# 127.0.0.1:4421; stacd (the static build) runs with configurations
# written here.  Every assertion is on kernel facts (/sys/class/nvme,
# /dev); stacd's log is only diagnostics.

P=nqn.2014-08.org.example.stacd
S1=$P:s1 S2=$P:s2 S3=$P:s3 S4=$P:s4 S5=$P:s5 S6=$P:s6 S7=$P:s7 S8=$P:s8
# ---------------------------------------------------------------- target
for s in $S1 $S2 $S3 $S4 $S5 $S6 $S7 $S8; do
	tgt_subsys $s 4 || not_ok "target: subsystem $s"
done
tgt_port 1 ipv4 127.0.0.1 4420 && tgt_port 2 ipv6 ::1 4420 &&
    tgt_port 3 ipv4 127.0.0.1 4421 || not_ok "target: ports"
for s in $S1 $S3 $S4 $S5 $S6 $S8; do tgt_link 1 $s; done
tgt_link 2 $S2
tgt_link 3 $S7
echo "127.0.0.1 localhost storage-a.example" > /etc/hosts
echo "::1 localhost6" >> /etc/hosts

# ------------------------------------------ 2: a controller made before stacd
pre=$(host_connect $S3 127.0.0.1 4420)
assert_match "pre-existing controller for s3 made with nvmf-connect" "$pre" 'nvme[0-9]*'
wait_for 10 has_ns "$pre"
pre_ns=$(ns_devs "$pre" | head -n 1)
diag "s3 pre-existing: $pre namespace $pre_ns"
# A reader reads the namespace the whole time: it must never fail.
reader_start "$pre_ns"

# ---------------------------------------------------------------- 1, 7, 8: start
# s2's entry carries DH-HMAC-CHAP secrets and its target does not ask
# for authentication.  Debian's 6.1 is built without NVMe authentication
# (CONFIG_NVME_AUTH is not set) yet lists dhchap_secret and
# dhchap_ctrl_secret among its options, and accepts and ignores them; a
# kernel that does not list an option gets a connect without it, and
# stacd warns once.
KEY=$(dhchap_secret) CKEY=$(dhchap_secret)
write_conf <<EOF2
[Global]
kato=10

[Controllers]
controller=transport=tcp;traddr=127.0.0.1;nqn=$S1
controller=transport=tcp;traddr=::1;nqn=$S2;kato=7;nr-io-queues=1;dhchap-secret=$KEY;dhchap-ctrl-secret=$CKEY
controller=transport=tcp;traddr=127.0.0.1;nqn=$S3
controller=transport=tcp;traddr=localhost;nqn=$S6
controller=transport=tcp;traddr=127.0.0.1;trsvcid=4421;nqn=$S7
controller=transport=tcp;traddr=127.0.0.1;nqn=$S5
exclude=nqn=$S5
# bad entries: an unreachable port, an unknown NQN, an invalid value, a smuggled option
controller=transport=tcp;traddr=127.0.0.1;trsvcid=4999;nqn=$S8
controller=transport=tcp;traddr=127.0.0.1;nqn=$P:unknown
controller=transport=tcp;traddr=127.0.0.1;nqn=$S8;queue-size=5
controller=transport=tcp;traddr=127.0.0.1,hostnqn=nqn.evil;nqn=$S4
EOF2
t0=$(uptime_s)
stacd_start
assert "1: s1 connected over IPv4" wait_for 15 connected $S1 127.0.0.1 4420
assert "1: s2 connected over IPv6" wait_for 15 connected $S2 ::1 4420
diag "first connections within $(echo "$(uptime_s) - $t0" | bc 2>/dev/null || uptime_s)s"
c1=$(ctrl_for $S1 127.0.0.1 4420)
c2=$(ctrl_for $S2 ::1 4420)
assert_eq "1: s1 state live" "$(ctrl_attr $c1 state)" live
assert_eq "1: s1 uses [Global] kato=10" "$(ctrl_attr $c1 kato)" 10
assert_eq "1: s2 uses its own kato=7" "$(ctrl_attr $c2 kato)" 7
assert_eq "1: s2 nr-io-queues=1 gives 2 queues" "$(ctrl_attr $c2 queue_count)" 2
assert_eq "1: host NQN sent" "$(ctrl_attr $c1 hostnqn)" "$HOSTNQN"
assert_eq "1: host ID sent with it" "$(ctrl_attr $c1 hostid)" "$HOSTID"
wait_for 10 has_ns $c1
assert "1: s1 namespace readable" dd if="$(ns_devs $c1 | head -n 1)" of=/dev/null bs=4096 count=1
# warned OPTION: how often stacd said it left OPTION out of s2's connect.
warned() {
	grep -cF "$S2): the kernel does not support $1, connecting without it" $STACD_LOG
}
assert "9: s2 (with secrets, target without authentication) namespace readable" \
    wait_for 10 ns_reads $S2
case ",$(cat /dev/nvme-fabrics 2>/dev/null)," in
*,dhchap_secret=*,dhchap_ctrl_secret=*)
	diag "9: kernel $(uname -r) lists dhchap_secret and dhchap_ctrl_secret"
	assert_eq "9: the kernel lists the secrets: none left out, no warning" \
	    "$(warned dhchap_secret) $(warned dhchap_ctrl_secret)" "0 0" ;;
*)
	diag "9: kernel $(uname -r) lists no DH-HMAC-CHAP secrets"
	assert_eq "9: one warning: dhchap_secret left out of s2's connect" \
	    "$(warned dhchap_secret)" 1
	assert_eq "9: one warning: dhchap_ctrl_secret left out too" \
	    "$(warned dhchap_ctrl_secret)" 1 ;;
esac
n_warned=$(grep -c 'the kernel does not support dhchap' $STACD_LOG)
assert "8: s6 given as host name 'localhost' connected" wait_for 15 connected $S6 127.0.0.1 4420
assert "7: s8 (queue-size=5 ignored with a warning) connected" wait_for 15 connected $S8 127.0.0.1 4420
assert_eq "7: nothing connected on the unreachable port" "$(ctrl_count $S8 127.0.0.1 4999)" 0
assert_eq "7: nothing connected for the unknown NQN" "$(ctrl_count $P:unknown)" 0
assert_eq "7: the smuggled entry was not connected" "$(ctrl_count $S4)" 0
assert "7: the bad entries were reported" grep -q "trsvcid=4999\|4999" $STACD_LOG
assert "7: the invalid value was reported with file:line" \
    grep -q "stacd.conf:15: \[Controllers\] controller: queue-size" $STACD_LOG
assert "5: exclude= hides s5" [ "$(ctrl_count $S5)" = 0 ]
assert_eq "2: s3 adopted, not duplicated" "$(ctrl_count $S3)" 1
assert_eq "2: s3 is still the pre-existing controller" "$(ctrl_for $S3)" "$pre"
assert "2: s3 namespace never went away" [ ! -e /tmp/reader.died ]

# ---------------------------------------------------------------- 3: deleted behind our back
ctrl_delete $c1
t0=$(uptime_s)
assert "3: s1 gone after delete_controller" wait_for 5 gone $S1 127.0.0.1 4420
assert "3: s1 reconnected by stacd" wait_for 12 connected $S1 127.0.0.1 4420
diag "3: s1 back $(echo "$(uptime_s) - $t0" | bc)s after the delete (stacd waits 3 s)"

# ---------------------------------------------------------------- 4: port down, retries
c7=$(ctrl_for $S7 127.0.0.1 4421)
assert_match "4: s7 connected on port 4421" "$c7" 'nvme[0-9]*'
tgt_unlink 3 $S7
ctrl_delete $c7
t0=$(uptime_s)
sleep 8
assert_eq "4: s7 stays down while the port is down" "$(ctrl_count $S7)" 0
assert "4: stacd logged the refused retry" grep -q "4421.*connection refused" $STACD_LOG
tgt_link 3 $S7
sleep 30
assert_eq "4: no retry before the 60 s period" "$(ctrl_count $S7)" 0
assert "4: s7 connected again on the 60 s retry" wait_for 40 connected $S7 127.0.0.1 4421
diag "4: s7 back $(echo "$(uptime_s) - $t0" | bc)s after the port went down (retries at +3 s, +63 s)"

# ---------------------------------------------------------------- 5: SIGHUP
c3=$(ctrl_for $S3)
write_conf <<EOF2
[Controllers]
controller=transport=tcp;traddr=::1;nqn=$S2;kato=7;nr-io-queues=1
controller=transport=tcp;traddr=127.0.0.1;nqn=$S3
controller=transport=tcp;traddr=storage-a.example;nqn=$S4
controller=transport=tcp;traddr=localhost;nqn=$S6
controller=transport=tcp;traddr=127.0.0.1;trsvcid=4421;nqn=$S7
controller=transport=tcp;traddr=127.0.0.1;nqn=$S8
EOF2
stacd_hup
assert "5: SIGHUP added s4 (host name from /etc/hosts)" wait_for 15 connected $S4 127.0.0.1 4420
assert "5: SIGHUP removed s1: disconnected (default scope)" wait_for 10 gone $S1
assert_eq "5: s3 untouched by the reload" "$(ctrl_for $S3)" "$c3"
write_conf <<EOF2
[I/O controller connection management]
disconnect-scope=no-disconnect
[Controllers]
controller=transport=tcp;traddr=::1;nqn=$S2;kato=7;nr-io-queues=1
controller=transport=tcp;traddr=127.0.0.1;nqn=$S3
controller=transport=tcp;traddr=storage-a.example;nqn=$S4
controller=transport=tcp;traddr=127.0.0.1;trsvcid=4421;nqn=$S7
controller=transport=tcp;traddr=127.0.0.1;nqn=$S8
exclude=nqn=$S8
EOF2
stacd_hup
sleep 3
assert "5: s6 removed with no-disconnect: kept" connected $S6 127.0.0.1 4420
assert "5: s8 newly excluded with no-disconnect: kept" connected $S8 127.0.0.1 4420

# ---------------------------------------------------------------- 6: SIGTERM, restart
before=$(count_all)
kill -TERM $STACD_PID
wait $STACD_PID
rc=$?
assert_eq "6: SIGTERM exits 0" "$rc" 0
sleep 1
assert_eq "6: every connection left up ($before controllers)" "$(count_all)" "$before"
assert "6: last-known-config written, mode 0600" \
    sh -c '[ "$(stat -c %a /run/stacd/last-known-config)" = 600 ]'
assert_not "6: no secrets or tunables in last-known-config" \
    grep -q 'kato\|dhchap' /run/stacd/last-known-config
write_conf <<EOF2
[Controllers]
controller=transport=tcp;traddr=::1;nqn=$S2
controller=transport=tcp;traddr=127.0.0.1;nqn=$S3
controller=transport=tcp;traddr=storage-a.example;nqn=$S4
EOF2
c4=$(ctrl_for $S4)
stacd_start
sleep 4
# s7 was owned by the previous stacd (last-known-config) and is not
# configured any more: with the default scope the new stacd removes it.
assert "6: s7 owned before the restart, no longer wanted: disconnected" \
    wait_for 10 gone $S7
assert_eq "6: a new stacd adopts the rest, no duplicates" "$(count_all)" "$((before - 1))"
assert_eq "6: s2 still one controller" "$(ctrl_count $S2)" 1
assert_eq "6: s4 (a host name) kept its controller across the restart" \
    "$(ctrl_for $S4)" "$c4"
# s6 and s8 were released under no-disconnect: not ours any more.
assert "6: s6 released earlier (no-disconnect) is left alone" connected $S6
assert "6: s8 likewise" connected $S8
assert "2: s3 namespace reader never failed" [ ! -e /tmp/reader.died ]
assert_eq "9: no more warnings about secrets since (restart, reloads)" \
    "$(grep -c 'the kernel does not support dhchap' $STACD_LOG)" "$n_warned"
assert_not "9: no secret in stacd's log" grep -q "DHHC-1\|${KEY#DHHC-1:00:}\|${CKEY#DHHC-1:00:}" $STACD_LOG
assert "no bus: stacd said it runs on the configuration alone" \
    grep -q "running on the configuration alone" $STACD_LOG

# ------------------------------- D-Bus: started before the bus, owns its name
assert "the bus starts after stacd" dbus_start
assert "stacd owns org.nvmexpress.stac once the bus appears" wait_for 40 bus_owner
out=$(dbus-send --system --print-reply --dest=org.nvmexpress.stac \
    /org/nvmexpress/stac org.nvmexpress.stac.list_controllers boolean:false 2>&1)
assert_match "list_controllers over the VM's system bus names s2" "$out" "*$S2*"
assert_eq "the bus coming up changed no connection" "$(count_all)" "$((before - 1))"
kill $READER 2>/dev/null
kill -TERM $STACD_PID
wait $STACD_PID
show_log

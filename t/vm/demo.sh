# t/vm/demo.sh - `make demo`: a target with a few subsystems, stacd with
# a sample configuration, and what it connected.

P=nqn.2014-08.org.example.demo
for i in 1 2 3 4; do tgt_subsys $P:vol$i 16; done
tgt_port 1 ipv4 127.0.0.1 4420 && tgt_port 2 ipv6 ::1 4420
for i in 1 2 3 4; do tgt_link 1 $P:vol$i; done
tgt_link 2 $P:vol1
echo "127.0.0.1 localhost array-1.example" > /etc/hosts

mkdir -p /etc/stas
cat > /etc/stas/stacd.conf <<EOF2
[Global]
kato=30

[Controllers]
controller=transport=tcp;traddr=127.0.0.1;nqn=$P:vol1
controller=transport=tcp;traddr=::1;nqn=$P:vol1
controller=transport=tcp;traddr=array-1.example;nqn=$P:vol2
controller=transport=tcp;traddr=127.0.0.1;nqn=$P:vol3;nr-io-queues=1
controller=transport=tcp;traddr=127.0.0.1;nqn=$P:vol4
exclude=nqn=$P:vol4
EOF2
diag "stacd.conf:" "$(cat /etc/stas/stacd.conf)"
t0=$(cut -d' ' -f1 /proc/uptime)
/usr/sbin/stacd > /tmp/stacd.log 2>&1 &
pid=$!
all() { [ "$(ls -d /sys/class/nvme/nvme* 2>/dev/null | wc -l)" -ge 4 ]; }
assert "stacd connected the 4 configured, not excluded controllers" wait_for 20 all
t1=$(cut -d' ' -f1 /proc/uptime)
sleep 1
diag "connected in $(echo "$t1 - $t0" | bc)s (polled every 0.2 s):"
for c in /sys/class/nvme/nvme*; do
	n=${c##*/}
	diag "  $n  $(cat $c/state)  $(cat $c/subsysnqn)  $(cat $c/address)  kato=$(cat $c/kato) queues=$(cat $c/queue_count)"
done
diag "namespaces: $(ls /dev/nvme*n* 2>/dev/null | tr '\n' ' ')"
kill -TERM $pid
wait $pid
diag "stacd exited with status $? and left $(ls -d /sys/class/nvme/nvme* | wc -l) controllers up"
diag "--- stacd log ---" "$(cat /tmp/stacd.log)"

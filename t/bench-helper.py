#!/usr/bin/python3
"""t/bench-helper.py - the process side of t/bench.sh (make bench).

  tree DIR N MODE        a fake root under DIR: N configured controllers;
                         MODE fail (the fake /dev/nvme-fabrics answers
                         garbage: every connect fails and is retried) or ok
                         (it answers instance=0,cntlid=1 and sysfs already
                         has the N controllers live: all adopted)
  run BIN ROOT HOLD [BUS]
                         start BIN on ROOT, time READY=1 on NOTIFY_SOCKET
                         (and the bus name on BUS), read VmHWM and
                         utime+stime HOLD s after the start, stop it
  lc BUS PID_STACD PID_BUS CALLS
                         list_controllers(true) CALLS times over BUS, then
                         the same through an echo service serving the same
                         reply (GDBus), with the CPU each process used
  storm BIN ROOT N [stall]
                         start BIN on ROOT (no bus), then write "change"
                         N times to /sys/class/net/lo/uevent (run it in a
                         private network and mount namespace): the
                         daemon's CPU for them and its overrun warnings;
                         stall: BIN is stopped (SIGSTOP) during the burst
  echo-serve BUS         (internal) the echo service

Prints "key value" lines; t/bench.sh formats them.  Uses only python3's
standard library, python3-gi (Gio) and nothing of stacd's code.
"""
import os
import signal
import socket
import subprocess
import sys
import time

CLK = os.sysconf("SC_CLK_TCK")
HERE = os.path.dirname(os.path.abspath(__file__))
NAME = "org.nvmexpress.stac"
ECHO = "org.nvmexpress.stac.BenchEcho"
OPTLIST = ("transport=%s,traddr=%s,trsvcid=%s,nqn=%s,queue_size=%d,"
           "nr_io_queues=%d,reconnect_delay=%d,ctrl_loss_tmo=%d,"
           "keep_alive_tmo=%d,hostnqn=%s,host_traddr=%s,host_iface=%s,"
           "hostid=%s,duplicate_connect,disable_sqflow,hdr_digest,"
           "data_digest,nr_write_queues=%d,nr_poll_queues=%d,tos=%d,"
           "fast_io_fail_tmo=%d,discovery")


def addr(i):
    return "10.%d.%d.%d" % (i >> 16, (i >> 8) & 255, i & 255)


def tree(d, n, mode):
    r = os.path.join(d, "root")
    for sub in ("dev", "sys/class/nvme", "etc/nvme", "etc/stas", "run"):
        os.makedirs(os.path.join(r, sub), exist_ok=True)
    src = os.path.join(HERE, "root/etc/nvme")
    for f in ("hostnqn", "hostid"):
        with open(os.path.join(src, f)) as i, \
                open(os.path.join(r, "etc/nvme", f), "w") as o:
            o.write(i.read())
    hostnqn = open(os.path.join(src, "hostnqn")).read().strip()
    hostid = open(os.path.join(src, "hostid")).read().strip()
    with open(os.path.join(r, "etc/stas/stacd.conf"), "w") as f:
        f.write("[Controllers]\n")
        for i in range(n):
            f.write("controller=transport=tcp;traddr=%s;"
                    "nqn=nqn.2014-08.org.example:s%d\n" % (addr(i), i))
    with open(os.path.join(r, "dev/nvme-fabrics"), "w") as f:
        if mode == "ok":
            f.write("instance=0,cntlid=1\n" + OPTLIST + "\n")
        else:
            f.write("instance=-1,cntlid=-1," + OPTLIST + "\n")
    if mode != "ok":
        return
    for i in range(n):
        c = os.path.join(r, "sys/class/nvme/nvme%d" % i)
        os.mkdir(c)
        for k, v in (("transport", "tcp"),
                     ("address", "traddr=%s,trsvcid=4420" % addr(i)),
                     ("subsysnqn", "nqn.2014-08.org.example:s%d" % i),
                     ("hostnqn", hostnqn), ("hostid", hostid),
                     ("state", "live"), ("cntrltype", "io"),
                     ("dctype", "none"), ("model", "Fake"),
                     ("serial", "SER%d" % i), ("delete_controller", "")):
            with open(os.path.join(c, k), "w") as f:
                f.write(v + "\n" if v else "")
        open(os.path.join(r, "dev/nvme%d" % i), "w").close()


def proc_cpu(pid):
    """utime+stime of pid, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


def vmhwm(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def name_owned(conn):
    from gi.repository import GLib
    try:
        v = conn.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus",
                           "org.freedesktop.DBus", "NameHasOwner",
                           GLib.Variant("(s)", (NAME,)),
                           GLib.VariantType("(b)"), 0, 2000, None)
        return v.unpack()[0]
    except GLib.Error:
        return False


def notify_socket(path):
    """A fresh NOTIFY_SOCKET datagram socket bound at path."""
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    return s


def daemon_env(d, sock_path, bus=None):
    """stacd's environment: the notify socket, and bus (or none in d)."""
    return dict(os.environ, NOTIFY_SOCKET=sock_path,
                RUNTIME_DIRECTORY="/run/stacd",
                DBUS_SYSTEM_BUS_ADDRESS=bus or
                "unix:path=" + os.path.join(d, "no-bus"))


def run(binary, root, hold, bus=None):
    d = os.path.dirname(root)
    sock_path = os.path.join(d, "notify")
    s = notify_socket(sock_path)
    s.setblocking(False)
    conn = None
    if bus:
        from gi.repository import Gio
        conn = Gio.DBusConnection.new_for_address_sync(
            bus, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
            Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
    env = daemon_env(d, sock_path, bus)
    log = open(os.path.join(d, "stacd.log"), "ab")
    t0 = time.monotonic()
    p = subprocess.Popen([binary, "--root=" + root, "-f",
                          os.path.join(root, "etc/stas/stacd.conf")],
                         env=env, stdout=log, stderr=subprocess.STDOUT)
    ready = owned = None
    try:
        while time.monotonic() - t0 < max(hold, 30):
            if ready is None:
                try:
                    if b"READY=1" in s.recv(4096):
                        ready = time.monotonic() - t0
                except BlockingIOError:
                    pass
            if conn is not None and owned is None and name_owned(conn):
                owned = time.monotonic() - t0
            if p.poll() is not None:
                break
            if ready is not None and (conn is None or owned is not None):
                break
            time.sleep(0.0005)
        left = hold - (time.monotonic() - t0)
        if left > 0:
            time.sleep(left)
        alive = p.poll() is None
        print("ready_ms", "%.1f" % (ready * 1e3) if ready is not None
              else "none")
        if conn is not None:
            print("owned_ms", "%.1f" % (owned * 1e3) if owned is not None
                  else "none")
        if alive:
            print("cpu_s", "%.2f" % proc_cpu(p.pid))
            print("vmhwm_kb", vmhwm(p.pid))
            print("at_s", "%.1f" % (time.monotonic() - t0))
        else:
            print("exited", p.returncode)
    finally:
        stop(p)
        s.close()
        os.unlink(sock_path)


def storm(binary, root, n, stall=False):
    d = os.path.dirname(root)
    sock_path = os.path.join(d, "storm-notify")
    s = notify_socket(sock_path)
    s.settimeout(30)
    env = daemon_env(d, sock_path)
    logp = os.path.join(d, "storm.log")
    p = subprocess.Popen([binary, "--root=" + root, "-f",
                          os.path.join(root, "etc/stas/stacd.conf")],
                         env=env, stdout=open(logp, "wb"),
                         stderr=subprocess.STDOUT)
    try:
        try:		# READY=1: the first pass planned
            s.recv(4096)
        except socket.timeout:
            pass
        s.close()
        os.unlink(sock_path)
        # Idle first: the registry claims of the adopted controllers
        # follow READY=1, and on a disk (not /run's tmpfs) they take a
        # while; the storm is to meet the loop alone.
        c0, deadline = proc_cpu(p.pid), time.monotonic() + 20
        while time.monotonic() < deadline:
            time.sleep(0.3)
            c1 = proc_cpu(p.pid)
            if c1 == c0:
                break
            c0 = c1
        fd = os.open("/sys/class/net/lo/uevent", os.O_WRONLY)
        if stall:
            p.send_signal(signal.SIGSTOP)
        t0 = time.monotonic()
        for _ in range(n):
            os.pwrite(fd, b"change", 0)
        t_w = time.monotonic() - t0
        os.close(fd)
        if stall:
            p.send_signal(signal.SIGCONT)
        time.sleep(1.5)
        c1 = proc_cpu(p.pid)
        alive = p.poll() is None
    finally:
        stop(p)
    over = sum(1 for line in open(logp, errors="replace")
               if "uevent overrun" in line)
    print("written", n)
    print("write_s", "%.3f" % t_w)
    print("daemon_cpu_s", "%.3f" % (c1 - c0))
    print("daemon_us_per_event", "%.2f" % ((c1 - c0) / n * 1e6))
    print("overrun_warnings", over)
    print("alive", alive)


def connect(bus):
    from gi.repository import Gio
    return Gio.DBusConnection.new_for_address_sync(
        bus, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
        Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)


def call_lc(conn, dest):
    from gi.repository import Gio, GLib
    m = Gio.DBusMessage.new_method_call(dest, "/org/nvmexpress/stac", NAME,
                                        "list_controllers")
    m.set_body(GLib.Variant("(b)", (True,)))
    r, _ = conn.send_message_with_reply_sync(m, 0, 30000, None)
    if r.get_message_type() != Gio.DBusMessageType.METHOD_RETURN:
        raise SystemExit("list_controllers failed: %s" % r.get_error_name())
    return r


def measure(conn, dest, calls, pids):
    call_lc(conn, dest)		# warm up (and the size)
    c0 = [proc_cpu(p) for p in pids]
    t0 = time.monotonic()
    for _ in range(calls):
        r = call_lc(conn, dest)
    wall = time.monotonic() - t0
    c1 = [proc_cpu(p) for p in pids]
    return r, wall, [(b - a) for a, b in zip(c0, c1)]


def lc(bus, pid_stacd, pid_bus, calls):
    from gi.repository import Gio
    conn = connect(bus)
    r, wall, (cpu_d, cpu_b) = measure(conn, NAME, calls,
                                      [pid_stacd, pid_bus])
    size = len(r.to_blob(Gio.DBusCapabilityFlags.NONE))
    n = len(r.get_body().unpack()[0])
    print("reply_bytes", size)
    print("reply_dicts", n)
    print("stacd_ms_per_call", "%.2f" % (wall / calls * 1e3))
    print("stacd_calls_per_s", "%.1f" % (calls / wall))
    print("stacd_cpu_ms_per_call", "%.2f" % (cpu_d / calls * 1e3))
    print("stacd_bus_cpu_ms_per_call", "%.2f" % (cpu_b / calls * 1e3))
    echo = subprocess.Popen([sys.executable, os.path.abspath(__file__),
                             "echo-serve", bus], stdout=subprocess.PIPE)
    try:
        if echo.stdout.readline().strip() != b"ready":
            raise SystemExit("the echo service did not start")
        r, wall, (cpu_e, cpu_b) = measure(conn, ECHO, calls,
                                          [echo.pid, pid_bus])
        print("echo_reply_bytes",
              len(r.to_blob(Gio.DBusCapabilityFlags.NONE)))
        print("echo_ms_per_call", "%.2f" % (wall / calls * 1e3))
        print("echo_calls_per_s", "%.1f" % (calls / wall))
        print("echo_cpu_ms_per_call", "%.2f" % (cpu_e / calls * 1e3))
        print("echo_bus_cpu_ms_per_call", "%.2f" % (cpu_b / calls * 1e3))
    finally:
        stop(echo)


def echo_serve(bus):
    from gi.repository import Gio, GLib
    conn = connect(bus)
    reply = call_lc(conn, NAME).get_body()	# the same bytes, kept
    xml = ("<node><interface name='%s'><method name='list_controllers'>"
           "<arg type='b' direction='in'/><arg type='aa{ss}' "
           "direction='out'/></method></interface></node>" % NAME)
    info = Gio.DBusNodeInfo.new_for_xml(xml).interfaces[0]

    def on_call(c, sender, path, iface, method, params, inv):
        inv.return_value(reply)

    conn.register_object("/org/nvmexpress/stac", info, on_call, None, None)
    r = conn.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus",
                       "org.freedesktop.DBus", "RequestName",
                       GLib.Variant("(su)", (ECHO, 4)), None, 0, 5000, None)
    if r.unpack()[0] != 1:
        raise SystemExit("cannot own " + ECHO)
    print("ready", flush=True)
    GLib.MainLoop().run()


def main():
    a = sys.argv[1:]
    if a[0] == "tree":
        tree(a[1], int(a[2]), a[3])
    elif a[0] == "run":
        run(a[1], a[2], float(a[3]), a[4] if len(a) > 4 else None)
    elif a[0] == "lc":
        lc(a[1], int(a[2]), int(a[3]), int(a[4]))
    elif a[0] == "storm":
        storm(a[1], a[2], int(a[3]), len(a) > 4 and a[4] == "stall")
    elif a[0] == "echo-serve":
        echo_serve(a[1])


if __name__ == "__main__":
    main()

#!/usr/bin/python3
# t/dbus/tier-helper.py - the parts of t/dbus-tier.sh that are easier in
# Python: parsing tool output and poking at FIFOs and /proc.  Run with
# /usr/bin/python3 (python3-gi for GVariant text).
#
#   json FILE CODE          exec CODE with d = the JSON in FILE (busctl
#                           --json=short output or a JSON string); exit 1
#                           with the assertion's message when it fails
#   gvariant-str IN OUT     gdbus call output "('text',)" -> OUT holds text
#   gvariant-json IN OUT    gdbus call output -> OUT holds {"data": [args]}
#                           in JSON, the shape of busctl --json=short
#   literal-str IN OUT      dbus-send --print-reply=literal output -> text
#   fill FIFO READY         hold FIFO open, fill it until a write would
#                           block, touch READY; on SIGUSR1 drain it once and
#                           leave 8 KiB of junk lines in it, so every writer
#                           blocked on it gets through and has something
#                           to read back; exit on SIGTERM
#   blocked PID PATH        exit 0 if a thread of PID sits in a system call
#                           on a descriptor that is the FIFO now at PATH
#   noreply MONITOR PROBE   from dbus-monitor output: exit 1 if the call
#                           whose arguments include PROBE got any reply
#   flood DIR               summarise the flood results in DIR
#   rawcall ORDER IFACE     call list_controllers(false) on stacd over a raw
#                           socket, marshalled here in byte ORDER (B or l),
#                           with INTERFACE IFACE ("-": no such field);
#                           exit 0 when the reply is a METHOD_RETURN "aa{ss}"
#   hostile DEST WHAT N MS  as a local user would: send N unicast signals to
#                           DEST, MS ms apart, each WHAT: "h" (a body of
#                           type h, no fd attached), "nest" ((v) holding 32
#                           nested structs), "noc-gone" (a NameOwnerChanged
#                           saying stafd left, from us, not the bus), "lpc"
#                           (stafd's log_pages_changed, from us)
import json
import os
import re
import signal
import socket
import stat
import struct
import sys
import time


def die(msg):
    print(msg)
    sys.exit(1)


# ---- json -------------------------------------------------------------------
def ctrls(d):
    """The aa{ss} of a busctl --json=short list_controllers reply."""
    return d["data"][0]


def find(d, traddr, nqn=None):
    """The controller dicts with this traddr (and subsysnqn)."""
    return [c for c in ctrls(d) if c.get("traddr") == traddr and
            (nqn is None or c.get("subsysnqn") == nqn)]


def one(d, traddr):
    m = find(d, traddr)
    assert len(m) == 1, "%d controllers with traddr %s in %s" % (
        len(m), traddr, json.dumps(ctrls(d)))
    return m[0]


def traddrs(d):
    return sorted(c.get("traddr", "?") for c in ctrls(d))


def cmd_json(path, code):
    with open(path) as f:
        text = f.read()
    try:
        d = json.loads(text)
    except ValueError as e:
        die("not JSON (%s): %r" % (e, text[:300]))
    env = dict(d=d, ctrls=ctrls, find=find, one=one, traddrs=traddrs,
               json=json, re=re)
    try:
        exec(code, env)
    except AssertionError as e:
        die("assertion failed: %s" % (e or code))
    except (KeyError, IndexError, TypeError) as e:
        die("%s: %s in %r" % (type(e).__name__, e, text[:400]))


# ---- tool output ------------------------------------------------------------
def cmd_gvariant_str(src, dst):
    from gi.repository import GLib
    with open(src) as f:
        text = f.read()
    v = GLib.Variant.parse(None, text.strip(), None, None)
    s = v.unpack()
    if isinstance(s, tuple):
        s = s[0]
    with open(dst, "w") as f:
        f.write(s)


def cmd_gvariant_json(src, dst):
    from gi.repository import GLib
    with open(src) as f:
        text = f.read()
    v = GLib.Variant.parse(None, text.strip(), None, None)
    with open(dst, "w") as f:
        json.dump({"data": list(v.unpack())}, f)


def cmd_literal_str(src, dst):
    with open(src) as f:
        text = f.read()
    # dbus-send prints "   " then the string, and a newline if the string
    # does not end in one.
    if not text.startswith("   "):
        die("unexpected dbus-send output %r" % text[:80])
    with open(dst, "w") as f:
        f.write(text[3:])


# ---- FIFO -------------------------------------------------------------------
def cmd_fill(fifo, ready):
    fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
    total = 0
    chunk = b"x" * 4095 + b"\n"
    while True:
        try:
            total += os.write(fd, chunk)
        except BlockingIOError:
            if len(chunk) == 1:
                break
            chunk = b"\n"
    with open(ready, "w") as f:
        f.write("%d\n" % total)

    def drain(signum, frame):
        n = 0
        while True:
            try:
                b = os.read(fd, 65536)
            except BlockingIOError:
                break
            if not b:
                break
            n += len(b)
        junk = b"junk\n" * 1638
        try:
            os.write(fd, junk)
        except BlockingIOError:
            pass
        with open(ready, "a") as f:
            f.write("drained %d\n" % n)

    signal.signal(signal.SIGUSR1, drain)
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(0))
    while True:
        signal.pause()


def cmd_blocked(pid, path):
    try:
        st = os.stat(path)
    except OSError:
        sys.exit(1)
    if not stat.S_ISFIFO(st.st_mode):
        sys.exit(1)
    for tid in os.listdir("/proc/%s/task" % pid):
        try:
            with open("/proc/%s/task/%s/syscall" % (pid, tid)) as f:
                fields = f.read().split()
        except OSError:
            continue
        if len(fields) < 3 or fields[0] == "running":
            continue
        try:
            fd = int(fields[1], 16)
            fst = os.stat("/proc/%s/fd/%d" % (pid, fd))
        except (ValueError, OSError):
            continue
        if (fst.st_dev, fst.st_ino) == (st.st_dev, st.st_ino):
            print("thread %s in syscall %s on fd %d" % (tid, fields[0], fd))
            sys.exit(0)
    sys.exit(1)


# ---- dbus-monitor -----------------------------------------------------------
HDR = re.compile(r"^(method call|method return|error|signal) time=")


def cmd_noreply(mon, probe):
    # Header lines look like "method return time=T sender=S ->
    # destination=D serial=N reply_serial=M" and "error time=T sender=S ->
    # destination=D error_name=E reply_serial=M"; arguments follow,
    # indented.
    msgs = []
    with open(mon) as f:
        for line in f:
            m = HDR.match(line)
            if m:
                fields = dict(re.findall(r"(\w+)=(\S+)", line))
                fields["type"] = m.group(1)
                msgs.append([fields, line])
            elif msgs:
                msgs[-1][1] += line
    calls = [(h, t) for h, t in msgs if h["type"] == "method call" and
             probe in t]
    if not calls:
        die("the monitor did not see the probe call %r" % probe)
    for h, t in calls:
        for r, u in msgs:
            if r["type"] in ("method return", "error") and \
                    r.get("destination") == h.get("sender") and \
                    r.get("reply_serial") == h.get("serial"):
                die("reply to a NO_REPLY_EXPECTED call: %s" %
                    u.strip()[:300])
    print("%d probe call(s) seen, no reply" % len(calls))


# ---- a raw D-Bus client --------------------------------------------------------
class Writer:
    def __init__(self, order):
        self.e = ">" if order == "B" else "<"
        self.b = bytearray()

    def pad(self, n):
        self.b += b"\0" * (-len(self.b) % n)

    def u8(self, v):
        self.b.append(v)

    def u32(self, v):
        self.pad(4)
        self.b += struct.pack(self.e + "I", v)

    def str(self, v):
        v = v.encode()
        self.u32(len(v))
        self.b += v + b"\0"

    def sig(self, v):
        v = v.encode()
        self.u8(len(v))
        self.b += v + b"\0"


def message(order, serial, path, iface, member, dest, sig="", body=b"",
            mtype=1):
    w = Writer(order)
    w.b += order.encode() + bytes([mtype, 0, 1])
    w.u32(len(body))
    w.u32(serial)
    w.u32(0)                        # fields length, patched below
    w.pad(8)
    start = len(w.b)
    fields = [(1, "o", path), (2, "s", iface), (3, "s", member),
              (6, "s", dest)]
    if sig:
        fields.append((8, "g", sig))
    for code, t, v in fields:
        if v is None:
            continue
        w.pad(8)
        w.u8(code)
        w.sig(t)
        w.sig(v) if t == "g" else w.str(v)
    w.b[12:16] = struct.pack(w.e + "I", len(w.b) - start)
    w.pad(8)
    return bytes(w.b) + body


def read_message(sock, buf):
    def need(n):
        while len(buf) < n:
            chunk = sock.recv(65536)
            if not chunk:
                die("the bus closed the connection")
            buf.extend(chunk)
    need(16)
    e = ">" if buf[0:1] == b"B" else "<"
    body_len, serial, flen = struct.unpack(e + "III", bytes(buf[4:16]))
    hdr = 16 + flen + (-(16 + flen) % 8)
    need(hdr + body_len)
    msg = bytes(buf[:hdr + body_len])
    del buf[:hdr + body_len]
    fields, i = {}, 16
    while i < 16 + flen:
        i += -i % 8
        code = msg[i]
        n = msg[i + 1]
        t = msg[i + 2:i + 2 + n].decode()
        i += 3 + n
        if t in ("s", "o"):
            i += -i % 4
            (ln,) = struct.unpack(e + "I", msg[i:i + 4])
            v = msg[i + 4:i + 4 + ln].decode()
            i += 5 + ln
        elif t == "g":
            ln = msg[i]
            v = msg[i + 1:i + 1 + ln].decode()
            i += 2 + ln
        elif t == "u":
            i += -i % 4
            (v,) = struct.unpack(e + "I", msg[i:i + 4])
            i += 4
        else:
            die("unexpected header field type %r" % t)
        fields[code] = v
    return msg[1], fields


def bus_connect(order):
    path = os.environ["DBUS_SYSTEM_BUS_ADDRESS"].split("unix:path=", 1)[1]
    path = path.split(",")[0]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(25)
    sock.connect(path)
    uid = str(os.geteuid()).encode().hex().encode()
    sock.sendall(b"\0AUTH EXTERNAL " + uid + b"\r\n")
    line = b""
    while not line.endswith(b"\r\n"):
        line += sock.recv(1)
    if not line.startswith(b"OK "):
        die("authentication: %r" % line)
    sock.sendall(b"BEGIN\r\n" + message(
        order, 1, "/org/freedesktop/DBus", "org.freedesktop.DBus", "Hello",
        "org.freedesktop.DBus"))
    return sock


def strings(*vals):
    w = Writer("l")
    for v in vals:
        w.str(v)
    return bytes(w.b)


def hostile_body(what):
    if what == "h":
        return ("org.nvmexpress.stac", "x", "h", struct.pack("<I", 0))
    if what == "nest":
        sig = "(" * 32 + "y" + ")" * 32
        body = bytes([len(sig)]) + sig.encode() + b"\0"
        body += b"\0" * (-len(body) % 8) + b"\x2a"
        return ("org.nvmexpress.stac", "x", "(v)", body)
    if what == "noc-gone":
        return ("org.freedesktop.DBus", "NameOwnerChanged", "sss",
                strings("org.nvmexpress.staf", ":1.1", ""))
    if what == "lpc":
        return ("org.nvmexpress.staf", "log_pages_changed", "ssssssss",
                strings(*[""] * 8))
    die("hostile: unknown %r" % what)


def cmd_hostile(dest, what, count, interval_ms):
    iface, member, sig, body = hostile_body(what)
    sock = bus_connect("l")
    for i in range(int(count)):
        sock.sendall(message("l", 10 + i, "/org/freedesktop/DBus", iface,
                             member, dest, sig, body, mtype=4))
        time.sleep(int(interval_ms) / 1000.0)
    # A round trip to the bus: everything above has been routed.
    sock.sendall(message("l", 9999, "/org/freedesktop/DBus",
                         "org.freedesktop.DBus", "GetId",
                         "org.freedesktop.DBus"))
    buf = bytearray()
    while True:
        kind, fields = read_message(sock, buf)
        if fields.get(5) == 9999:
            print("sent %s %s x %s" % (what, dest, count))
            return


def cmd_rawcall(order, iface):
    sock = bus_connect(order)
    body = struct.pack((">" if order == "B" else "<") + "I", 0)
    sock.sendall(message(order, 2, "/org/nvmexpress/stac",
                         None if iface == "-" else iface, "list_controllers",
                         "org.nvmexpress.stac", "b", body))
    buf = bytearray()
    while True:
        kind, fields = read_message(sock, buf)
        if fields.get(5) != 2:
            continue
        if kind == 2 and fields.get(8) == "aa{ss}":
            print("METHOD_RETURN aa{ss}")
            return
        die("reply type %d, fields %r" % (kind, fields))


# ---- flood ------------------------------------------------------------------
def cmd_flood(d):
    res = []
    for name in os.listdir(d):
        if not name.endswith(".res"):
            continue
        with open(os.path.join(d, name)) as f:
            parts = f.read().split()
        res.append((name[:-4], int(parts[0]), int(parts[1]), parts[2]))
    bad = [r for r in res if r[1] != 0 or r[3] != "ok"]
    lat = sorted(r[2] for r in res)
    print("%d calls, %d failed or wrong; latency ms: median %d, max %d" % (
        len(res), len(bad), lat[len(lat) // 2] if lat else -1,
        lat[-1] if lat else -1))
    for r in bad[:5]:
        try:
            with open(os.path.join(d, r[0] + ".out")) as f:
                out = f.read().strip().replace("\n", " | ")[:200]
        except OSError:
            out = ""
        print("call %s: rc %d, %s: %s" % (r[0], r[1], r[3], out))
    sys.exit(1 if bad or not res else 0)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {"json": cmd_json, "gvariant-str": cmd_gvariant_str,
     "gvariant-json": cmd_gvariant_json, "literal-str": cmd_literal_str,
     "fill": cmd_fill, "rawcall": cmd_rawcall, "hostile": cmd_hostile,
     "blocked": cmd_blocked, "noreply": cmd_noreply,
     "flood": cmd_flood}[cmd](*args)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
# t/fake-stafd.py - a stand-in for nvme-stas's stafd on a test bus, written
# with python3-dbus and GLib and none of stacd's code.  Run it with
# /usr/bin/python3 (Debian's python3-dbus and python3-gi live there).
#
#   fake-stafd.py LOG_PAGES_JSON CALL_LOG
#
# Owns org.nvmexpress.staf on the system bus ($DBUS_SYSTEM_BUS_ADDRESS) and
# serves org.nvmexpress.staf at /org/nvmexpress/staf:
#   get_all_log_pages(b detailed) -> s
#       answers with the content of LOG_PAGES_JSON, read again at every
#       call; a file containing the word ERROR makes the call fail with the
#       D-Bus error org.nvmexpress.staf.Error.Test.  A number in
#       LOG_PAGES_JSON.delay delays the answer by that many seconds (the
#       main loop keeps running meanwhile).
#   signals log_pages_changed(ssssssss) on SIGUSR1, dc_removed() on SIGUSR2.
# Every call is appended to CALL_LOG as "<unix time> <sender> detailed=<b>
# <ok|error>" (and a delayed answer as "<unix time> answered <sender> ..."),
# every signal as "<unix time> signal <name>".  Exits on
# SIGTERM/SIGINT or when the bus goes away.
import os
import signal
import sys
import time

import dbus
import dbus.exceptions
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

NAME = "org.nvmexpress.staf"
PATH = "/org/nvmexpress/staf"
IFACE = "org.nvmexpress.staf"


def note(line):
    with open(CALL_LOG, "a") as f:
        f.write("%.3f %s\n" % (time.time(), line))


class TestError(dbus.exceptions.DBusException):
    _dbus_error_name = "org.nvmexpress.staf.Error.Test"


class Staf(dbus.service.Object):
    @dbus.service.method(IFACE, in_signature="b", out_signature="s",
                         sender_keyword="sender",
                         async_callbacks=("reply", "error"))
    def get_all_log_pages(self, detailed, sender=None, reply=None,
                          error=None):
        with open(JSON) as f:
            text = f.read()
        try:
            with open(JSON + ".delay") as f:
                delay = float(f.read().strip() or 0)
        except (OSError, ValueError):
            delay = 0
        failing = "ERROR" in text
        note("%s detailed=%s %s" % (sender, bool(detailed),
                                    "error" if failing else "ok"))

        def answer():
            if failing:
                error(TestError("fake stafd told to fail"))
            else:
                reply(text)
            if delay > 0:
                note("answered %s after %gs" % (sender, delay))
            return False

        if delay > 0:
            GLib.timeout_add(int(delay * 1000), answer)
        else:
            answer()

    @dbus.service.signal(IFACE, signature="ssssssss")
    def log_pages_changed(self, transport, traddr, trsvcid, subsysnqn,
                          host_traddr, host_iface, host_nqn, device):
        note("signal log_pages_changed")

    @dbus.service.signal(IFACE, signature="")
    def dc_removed(self):
        note("signal dc_removed")


def main():
    global JSON, CALL_LOG
    if len(sys.argv) != 3:
        sys.exit("usage: fake-stafd.py LOG_PAGES_JSON CALL_LOG")
    JSON, CALL_LOG = sys.argv[1], sys.argv[2]
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.SystemBus()
    staf = Staf(bus, PATH)
    name = dbus.service.BusName(NAME, bus, do_not_queue=True)
    loop = GLib.MainLoop()

    def changed():
        staf.log_pages_changed("tcp", "192.0.2.1", "8009",
                               "nqn.2014-08.org.nvmexpress.discovery",
                               "", "", "", "nvme0")
        return True

    def removed():
        staf.dc_removed()
        return True

    def quit_():
        loop.quit()
        return False

    bus.call_on_disconnection(lambda conn: loop.quit())
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGUSR1, changed)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGUSR2, removed)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, quit_)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, quit_)
    note("started pid %d as %s" % (os.getpid(), bus.get_unique_name()))
    loop.run()
    del name


if __name__ == "__main__":
    main()

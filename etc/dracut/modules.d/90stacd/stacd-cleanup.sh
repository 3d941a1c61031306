#!/bin/sh
# cleanup hook of dracut's stacd module (sourced by init right before
# switch_root): stop stacd, see /sbin/stacd-stop.
[ -x /sbin/stacd-stop ] && /sbin/stacd-stop
:

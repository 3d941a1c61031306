#!/bin/sh
# initqueue/online hook of dracut's stacd module: sourced by the network
# module's ifup with the interface that came up as $1.  Starts stacd at
# once instead of at the next settled turn of the main loop.
[ -x /sbin/stacd-start ] && /sbin/stacd-start "${1:-up}"
:

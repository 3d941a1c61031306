/*
 * field.h - validation of every string that may end up in the option
 * string written to /dev/nvme-fabrics.  The kernel splits that string on
 * ',' and '\n' and matches "name=value" tokens, so a value carrying ','
 * or '=' could smuggle in options of its own: such values are refused
 * where they enter the daemon (config, discovery data, D-Bus), and again
 * just before the write.
 */
#ifndef STACD_FIELD_H
#define STACD_FIELD_H

#include "stacd.h"

enum field {
	FIELD_TRADDR,
	FIELD_TRSVCID,
	FIELD_NQN,		/* subsystem NQN */
	FIELD_HOST_TRADDR,
	FIELD_HOST_IFACE,
	FIELD_HOST_NQN,
	FIELD_HOSTID,
	FIELD_DHCHAP_SECRET,	/* host or controller DH-HMAC-CHAP secret */
};

/*
 * field_problem - check one value for the given transport.
 * Return: NULL when the value is acceptable, else a short English reason
 * ("contains ','", "not an IP address", ...) for the caller's message.
 */
const char	*field_problem(enum field f, enum trtype t, const char *value);

/* True when s is an IPv4 or IPv6 literal (IPv6 may carry a %scope). */
bool		 field_is_ip(const char *s);

#endif

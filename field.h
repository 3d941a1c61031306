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

#include "ctrl_id.h"

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

/*
 * field_canonical_ip - rewrite an IP literal in place in inet_ntop form
 * (an IPv6 %scope kept, IPv4-mapped IPv6 made IPv4): the kernel's
 * duplicate check compares traddr strings, so "0::1" and "::1" must not
 * both reach it.  Validate s
 * first: an over-long scope is cut.
 * Return: IPF_V4 or IPF_V6 (conf.h), or 0 when s is not an IP (s kept).
 */
unsigned	 field_canonical_ip(char *s, size_t size);

#endif

/*
 * field.c - the vocabulary of controller fields and their validation.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "field.h"

static bool
all_chars_in(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && strchr(extra, *s) == NULL)
			return false;
	return true;
}

bool
field_is_ip(const char *s)
{
	unsigned char addr[16];
	char buf[TRADDR_MAX + 1];
	const char *pct;

	if (inet_pton(AF_INET, s, addr) == 1)
		return true;
	/* A link-local IPv6 literal may carry "%ifname" or "%index". */
	pct = strchr(s, '%');
	if (pct == NULL)
		return inet_pton(AF_INET6, s, addr) == 1;
	if ((size_t)(pct - s) >= sizeof(buf) || pct[1] == '\0' ||
	    strlen(pct + 1) > HOST_IFACE_MAX || !all_chars_in(pct + 1, "_.-"))
		return false;
	memcpy(buf, s, (size_t)(pct - s));
	buf[pct - s] = '\0';
	return inet_pton(AF_INET6, buf, addr) == 1;
}

unsigned
field_canonical_ip(char *s, size_t size)
{
	unsigned char a[16];
	char buf[INET6_ADDRSTRLEN], scope[HOST_IFACE_MAX + 2] = "";
	char *pct = strchr(s, '%');
	int af;

	if (pct) {
		snprintf(scope, sizeof(scope), "%s", pct);
		*pct = '\0';
	}
	af = inet_pton(AF_INET, s, a) == 1 ? AF_INET :
	    inet_pton(AF_INET6, s, a) == 1 ? AF_INET6 : 0;
	/* "::ffff:10.0.0.1" is an IPv4 destination (nvme-stas agrees). */
	if (af == AF_INET6 && memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12)
	    == 0) {
		memmove(a, a + 12, 4);
		af = AF_INET;
	}
	if (af && inet_ntop(af, a, buf, sizeof(buf)))
		snprintf(s, size, "%s%s", buf, af == AF_INET6 ? scope : "");
	else if (pct)
		*pct = '%';
	return af == AF_INET ? IPF_V4 : af == AF_INET6 ? IPF_V6 : 0;
}

/* RFC 1123 host name: dot-separated labels of letters, digits, '-'. */
static bool
is_hostname(const char *s)
{
	size_t label = 0, len = strlen(s);

	if (len == 0 || len > 253)
		return false;
	for (; *s; s++) {
		if (*s == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if (isalnum((unsigned char)*s) || *s == '-' ||
		    *s == '_') {
			if (++label > 63)
				return false;
		} else
			return false;
	}
	return true;
}

/* FC node/port name pair as the kernel and nvme-cli write it. */
static bool
is_fc_addr(const char *s)
{
	int i;

	if (strncasecmp(s, "nn-0x", 5) != 0)
		return false;
	for (i = 5; i < 21; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	if (strncasecmp(s + 21, ":pn-0x", 6) != 0)
		return false;
	for (i = 27; i < 43; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return s[43] == '\0';
}

static bool
is_port(const char *s)
{
	unsigned long v = 0;

	/* No leading zero: the kernel shows the port as written. */
	if (*s == '\0' || *s == '0' || strlen(s) > 5)
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	return v >= 1 && v <= 65535;
}

/* NVMe TP 8006 secret representation: DHHC-1:<hash id>:<base64>: */
static bool
is_dhchap_secret(const char *s)
{
	size_t n = 0, pad = 0;

	/* Hash id 00 (none) to 03 (SHA-512). */
	if (strncmp(s, "DHHC-1:0", 8) != 0 || s[8] < '0' || s[8] > '3' ||
	    s[9] != ':')
		return false;
	for (s += 10; *s && *s != ':'; s++) {
		if (*s == '=')
			pad++;
		else if (pad || !(isalnum((unsigned char)*s) || *s == '+' ||
		    *s == '/'))
			return false;
		n++;
	}
	if (*s != ':' || s[1] != '\0' || pad > 2 || n % 4 != 0)
		return false;
	/* The kernel takes 32, 48 or 64 key bytes plus a 4-byte CRC. */
	n = n / 4 * 3 - pad;
	return n == 36 || n == 52 || n == 68;
}

static bool
is_uuid(const char *s)
{
	int i;

	if (strlen(s) != HOSTID_LEN)
		return false;
	for (i = 0; i < HOSTID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

static size_t
field_max(enum field f)
{
	switch (f) {
	case FIELD_TRADDR:
	case FIELD_HOST_TRADDR:
		return TRADDR_MAX;
	case FIELD_TRSVCID:
		return TRSVCID_MAX;
	case FIELD_NQN:
	case FIELD_HOST_NQN:
		return NQN_MAX;
	case FIELD_HOST_IFACE:
		return HOST_IFACE_MAX;
	case FIELD_HOSTID:
		return HOSTID_LEN;
	case FIELD_DHCHAP_SECRET:
		return SECRET_MAX;
	}
	return 0;
}

/* What no field may contain: the kernel's separators and control bytes. */
static const char *
common_problem(enum field f, const char *v)
{
	const unsigned char *p;

	if (*v == '\0')
		return "empty";
	if (strlen(v) > field_max(f))
		return "too long";
	for (p = (const unsigned char *)v; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return "contains a control character";
		if (*p == ',')
			return "contains ','";
		/* '=' is base64 padding in a secret; nowhere else. */
		if (*p == '=' && f != FIELD_DHCHAP_SECRET)
			return "contains '='";
	}
	return NULL;
}

const char *
field_problem(enum field f, enum trtype t, const char *v)
{
	const char *why = common_problem(f, v);
	bool ip_transport = t == TRTYPE_TCP || t == TRTYPE_RDMA;

	if (why)
		return why;
	switch (f) {
	case FIELD_TRADDR:
		if (ip_transport && !field_is_ip(v) && !is_hostname(v))
			return "not an IP address or host name";
		if (t == TRTYPE_FC && !is_fc_addr(v))
			return "not an FC address (nn-0x<16 hex>:pn-0x<16 hex>)";
		if (t == TRTYPE_LOOP && strchr(v, ' '))
			return "contains a space";
		return NULL;
	case FIELD_HOST_TRADDR:
		if (ip_transport && !field_is_ip(v))
			return "not an IP address";
		if (t == TRTYPE_FC && !is_fc_addr(v))
			return "not an FC address (nn-0x<16 hex>:pn-0x<16 hex>)";
		return NULL;
	case FIELD_TRSVCID:
		return is_port(v) ? NULL : "not a port number (1..65535)";
	case FIELD_NQN:
	case FIELD_HOST_NQN:
		return NULL;
	case FIELD_HOST_IFACE:
		if (!all_chars_in(v, "_.-@:") || strcmp(v, ".") == 0 ||
		    strcmp(v, "..") == 0)
			return "not an interface name";
		return NULL;
	case FIELD_HOSTID:
		return is_uuid(v) ? NULL : "not a UUID";
	case FIELD_DHCHAP_SECRET:
		return is_dhchap_secret(v) ? NULL :
		    "not a DH-HMAC-CHAP secret (DHHC-1:NN:<base64>:)";
	}
	return "unknown field";
}

/*
 * ctrl_id.c - controller identities, their names and order, and the
 * matching of a wanted identity with a controller the kernel has.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ctrl_id.h"
#include "util.h"

static const char *const trtype_names[TRTYPE_COUNT] = {
	[TRTYPE_NONE] = "",
	[TRTYPE_TCP] = "tcp",
	[TRTYPE_RDMA] = "rdma",
	[TRTYPE_FC] = "fc",
	[TRTYPE_LOOP] = "loop",
};

const char *
trtype_name(enum trtype t)
{
	return (unsigned)t < TRTYPE_COUNT ? trtype_names[t] : "";
}

enum trtype
trtype_from_name(const char *name)
{
	int t;

	for (t = TRTYPE_TCP; t < TRTYPE_COUNT; t++)
		if (strcmp(name, trtype_names[t]) == 0)
			return (enum trtype)t;
	return TRTYPE_NONE;
}

void
ctrl_id_view(const struct ctrl_id *id, struct ctrl_view *v)
{
	v->transport = id->transport;
	v->traddr = id->traddr;
	v->trsvcid = id->trsvcid;
	v->subsysnqn = id->subsysnqn;
	v->host_traddr = id->host_traddr;
	v->host_iface = id->host_iface;
	v->host_nqn = id->host_nqn;
}

int
ctrl_id_compare(const struct ctrl_id *a, const struct ctrl_id *b)
{
	struct ctrl_view x, y;

	ctrl_id_view(a, &x);
	ctrl_id_view(b, &y);
	return ctrl_view_compare(&x, &y);
}

int
ctrl_view_compare(const struct ctrl_view *a, const struct ctrl_view *b)
{
	int c;

	if (a->transport != b->transport)
		return a->transport < b->transport ? -1 : 1;
	if ((c = strcmp(a->traddr, b->traddr)) ||
	    (c = strcmp(a->trsvcid, b->trsvcid)) ||
	    (c = strcmp(a->subsysnqn, b->subsysnqn)) ||
	    (c = strcmp(a->host_traddr, b->host_traddr)) ||
	    (c = strcmp(a->host_iface, b->host_iface)))
		return c;
	return strcmp(a->host_nqn, b->host_nqn);
}

const char *
ctrl_id_str(const struct ctrl_id *id, char *buf, size_t size)
{
	struct ctrl_view v;

	ctrl_id_view(id, &v);
	return ctrl_view_str(&v, buf, size);
}

const char *
ctrl_view_str(const struct ctrl_view *id, char *buf, size_t size)
{
	snprintf(buf, size, "(%s, %s%s%s%s%s%s%s%s%s)",
	    trtype_name(id->transport), id->traddr,
	    id->trsvcid[0] ? ", " : "", id->trsvcid,
	    id->subsysnqn[0] ? ", " : "", id->subsysnqn,
	    id->host_iface[0] ? ", " : "", id->host_iface,
	    id->host_traddr[0] ? ", " : "", id->host_traddr);
	return buf;
}

bool
kctrl_is_io(const struct kctrl *k)
{
	if (strcmp(k->transport, "pcie") == 0 || k->transport[0] == '\0')
		return false;
	if (k->cntrltype[0])
		return strcmp(k->cntrltype, "io") == 0;
	/*
	 * Kernels before 5.18 have no cntrltype.  A discovery controller
	 * never has a namespace, whatever its NQN (TP 8013 gives them
	 * unique ones), so only a controller with one is an I/O
	 * controller: one with none yet is not adopted (nvme-stas's rule).
	 */
	return strcmp(k->subsysnqn, DISCOVERY_NQN) != 0 && k->has_ns;
}

bool
kctrl_is_discovery(const struct kctrl *k)
{
	if (strcmp(k->transport, "pcie") == 0 || k->transport[0] == '\0')
		return false;
	if (k->cntrltype[0])
		return strcmp(k->cntrltype, "discovery") == 0;
	return strcmp(k->subsysnqn, DISCOVERY_NQN) == 0 || !k->has_ns;
}

/* ---- matching ---- */

/* Parse an IP literal into 16 bytes, IPv4 as IPv4-mapped IPv6. */
static bool
ip_parse(const char *s, unsigned char out[16])
{
	char buf[64];
	size_t n = strcspn(s, "%");

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, out) == 1)
		return true;
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	return inet_pton(AF_INET, buf, out + 12) == 1;
}

bool
ip_equal(const char *a, const char *b)
{
	unsigned char x[16], y[16];

	if (!ip_parse(a, x) || !ip_parse(b, y))
		return false;
	return memcmp(x, y, sizeof(x)) == 0;
}

static bool
traddr_equal(enum trtype t, const char *want, const char *have)
{
	/* The same text first: parsing two addresses costs far more. */
	if (t == TRTYPE_TCP || t == TRTYPE_RDMA)
		return strcmp(want, have) == 0 || ip_equal(want, have);
	return strcasecmp(want, have) == 0;
}

static bool
ip_is_v4(const char *s)
{
	static const unsigned char mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	unsigned char a[16];

	return ip_parse(s, a) && memcmp(a, mapped, sizeof(mapped)) == 0;
}

static bool
ip_valid(const char *s)
{
	unsigned char a[16];

	return s[0] && ip_parse(s, a);
}

/*
 * tcp host side, nvme-stas's rule.  A kernel with src_addr (>= 6.1,
 * while connected) says where the connection comes from: the wanted
 * host-traddr must be it and the wanted host-iface its interface.  An
 * older kernel shows only what the connect was given: a host_traddr is
 * compared with the wanted host-traddr, or its interface with the wanted
 * host-iface; a host_iface with the wanted host-iface, or its first
 * address of the family with the wanted host-traddr (the address the
 * kernel sources from).  Where the kernel shows nothing to compare with,
 * the controller matches, as in nvme-stas: an unbound connection still
 * serves us.
 */
static bool
tcp_host_matches(const struct kctrl *k, const struct ctrl_view *id)
{
	const char *iface;

	if (k->src_addr[0]) {
		iface = k->src_iface[0] ? k->src_iface : k->host_iface;
		return (!id->host_traddr[0] ||
		    ip_equal(id->host_traddr, k->src_addr)) &&
		    (!id->host_iface[0] || strcmp(id->host_iface, iface) == 0);
	}
	if (id->host_traddr[0]) {
		if (ip_valid(k->host_traddr)) {
			if (!ip_equal(id->host_traddr, k->host_traddr))
				return false;
		} else if (k->host_iface[0] && !ip_equal(id->host_traddr,
		    ip_is_v4(id->host_traddr) ? k->host_iface_v4 :
		    k->host_iface_v6))
			return false;
	}
	if (id->host_iface[0]) {
		if (k->host_iface[0])
			return strcmp(id->host_iface, k->host_iface) == 0;
		if (ip_valid(k->host_traddr))
			return strcmp(id->host_iface, k->host_traddr_iface) == 0;
	}
	return true;
}

bool
ctrl_id_matches(const struct kctrl *k, const struct ctrl_id *id,
    const char *host_nqn)
{
	struct ctrl_view v;

	ctrl_id_view(id, &v);
	return ctrl_view_matches(k, &v, host_nqn);
}

bool
ctrl_view_matches(const struct kctrl *k, const struct ctrl_view *id,
    const char *host_nqn)
{
	enum trtype t = id->transport;
	const char *want_host = id->host_nqn[0] ? id->host_nqn : host_nqn;

	if (strcmp(trtype_name(t), k->transport) != 0 ||
	    strcmp(id->trsvcid, k->trsvcid) != 0 ||
	    strcmp(want_host, k->hostnqn) != 0)
		return false;
	if (strcmp(id->subsysnqn, DISCOVERY_NQN) != 0 &&
	    strcmp(id->subsysnqn, k->subsysnqn) != 0)
		return false;
	if (!traddr_equal(t, id->traddr, k->traddr))
		return false;
	switch (t) {
	case TRTYPE_TCP:
		return tcp_host_matches(k, id);
	case TRTYPE_RDMA:
		return !id->host_traddr[0] ||
		    ip_equal(id->host_traddr, k->host_traddr);
	case TRTYPE_FC:
		return strcasecmp(id->host_traddr, k->host_traddr) == 0;
	case TRTYPE_LOOP:
		return true;
	case TRTYPE_NONE:
	case TRTYPE_COUNT:
		break;
	}
	return false;
}

uint32_t
ctrl_id_hash(const struct ctrl_id *id)
{
	struct ctrl_view v;

	ctrl_id_view(id, &v);
	return ctrl_view_hash(&v);
}

uint32_t
ctrl_view_hash(const struct ctrl_view *id)
{
	uint32_t h = fnv1a_field(FNV1A_SEED, trtype_name(id->transport));

	h = fnv1a_field(h, id->traddr);
	h = fnv1a_field(h, id->trsvcid);
	h = fnv1a_field(h, id->subsysnqn);
	h = fnv1a_field(h, id->host_traddr);
	h = fnv1a_field(h, id->host_iface);
	return fnv1a_field(h, id->host_nqn);
}

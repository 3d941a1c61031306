/*
 * nbft.c - the NVMe Boot Firmware Table: checking and reading one, the
 * tables under /sys, a printout for --check, and the controllers a table
 * asks for.  Offsets are the specification's (NVMe Boot Specification
 * 1.0, figures 8-26); every heap reference is checked against the heap
 * and every descriptor against the length its list declares.
 */
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "field.h"
#include "log.h"
#include "nbft.h"
#include "util.h"

/* The ACPI header, with the NBFT's heap fields. */
#define HDR_SIZE	64
#define H_LENGTH	4
#define H_REVISION	8
#define H_OEM_ID	10
#define H_OEM_TABLE_ID	16
#define H_HEAP_OFF	36
#define H_HEAP_LEN	40
#define H_MINOR		50

/* The control descriptor follows the header. */
#define CTL_OFF		HDR_SIZE
#define CTL_SIZE	48	/* bytes read of it */
#define C_FLAGS		6
#define C_HDESC		8	/* offset (4) and length (2) */
#define C_HFI		16	/* each list: offset (4), entry length (2), */
#define C_SSNS		24	/* version (1), count (1) */
#define C_SEC		32
#define C_DISC		40

/* Structure IDs. */
#define ID_CONTROL	1
#define ID_HOST		2
#define ID_HFI		3
#define ID_SSNS		4
#define ID_SEC		5
#define ID_DISC		6
#define ID_TRINFO	7
#define ID_EXT_INFO	9

#define NBFT_TRTYPE_TCP	3

/* A heap object reference: offset (4) and length (2). */
#define REF_SIZE	6

/* Host descriptor. */
#define HOST_SIZE	24
#define HO_FLAGS	1
#define HO_ID		2
#define HO_NQN		18
#define HOST_F_VALID	0x01

/* HFI descriptor and its tcp transport info (a heap object). */
#define HFI_SIZE	22
#define HF_INDEX	1
#define HF_FLAGS	2
#define HF_TRTYPE	3
#define HF_TRINFO	16
#define HFI_F_VALID	0x01
#define TI_SIZE		110
#define TI_VERSION	1
#define TI_TRTYPE	2
#define TI_HFI_INDEX	4
#define TI_FLAGS	6
#define TI_PCI_SBDF	7
#define TI_MAC		11
#define TI_VLAN		17
#define TI_ORIGIN	19
#define TI_IP		20
#define TI_PREFIX	36
#define TI_GATEWAY	37
#define TI_METRIC	54
#define TI_DNS1		56
#define TI_DNS2		72
#define TI_DHCP		88
#define TI_HOSTNAME	104
#define TI_F_VALID	0x01
#define TI_F_GLOBAL	0x02
#define TI_F_DHCP	0x04
#define ORIGIN_DHCP	3	/* NL_PREFIX_ORIGIN's IpPrefixOriginDhcp */
#define ORIGIN_RA	4	/* IpPrefixOriginRouterAdvertisement */

/* Subsystem namespace descriptor and its extended info. */
#define SSNS_SIZE	66
#define SS_INDEX	1
#define SS_FLAGS	3
#define SS_TRTYPE	5
#define SS_TRFLAGS	6
#define SS_DISC		8
#define SS_TRADDR	10
#define SS_TRSVCID	16
#define SS_PORT		22
#define SS_NSID		24
#define SS_NIDT		28
#define SS_NID		29
#define SS_SEC		45
#define SS_HFI		46
#define SS_HFIS		48
#define SS_NQN		54
#define SS_EXT		60
#define TRF_HDR_DIGEST	0x02
#define TRF_DATA_DIGEST	0x04
#define EXT_SIZE	12
#define EX_VERSION	1
#define EX_SSNS_INDEX	2
#define EX_FLAGS	4
#define EX_CNTLID	8
#define EX_ASQSZ	10
#define EXT_F_VALID	0x01

/* Security profile descriptor. */
#define SEC_SIZE	5
#define SE_INDEX	1
#define SE_FLAGS	2
#define SE_SECRET_TYPE	4

/* Discovery descriptor. */
#define DISC_SIZE	18
#define DI_FLAGS	1
#define DI_INDEX	2
#define DI_HFI		3
#define DI_SEC		4
#define DI_URI		6
#define DI_NQN		12
#define DISC_F_VALID	0x01

#define URI_SCHEME	"nvme+tcp://"
#define DISC_PORT	"8009"

/* A table being read: the bytes up to its length field, and its heap. */
struct rd {
	const uint8_t	*b;
	size_t		 len;
	uint64_t	 heap_lo, heap_hi;
	struct nbft	*t;
	char		 why[128];	/* a reason that quotes a value's */
};

/* Where a control descriptor says one list of descriptors is. */
struct list {
	const uint8_t	*p;
	size_t		 elen, count;
};

/*
 * The heap object referenced at ref, in *p and *n (0 when the reference
 * is empty).  Return: NULL, or why it cannot be taken.
 */
static const char *
heap_ref(struct rd *r, const uint8_t *ref, const uint8_t **p,
    size_t *n)
{
	uint64_t off = le_uint(ref, 4), len = le_uint(ref + 4, 2);

	*p = NULL;
	*n = 0;
	if (len == 0)
		return NULL;
	if (off < r->heap_lo || off + len > r->heap_hi)
		return "references bytes outside the heap";
	*p = r->b + off;
	*n = (size_t)len;
	return NULL;
}

/*
 * A string heap object into out ("" when the reference is empty).  The
 * firmware does not count the NUL in the length but puts one after each
 * object (the reference UEFI driver's record separator), so a string
 * ends at a NUL inside the object or must have one right after it.
 * Spaces and control characters are refused.
 * Return: NULL, or why it cannot be taken.
 */
static const char *
heap_str(struct rd *r, const uint8_t *ref, char *out, size_t size)
{
	const uint8_t *p, *nul;
	const char *why;
	size_t n, k, i;

	out[0] = '\0';
	if ((why = heap_ref(r, ref, &p, &n)) != NULL || n == 0)
		return why;
	nul = memchr(p, '\0', n);
	k = nul ? (size_t)(nul - p) : n;
	if (nul == NULL && ((uint64_t)(p - r->b) + n >= r->heap_hi ||
	    p[n] != '\0'))
		return "has a string with no NUL";
	if (k >= size)
		return "has a string that is too long";
	/* A space would also end a value in conf.c and in nbft_print(). */
	for (i = 0; i < k; i++)
		if (p[i] <= 0x20 || p[i] == 0x7f)
			return "has a string with a space or control character";
	memcpy(out, p, k);
	out[k] = '\0';
	return NULL;
}

/*
 * A 16-byte address field: IPv6, or IPv4 in its IPv4-mapped form
 * (::ffff:a.b.c.d) as the specification stores it.  An all-zero field,
 * or 0.0.0.0 mapped, is no address.  Return: IPF_V4, IPF_V6 or 0.
 */
static unsigned
ip16(const uint8_t *a, char *out, size_t size)
{
	static const uint8_t mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	static const uint8_t zero[16];

	out[0] = '\0';
	if (memcmp(a, mapped, sizeof(mapped)) == 0) {
		if (memcmp(a + 12, zero, 4) == 0 ||
		    inet_ntop(AF_INET, a + 12, out, (socklen_t)size) == NULL)
			return 0;
		return IPF_V4;
	}
	if (memcmp(a, zero, 16) == 0 ||
	    inet_ntop(AF_INET6, a, out, (socklen_t)size) == NULL)
		return 0;
	return IPF_V6;
}

/*
 * "has a bad NAME (REASON)" for a value field_problem() refuses, or one
 * with a ';': nbft_ctrls() composes "key=value;key=value" entries.
 */
static const char *
bad_field(struct rd *r, enum field f, const char *name, const char *v)
{
	const char *why = field_problem(f, TRTYPE_TCP, v);

	if (why == NULL && strchr(v, ';'))
		why = "contains ';'";
	if (why == NULL)
		return NULL;
	snprintf(r->why, sizeof(r->why), "has a bad %s (%s)", name, why);
	return r->why;
}

static void
drop(struct rd *r, const char *kind, size_t pos, unsigned index,
    const char *why)
{
	log_warnx("%s: %s descriptor %zu (index %u) %s; dropped", r->t->name,
	    kind, pos, index, why);
	r->t->dropped++;
}

/* One descriptor list of the control descriptor, checked as a whole. */
static void
list_get(struct rd *r, size_t c_off, const char *kind, size_t need,
    size_t max, struct list *l)
{
	const uint8_t *c = r->b + CTL_OFF + c_off;
	uint64_t off = le_uint(c, 4);

	l->elen = (size_t)le_uint(c + 4, 2);
	l->count = c[7];
	if (l->count == 0)
		return;
	if (l->elen < need) {
		log_warnx("%s: %s descriptors are %zu bytes, fewer than the %zu "
		    "read; %zu dropped", r->t->name, kind, l->elen, need,
		    l->count);
		goto bad;
	}
	if (off + (uint64_t)l->count * l->elen > r->len) {
		log_warnx("%s: the %s descriptor list ends past the table; %zu "
		    "dropped", r->t->name, kind, l->count);
		goto bad;
	}
	if (l->count > max) {
		log_warnx("%s: %zu %s descriptors, only the first %zu taken",
		    r->t->name, l->count, kind, max);
		r->t->dropped += (unsigned)(l->count - max);
		l->count = max;
	}
	l->p = r->b + off;
	return;
bad:
	r->t->dropped += (unsigned)l->count;
	l->count = 0;
}

static const struct nbft_hfi *
hfi_find(const struct nbft *t, unsigned index)
{
	size_t i;

	for (i = 0; i < t->n_hfi; i++)
		if (t->hfi[i].index == index)
			return &t->hfi[i];
	return NULL;
}

static const struct nbft_sec *
sec_find(const struct nbft *t, unsigned index)
{
	size_t i;

	for (i = 0; i < t->n_sec; i++)
		if (t->sec[i].index == index)
			return &t->sec[i];
	return NULL;
}

static bool
disc_known(const struct nbft *t, unsigned index)
{
	size_t i;

	for (i = 0; i < t->n_disc; i++)
		if (t->disc[i].index == index)
			return true;
	return false;
}

/*
 * The host descriptor.  Without a usable one the system's identity is
 * used, as nvme-cli does, so its problems cost only the identity.
 */
static void
read_host(struct rd *r)
{
	const uint8_t *c = r->b + CTL_OFF + C_HDESC, *h;
	uint64_t off = le_uint(c, 4), len = le_uint(c + 4, 2);
	struct nbft *t = r->t;
	const char *why = NULL;
	size_t i;

	if (len == 0)
		return;
	if (len < HOST_SIZE || off + HOST_SIZE > r->len) {
		why = "lies outside the table";
		goto bad;
	}
	h = r->b + off;
	if (h[0] != ID_HOST) {
		why = "has a wrong structure ID";
		goto bad;
	}
	t->host_flags = h[HO_FLAGS];
	if (!(h[HO_FLAGS] & HOST_F_VALID))
		return;
	for (i = 0; i < 16 && h[HO_ID + i] == 0; i++)
		;
	if (i < 16)	/* the bytes in order, as nvme-cli writes hostid */
		snprintf(t->host_id, sizeof(t->host_id), "%02x%02x%02x%02x-"
		    "%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		    h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10],
		    h[11], h[12], h[13], h[14], h[15], h[16], h[17]);
	if ((why = heap_str(r, h + HO_NQN, t->host_nqn,
	    sizeof(t->host_nqn))) == NULL && t->host_nqn[0])
		why = bad_field(r, FIELD_HOST_NQN, "host NQN", t->host_nqn);
	if (why) {
		t->host_nqn[0] = '\0';
		log_warnx("%s: the host descriptor %s; the system's host NQN "
		    "is used", t->name, why);
	}
	return;
bad:
	log_warnx("%s: the host descriptor %s; the system's identity is used",
	    t->name, why);
}

/* The tcp transport info of an HFI (a heap object). */
static const char *
trinfo_problem(struct rd *r, const uint8_t *d, struct nbft_hfi *h)
{
	const uint8_t *ti;
	const char *why;
	size_t n;

	if ((why = heap_ref(r, d + HF_TRINFO, &ti, &n)) != NULL)
		return why;
	if (n < TI_SIZE)
		return n ? "has a transport info shorter than its fields" :
		    "has no transport info";
	if (ti[0] != ID_TRINFO || ti[TI_VERSION] != 1 ||
	    ti[TI_TRTYPE] != NBFT_TRTYPE_TCP)
		return "has a transport info that is not tcp version 1";
	if (!(ti[TI_FLAGS] & TI_F_VALID))
		return "has a transport info not flagged valid";
	if (le_uint(ti + TI_HFI_INDEX, 2) != h->index)
		log_debug("%s: HFI %u: its transport info says HFI %u",
		    r->t->name, h->index, (unsigned)le_uint(ti + TI_HFI_INDEX, 2));
	h->pci_sbdf = (uint32_t)le_uint(ti + TI_PCI_SBDF, 4);
	memcpy(h->mac, ti + TI_MAC, 6);
	snprintf(h->mac_str, sizeof(h->mac_str),
	    "%02x:%02x:%02x:%02x:%02x:%02x", h->mac[0], h->mac[1], h->mac[2],
	    h->mac[3], h->mac[4], h->mac[5]);
	h->vlan = (uint16_t)le_uint(ti + TI_VLAN, 2);
	h->ip_origin = ti[TI_ORIGIN];
	h->family = ip16(ti + TI_IP, h->ip, sizeof(h->ip));
	h->prefix = ti[TI_PREFIX];
	ip16(ti + TI_GATEWAY, h->gateway, sizeof(h->gateway));
	h->route_metric = (uint16_t)le_uint(ti + TI_METRIC, 2);
	ip16(ti + TI_DNS1, h->dns1, sizeof(h->dns1));
	ip16(ti + TI_DNS2, h->dns2, sizeof(h->dns2));
	h->default_route = ti[TI_FLAGS] & TI_F_GLOBAL;
	h->ipconf = NBFT_IP_STATIC;
	if ((ti[TI_FLAGS] & TI_F_DHCP) || h->ip_origin == ORIGIN_DHCP) {
		h->ipconf = NBFT_IP_DHCP;
		ip16(ti + TI_DHCP, h->dhcp_server, sizeof(h->dhcp_server));
	} else if (h->ip_origin == ORIGIN_RA)
		h->ipconf = NBFT_IP_SLAAC;
	/* A bad host name is only cosmetic: the interface stays. */
	if ((why = heap_str(r, ti + TI_HOSTNAME, h->host_name,
	    sizeof(h->host_name))) != NULL) {
		log_warnx("%s: HFI %u %s in its host name; ignored",
		    r->t->name, h->index, why);
		h->host_name[0] = '\0';
	}
	return NULL;
}

/*
 * nvme+tcp://HOST[:PORT][/PATH] with HOST an IPv4 literal or a bracketed
 * IPv6 one (a host name would need DNS before the root file system).
 * The path, if any, says nothing stacd uses.
 */
static const char *
uri_problem(const char *uri, struct nbft_disc *d)
{
	const char *p = uri + strlen(URI_SCHEME), *end;
	char host[TRADDR_MAX + 1];
	unsigned char a[16];
	size_t n;
	int af = AF_INET;

	if (strncasecmp(uri, URI_SCHEME, strlen(URI_SCHEME)) != 0)
		return "has a URI that is not nvme+tcp://";
	if (*p == '[') {
		af = AF_INET6;
		if ((end = strchr(++p, ']')) == NULL)
			return "has a URI with no ']'";
	} else
		end = p + strcspn(p, ":/");
	n = (size_t)(end - p);
	if (n == 0 || n >= sizeof(host))
		return "has a URI with no usable host";
	memcpy(host, p, n);
	host[n] = '\0';
	if (inet_pton(af, host, a) != 1)
		return "has a URI whose host is not an IP address";
	p = end + (af == AF_INET6);
	snprintf(d->trsvcid, sizeof(d->trsvcid), "%s", DISC_PORT);
	if (*p == ':') {
		n = strcspn(++p, "/");
		if (n == 0 || n >= sizeof(d->trsvcid))
			return "has a URI with a bad port";
		memcpy(d->trsvcid, p, n);
		d->trsvcid[n] = '\0';
		p += n;
		if (field_problem(FIELD_TRSVCID, TRTYPE_TCP, d->trsvcid))
			return "has a URI with a bad port";
	}
	if (*p != '\0' && *p != '/')
		return "has a URI with junk after the host";
	snprintf(d->traddr, sizeof(d->traddr), "%s", host);
	field_canonical_ip(d->traddr, sizeof(d->traddr));
	return NULL;
}

static const char *
disc_problem(struct rd *r, const uint8_t *p, struct nbft_disc *d)
{
	const char *why;

	if (p[0] != ID_DISC)
		return "has a wrong structure ID";
	d->hfi_index = p[DI_HFI];
	d->sec_index = p[DI_SEC];
	if ((why = heap_str(r, p + DI_URI, d->uri, sizeof(d->uri))) != NULL)
		return why;
	if (d->uri[0] == '\0')
		return "has no URI";
	if ((why = uri_problem(d->uri, d)) != NULL)
		return why;
	if ((why = heap_str(r, p + DI_NQN, d->nqn, sizeof(d->nqn))) != NULL)
		return why;
	if (d->nqn[0] == '\0')
		strcpy(d->nqn, DISCOVERY_NQN);
	else if ((why = bad_field(r, FIELD_NQN, "discovery NQN", d->nqn)))
		return why;
	if (d->hfi_index && !hfi_find(r->t, d->hfi_index))
		return "names an HFI that is not in the table";
	return NULL;
}

/* The HFIs that reach a namespace: the primary, then the secondaries. */
static const char *
ssns_hfis(struct rd *r, const uint8_t *d, struct nbft_ssns *s)
{
	const uint8_t *v;
	const char *why;
	size_t n, i, k;

	if (!hfi_find(r->t, d[SS_HFI]))
		return "names a primary HFI that is not in the table";
	s->hfi[s->n_hfi++] = d[SS_HFI];
	if ((why = heap_ref(r, d + SS_HFIS, &v, &n)) != NULL)
		return why;
	for (i = 0; i < n; i++) {
		/* The firmware lists the primary here again. */
		for (k = 0; k < s->n_hfi && s->hfi[k] != v[i]; k++)
			;
		if (v[i] == 0 || k < s->n_hfi)
			continue;
		if (!hfi_find(r->t, v[i]))
			log_warnx("%s: SSNS %u: HFI %u is not in the table; "
			    "ignored", r->t->name, s->index, v[i]);
		else if (s->n_hfi == NBFT_SSNS_HFI_MAX)
			log_warnx("%s: SSNS %u: more than %d HFIs; HFI %u "
			    "ignored", r->t->name, s->index, NBFT_SSNS_HFI_MAX,
			    v[i]);
		else
			s->hfi[s->n_hfi++] = v[i];
	}
	return NULL;
}

/* The extended info: only informative, so its problems cost only it. */
static void
ssns_ext(struct rd *r, const uint8_t *d, struct nbft_ssns *s)
{
	const uint8_t *e;
	const char *why;
	size_t n;

	if (!(s->flags & NBFT_SSNS_F_EXT_INFO))
		return;
	if ((why = heap_ref(r, d + SS_EXT, &e, &n)) == NULL && n < EXT_SIZE)
		why = "is shorter than its fields";
	else if (why == NULL && (e[0] != ID_EXT_INFO || e[EX_VERSION] != 1 ||
	    le_uint(e + EX_SSNS_INDEX, 2) != s->index))
		why = "is not this namespace's version 1 one";
	if (why) {
		log_warnx("%s: SSNS %u: the extended info %s; ignored",
		    r->t->name, s->index, why);
		return;
	}
	if (!(le_uint(e + EX_FLAGS, 4) & EXT_F_VALID))
		return;
	s->ext_info = true;
	s->cntlid = (uint16_t)le_uint(e + EX_CNTLID, 2);
	s->asqsz = (uint16_t)le_uint(e + EX_ASQSZ, 2);
}

static const char *
ssns_problem(struct rd *r, const uint8_t *d, struct nbft_ssns *s)
{
	const uint8_t *a;
	const char *why;
	size_t n;
	unsigned trflags;

	if (d[0] != ID_SSNS)
		return "has a wrong structure ID";
	if (!(s->valid = s->flags & NBFT_SSNS_F_VALID))
		return NULL;
	if (d[SS_TRTYPE] != NBFT_TRTYPE_TCP)
		return "is not tcp";
	if ((why = heap_ref(r, d + SS_TRADDR, &a, &n)) != NULL)
		return why;
	if (n != 16)
		return "has a traddr that is not a 16-byte IP address";
	if (ip16(a, s->traddr, sizeof(s->traddr)) == 0)
		return "has no traddr";
	if ((why = heap_str(r, d + SS_TRSVCID, s->trsvcid,
	    sizeof(s->trsvcid))) != NULL)
		return why;
	if ((why = bad_field(r, FIELD_TRSVCID, "trsvcid", s->trsvcid)))
		return why;
	if ((why = heap_str(r, d + SS_NQN, s->nqn, sizeof(s->nqn))) != NULL)
		return why;
	if ((why = bad_field(r, FIELD_NQN, "subsystem NQN", s->nqn)))
		return why;
	if ((why = ssns_hfis(r, d, s)) != NULL)
		return why;
	trflags = (unsigned)le_uint(d + SS_TRFLAGS, 2);
	s->hdr_digest = trflags & TRF_HDR_DIGEST;
	s->data_digest = trflags & TRF_DATA_DIGEST;
	s->unavailable = (s->flags & NBFT_SSNS_F_UNAVAIL_MASK) ==
	    NBFT_SSNS_F_UNAVAIL;
	s->discovered = s->flags & NBFT_SSNS_F_DISCOVERED;
	s->port_id = (uint16_t)le_uint(d + SS_PORT, 2);
	s->nsid = (uint32_t)le_uint(d + SS_NSID, 4);
	s->nidt = d[SS_NIDT];
	memcpy(s->nid, d + SS_NID, sizeof(s->nid));
	if ((s->disc_index = d[SS_DISC]) && !disc_known(r->t, s->disc_index))
		log_warnx("%s: SSNS %u: discovery descriptor %u is not in the "
		    "table", r->t->name, s->index, s->disc_index);
	if (s->flags & NBFT_SSNS_F_SECURITY)
		s->sec_index = d[SS_SEC];
	ssns_ext(r, d, s);
	return NULL;
}

/*
 * One descriptor of a list: taken into the table (its count grown), left
 * out quietly (not flagged valid), or dropped: then why, with *index.
 */
typedef const char *(*desc_fn)(struct rd *r, const uint8_t *d,
    unsigned *index);

static const char *
hfi_one(struct rd *r, const uint8_t *d, unsigned *index)
{
	struct nbft_hfi *h = &r->t->hfi[r->t->n_hfi];
	const char *why;

	memset(h, 0, sizeof(*h));
	*index = h->index = d[HF_INDEX];
	if (d[0] != ID_HFI)
		return "has a wrong structure ID";
	if (!(d[HF_FLAGS] & HFI_F_VALID))
		return NULL;
	if (d[HF_TRTYPE] != NBFT_TRTYPE_TCP)
		return "is not tcp";
	if (hfi_find(r->t, h->index))
		return "repeats an index";
	if ((why = trinfo_problem(r, d, h)) != NULL)
		return why;
	r->t->n_hfi++;
	return NULL;
}

static const char *
sec_one(struct rd *r, const uint8_t *d, unsigned *index)
{
	struct nbft_sec *s = &r->t->sec[r->t->n_sec];

	*index = d[SE_INDEX];
	if (d[0] != ID_SEC)
		return "has a wrong structure ID";
	if (!(le_uint(d + SE_FLAGS, 2) & NBFT_SEC_F_VALID))
		return NULL;
	s->index = d[SE_INDEX];
	s->flags = (uint16_t)le_uint(d + SE_FLAGS, 2);
	s->secret_type = d[SE_SECRET_TYPE];
	r->t->n_sec++;
	return NULL;
}

static const char *
disc_one(struct rd *r, const uint8_t *p, unsigned *index)
{
	struct nbft_disc *d = &r->t->disc[r->t->n_disc];
	const char *why;

	memset(d, 0, sizeof(*d));
	*index = d->index = p[DI_INDEX];
	if (p[0] == ID_DISC && !(p[DI_FLAGS] & DISC_F_VALID))
		return NULL;
	if ((why = disc_problem(r, p, d)) != NULL)
		return why;
	r->t->n_disc++;
	return NULL;
}

/* An SSNS not flagged valid is kept, marked, for --check to show. */
static const char *
ssns_one(struct rd *r, const uint8_t *d, unsigned *index)
{
	struct nbft_ssns *s = &r->t->ssns[r->t->n_ssns];
	const char *why;

	memset(s, 0, sizeof(*s));
	*index = s->index = (uint16_t)le_uint(d + SS_INDEX, 2);
	s->flags = (uint16_t)le_uint(d + SS_FLAGS, 2);
	if ((why = ssns_problem(r, d, s)) != NULL)
		return why;
	r->t->n_ssns++;
	return NULL;
}

/* A list of descriptors (list_get() caps it at the array's size). */
static void
read_list(struct rd *r, size_t c_off, const char *kind, size_t need,
    size_t max, desc_fn one)
{
	struct list l;
	const char *why;
	unsigned index;
	size_t i;

	list_get(r, c_off, kind, need, max, &l);
	for (i = 0; i < l.count; i++) {
		index = 0;
		if ((why = one(r, l.p + i * l.elen, &index)) != NULL)
			drop(r, kind, i, index, why);
	}
}

/* A fixed-size text field of the header, without its padding. */
static void
header_text(const uint8_t *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n && p[i] >= 0x20 && p[i] < 0x7f; i++)
		out[i] = (char)p[i];
	while (i > 0 && out[i - 1] == ' ')
		i--;
	out[i] = '\0';
}

/* The name for messages: a long path keeps its end, the file's name. */
static void
set_name(struct nbft *t, const char *name)
{
	size_t n = strlen(name);

	if (n < sizeof(t->name))
		memcpy(t->name, name, n + 1);
	else
		snprintf(t->name, sizeof(t->name), "...%s",
		    name + n - (sizeof(t->name) - 4));
}

int
nbft_parse(const uint8_t *buf, size_t len, const char *name,
    struct nbft *out)
{
	struct rd r = { .b = buf, .t = out };
	char why[128];
	uint64_t length, heap_off, heap_len;
	uint8_t sum = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	set_name(out, name);
	if (len < HDR_SIZE + CTL_SIZE) {
		snprintf(why, sizeof(why), "%zu bytes, shorter than a header",
		    len);
		goto bad;
	}
	if (memcmp(buf, "NBFT", 4) != 0) {
		snprintf(why, sizeof(why), "the signature is not NBFT");
		goto bad;
	}
	length = le_uint(buf + H_LENGTH, 4);
	if (length > len || length < HDR_SIZE + CTL_SIZE) {
		snprintf(why, sizeof(why), "the header says %llu bytes, the "
		    "table has %zu", (unsigned long long)length, len);
		goto bad;
	}
	r.len = (size_t)length;
	for (i = 0; i < r.len; i++)
		sum = (uint8_t)(sum + buf[i]);
	if (sum != 0) {
		snprintf(why, sizeof(why), "the checksum is wrong (the bytes "
		    "sum to 0x%02x)", sum);
		goto bad;
	}
	out->major = buf[H_REVISION];
	out->minor = buf[H_MINOR];
	/* Minor revisions are backward compatible; major ones are not. */
	if (out->major != 1) {
		snprintf(why, sizeof(why), "revision %u is not 1", out->major);
		goto bad;
	}
	heap_off = le_uint(buf + H_HEAP_OFF, 4);
	heap_len = le_uint(buf + H_HEAP_LEN, 4);
	if (heap_off + heap_len > length) {
		snprintf(why, sizeof(why), "the heap ends past the table");
		goto bad;
	}
	r.heap_lo = heap_off;
	r.heap_hi = heap_off + heap_len;
	if (buf[CTL_OFF] != ID_CONTROL) {
		snprintf(why, sizeof(why), "no control descriptor");
		goto bad;
	}
	header_text(buf + H_OEM_ID, 6, out->oem_id);
	header_text(buf + H_OEM_TABLE_ID, 8, out->oem_table_id);
	if (!(out->control_valid = buf[CTL_OFF + C_FLAGS] & 1)) {
		log_info("%s: the control descriptor is not valid: the table "
		    "describes nothing", name);
		return 0;
	}
	/* In this order: each refers to the lists before it. */
	read_host(&r);
	read_list(&r, C_HFI, "HFI", HFI_SIZE, NBFT_HFI_MAX, hfi_one);
	read_list(&r, C_SEC, "security", SEC_SIZE, NBFT_SEC_MAX, sec_one);
	read_list(&r, C_DISC, "discovery", DISC_SIZE, NBFT_DISC_MAX,
	    disc_one);
	read_list(&r, C_SSNS, "SSNS", SSNS_SIZE, NBFT_SSNS_MAX, ssns_one);
	return 0;
bad:
	log_warnx("%s: %s; table ignored", name, why);
	memset(out, 0, sizeof(*out));
	set_name(out, name);
	return -EBADMSG;
}

/* ---- the tables under /sys ---- */

/* "NBFT" and "NBFT<digits>", shorter first: NBFT, NBFT1, ..., NBFT10. */
static bool
is_table_name(const char *s)
{
	if (strncmp(s, "NBFT", 4) != 0 || strlen(s) >= NBFT_NAME_MAX)
		return false;
	for (s += 4; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int
name_cmp(const void *a, const void *b)
{
	const char *x = a, *y = b;
	size_t lx = strlen(x), ly = strlen(y);

	return lx != ly ? (lx > ly) - (lx < ly) : strcmp(x, y);
}

/* The table names in dir, sorted; how many (at most NBFT_TABLES_MAX). */
static size_t
table_names(const char *dir, char names[][NBFT_NAME_MAX])
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (!is_table_name(e->d_name))
			continue;
		if (n == NBFT_TABLES_MAX) {
			log_warnx("%s: more than %d NBFT tables; %s ignored",
			    dir, NBFT_TABLES_MAX, e->d_name);
			continue;
		}
		/* is_table_name() checked the length */
		memcpy(names[n++], e->d_name, strlen(e->d_name) + 1);
	}
	closedir(d);
	qsort(names, n, NBFT_NAME_MAX, name_cmp);
	return n;
}

int
nbft_load(const char *root, struct nbft **tables, size_t *np)
{
	char names[NBFT_TABLES_MAX][NBFT_NAME_MAX], dir[PATH_BUF];
	char path[PATH_BUF];
	struct nbft *v = NULL;
	size_t n = 0, count, i, len;
	char *buf;
	int r;

	*tables = NULL;
	*np = 0;
	if (path_under(dir, sizeof(dir), root, "/sys/firmware/acpi/tables")
	    < 0 || (count = table_names(dir, names)) == 0)
		return 0;
	if ((v = calloc(count, sizeof(*v))) == NULL)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		if (path_under(path, sizeof(path), root,
		    "/sys/firmware/acpi/tables/%s", names[i]) < 0)
			continue;
		if ((r = read_file(path, NBFT_SIZE_MAX, &buf, &len)) < 0) {
			if (r == -ENOMEM) {
				free(v);
				return r;
			}
			log_warnx("%s: %s", path, read_file_strerror(r));
			continue;
		}
		if (nbft_parse((const uint8_t *)buf, len, names[i], &v[n]) == 0)
			n++;
		free(buf);
	}
	*tables = v;
	*np = n;
	return 0;
}

/* ---- --check ---- */

static const char *
or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static void
print_hfi(FILE *out, const struct nbft_hfi *h)
{
	static const char *const conf_names[] = { "static", "dhcp", "slaac" };

	fprintf(out, "hfi %u mac=%s vlan=%u ip=%s", h->index, h->mac_str,
	    h->vlan, or_dash(h->ip));
	if (h->ip[0])
		fprintf(out, "/%u", h->prefix);
	fprintf(out, " gateway=%s dns=%s,%s origin=%s(%u)%s", or_dash(h->gateway),
	    or_dash(h->dns1), or_dash(h->dns2), conf_names[h->ipconf],
	    h->ip_origin, h->default_route ? " default-route" : "");
	if (h->dhcp_server[0])
		fprintf(out, " dhcp-server=%s", h->dhcp_server);
	fprintf(out, " metric=%u hostname=%s\n", h->route_metric,
	    or_dash(h->host_name));
}

static void
print_ssns(FILE *out, const struct nbft_ssns *s)
{
	size_t i;

	fprintf(out, "ssns %u", s->index);
	if (!s->valid) {
		fprintf(out, " not-valid\n");
		return;
	}
	fprintf(out, " transport=tcp traddr=%s trsvcid=%s nqn=%s hfi=",
	    s->traddr, s->trsvcid, s->nqn);
	for (i = 0; i < s->n_hfi; i++)
		fprintf(out, "%s%u", i ? "," : "", s->hfi[i]);
	fprintf(out, " nsid=%u%s%s%s%s", s->nsid,
	    s->unavailable ? " unavailable" : "",
	    s->discovered ? " discovered" : "",
	    s->hdr_digest ? " hdr-digest" : "",
	    s->data_digest ? " data-digest" : "");
	if (s->disc_index)
		fprintf(out, " discovery=%u", s->disc_index);
	if (s->sec_index)
		fprintf(out, " security=%u", s->sec_index);
	if (s->ext_info)
		fprintf(out, " cntlid=%u asqsz=%u", s->cntlid, s->asqsz);
	fputc('\n', out);
}

void
nbft_print(FILE *out, const struct nbft *t)
{
	size_t i;

	fprintf(out, "table %s revision=%u.%u oem=%s oem-table=%s%s\n",
	    t->name, t->major, t->minor, or_dash(t->oem_id),
	    or_dash(t->oem_table_id), t->control_valid ? "" : " not-valid");
	if (!t->control_valid)
		return;
	fprintf(out, "host nqn=%s id=%s\n", or_dash(t->host_nqn),
	    or_dash(t->host_id));
	for (i = 0; i < t->n_hfi; i++)
		print_hfi(out, &t->hfi[i]);
	for (i = 0; i < t->n_sec; i++)
		fprintf(out, "security %u flags=0x%04x secret-type=%u\n",
		    t->sec[i].index, t->sec[i].flags, t->sec[i].secret_type);
	for (i = 0; i < t->n_disc; i++) {
		const struct nbft_disc *d = &t->disc[i];

		fprintf(out, "discovery %u uri=%s transport=tcp traddr=%s "
		    "trsvcid=%s nqn=%s hfi=%u", d->index, d->uri, d->traddr,
		    d->trsvcid, d->nqn, d->hfi_index);
		if (d->sec_index)
			fprintf(out, " security=%u", d->sec_index);
		fputc('\n', out);
	}
	for (i = 0; i < t->n_ssns; i++)
		print_ssns(out, &t->ssns[i]);
}

/* ---- what the daemon connects ---- */

struct ctrls {
	const struct nbft *t;
	nbft_ifname_fn	 ifname;
	void		*ctx;
	struct ctrl_conf *v;
	size_t		 n, cap;
};

/* Why a security profile cannot be honoured; NULL when it can. */
static const char *
sec_problem(const struct nbft *t, unsigned index)
{
	const struct nbft_sec *s;

	if (index == 0)
		return NULL;
	if ((s = sec_find(t, index)) == NULL)
		return "its security profile is not in the table";
	if ((s->flags & NBFT_SEC_AUTH_MASK) == NBFT_SEC_AUTH_REQUIRED)
		return "its security profile requires in-band authentication";
	if ((s->flags & NBFT_SEC_CHAN_MASK) == NBFT_SEC_CHAN_REQUIRED)
		return "its security profile requires a secure channel (TLS)";
	return NULL;
}

/* Append ";key=value" to buf. */
static void
put(char *buf, size_t size, const char *key, const char *value)
{
	size_t n = strlen(buf);

	snprintf(buf + n, size - n, "%s%s=%s", n ? ";" : "", key, value);
}

/*
 * ";host-iface=IF" for HFI index into buf.  An HFI whose MAC address no
 * interface has (renamed, or not up yet) binds by its IP address instead
 * (";host-traddr=IP", what nvme-cli's connect-nbft uses): a boot path is
 * not given up for a name.  Return: false when the HFI is missing or has
 * neither (logged).
 */
static bool
put_iface(struct ctrls *c, unsigned index, char *buf, size_t size,
    const char *what)
{
	const struct nbft_hfi *h = hfi_find(c->t, index);
	char ifname[HOST_IFACE_MAX + 1];

	ifname[0] = '\0';
	if (h && c->ifname(c->ctx, h->mac, h->vlan, ifname, sizeof(ifname))
	    == 0 && strnlen(ifname, sizeof(ifname)) < sizeof(ifname) &&
	    field_problem(FIELD_HOST_IFACE, TRTYPE_TCP, ifname) == NULL) {
		put(buf, size, "host-iface", ifname);
		return true;
	}
	if (h && h->ip[0]) {
		log_warnx("%s: %s: no interface has HFI %u's MAC address %s "
		    "(VLAN %u); bound to its address %s instead", c->t->name,
		    what, index, h->mac_str, h->vlan, h->ip);
		put(buf, size, "host-traddr", h->ip);
		return true;
	}
	log_warnx("%s: %s: no interface has HFI %u's MAC address %s (VLAN %u) "
	    "and it has no address; that path is skipped", c->t->name, what,
	    index, h ? h->mac_str : "-", h ? h->vlan : 0);
	return false;
}

static int
add(struct ctrls *c, const char *value, unsigned index, bool dc)
{
	struct ctrl_conf *v;
	int r;

	if ((v = array_grow(c->v, &c->cap, c->n + 1, sizeof(*v))) == NULL)
		return -ENOMEM;
	c->v = v;
	if ((r = conf_parse_controller(value, c->t->name, index, "",
	    &c->v[c->n])) == -ENOMEM)
		return r;
	if (r == 0)
		c->v[c->n++].discovery_ctrl = dc;
	return 0;
}

/* The paths of one subsystem namespace: one per HFI that reaches it. */
static int
ssns_ctrls(struct ctrls *c, const struct nbft_ssns *s)
{
	char buf[1024], what[32];
	const char *why = NULL;
	size_t i;
	int r;

	snprintf(what, sizeof(what), "SSNS %u", s->index);
	if (!s->valid)
		why = "is not valid";
	else if (s->unavailable)
		why = "was unavailable to the firmware";
	else if (strcmp(s->nqn, DISCOVERY_NQN) == 0)
		why = "is a discovery controller (its discovery descriptor "
		    "is used)";
	if (why) {
		log_info("%s: %s %s; not connected", c->t->name, what, why);
		return 0;
	}
	if ((why = sec_problem(c->t, s->sec_index)) != NULL) {
		log_warnx("%s: %s: %s; not connected", c->t->name, what, why);
		return 0;
	}
	for (i = 0; i < s->n_hfi; i++) {
		buf[0] = '\0';
		put(buf, sizeof(buf), "transport", "tcp");
		put(buf, sizeof(buf), "traddr", s->traddr);
		put(buf, sizeof(buf), "trsvcid", s->trsvcid);
		put(buf, sizeof(buf), "nqn", s->nqn);
		if (c->t->host_nqn[0])
			put(buf, sizeof(buf), "host-nqn", c->t->host_nqn);
		if (s->hdr_digest)
			put(buf, sizeof(buf), "hdr-digest", "true");
		if (s->data_digest)
			put(buf, sizeof(buf), "data-digest", "true");
		if (!put_iface(c, s->hfi[i], buf, sizeof(buf), what))
			continue;
		if ((r = add(c, buf, s->index, false)) < 0)
			return r;
	}
	return 0;
}

static int
disc_ctrls(struct ctrls *c, const struct nbft_disc *d)
{
	char buf[1024], what[32];
	const char *why;

	snprintf(what, sizeof(what), "discovery %u", d->index);
	if ((why = sec_problem(c->t, d->sec_index)) != NULL) {
		log_warnx("%s: %s: %s; not connected", c->t->name, what, why);
		return 0;
	}
	buf[0] = '\0';
	put(buf, sizeof(buf), "transport", "tcp");
	put(buf, sizeof(buf), "traddr", d->traddr);
	put(buf, sizeof(buf), "trsvcid", d->trsvcid);
	put(buf, sizeof(buf), "nqn", d->nqn);
	if (c->t->host_nqn[0])
		put(buf, sizeof(buf), "host-nqn", c->t->host_nqn);
	if (d->hfi_index && !put_iface(c, d->hfi_index, buf, sizeof(buf),
	    what))
		return 0;
	return add(c, buf, d->index, true);
}

int
nbft_ctrls(const struct nbft *t, nbft_ifname_fn ifname, void *ctx,
    struct ctrl_conf **out, size_t *n)
{
	struct ctrls c = { .t = t, .ifname = ifname, .ctx = ctx };
	size_t i;
	int r = 0;

	*out = NULL;
	*n = 0;
	for (i = 0; r == 0 && i < t->n_ssns; i++)
		r = ssns_ctrls(&c, &t->ssns[i]);
	for (i = 0; r == 0 && i < t->n_disc; i++)
		r = disc_ctrls(&c, &t->disc[i]);
	if (r < 0) {
		free(c.v);
		return r;
	}
	*out = c.v;
	*n = c.n;
	return 0;
}

/* ---- ip= for the initramfs ---- */

/* An address for ip=: IPv6 in brackets, "" as "". */
static const char *
ip_field(char *buf, size_t size, const char *ip)
{
	snprintf(buf, size, strchr(ip, ':') ? "[%s]" : "%s", ip);
	return ip[0] ? buf : "";
}

static void
netmask_v4(char buf[16], unsigned prefix)
{
	uint32_t m = prefix == 0 ? 0 : prefix >= 32 ? 0xffffffffu :
	    ~(0xffffffffu >> prefix);

	snprintf(buf, 16, "%u.%u.%u.%u", m >> 24, m >> 16 & 0xff,
	    m >> 8 & 0xff, m & 0xff);
}

int
nbft_ip_setting(const struct nbft_hfi *h, const char *ifname, char *buf,
    size_t size)
{
	char a[NBFT_IP_MAX + 2], g[NBFT_IP_MAX + 2], d1[NBFT_IP_MAX + 2],
	    d2[NBFT_IP_MAX + 2], mask[16];
	int n;

	if (h->ipconf == NBFT_IP_SLAAC)
		n = snprintf(buf, size, "ip=:::::%s:auto6", ifname);
	else if (h->ipconf == NBFT_IP_DHCP)
		n = snprintf(buf, size, "ip=:::::%s:%s", ifname,
		    h->family == IPF_V6 ? "dhcp6" : "dhcp");
	else if (h->ip[0] == '\0')
		return -ENOENT;
	else {
		if (h->family == IPF_V6)
			snprintf(mask, sizeof(mask), "%u", h->prefix);
		else
			netmask_v4(mask, h->prefix);
		n = snprintf(buf, size, "ip=%s::%s:%s:%s:%s:none",
		    ip_field(a, sizeof(a), h->ip),
		    ip_field(g, sizeof(g), h->gateway), mask, h->host_name,
		    ifname);
		if (n >= 0 && (size_t)n < size && (h->dns1[0] || h->dns2[0]))
			n += snprintf(buf + n, size - (size_t)n, ":%s%s%s",
			    ip_field(d1, sizeof(d1), h->dns1),
			    h->dns2[0] ? ":" : "",
			    ip_field(d2, sizeof(d2), h->dns2));
	}
	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}

/*
 * t/nbft-gen.c - an NBFT from a text description (see nbft-gen.h),
 * written from the NVMe Boot Specification 1.0 layout: little-endian
 * fields, IPv4 addresses in IPv4-mapped IPv6 form, indexes from 1.
 */
#include <arpa/inet.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nbft-gen.h"

#define GEN_MAX		255	/* a list's count is one byte */
#define STR_MAX		1024
#define EXT_INFO_SIZE	18

struct g_hfi {
	unsigned	 index, prefix, vlan, metric, origin, pci;
	bool		 invalid;
	uint8_t		 mac[6], ip[16], gw[16], dns1[16], dns2[16], dhcp[16];
	char		 hostname[STR_MAX];
};

struct g_ssns {
	unsigned	 index, nsid, port, flags, trflags, disc, sec, cntlid;
	unsigned	 asqsz, trtype;
	uint8_t		 traddr[16], hfi[GEN_MAX];
	size_t		 n_hfi;
	char		 trsvcid[STR_MAX], nqn[STR_MAX];
};

struct g_disc {
	unsigned	 index, hfi, sec;
	char		 uri[STR_MAX], nqn[STR_MAX];
};

struct g_sec {
	unsigned	 index, flags, secret_type;
};

struct gen {
	char		 oem[7], oem_table[9];
	unsigned	 revision, minor;
	bool		 control_invalid, host;
	char		 host_nqn[STR_MAX];
	uint8_t		 host_id[16];
	struct g_hfi	 hfi[GEN_MAX];
	struct g_ssns	 ssns[GEN_MAX];
	struct g_disc	 disc[GEN_MAX];
	struct g_sec	 sec[GEN_MAX];
	size_t		 n_hfi, n_ssns, n_disc, n_sec;
	unsigned	 line;
	char		*err;
	size_t		 err_size;
};

/* The table being written; fields are set by offset as it grows. */
struct buf {
	uint8_t		*p;
	size_t		 n;
};

static int
fail(struct gen *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct gen *g, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(g->err, g->err_size, "line %u: %s", g->line, msg);
	return -EINVAL;
}

static bool
number(const char *v, unsigned long max, unsigned *out)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 0);
	if (*v == '\0' || *end != '\0' || errno || n > max)
		return false;
	*out = (unsigned)n;
	return true;
}

/* An IPv4 address in its IPv4-mapped form, or an IPv6 one. */
static bool
ip_bytes(const char *v, uint8_t out[16])
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, v, out + 12) == 1) {
		out[10] = out[11] = 0xff;
		return true;
	}
	return inet_pton(AF_INET6, v, out) == 1;
}

static bool
mac_bytes(const char *v, uint8_t out[6])
{
	unsigned b[6];
	char tail;
	int i;

	if (sscanf(v, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
	    &b[4], &b[5], &tail) != 6)
		return false;
	for (i = 0; i < 6; i++)
		out[i] = (uint8_t)b[i];
	return true;
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 32 hex digits, dashes anywhere ignored. */
static bool
uuid_bytes(const char *v, uint8_t out[16])
{
	size_t n = 0;
	int x;

	for (; *v && n < 32; v++) {
		if (*v == '-')
			continue;
		if ((x = hex_digit(*v)) < 0)
			return false;
		out[n / 2] = (uint8_t)(n % 2 ? out[n / 2] << 4 | x : x);
		n++;
	}
	return n == 32 && *v == '\0';
}

static bool
text(const char *v, char *out)
{
	if (strlen(v) >= STR_MAX)
		return false;
	strcpy(out, v);
	return true;
}

/*
 * "a,b,c" words against names: each sets its bits' low half in *out and
 * clears their high half ("invalid" clears the valid bit).
 */
static bool
word_bits(const char *v, const char *const *names, const unsigned *bits,
    size_t n, unsigned *out)
{
	char copy[STR_MAX], *w, *save = NULL;
	size_t i;

	if (!text(v, copy))
		return false;
	for (w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < n && strcmp(w, names[i]) != 0; i++)
			;
		if (i == n)
			return false;
		*out |= bits[i] & 0xffff;
		*out &= ~(bits[i] >> 16);
	}
	return true;
}

static int
table_key(struct gen *g, const char *k, const char *v)
{
	if (strcmp(k, "oem") == 0 && strlen(v) <= 6)
		memcpy(g->oem, v, strlen(v) + 1);
	else if (strcmp(k, "oem-table") == 0 && strlen(v) <= 8)
		memcpy(g->oem_table, v, strlen(v) + 1);
	else if (strcmp(k, "revision") == 0 && number(v, 255, &g->revision))
		;
	else if (strcmp(k, "minor") == 0 && number(v, 255, &g->minor))
		;
	else if (strcmp(k, "control") == 0 && strcmp(v, "invalid") == 0)
		g->control_invalid = true;
	else
		return fail(g, "table: bad %s", k);
	return 0;
}

static int
host_key(struct gen *g, const char *k, const char *v)
{
	g->host = true;
	if (strcmp(k, "nqn") == 0 && text(v, g->host_nqn))
		;
	else if (strcmp(k, "id") == 0 && uuid_bytes(v, g->host_id))
		;
	else
		return fail(g, "host: bad %s", k);
	return 0;
}

static int
hfi_key(struct gen *g, struct g_hfi *h, const char *k, const char *v)
{
	char addr[STR_MAX], *slash;
	bool ok;

	if (strcmp(k, "ip") == 0) {
		ok = text(v, addr);
		if (ok && (slash = strchr(addr, '/')) != NULL) {
			*slash = '\0';
			ok = number(slash + 1, 128, &h->prefix);
		}
		ok = ok && ip_bytes(addr, h->ip);
	} else if (strcmp(k, "origin") == 0) {
		/* NL_PREFIX_ORIGIN: manual 1, DHCP 3, router advertisement 4 */
		ok = true;
		if (strcmp(v, "static") == 0)
			h->origin = 1;
		else if (strcmp(v, "dhcp") == 0)
			h->origin = 3;
		else if (strcmp(v, "ra") == 0)
			h->origin = 4;
		else
			ok = number(v, 255, &h->origin);
	} else if (strcmp(k, "mac") == 0)
		ok = mac_bytes(v, h->mac);
	else if (strcmp(k, "gw") == 0)
		ok = ip_bytes(v, h->gw);
	else if (strcmp(k, "dns") == 0)
		ok = ip_bytes(v, h->dns1);
	else if (strcmp(k, "dns2") == 0)
		ok = ip_bytes(v, h->dns2);
	else if (strcmp(k, "dhcp-server") == 0)
		ok = ip_bytes(v, h->dhcp);
	else if (strcmp(k, "vlan") == 0)
		ok = number(v, 4095, &h->vlan);
	else if (strcmp(k, "metric") == 0)
		ok = number(v, 65535, &h->metric);
	else if (strcmp(k, "index") == 0)
		ok = number(v, 255, &h->index);
	else if (strcmp(k, "pci") == 0)
		ok = number(v, 0xffffffffUL, &h->pci);
	else if (strcmp(k, "hostname") == 0)
		ok = text(v, h->hostname);
	else if (strcmp(k, "invalid") == 0)
		ok = h->invalid = true;
	else
		ok = false;
	return ok ? 0 : fail(g, "hfi: bad %s", k);
}

static bool
hfi_list(const char *v, struct g_ssns *s)
{
	char copy[STR_MAX], *w, *save = NULL;
	unsigned x;

	if (!text(v, copy))
		return false;
	s->n_hfi = 0;
	for (w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (s->n_hfi == GEN_MAX || !number(w, 255, &x))
			return false;
		s->hfi[s->n_hfi++] = (uint8_t)x;
	}
	return s->n_hfi > 0;
}

static int
ssns_key(struct gen *g, struct g_ssns *s, const char *k, const char *v)
{
	/* SSNS flags (the available ones are a two-bit field). */
	static const char *const flag_names[] = {
		"unavailable", "available", "discovered", "nonboot", "invalid"
	};
	static const unsigned flag_bits[] = {
		0x0100, 0x0080, 0x0040, 0x0002, 0x0001u << 16
	};
	static const char *const digest_names[] = { "hdr", "data" };
	static const unsigned digest_bits[] = { 0x3, 0x5 };
	bool ok;

	if (strcmp(k, "traddr") == 0)
		ok = ip_bytes(v, s->traddr);
	else if (strcmp(k, "trsvcid") == 0)
		ok = text(v, s->trsvcid);
	else if (strcmp(k, "nqn") == 0)
		ok = text(v, s->nqn);
	else if (strcmp(k, "hfi") == 0)
		ok = hfi_list(v, s);
	else if (strcmp(k, "flags") == 0)
		ok = word_bits(v, flag_names, flag_bits, 5, &s->flags);
	else if (strcmp(k, "digest") == 0)
		ok = word_bits(v, digest_names, digest_bits, 2, &s->trflags);
	else if (strcmp(k, "index") == 0)
		ok = number(v, 65535, &s->index);
	else if (strcmp(k, "nsid") == 0)
		ok = number(v, 0xffffffffUL, &s->nsid);
	else if (strcmp(k, "port") == 0)
		ok = number(v, 65535, &s->port);
	else if (strcmp(k, "discovery") == 0)
		ok = number(v, 255, &s->disc);
	else if (strcmp(k, "security") == 0) {
		ok = number(v, 255, &s->sec);
		s->flags |= 0x0004;	/* use security */
	} else if (strcmp(k, "cntlid") == 0)
		ok = number(v, 65535, &s->cntlid);
	else if (strcmp(k, "asqsz") == 0)
		ok = number(v, 65535, &s->asqsz);
	else if (strcmp(k, "trtype") == 0)
		ok = number(v, 255, &s->trtype);
	else
		ok = false;
	return ok ? 0 : fail(g, "subsys: bad %s", k);
}

static int
disc_key(struct gen *g, struct g_disc *d, const char *k, const char *v)
{
	bool ok;

	if (strcmp(k, "uri") == 0)
		ok = text(v, d->uri);
	else if (strcmp(k, "nqn") == 0)
		ok = text(v, d->nqn);
	else if (strcmp(k, "hfi") == 0)
		ok = number(v, 255, &d->hfi);
	else if (strcmp(k, "index") == 0)
		ok = number(v, 255, &d->index);
	else if (strcmp(k, "security") == 0)
		ok = number(v, 255, &d->sec);
	else
		ok = false;
	return ok ? 0 : fail(g, "discovery: bad %s", k);
}

static int
sec_key(struct gen *g, struct g_sec *s, const char *k, const char *v)
{
	bool ok;

	if (strcmp(k, "index") == 0)
		ok = number(v, 255, &s->index);
	else if (strcmp(k, "flags") == 0)
		ok = number(v, 65535, &s->flags);
	else if (strcmp(k, "secret-type") == 0)
		ok = number(v, 255, &s->secret_type);
	else
		ok = false;
	return ok ? 0 : fail(g, "security: bad %s", k);
}

/* A new item of kind word, with its defaults; NULL: unknown or full. */
static void *
item(struct gen *g, const char *word)
{
	if (strcmp(word, "hfi") == 0 && g->n_hfi < GEN_MAX) {
		struct g_hfi *h = &g->hfi[g->n_hfi++];

		h->index = (unsigned)g->n_hfi;
		h->origin = 1;
		h->metric = 500;
		return h;
	}
	if (strcmp(word, "subsys") == 0 && g->n_ssns < GEN_MAX) {
		struct g_ssns *s = &g->ssns[g->n_ssns++];

		s->index = (unsigned)g->n_ssns;
		s->flags = 0x0001 | 0x0010;	/* valid, extended info */
		s->trflags = 0;
		s->trtype = 3;
		s->nsid = 1;
		return s;
	}
	if (strcmp(word, "discovery") == 0 && g->n_disc < GEN_MAX) {
		struct g_disc *d = &g->disc[g->n_disc++];

		d->index = (unsigned)g->n_disc;
		/* libnvme drops a discovery descriptor without one */
		strcpy(d->nqn, "nqn.2014-08.org.nvmexpress.discovery");
		return d;
	}
	if (strcmp(word, "security") == 0 && g->n_sec < GEN_MAX) {
		struct g_sec *s = &g->sec[g->n_sec++];

		s->index = (unsigned)g->n_sec;
		s->flags = 1;
		return s;
	}
	return NULL;
}

static int
line_items(struct gen *g, char *line)
{
	char *w, *save = NULL, *eq;
	const char *kind;
	void *it = NULL;
	int r = 0;

	if ((w = strchr(line, '#')) != NULL)
		*w = '\0';
	if ((kind = strtok_r(line, " \t\r", &save)) == NULL)
		return 0;
	if (strcmp(kind, "table") != 0 && strcmp(kind, "host") != 0 &&
	    (it = item(g, kind)) == NULL)
		return fail(g, "\"%s\" is not an item, or too many", kind);
	while (r == 0 && (w = strtok_r(NULL, " \t\r", &save)) != NULL) {
		eq = strchr(w, '=');
		if (eq)
			*eq++ = '\0';
		else
			eq = w + strlen(w);
		if (strcmp(kind, "table") == 0)
			r = table_key(g, w, eq);
		else if (strcmp(kind, "host") == 0)
			r = host_key(g, w, eq);
		else if (strcmp(kind, "hfi") == 0)
			r = hfi_key(g, it, w, eq);
		else if (strcmp(kind, "subsys") == 0)
			r = ssns_key(g, it, w, eq);
		else if (strcmp(kind, "discovery") == 0)
			r = disc_key(g, it, w, eq);
		else
			r = sec_key(g, it, w, eq);
	}
	return r;
}

/* ---- writing ---- */

static void
put_le(struct buf *b, size_t off, uint64_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, v >>= 8)
		b->p[off + i] = (uint8_t)v;
}

/* A heap object reference at at: offset (4) and length (2). */
static void
put_ref(struct buf *b, size_t at, size_t off, size_t len)
{
	put_le(b, at, len ? off : 0, 4);
	put_le(b, at + 4, len, 2);
}

/*
 * Append n bytes and the NUL after them to the heap; the reference at
 * at gets them (none when n is 0).
 */
static int
heap_obj(struct buf *b, size_t at, const void *p, size_t n)
{
	uint8_t *q;

	if (n == 0) {
		put_ref(b, at, 0, 0);
		return 0;
	}
	if ((q = realloc(b->p, b->n + n + 1)) == NULL)
		return -ENOMEM;
	b->p = q;
	memcpy(b->p + b->n, p, n);
	b->p[b->n + n] = 0;
	put_ref(b, at, b->n, n);
	b->n += n + 1;
	return 0;
}

static int
heap_str(struct buf *b, size_t at, const char *s)
{
	return heap_obj(b, at, s, strlen(s));
}

/* A list in the control descriptor: offset, entry length, version, count. */
static void
put_list(struct buf *b, size_t at, size_t off, size_t elen, size_t count)
{
	put_le(b, at, count ? off : 0, 4);
	put_le(b, at + 4, count ? elen : 0, 2);
	b->p[at + 6] = 1;
	b->p[at + 7] = (uint8_t)count;
}

static int
write_hfi(struct buf *b, size_t at, const struct g_hfi *h)
{
	uint8_t ti[NBFT_GEN_TRINFO_SIZE];
	struct buf t = { ti, sizeof(ti) };
	size_t ti_at;
	int r;

	memset(ti, 0, sizeof(ti));
	b->p[at] = 3;				/* HFI */
	b->p[at + 1] = (uint8_t)h->index;
	b->p[at + 2] = h->invalid ? 0 : 1;	/* valid */
	b->p[at + 3] = 3;			/* tcp */
	ti[0] = 7;				/* HFI transport info */
	ti[1] = 1;				/* version */
	ti[2] = 3;				/* tcp */
	ti[3] = 1;				/* transport info version */
	put_le(&t, 4, h->index, 2);
	/* valid, global route, DHCP override when DHCP gave the address */
	ti[6] = 0x03 | (h->origin == 3 ? 0x04 : 0);
	put_le(&t, 7, h->pci, 4);
	memcpy(ti + 11, h->mac, 6);
	put_le(&t, 17, h->vlan, 2);
	ti[19] = (uint8_t)h->origin;
	memcpy(ti + 20, h->ip, 16);
	ti[36] = (uint8_t)h->prefix;
	memcpy(ti + 37, h->gw, 16);
	put_le(&t, 54, h->metric, 2);
	memcpy(ti + 56, h->dns1, 16);
	memcpy(ti + 72, h->dns2, 16);
	memcpy(ti + 88, h->dhcp, 16);
	/* the host name follows the transport info in the heap */
	ti_at = b->n;
	if ((r = heap_obj(b, at + 16, ti, sizeof(ti))) < 0 ||
	    (r = heap_str(b, ti_at + 104, h->hostname)) < 0)
		return r;
	return 0;
}

static int
write_ssns(struct buf *b, size_t at, const struct g_ssns *s)
{
	uint8_t ext[EXT_INFO_SIZE];
	struct buf e = { ext, sizeof(ext) };
	int r;

	memset(ext, 0, sizeof(ext));
	b->p[at] = 4;				/* SSNS */
	put_le(b, at + 1, s->index, 2);
	put_le(b, at + 3, s->flags, 2);
	b->p[at + 5] = (uint8_t)s->trtype;
	put_le(b, at + 6, s->trflags, 2);
	b->p[at + 8] = (uint8_t)s->disc;
	put_le(b, at + 22, s->port, 2);
	put_le(b, at + 24, s->nsid, 4);
	b->p[at + 45] = (uint8_t)s->sec;
	b->p[at + 46] = s->n_hfi ? s->hfi[0] : 0;
	ext[0] = 9;				/* SSNS extended info */
	ext[1] = 1;
	put_le(&e, 2, s->index, 2);
	put_le(&e, 4, 1, 4);			/* valid */
	put_le(&e, 8, s->cntlid, 2);
	put_le(&e, 10, s->asqsz, 2);
	/* As the firmware does, the HFI list repeats the primary. */
	if ((r = heap_obj(b, at + 10, s->traddr, 16)) < 0 ||
	    (r = heap_str(b, at + 16, s->trsvcid)) < 0 ||
	    (r = heap_obj(b, at + 48, s->hfi, s->n_hfi)) < 0 ||
	    (r = heap_str(b, at + 54, s->nqn)) < 0 ||
	    (r = heap_obj(b, at + 60, ext, (s->flags & 0x10) ?
	    sizeof(ext) : 0)) < 0)
		return r;
	return 0;
}

static int
write_disc(struct buf *b, size_t at, const struct g_disc *d)
{
	int r;

	b->p[at] = 6;				/* discovery */
	b->p[at + 1] = 1;			/* valid */
	b->p[at + 2] = (uint8_t)d->index;
	b->p[at + 3] = (uint8_t)d->hfi;
	b->p[at + 4] = (uint8_t)d->sec;
	if ((r = heap_str(b, at + 6, d->uri)) < 0 ||
	    (r = heap_str(b, at + 12, d->nqn)) < 0)
		return r;
	return 0;
}

static void
write_header(struct buf *b, const struct gen *g, size_t heap_off)
{
	memcpy(b->p, "NBFT", 4);
	put_le(b, 4, b->n, 4);
	b->p[8] = (uint8_t)g->revision;
	memcpy(b->p + 10, "      ", 6);
	memcpy(b->p + 10, g->oem, strlen(g->oem));
	memcpy(b->p + 16, "        ", 8);
	memcpy(b->p + 16, g->oem_table, strlen(g->oem_table));
	put_le(b, 24, 1, 4);			/* OEM revision */
	memcpy(b->p + 28, "STCD", 4);		/* creator ID */
	put_le(b, 32, 1, 4);			/* creator revision */
	put_le(b, 36, heap_off, 4);
	put_le(b, 40, b->n - heap_off, 4);
	b->p[50] = (uint8_t)g->minor;
	nbft_gen_checksum(b->p, b->n);
}

static int
write_table(const struct gen *g, struct buf *b)
{
	size_t c = NBFT_GEN_HEADER, host = c + NBFT_GEN_CONTROL;
	size_t hfi = host + NBFT_GEN_HOST_SIZE;
	size_t ssns = hfi + g->n_hfi * NBFT_GEN_HFI_SIZE;
	size_t sec = ssns + g->n_ssns * NBFT_GEN_SSNS_SIZE;
	size_t disc = sec + g->n_sec * NBFT_GEN_SEC_SIZE;
	size_t heap = disc + g->n_disc * NBFT_GEN_DISC_SIZE, i;
	int r = 0;

	if ((b->p = calloc(1, heap)) == NULL)
		return -ENOMEM;
	b->n = heap;
	b->p[c] = 1;				/* control */
	b->p[c + 1] = 1;			/* major version */
	put_le(b, c + 4, NBFT_GEN_CONTROL, 2);
	b->p[c + 6] = g->control_invalid ? 0 : 1;
	put_le(b, c + 8, host, 4);
	put_le(b, c + 12, NBFT_GEN_HOST_SIZE, 2);
	b->p[c + 14] = 1;			/* host descriptor version */
	put_list(b, c + 16, hfi, NBFT_GEN_HFI_SIZE, g->n_hfi);
	put_list(b, c + 24, ssns, NBFT_GEN_SSNS_SIZE, g->n_ssns);
	put_list(b, c + 32, sec, NBFT_GEN_SEC_SIZE, g->n_sec);
	put_list(b, c + 40, disc, NBFT_GEN_DISC_SIZE, g->n_disc);
	b->p[host] = 2;				/* host */
	/* valid, host ID and host NQN configured */
	b->p[host + 1] = g->host ? 0x07 : 0;
	memcpy(b->p + host + 2, g->host_id, 16);
	if ((r = heap_str(b, host + 18, g->host_nqn)) < 0)
		return r;
	for (i = 0; r == 0 && i < g->n_hfi; i++)
		r = write_hfi(b, hfi + i * NBFT_GEN_HFI_SIZE, &g->hfi[i]);
	for (i = 0; r == 0 && i < g->n_ssns; i++)
		r = write_ssns(b, ssns + i * NBFT_GEN_SSNS_SIZE, &g->ssns[i]);
	for (i = 0; i < g->n_sec; i++) {
		size_t at = sec + i * NBFT_GEN_SEC_SIZE;

		b->p[at] = 5;			/* security */
		b->p[at + 1] = (uint8_t)g->sec[i].index;
		put_le(b, at + 2, g->sec[i].flags, 2);
		b->p[at + 4] = (uint8_t)g->sec[i].secret_type;
	}
	for (i = 0; r == 0 && i < g->n_disc; i++)
		r = write_disc(b, disc + i * NBFT_GEN_DISC_SIZE, &g->disc[i]);
	if (r == 0)
		write_header(b, g, heap);
	return r;
}

void
nbft_gen_checksum(uint8_t *table, size_t len)
{
	size_t i, n = (size_t)table[4] | (size_t)table[5] << 8 |
	    (size_t)table[6] << 16 | (size_t)table[7] << 24;
	uint8_t sum = 0;

	if (n > len)
		n = len;
	table[9] = 0;
	for (i = 0; i < n; i++)
		sum = (uint8_t)(sum + table[i]);
	table[9] = (uint8_t)(0x100 - sum);
}

int
nbft_gen(const char *src, size_t len, uint8_t **out, size_t *out_len,
    char *err, size_t err_size)
{
	struct gen *g = calloc(1, sizeof(*g));
	struct buf b = { NULL, 0 };
	char *copy = NULL, *line, *next;
	int r = 0;

	*out = NULL;
	*out_len = 0;
	if (g == NULL || (copy = malloc(len + 1)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	memcpy(copy, src, len);
	copy[len] = '\0';
	g->err = err;
	g->err_size = err_size;
	g->revision = 1;
	strcpy(g->oem, "STACD");
	strcpy(g->oem_table, "MKNBFT");
	for (line = copy; r == 0 && line; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		g->line++;
		r = line_items(g, line);
	}
	if (r == 0 && err_size)
		err[0] = '\0';
	/* libnvme (nvme nbft show, connect-all --nbft) refuses such a table */
	if (r == 0 && (!g->host || g->host_nqn[0] == '\0'))
		snprintf(err, err_size, "no host NQN: nvme-cli refuses the "
		    "table");
	if (r == 0 && (r = write_table(g, &b)) == 0) {
		*out = b.p;
		*out_len = b.n;
		b.p = NULL;
	}
out:
	free(b.p);
	free(copy);
	free(g);
	return r;
}

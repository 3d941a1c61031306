/*
 * ctrl_rec.c - packing a controller's configuration into one compact
 * record, and reading the record's identity in place.
 */
#include <stdlib.h>
#include <string.h>

#include "ctrl_rec.h"

/* The strings of cc in the order of enum rec_str. */
static void
conf_strings(const struct ctrl_conf *cc, const char *s[RS_COUNT])
{
	s[RS_TRADDR] = cc->id.traddr;
	s[RS_TRSVCID] = cc->id.trsvcid;
	s[RS_SUBSYSNQN] = cc->id.subsysnqn;
	s[RS_HOST_TRADDR] = cc->id.host_traddr;
	s[RS_HOST_IFACE] = cc->id.host_iface;
	s[RS_HOST_NQN] = cc->id.host_nqn;
	s[RS_DHCHAP_SECRET] = cc->dhchap_secret;
	s[RS_DHCHAP_CTRL_SECRET] = cc->dhchap_ctrl_secret;
}

struct ctrl_rec *
rec_pack(const struct ctrl_conf *cc)
{
	const char *s[RS_COUNT];
	size_t len[RS_COUNT], total = 0, at = 0;
	struct ctrl_rec *r;
	int f;

	conf_strings(cc, s);
	/* Bounded by the arrays: at most about 1.5 KB, so off[] fits. */
	for (f = 0; f < RS_COUNT; f++)
		total += len[f] = strlen(s[f]) + 1;
	if ((r = malloc(sizeof(*r) + total)) == NULL)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->refs = 1;
	r->transport = (uint8_t)cc->id.transport;
	r->origin = (uint8_t)cc->origin;
	r->own_tunables = cc->own_tunables;
	r->discovery_ctrl = cc->discovery_ctrl;
	r->line = cc->line;
	r->tun = cc->tun;
	for (f = 0; f < RS_COUNT; f++) {
		r->off[f] = (uint16_t)at;
		memcpy(r->s + at, s[f], len[f]);
		at += len[f];
	}
	return r;
}

/* Copy a record's string into a wide field (always fits: packed from one). */
static void
copy_out(char *dst, size_t size, const struct ctrl_rec *r, enum rec_str f)
{
	size_t n = strlen(rec_str(r, f));

	if (n >= size)
		n = size - 1;
	memcpy(dst, rec_str(r, f), n);
	dst[n] = '\0';
}

void
rec_unpack_id(const struct ctrl_rec *r, struct ctrl_id *out)
{
	memset(out, 0, sizeof(*out));
	out->transport = rec_transport(r);
	copy_out(out->traddr, sizeof(out->traddr), r, RS_TRADDR);
	copy_out(out->trsvcid, sizeof(out->trsvcid), r, RS_TRSVCID);
	copy_out(out->subsysnqn, sizeof(out->subsysnqn), r, RS_SUBSYSNQN);
	copy_out(out->host_traddr, sizeof(out->host_traddr), r,
	    RS_HOST_TRADDR);
	copy_out(out->host_iface, sizeof(out->host_iface), r, RS_HOST_IFACE);
	copy_out(out->host_nqn, sizeof(out->host_nqn), r, RS_HOST_NQN);
}

void
rec_unpack(const struct ctrl_rec *r, struct ctrl_conf *out)
{
	memset(out, 0, sizeof(*out));
	rec_unpack_id(r, &out->id);
	copy_out(out->dhchap_secret, sizeof(out->dhchap_secret), r,
	    RS_DHCHAP_SECRET);
	copy_out(out->dhchap_ctrl_secret, sizeof(out->dhchap_ctrl_secret), r,
	    RS_DHCHAP_CTRL_SECRET);
	out->tun = r->tun;
	out->own_tunables = r->own_tunables;
	out->discovery_ctrl = r->discovery_ctrl;
	out->origin = (enum ctrl_origin)r->origin;
	out->line = r->line;
}

struct ctrl_rec *
rec_ref(struct ctrl_rec *r)
{
	if (r)
		r->refs++;
	return r;
}

void
rec_unref(struct ctrl_rec *r)
{
	if (r && --r->refs == 0) {
		/* The DH-HMAC-CHAP secrets are not left in freed memory. */
		explicit_bzero(r->s + r->off[RS_DHCHAP_SECRET],
		    r->off[RS_DHCHAP_CTRL_SECRET] - r->off[RS_DHCHAP_SECRET] +
		    strlen(rec_str(r, RS_DHCHAP_CTRL_SECRET)));
		free(r);
	}
}

void
rec_view(const struct ctrl_rec *r, struct ctrl_view *v)
{
	v->transport = rec_transport(r);
	v->traddr = rec_str(r, RS_TRADDR);
	v->trsvcid = rec_str(r, RS_TRSVCID);
	v->subsysnqn = rec_str(r, RS_SUBSYSNQN);
	v->host_traddr = rec_str(r, RS_HOST_TRADDR);
	v->host_iface = rec_str(r, RS_HOST_IFACE);
	v->host_nqn = rec_str(r, RS_HOST_NQN);
}

int
rec_id_compare(const struct ctrl_rec *a, const struct ctrl_rec *b)
{
	struct ctrl_view x, y;

	rec_view(a, &x);
	rec_view(b, &y);
	return ctrl_view_compare(&x, &y);
}

int
rec_compare_id(const struct ctrl_rec *a, const struct ctrl_id *b)
{
	struct ctrl_view x, y;

	rec_view(a, &x);
	ctrl_id_view(b, &y);
	return ctrl_view_compare(&x, &y);
}

bool
rec_matches(const struct kctrl *k, const struct ctrl_rec *r,
    const char *host_nqn)
{
	struct ctrl_view v;

	rec_view(r, &v);
	return ctrl_view_matches(k, &v, host_nqn);
}

const char *
rec_id_str(const struct ctrl_rec *r, char *buf, size_t size)
{
	struct ctrl_view v;

	rec_view(r, &v);
	return ctrl_view_str(&v, buf, size);
}

uint32_t
rec_id_hash(const struct ctrl_rec *r)
{
	struct ctrl_view v;

	rec_view(r, &v);
	return ctrl_view_hash(&v);
}

/*
 * discovery.c - stafd's discovery log pages (get_all_log_pages, a JSON
 * string) to desired I/O controllers.  nvme-stas stacd.py
 * Stac._config_ctrls_finish() is the model.
 *
 * What stafd relays comes from the network: every log page entry is
 * untrusted and judged alone, so a bad one costs only itself.  The shape
 * of the document is checked as a whole first: a stafd that speaks
 * another format must not make stacd forget what it discovered before.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discovery.h"
#include "field.h"
#include "json.h"
#include "log.h"
#include "util.h"

#define SKIP_WARN_MAX	20	/* entry warnings logged per document */
#define EFLAGS_NCC	0x4	/* not connected to a CDC (NVMe TP 8010) */
#define SHOWN_MAX	80	/* an untrusted value as shown in a message */

/* The pass over one document. */
struct disc {
	const struct conf	*conf;
	const struct host_conf	*host;
	const struct want	*prev;		/* the last answer's wants */
	size_t			 n_prev;
	struct want		*v;
	size_t			 n, cap;
	int			 err;		/* -ENOMEM */
	bool			 full;		/* DISCOVERY_WANTS_MAX */
	size_t			 warned;	/* entry warnings logged */
	size_t			 unlogged;	/* and those left out */
};

/* One discovery controller: what its entries inherit, and its name. */
struct dc {
	const struct json_node	*host_traddr, *host_iface, *host_nqn;
	uint32_t		 key;		/* hash of its identity */
	char			 name[SHOWN_MAX + 48];
	bool			 told_nqn;	/* foreign host-nqn logged */
};

/* One log page entry, for messages. */
struct entry {
	struct dc	*dc;
	size_t		 index;
};

/* The identity fields in field_problem() terms, named as stafd does. */
static const struct {
	const char	*name;
	enum field	 field;
	size_t		 off;
} id_fields[] = {
	{ "traddr", FIELD_TRADDR, offsetof(struct ctrl_id, traddr) },
	{ "trsvcid", FIELD_TRSVCID, offsetof(struct ctrl_id, trsvcid) },
	{ "subnqn", FIELD_NQN, offsetof(struct ctrl_id, subsysnqn) },
	{ "host-traddr", FIELD_HOST_TRADDR,
	    offsetof(struct ctrl_id, host_traddr) },
	{ "host-iface", FIELD_HOST_IFACE,
	    offsetof(struct ctrl_id, host_iface) },
	{ "host-nqn", FIELD_HOST_NQN, offsetof(struct ctrl_id, host_nqn) },
};

static void	skip(struct disc *d, const struct entry *e,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* An untrusted value for a log line: bytes outside ASCII escaped, cut. */
static const char *
shown(const char *s, char *buf, size_t size)
{
	size_t o = 0;

	for (; *s && o + 8 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	if (*s) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* Warn about a skipped entry; after SKIP_WARN_MAX, only count it. */
static void
skip(struct disc *d, const struct entry *e, const char *fmt, ...)
{
	char msg[SHOWN_MAX * 2 + 128];
	va_list ap;

	if (d->warned == SKIP_WARN_MAX) {
		d->unlogged++;
		return;
	}
	d->warned++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("stafd: %s, log page entry %zu: %s, entry skipped",
	    e->dc->name, e->index, msg);
}

/* ---- the document as a whole ---- */

static int
bad_shape(size_t i, const char *what)
{
	log_warnx("stafd: get_all_log_pages: element %zu: %s; discovery "
	    "data ignored", i, what);
	return -EBADMSG;
}

/* A list of {"discovery-controller": {...}, "log-pages": [...]}. */
static int
check_shape(const struct json_node *root)
{
	static const char *const host_keys[] = {
		"host-traddr", "host-iface", "host-nqn"
	};
	const struct json_node *el, *dc, *v;
	size_t i, k;

	if (!json_is(root, JSON_ARRAY)) {
		log_warnx("stafd: get_all_log_pages: not a list; discovery "
		    "data ignored");
		return -EBADMSG;
	}
	for (i = 0; i < json_array_len(root); i++) {
		el = json_array_at(root, i);
		dc = json_object_get(el, "discovery-controller");
		if (!json_is(el, JSON_OBJECT))
			return bad_shape(i, "not an object");
		if (!json_is(dc, JSON_OBJECT))
			return bad_shape(i,
			    "no \"discovery-controller\" object");
		if (!json_is(json_object_get(el, "log-pages"), JSON_ARRAY))
			return bad_shape(i, "no \"log-pages\" list");
		for (k = 0; k < sizeof(host_keys) / sizeof(host_keys[0]); k++)
			if ((v = json_object_get(dc, host_keys[k])) != NULL &&
			    !json_is(v, JSON_STRING))
				return bad_shape(i, "a discovery-controller "
				    "value is not a string");
	}
	return 0;
}

/* ---- one log page entry ---- */

/* Copy a string value ("" when absent); false (told) when unusable. */
static bool
copy_value(struct disc *d, const struct entry *e, const char *key,
    const struct json_node *v, char *buf, size_t size)
{
	char tmp[SHOWN_MAX];

	if (v == NULL) {
		buf[0] = '\0';
		return true;
	}
	if (!json_is(v, JSON_STRING)) {
		skip(d, e, "%s is not a string", key);
		return false;
	}
	if (json_string_len(v) >= size) {
		skip(d, e, "%s \"%s\" is too long", key,
		    shown(json_string(v), tmp, sizeof(tmp)));
		return false;
	}
	memcpy(buf, json_string(v), json_string_len(v) + 1);
	return true;
}

/* The transport's rules, as conf.c applies them to configured entries. */
static void
normalize(const struct disc *d, struct ctrl_id *id)
{
	switch (id->transport) {
	case TRTYPE_TCP:
		break;
	case TRTYPE_RDMA:
		id->host_iface[0] = '\0';	/* tcp only */
		break;
	case TRTYPE_FC:
		id->trsvcid[0] = '\0';
		id->host_iface[0] = '\0';
		break;
	case TRTYPE_LOOP:
		id->trsvcid[0] = '\0';
		id->host_iface[0] = '\0';
		id->host_traddr[0] = '\0';
		break;
	case TRTYPE_NONE:
	case TRTYPE_COUNT:
		break;
	}
	if (d->conf->ignore_iface)
		id->host_iface[0] = '\0';
	if (id->host_nqn[0] == '\0')
		memcpy(id->host_nqn, d->host->nqn, sizeof(id->host_nqn));
}

/* Why a required field is missing, or NULL. */
static const char *
missing(const struct ctrl_id *id)
{
	bool ip = id->transport == TRTYPE_TCP || id->transport == TRTYPE_RDMA;

	if (id->subsysnqn[0] == '\0')
		return "no subnqn";
	if (id->traddr[0] == '\0' && id->transport != TRTYPE_LOOP)
		return "no traddr";
	if (id->trsvcid[0] == '\0' && ip)
		return "no trsvcid";
	if (id->host_traddr[0] == '\0' && id->transport == TRTYPE_FC)
		return "fc needs the discovery controller's host-traddr";
	return NULL;
}

/* Required fields present, every present field valid. */
static bool
check_id(struct disc *d, const struct entry *e, const struct ctrl_id *id)
{
	char tmp[SHOWN_MAX];
	const char *v, *problem;
	size_t i;

	if ((problem = missing(id)) != NULL) {
		skip(d, e, "%s", problem);
		return false;
	}
	for (i = 0; i < sizeof(id_fields) / sizeof(id_fields[0]); i++) {
		v = (const char *)id + id_fields[i].off;
		if (*v && (problem = field_problem(id_fields[i].field,
		    id->transport, v)) != NULL) {
			skip(d, e, "%s \"%s\" is invalid (%s)",
			    id_fields[i].name, shown(v, tmp, sizeof(tmp)),
			    problem);
			return false;
		}
	}
	if ((id->transport == TRTYPE_TCP || id->transport == TRTYPE_RDMA) &&
	    !field_is_ip(id->traddr)) {
		skip(d, e, "traddr \"%s\" is not an IP address",
		    shown(id->traddr, tmp, sizeof(tmp)));
		return false;
	}
	return true;
}

/* The entry's identity, validated; false (told) when unusable. */
static bool
entry_id(struct disc *d, const struct entry *e, const struct json_node *dlpe,
    struct ctrl_id *id)
{
	const char *t = json_string(json_object_get(dlpe, "trtype"));
	struct dc *dc = e->dc;
	char tmp[SHOWN_MAX];

	id->transport = t ? trtype_from_name(t) : TRTYPE_NONE;
	if (id->transport == TRTYPE_NONE) {
		skip(d, e, "Invalid transport \"%s\"", shown(t ? t : "", tmp,
		    sizeof(tmp)));
		return false;
	}
	if (!copy_value(d, e, "traddr", json_object_get(dlpe, "traddr"),
	    id->traddr, sizeof(id->traddr)) ||
	    !copy_value(d, e, "trsvcid", json_object_get(dlpe, "trsvcid"),
	    id->trsvcid, sizeof(id->trsvcid)) ||
	    !copy_value(d, e, "subnqn", json_object_get(dlpe, "subnqn"),
	    id->subsysnqn, sizeof(id->subsysnqn)) ||
	    !copy_value(d, e, "host-traddr", dc->host_traddr,
	    id->host_traddr, sizeof(id->host_traddr)) ||
	    !copy_value(d, e, "host-iface", dc->host_iface,
	    id->host_iface, sizeof(id->host_iface)) ||
	    !copy_value(d, e, "host-nqn", dc->host_nqn,
	    id->host_nqn, sizeof(id->host_nqn)))
		return false;
	normalize(d, id);
	if (strcmp(id->host_nqn, d->host->nqn) != 0) {
		/* The kernel pairs each host NQN with one host ID. */
		if (!dc->told_nqn)
			log_warnx("stafd: %s: host-nqn differs from the host's "
			    "NQN; stacd connects with the host identity only, "
			    "its entries skipped", dc->name);
		dc->told_nqn = true;
		return false;
	}
	return check_id(d, e, id);
}

/* EFLAGS, a decimal string (0 when absent or not a number). */
static bool
entry_ncc(const struct json_node *dlpe)
{
	const struct json_node *v = json_object_get(dlpe, "eflags");
	const char *s = json_string(v);
	uint64_t x = 0;

	if (s == NULL)
		(void)json_number_u64(v, &x);	/* not stringified after all */
	else
		for (; *s; s++) {
			if (*s < '0' || *s > '9' || x > UINT32_MAX) {
				x = 0;		/* EFLAGS is 16 bits wide */
				break;
			}
			x = x * 10 + (uint64_t)(*s - '0');
		}
	return (x & EFLAGS_NCC) != 0;
}

/* w's reference to its record goes to the set, or is released. */
static void
add_want(struct disc *d, const struct want *w)
{
	struct want *v;

	if (d->n == DISCOVERY_WANTS_MAX) {
		log_warnx("stafd: more than %d I/O controllers discovered (the "
		    "limit), the rest ignored", DISCOVERY_WANTS_MAX);
		d->full = true;
		rec_unref(w->rec);
		return;
	}
	if ((v = array_grow(d->v, &d->cap, d->n + 1, sizeof(*v))) == NULL) {
		d->err = -ENOMEM;
		rec_unref(w->rec);
		return;
	}
	d->v = v;
	d->v[d->n++] = *w;
}

static void
add_entry(struct disc *d, const struct entry *e, const struct json_node *dlpe)
{
	const char *subtype = json_string(json_object_get(dlpe, "subtype"));
	struct ctrl_conf cc;
	struct ctrl_id *id = &cc.id;
	char name[CTRL_ID_STR_MAX];
	struct want w;
	unsigned fam;

	if (!json_is(dlpe, JSON_OBJECT)) {
		skip(d, e, "not an object");
		return;
	}
	/* Referrals and the current discovery controller are stafd's. */
	if (subtype == NULL || strcmp(subtype, "nvme") != 0)
		return;
	memset(&cc, 0, sizeof(cc));
	if (!entry_id(d, e, dlpe, id))
		return;
	ctrl_id_str(id, name, sizeof(name));
	if (conf_excluded(d->conf, id)) {
		log_debug("stafd: %s: excluded", name);
		return;
	}
	if (id->transport == TRTYPE_TCP || id->transport == TRTYPE_RDMA) {
		fam = field_canonical_ip(id->traddr, sizeof(id->traddr));
		if (!(fam & d->conf->ip_family)) {
			log_debug("stafd: %s: excluded by ip-family", name);
			return;
		}
		if (id->host_traddr[0])
			field_canonical_ip(id->host_traddr,
			    sizeof(id->host_traddr));
		if (conf_excluded(d->conf, id)) {
			log_debug("stafd: %s: excluded (canonical address)",
			    name);
			return;
		}
	}
	if (want_pack(&w, &cc) < 0) {
		d->err = -ENOMEM;
		return;
	}
	w.discovered = true;
	w.ncc = entry_ncc(dlpe);
	w.dc = e->dc->key;
	add_want(d, &w);
}

/* A key of a discovery controller's identity as stafd gives it. */
static uint32_t
dc_key(const struct json_node *dc)
{
	static const char *const keys[] = {
		"transport", "traddr", "trsvcid", "subsysnqn", "host-traddr",
		"host-iface", "host-nqn"
	};
	uint32_t h = FNV1A_SEED;
	size_t k;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		h = fnv1a_field(h, json_string(json_object_get(dc, keys[k])));
	return h;
}

/* Not connected and nothing listed: stafd does not know yet. */
static bool
dc_unknown(const struct json_node *dc, const struct json_node *pages)
{
	const char *connected = json_string(json_object_get(dc, "connected"));

	return json_array_len(pages) == 0 &&
	    (connected == NULL || strcmp(connected, "True") != 0);
}

/* Keep what a discovery controller that stafd cannot reach listed. */
static void
keep_previous(struct disc *d, const struct dc *ctx)
{
	size_t i, kept = 0;

	for (i = 0; i < d->n_prev && !d->full && !d->err; i++) {
		struct want w = d->prev[i];
		struct ctrl_id id;

		if (w.dc != ctx->key)
			continue;
		rec_unpack_id(w.rec, &id);
		if (!conf_keeps(d->conf, &id))
			continue;
		rec_ref(w.rec);
		add_want(d, &w);
		kept++;
	}
	if (kept)
		log_info("stafd: %s is not connected and lists nothing; "
		    "keeping the %zu I/O controllers it listed before",
		    ctx->name, kept);
}

static void
add_dc(struct disc *d, const struct json_node *el, size_t i)
{
	const struct json_node *dc, *pages;
	const char *traddr;
	char tmp[SHOWN_MAX];
	struct dc ctx;
	struct entry e;
	size_t j;

	dc = json_object_get(el, "discovery-controller");
	pages = json_object_get(el, "log-pages");
	traddr = json_string(json_object_get(dc, "traddr"));
	memset(&ctx, 0, sizeof(ctx));
	ctx.host_traddr = json_object_get(dc, "host-traddr");
	ctx.host_iface = json_object_get(dc, "host-iface");
	ctx.host_nqn = json_object_get(dc, "host-nqn");
	ctx.key = dc_key(dc);
	if (traddr && *traddr)
		snprintf(ctx.name, sizeof(ctx.name), "discovery controller "
		    "%zu (%s)", i, shown(traddr, tmp, sizeof(tmp)));
	else
		snprintf(ctx.name, sizeof(ctx.name), "discovery controller %zu",
		    i);
	e.dc = &ctx;
	if (dc_unknown(dc, pages)) {
		keep_previous(d, &ctx);
		return;
	}
	for (j = 0; j < json_array_len(pages) && !d->full && !d->err; j++) {
		e.index = j;
		add_entry(d, &e, json_array_at(pages, j));
	}
}

int
discovery_parse(const char *json, size_t len, const struct conf *c,
    const struct host_conf *h, const struct want *prev, size_t n_prev,
    struct want **out, size_t *n)
{
	struct json_doc doc;
	const struct json_node *root;
	const char *why;
	struct disc d;
	size_t i;
	int r;

	*out = NULL;
	*n = 0;
	if ((r = json_parse(json, len, &doc, &why)) != 0) {
		log_warnx("stafd: get_all_log_pages: not usable JSON (%s); "
		    "discovery data ignored", why);
		return r;
	}
	root = json_root(&doc);
	if ((r = check_shape(root)) != 0) {
		json_fini(&doc);
		return r;
	}
	memset(&d, 0, sizeof(d));
	d.conf = c;
	d.host = h;
	d.prev = prev;
	d.n_prev = n_prev;
	for (i = 0; i < json_array_len(root) && !d.full && !d.err; i++)
		add_dc(&d, json_array_at(root, i), i);
	json_fini(&doc);
	if (d.unlogged)
		log_warnx("stafd: %zu more log page entries skipped",
		    d.unlogged);
	if (d.err == 0)
		d.err = want_drop_repeats(d.v, &d.n);
	if (d.err == 0 && d.v == NULL && (d.v = calloc(1, sizeof(*d.v))) ==
	    NULL)
		d.err = -ENOMEM;
	if (d.err) {
		want_free(d.v, d.n);
		return d.err;
	}
	*out = d.v;
	*n = d.n;
	return 0;
}

/*
 * owndisc.c - the desired controllers stacd's own discovery found: the
 * log page entries of its discovery controllers, referrals followed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "owndisc.h"
#include "util.h"

void
owndisc_init(struct owndisc *o)
{
	memset(o, 0, sizeof(*o));
}

void
owndisc_fini(struct owndisc *o)
{
	want_free(o->v, o->n);
	owndisc_init(o);
}

/* An entry as a controller of dc's origin, with host_nqn when it has none. */
static void
entry_to_conf(const struct dlp_entry *e, const struct ctrl_conf *dc,
    const char *host_nqn, struct ctrl_conf *cc)
{
	memset(cc, 0, sizeof(*cc));
	cc->id = e->id;
	cc->origin = dc->origin;
	cc->discovery_ctrl = e->subtype == DLP_REFERRAL;
	if (cc->id.host_nqn[0] == '\0')
		snprintf(cc->id.host_nqn, sizeof(cc->id.host_nqn), "%s",
		    host_nqn);
}

static bool
is_dc(const struct want *w, const struct ctrl_id *dc)
{
	return w->rec->discovery_ctrl && rec_compare_id(w->rec, dc) == 0;
}

static bool
dc_in(const struct want *v, size_t n, const struct ctrl_id *dc)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (is_dc(&v[i], dc))
			return true;
	return false;
}

/*
 * Is dc known to o: what it holds but what the page of tag listed before
 * (being replaced), and the n_new entries taken from that page so far
 * (after o->n)?
 */
static bool
dc_known(const struct owndisc *o, size_t n_new, uint32_t tag,
    const struct ctrl_id *dc)
{
	size_t i;

	for (i = 0; i < o->n + n_new; i++)
		if ((i >= o->n || o->v[i].dc != tag) && is_dc(&o->v[i], dc))
			return true;
	return false;
}

/* An entry of the page being read, and where the page stands. */
struct referral {
	const struct dlp_entry	*e;
	const struct ctrl_id	*id;
	int			 depth;		/* of a referral */
	size_t			 n_new;		/* taken so far */
	uint32_t		 tag;
};

static bool
referral_taken(const struct owndisc *o, const struct referral *ref,
    const struct want *conf, size_t n_conf, const char *from)
{
	char name[CTRL_ID_STR_MAX];

	ctrl_id_str(ref->id, name, sizeof(name));
	if (ref->e->eflags & DLP_EFLAGS_DUPRETINFO) {
		log_debug("%s: referral %s returns what another does: not "
		    "followed", from, name);
		return false;
	}
	if (ref->depth > REFERRAL_DEPTH_MAX) {
		log_warnx("%s: referral %s is more than %d hops away: not "
		    "followed", from, name, REFERRAL_DEPTH_MAX);
		return false;
	}
	if (dc_in(conf, n_conf, ref->id) ||
	    dc_known(o, ref->n_new, ref->tag, ref->id)) {
		log_debug("%s: referral %s is known already", from, name);
		return false;
	}
	log_info("%s: following the referral to %s", from, name);
	return true;
}

/* Is the entry ref->e (identity ref->id) to be taken? */
static bool
entry_taken(const struct owndisc *o, const struct referral *ref,
    const struct want *conf, size_t n_conf, const struct conf *c,
    const char *from)
{
	if (ref->e->subtype == DLP_REFERRAL)
		return referral_taken(o, ref, conf, n_conf, from);
	return ref->e->subtype == DLP_NVM && conf_keeps(c, ref->id);
}

int
owndisc_page(struct owndisc *o, const struct ctrl_conf *dc, int depth,
    const struct dlp_entry *e, size_t n, const struct want *conf,
    size_t n_conf, const struct conf *c, const char *host_nqn,
    const char *name)
{
	struct referral ref = { .depth = depth + 1,
	    .tag = ctrl_id_hash(&dc->id) };
	struct ctrl_conf cc;
	struct want *v;
	size_t i, m;
	int err = 0;

	/* Room first, so that failing leaves the set as it was. */
	if ((v = array_grow(o->v, &o->cap, o->n + n + 1, sizeof(*v))) == NULL)
		return -ENOMEM;
	o->v = v;
	/* The page's entries go after the old ones until all are packed. */
	for (i = 0; i < n && err == 0; i++) {
		struct want *w = &o->v[o->n + ref.n_new];

		entry_to_conf(&e[i], dc, host_nqn, &cc);
		ref.e = &e[i];
		ref.id = &cc.id;
		if (!entry_taken(o, &ref, conf, n_conf, c, name) ||
		    (err = want_pack(w, &cc)) < 0)
			continue;
		w->discovered = true;
		w->ncc = (e[i].eflags & DLP_EFLAGS_NCC) != 0;
		w->dc = ref.tag;
		w->dc_depth = cc.discovery_ctrl ? ref.depth : 0;
		ref.n_new++;
	}
	if (err) {
		for (i = 0; i < ref.n_new; i++)
			rec_unref(o->v[o->n + i].rec);
		return err;
	}
	/* What the page listed before goes. */
	for (i = m = 0; i < o->n + ref.n_new; i++)
		if (i >= o->n || o->v[i].dc != ref.tag)
			o->v[m++] = o->v[i];
		else
			rec_unref(o->v[i].rec);
	o->n = m;
	return (int)ref.n_new;
}

static int
tag_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The keys of every discovery controller configured or referred to. */
static uint32_t *
dc_tags(const struct owndisc *o, const struct want *conf, size_t n_conf,
    size_t *n)
{
	uint32_t *t = malloc((n_conf + o->n + 1) * sizeof(*t));
	size_t i;

	*n = 0;
	if (t == NULL)
		return NULL;
	for (i = 0; i < n_conf; i++)
		if (conf[i].rec->discovery_ctrl)
			t[(*n)++] = rec_id_hash(conf[i].rec);
	for (i = 0; i < o->n; i++)
		if (o->v[i].rec->discovery_ctrl)
			t[(*n)++] = rec_id_hash(o->v[i].rec);
	qsort(t, *n, sizeof(*t), tag_cmp);
	return t;
}

size_t
owndisc_forget_orphans(struct owndisc *o, const struct want *conf,
    size_t n_conf)
{
	size_t i, m, n_tags, dropped = 0, before;
	uint32_t *tags;

	do {
		/* Out of memory: keep everything, nothing is lost. */
		if ((tags = dc_tags(o, conf, n_conf, &n_tags)) == NULL)
			break;
		before = o->n;
		for (i = m = 0; i < o->n; i++)
			if (bsearch(&o->v[i].dc, tags, n_tags, sizeof(*tags),
			    tag_cmp))
				o->v[m++] = o->v[i];
			else
				rec_unref(o->v[i].rec);
		o->n = m;
		free(tags);
		dropped += before - m;
	} while (m < before);
	return dropped;
}

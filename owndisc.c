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
	free(o->v);
	owndisc_init(o);
}

/* An entry as a want listed by the discovery controller tag. */
static void
entry_to_want(const struct dlp_entry *e, uint32_t tag, const char *host_nqn,
    struct want *w)
{
	memset(w, 0, sizeof(*w));
	w->cfg.id = e->id;
	w->discovered = true;
	w->ncc = (e->eflags & DLP_EFLAGS_NCC) != 0;
	w->dc = tag;
	if (w->cfg.id.host_nqn[0] == '\0')
		snprintf(w->cfg.id.host_nqn, sizeof(w->cfg.id.host_nqn), "%s",
		    host_nqn);
}

static bool
dc_in(const struct want *v, size_t n, const struct ctrl_id *dc)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].cfg.discovery_ctrl &&
		    ctrl_id_compare(&v[i].cfg.id, dc) == 0)
			return true;
	return false;
}

/* May the referral w (in o's spare slot) be followed? */
static bool
referral_taken(const struct owndisc *o, const struct dlp_entry *e,
    const struct want *w, const struct want *conf, size_t n_conf,
    const char *from)
{
	char name[CTRL_ID_STR_MAX];

	ctrl_id_str(&w->cfg.id, name, sizeof(name));
	if (e->eflags & DLP_EFLAGS_DUPRETINFO) {
		log_debug("%s: referral %s returns what another does: not "
		    "followed", from, name);
		return false;
	}
	if (w->dc_depth > REFERRAL_DEPTH_MAX) {
		log_warnx("%s: referral %s is more than %d hops away: not "
		    "followed", from, name, REFERRAL_DEPTH_MAX);
		return false;
	}
	if (dc_in(conf, n_conf, &w->cfg.id) || dc_in(o->v, o->n, &w->cfg.id)) {
		log_debug("%s: referral %s is known already", from, name);
		return false;
	}
	log_info("%s: following the referral to %s", from, name);
	return true;
}

int
owndisc_page(struct owndisc *o, const struct ctrl_conf *dc, int depth,
    const struct dlp_entry *e, size_t n, const struct want *conf,
    size_t n_conf, const struct conf *c, const char *host_nqn,
    const char *name)
{
	uint32_t tag = ctrl_id_hash(&dc->id);
	struct want *v;
	size_t i, m, first;

	/* Room first, so that failing leaves the set as it was. */
	if ((v = array_grow(o->v, &o->cap, o->n + n + 1, sizeof(*v))) == NULL)
		return -ENOMEM;
	o->v = v;
	for (i = m = 0; i < o->n; i++)
		if (o->v[i].dc != tag)
			o->v[m++] = o->v[i];
	o->n = first = m;
	for (i = 0; i < n; i++) {
		struct want *w = &o->v[o->n];

		entry_to_want(&e[i], tag, host_nqn, w);
		w->cfg.origin = dc->origin;
		if (e[i].subtype == DLP_REFERRAL) {
			w->cfg.discovery_ctrl = true;
			w->dc_depth = depth + 1;
			if (referral_taken(o, &e[i], w, conf, n_conf, name))
				o->n++;
		} else if (e[i].subtype == DLP_NVM && conf_keeps(c, &w->cfg.id))
			o->n++;
	}
	return (int)(o->n - first);
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
		if (conf[i].cfg.discovery_ctrl)
			t[(*n)++] = ctrl_id_hash(&conf[i].cfg.id);
	for (i = 0; i < o->n; i++)
		if (o->v[i].cfg.discovery_ctrl)
			t[(*n)++] = ctrl_id_hash(&o->v[i].cfg.id);
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
		o->n = m;
		free(tags);
		dropped += before - m;
	} while (m < before);
	return dropped;
}

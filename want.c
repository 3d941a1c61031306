/*
 * want.c - the desired set: configured controllers (with the answers of
 * the host-name resolver), discovered ones, and their merge.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "log.h"
#include "util.h"
#include "want.h"

/* ---- wants ---- */

int
want_pack(struct want *w, const struct ctrl_conf *cc)
{
	memset(w, 0, sizeof(*w));
	return (w->rec = rec_pack(cc)) ? 0 : -ENOMEM;
}

void
want_free(struct want *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		rec_unref(v[i].rec);
	free(v);
}

/* ---- host names ---- */

static bool
needs_resolving(enum trtype t, const char *traddr)
{
	return (t == TRTYPE_TCP || t == TRTYPE_RDMA) && !field_is_ip(traddr);
}

void
want_names_fini(struct want_names *names)
{
	free(names->v);
	memset(names, 0, sizeof(*names));
}

struct want_name *
want_names_find(const struct want_names *names, const char *name)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		if (strcmp(names->v[i].name, name) == 0)
			return &names->v[i];
	return NULL;
}

/* The name traddr, when it needs resolving and is not there yet. */
static int
names_add_one(struct want_names *names, enum trtype t, const char *traddr)
{
	struct want_name *v;

	if (!needs_resolving(t, traddr) || want_names_find(names, traddr))
		return 0;
	if ((v = array_grow(names->v, &names->cap, names->n + 1,
	    sizeof(*v))) == NULL)
		return -ENOMEM;
	names->v = v;
	v = &names->v[names->n++];
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", traddr);
	return 1;
}

int
want_names_add(struct want_names *names, struct ctrl_rec *const *ctrls,
    size_t n)
{
	size_t i;
	int r, added = 0;

	for (i = 0; i < n; i++) {
		if ((r = names_add_one(names, rec_transport(ctrls[i]),
		    rec_str(ctrls[i], RS_TRADDR))) < 0)
			return r;
		added += r;
	}
	return added;
}

int
want_names_sync(struct want_names *names, const struct conf *c)
{
	return want_names_add(names, c->ctrls, c->n_ctrls);
}

/* ---- the configured controllers ---- */

bool
want_needs_resolving(const struct ctrl_id *id)
{
	return needs_resolving(id->transport, id->traddr);
}

/* One configured controller; false when it is not wanted now. */
static bool
want_one(const struct conf *c, const struct host_conf *h,
    const struct want_names *names, struct ctrl_conf *cc, bool *incomplete)
{
	struct ctrl_id *id = &cc->id;
	char name[CTRL_ID_STR_MAX];
	unsigned fam;

	ctrl_id_str(id, name, sizeof(name));
	if (id->host_nqn[0] == '\0')
		memcpy(id->host_nqn, h->nqn, sizeof(id->host_nqn));
	else if (strcmp(id->host_nqn, h->nqn) != 0) {
		/* The kernel pairs each host NQN with one host ID. */
		log_warnx("%s: host-nqn differs from the host's NQN; stacd "
		    "connects with the host identity only, skipped", name);
		return false;
	}
	if (conf_excluded(c, id)) {
		log_debug("%s: excluded", name);
		return false;
	}
	if (id->transport != TRTYPE_TCP && id->transport != TRTYPE_RDMA)
		return true;
	if (want_needs_resolving(id)) {
		const struct want_name *wn = want_names_find(names, id->traddr);

		if (wn == NULL || wn->addr[0] == '\0') {
			/* Until its first answer, what it stands for is unknown. */
			if (wn == NULL || wn->pending)
				*incomplete = true;
			return false;
		}
		snprintf(id->traddr, sizeof(id->traddr), "%s", wn->addr);
	}
	fam = field_canonical_ip(id->traddr, sizeof(id->traddr));
	if (!(fam & c->ip_family)) {
		log_warnx("%s: excluded by ip-family", name);
		return false;
	}
	if (id->host_traddr[0])
		field_canonical_ip(id->host_traddr, sizeof(id->host_traddr));
	if (conf_excluded(c, id)) {
		log_debug("%s: excluded (resolved address)", name);
		return false;
	}
	return true;
}

int
want_from_ctrls(const struct conf *c, struct ctrl_rec *const *ctrls,
    size_t n_ctrls, const struct host_conf *h,
    const struct want_names *names, struct want **out, size_t *n,
    bool *incomplete)
{
	struct ctrl_conf cc;
	struct want *v;
	size_t i, m = *n;
	int err = 0;

	if (n_ctrls > SIZE_MAX / sizeof(*v) - m - 1 ||
	    (v = realloc(*out, (m + n_ctrls + 1) * sizeof(*v))) == NULL)
		return -ENOMEM;
	*out = v;
	for (i = 0; i < n_ctrls && err == 0; i++) {
		rec_unpack(ctrls[i], &cc);
		if (want_one(c, h, names, &cc, incomplete) &&
		    (err = want_pack(&v[m], &cc)) == 0)
			m++;
	}
	if (err) {
		for (i = *n; i < m; i++)
			rec_unref(v[i].rec);
		return err;
	}
	*n = m;
	return 0;
}

int
want_from_conf(const struct conf *c, const struct host_conf *h,
    const struct want_names *names, struct want **out, size_t *n,
    bool *incomplete)
{
	*out = NULL;
	*n = 0;
	*incomplete = false;
	return want_from_ctrls(c, c->ctrls, c->n_ctrls, h, names, out, n,
	    incomplete);
}

/* ---- the merged set ---- */

int
want_merge(const struct want *conf, size_t n_conf, const struct want *disc,
    size_t n_disc, const struct want ***out, size_t *n)
{
	size_t total = n_conf + n_disc, i;
	const struct want **v = calloc(total ? total : 1, sizeof(*v));

	if (v == NULL)
		return -ENOMEM;
	for (i = 0; i < n_conf; i++)
		v[i] = &conf[i];
	for (i = 0; i < n_disc; i++)
		v[n_conf + i] = &disc[i];
	*out = v;
	*n = total;
	return 0;
}

/* ---- identities ---- */

static int
want_ptr_cmp(const void *a, const void *b)
{
	const struct want *x = *(const struct want *const *)a;
	const struct want *y = *(const struct want *const *)b;
	int c = rec_id_compare(x->rec, y->rec);

	/*
	 * Of equal identities a configured one wins over a discovered one;
	 * within one origin (one array) the first one in memory wins.
	 */
	if (c == 0 && x->discovered != y->discovered)
		return x->discovered ? 1 : -1;
	return c ? c : (x > y) - (x < y);
}

size_t
want_sort_unique(const struct want **p, size_t n)
{
	size_t i, m = 0;

	qsort(p, n, sizeof(*p), want_ptr_cmp);
	for (i = 0; i < n; i++)
		if (m == 0 || rec_id_compare(p[m - 1]->rec, p[i]->rec) != 0)
			p[m++] = p[i];
	return m;
}

int
want_drop_repeats(struct want *v, size_t *n)
{
	const struct want **p;
	bool *drop;
	size_t i, m = 0;

	if (*n < 2)
		return 0;
	p = calloc(*n, sizeof(*p));
	drop = calloc(*n, sizeof(*drop));
	if (p == NULL || drop == NULL) {
		free(p);
		free(drop);
		return -ENOMEM;
	}
	for (i = 0; i < *n; i++) {
		p[i] = &v[i];
		drop[i] = true;
	}
	for (i = want_sort_unique(p, *n); i > 0; i--)
		drop[p[i - 1] - v] = false;
	for (i = 0; i < *n; i++)
		if (!drop[i])
			v[m++] = v[i];
		else
			rec_unref(v[i].rec);
	*n = m;
	free(p);
	free(drop);
	return 0;
}

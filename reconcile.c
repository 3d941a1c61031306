/*
 * reconcile.c - compare the desired controllers with the kernel's and
 * decide what to connect and disconnect.
 *
 * Level-triggered: every pass starts from the full desired set and the
 * kernel's whole set of controllers (stacd.c keeps it current, and reads
 * all of /sys/class/nvme again after lost uevents), so a repeated uevent
 * costs nothing.  Work is O(n log n): the tracked set stays sorted by
 * identity and is updated in place, the desired set is sorted unless it
 * comes sorted, and the kernel's controllers are looked up through
 * sorted indexes.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "reconcile.h"
#include "util.h"

void
recon_init(struct recon *r)
{
	memset(r, 0, sizeof(*r));
}

void
recon_fini(struct recon *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		rec_unref(r->v[i].rec);
	free(r->v);
	recon_init(r);
}

static int
tracked_cmp(const void *key, const void *elem)
{
	struct ctrl_view k, e;

	ctrl_id_view(key, &k);
	rec_view(((const struct tracked *)elem)->rec, &e);
	return ctrl_view_compare(&k, &e);
}

struct tracked *
recon_find(const struct recon *r, const struct ctrl_id *id)
{
	if (r->n == 0)
		return NULL;
	return bsearch(id, r->v, r->n, sizeof(*r->v), tracked_cmp);
}

static int
tracked_rec_cmp(const void *key, const void *elem)
{
	return rec_id_compare(key, ((const struct tracked *)elem)->rec);
}

struct tracked *
recon_find_rec(const struct recon *r, const struct ctrl_rec *rec)
{
	if (r->n == 0)
		return NULL;
	return bsearch(rec, r->v, r->n, sizeof(*r->v), tracked_rec_cmp);
}

bool
recon_may_disconnect(const struct conf *c, enum trtype t)
{
	switch (c->disconnect_scope) {
	case DS_ONLY_STAS_CONNECTIONS:
		return true;
	case DS_ALL_MATCHING_TRTYPES:
		return (c->disconnect_trtypes & (1u << t)) != 0;
	case DS_NO_DISCONNECT:
		return false;
	}
	return false;
}

int
recon_seed_owned(struct recon *r, const struct ctrl_id *id, bool discovered)
{
	struct ctrl_conf cc;
	struct tracked *v, t;
	size_t i;

	if (recon_find(r, id))
		return 0;
	if ((v = array_grow(r->v, &r->cap, r->n + 1, sizeof(*v))) == NULL)
		return -ENOMEM;
	r->v = v;
	memset(&cc, 0, sizeof(cc));
	cc.id = *id;
	memset(&t, 0, sizeof(t));
	if ((t.rec = rec_pack(&cc)) == NULL)
		return -ENOMEM;
	t.state = CS_WAITING;
	t.discovered = discovered;
	/* Insertion keeps the order; seeding happens once, at start-up. */
	for (i = r->n; i > 0 && rec_compare_id(r->v[i - 1].rec, id) > 0; i--)
		r->v[i] = r->v[i - 1];
	r->v[i] = t;
	r->n++;
	return 0;
}

/* ---- action list ---- */

/*
 * Room for every action a pass can make is taken before the pass changes
 * anything (the tracked set is updated in place): a connect for at most
 * RECON_CONNECTS_MAX, a disconnect for each tracked entry, an audit for
 * each kernel controller.
 */
struct actions {
	struct action	*v;
	size_t		 n, cap;
};

static int
actions_reserve(struct actions *a, size_t n_tracked, size_t n_want,
    size_t n_obs)
{
	size_t n = RECON_CONNECTS_MAX;

	if (n_tracked > SIZE_MAX / 4 || n_want > SIZE_MAX / 4 ||
	    n_obs > SIZE_MAX / 4)
		return -ENOMEM;
	n += n_tracked + n_want + n_obs;
	if (n > SIZE_MAX / sizeof(*a->v) ||
	    (a->v = malloc(n * sizeof(*a->v))) == NULL)
		return -ENOMEM;
	a->cap = n;
	return 0;
}

static struct action *
action_add(struct actions *a, enum action_kind kind)
{
	struct action *v = &a->v[a->n++];

	memset(v, 0, sizeof(*v));
	v->kind = kind;
	return v;
}

void
recon_actions_free(struct action *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		rec_unref(v[i].rec);
	free(v);
}

/* t is ours, or NULL for a foreign controller (the audit). */
static void
add_disconnect(struct actions *a, const char *device,
    const struct tracked *t)
{
	struct action *act = action_add(a, ACT_DISCONNECT);

	memcpy(act->device, device, sizeof(act->device));
	act->audit = t == NULL;
	act->rec = t ? rec_ref(t->rec) : NULL;
}

/* ---- states ---- */

/* "waiting", "connecting", ... for log lines. */
static const char *
recon_state_name(enum ctrl_state s)
{
	switch (s) {
	case CS_WAITING:
		return "waiting";
	case CS_CONNECTING:
		return "connecting";
	case CS_LIVE:
		return "live";
	case CS_GAVE_UP:
		return "gave up";
	case CS_DISCONNECTING:
		return "disconnecting";
	}
	return "?";
}

void
recon_set_state(struct tracked *t, enum ctrl_state s, const char *why)
{
	char name[CTRL_ID_STR_MAX];

	if (s != CS_LIVE && s != CS_DISCONNECTING) {
		t->claimed = false;	/* that device is not ours now */
		t->foreign_owner[0] = '\0';
	}
	t->tried |= s == CS_CONNECTING || s == CS_LIVE;
	/* A discovery controller just live: read what it has. */
	t->dlp_due = s == CS_LIVE && t->rec->discovery_ctrl &&
	    (t->state != CS_LIVE || t->dlp_due);
	if (s != CS_LIVE) {
		t->dlp_fails = 0;	/* a new connection starts afresh */
		t->dlp_retry_at = 0;
	}
	if (t->state != s && log_debug_enabled())
		log_debug("%s: %s -> %s (%s)", rec_id_str(t->rec, name,
		    sizeof(name)), recon_state_name(t->state),
		    recon_state_name(s), why);
	t->state = s;
}

/*
 * When t is to be tried again: delay, and its share of the jitter, from
 * its identity and the host's NQN (another host: another share).
 */
static int64_t
retry_time(const struct tracked *t, const struct recon_params *p, int delay)
{
	uint32_t h = fnv1a_field(rec_id_hash(t->rec), p->host_nqn);

	return p->now + delay + h % ((uint32_t)delay * RETRY_JITTER_PCT / 100);
}

/* ---- step 1: merge the desired set into the tracked set ---- */

static void
tracked_from_want(struct tracked *t, const struct want *w)
{
	bool was_ncc = t->ncc;

	/* The want's record replaces an older one (a reload, a new page). */
	if (t->rec != w->rec) {
		rec_unref(t->rec);
		t->rec = rec_ref(w->rec);
	}
	t->desired = true;
	t->discovered = w->discovered;
	t->ncc = w->ncc;
	t->dc_depth = w->dc_depth;
	/* NCC cleared: the controller is reachable again, start over. */
	if (was_ncc && !t->ncc && t->state == CS_GAVE_UP) {
		t->attempts = 0;
		recon_set_state(t, CS_WAITING, "NCC cleared");
	}
}

/* A tracked entry that has its want's record is that want: no strings read. */
static int
want_tracked_cmp(const struct want *w, const struct tracked *t)
{
	return w->rec == t->rec ? 0 : rec_id_compare(w->rec, t->rec);
}

/* How many identities the sorted wants and the tracked set have in all. */
static size_t
union_size(const struct want *const *w, size_t nw, const struct recon *r)
{
	size_t i = 0, j = 0, n = 0;

	while (i < nw || j < r->n) {
		int c = i == nw ? 1 : j == r->n ? -1 :
		    want_tracked_cmp(w[i], &r->v[j]);

		i += c <= 0;
		j += c >= 0;
		n++;
	}
	return n;
}

/*
 * The sorted wants w[0..nw) merged into the tracked set, which has room
 * for n_union entries, in place: from the end, so that an entry only
 * moves up (to k >= j) and none is overwritten before it is read.
 */
static void
merge_into(struct recon *r, const struct want *const *w, size_t nw,
    size_t n_union, const struct recon_params *p)
{
	size_t i = nw, j = r->n, k = n_union;

	while (i > 0 || j > 0) {
		int c = i == 0 ? -1 : j == 0 ? 1 :
		    want_tracked_cmp(w[i - 1], &r->v[j - 1]);
		struct tracked *t = &r->v[--k];

		if (c > 0) {
			memset(t, 0, sizeof(*t));
			t->state = CS_WAITING;
			t->retry_at = p->now;
			tracked_from_want(t, w[--i]);
			continue;
		}
		*t = r->v[--j];
		if (c == 0)
			tracked_from_want(t, w[--i]);
		else
			t->desired = false;
	}
	r->n = n_union;
}

/* Are w[0..n) sorted by identity, without repeats? */
static bool
sorted_unique(const struct want *const *w, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (rec_id_compare(w[i - 1]->rec, w[i]->rec) >= 0)
			return false;
	return true;
}

/* Return: 0, or -ENOMEM (r unchanged). */
static int
merge(struct recon *r, const struct want *const *want, size_t n_want,
    const struct recon_params *p)
{
	const struct want **w = NULL;
	struct tracked *v;
	size_t n, nw = n_want;

	/* The daemon hands its desired set sorted: then nothing is sorted. */
	if (!sorted_unique(want, n_want)) {
		if ((w = calloc(n_want, sizeof(*w))) == NULL)
			return -ENOMEM;
		memcpy(w, want, n_want * sizeof(*w));
		nw = want_sort_unique(w, n_want);
		want = w;
	}
	n = union_size(want, nw, r);
	/* Grown when it must, never made afresh. */
	if (n > r->cap) {
		if ((v = realloc(r->v, n * sizeof(*v))) == NULL) {
			free(w);
			return -ENOMEM;
		}
		r->v = v;
		r->cap = n;
	}
	merge_into(r, want, nw, n, p);
	free(w);
	return 0;
}

/* ---- step 2: match tracked controllers to the kernel's ---- */

/*
 * The kernel's controllers, looked up through a sorted pointer array by
 * (transport, trsvcid, subsysnqn) for adoption and a table by instance
 * for known devices (struct kinst).  Neither moves the large structs,
 * which keeps a pass over thousands of controllers cheap.
 */
struct kkey {
	const char	*transport, *trsvcid, *subsysnqn;
};

static int
kctrl_key_cmp(const struct kctrl *k, const struct kkey *key)
{
	int c;

	if ((c = strcmp(k->transport, key->transport)) ||
	    (c = strcmp(k->trsvcid, key->trsvcid)))
		return c;
	return strcmp(k->subsysnqn, key->subsysnqn);
}

static int
kctrl_ptr_cmp(const void *a, const void *b)
{
	const struct kctrl *y = *(const struct kctrl *const *)b;
	struct kkey key = { y->transport, y->trsvcid, y->subsysnqn };

	return kctrl_key_cmp(*(const struct kctrl *const *)a, &key);
}

/*
 * By instance: an open-addressing table of the numbers with their index
 * in obs[] (size a power of two, at least twice the controllers), so that
 * a pass builds it in O(n) and finds a device in O(1) without visiting
 * the large structs.  A free slot has index -1.
 */
struct kinst {
	int		instance;
	int		i;		/* in obs[], or -1 */
};

/* Knuth's multiplicative hash: the high bits, so strided numbers spread. */
static size_t
kinst_slot(int instance, size_t mask)
{
	uint64_t h = (uint64_t)(uint32_t)instance * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 32) & mask;
}

struct kindex {
	const struct kctrl	**by_key;	/* sorted at the first lookup */
	bool			  by_key_sorted;
	struct kinst		 *by_inst;
	size_t			  inst_mask;	/* by_inst has mask + 1 slots */
	bool			 *claimed;	/* parallel to obs[] */
	const struct kctrl	 *obs;
	size_t			  n;
};

/* The first unclaimed kernel controller that can serve id, or NULL. */
static const struct kctrl *
find_match(struct kindex *x, const struct ctrl_rec *rec, const char *host_nqn)
{
	struct kkey key = { trtype_name(rec_transport(rec)),
	    rec_str(rec, RS_TRSVCID), rec_str(rec, RS_SUBSYSNQN) };
	size_t lo = 0, hi = x->n, i;

	/* A steady pass adopts nothing: it need not sort at all. */
	if (!x->by_key_sorted && x->n)
		qsort(x->by_key, x->n, sizeof(*x->by_key), kctrl_ptr_cmp);
	x->by_key_sorted = true;
	while (lo < hi) {			/* lower bound */
		size_t mid = lo + (hi - lo) / 2;

		if (kctrl_key_cmp(x->by_key[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < x->n && kctrl_key_cmp(x->by_key[i], &key) == 0; i++) {
		const struct kctrl *k = x->by_key[i];

		if (!x->claimed[k - x->obs] && (rec->discovery_ctrl ?
		    kctrl_is_discovery(k) : kctrl_is_io(k)) &&
		    rec_matches(k, rec, host_nqn))
			return k;
	}
	return NULL;
}

/* "nvme12" -> 12 (what follows the digits is not read); -1: no number. */
static int
device_instance(const char *name)
{
	int v = 0;

	if (strncmp(name, "nvme", 4) != 0 || name[4] < '0' || name[4] > '9')
		return -1;
	for (name += 4; *name >= '0' && *name <= '9'; name++) {
		if (v > (INT_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*name - '0');
	}
	return v;
}

/* The kernel controller named name, or NULL. */
static const struct kctrl *
find_device(const struct kindex *x, const char *name)
{
	int instance = device_instance(name);
	size_t j;

	if (instance < 0)
		return NULL;
	for (j = kinst_slot(instance, x->inst_mask); x->by_inst[j].i >= 0;
	    j = (j + 1) & x->inst_mask)
		if (x->by_inst[j].instance == instance)
			return &x->obs[x->by_inst[j].i];
	return NULL;
}

/*
 * A tracked controller whose device disappeared (deleted behind our back,
 * or ctrl-loss-tmo expired) is reconnected RETRY_FAST_MS later.  One
 * being disconnected is simply gone: its job's end forgets it.
 */
static void
lose_device(struct tracked *t, const struct recon_params *p)
{
	if (t->state == CS_DISCONNECTING)
		return;
	if (t->desired)
		log_info("%s - controller removed, reconnecting in %d s",
		    t->device, RETRY_FAST_MS / 1000);
	t->device[0] = '\0';
	t->attempts = 0;
	t->retry_at = retry_time(t, p, RETRY_FAST_MS);
	recon_set_state(t, CS_WAITING, "device gone");
}

static void
match_all(struct tracked *v, size_t n, struct kindex *x,
    const struct recon_params *p)
{
	const struct kctrl *k;
	size_t i;

	/* Known devices first, so adoption cannot steal them. */
	for (i = 0; i < n; i++) {
		if (v[i].state != CS_LIVE && v[i].state != CS_DISCONNECTING)
			continue;
		k = find_device(x, v[i].device);
		if (k && !x->claimed[k - x->obs] &&
		    rec_matches(k, v[i].rec, p->host_nqn)) {
			x->claimed[k - x->obs] = true;
			memcpy(v[i].foreign_owner, k->foreign_owner,
			    sizeof(v[i].foreign_owner));
		} else
			lose_device(&v[i], p);
	}
	for (i = 0; i < n; i++) {
		if (v[i].state == CS_LIVE || v[i].state == CS_DISCONNECTING ||
		    (k = find_match(x, v[i].rec, p->host_nqn)) == NULL)
			continue;
		x->claimed[k - x->obs] = true;
		/* An in-flight connect's half-made controller: just claim it. */
		if (v[i].state == CS_CONNECTING)
			continue;
		memcpy(v[i].device, k->name, sizeof(v[i].device));
		v[i].attempts = 0;
		v[i].last_err = 0;
		recon_set_state(&v[i], CS_LIVE, "adopted");
		memcpy(v[i].foreign_owner, k->foreign_owner,
		    sizeof(v[i].foreign_owner));
		log_info("%s - adopted for %s%s%s %s", k->name,
		    trtype_name(rec_transport(v[i].rec)),
		    rec_str(v[i].rec, RS_TRADDR)[0] ? " " : "",
		    rec_str(v[i].rec, RS_TRADDR),
		    rec_str(v[i].rec, RS_SUBSYSNQN));
	}
}

/* ---- step 3: decide ---- */

static size_t
drop_undesired(struct tracked *v, size_t n, const struct recon_params *p,
    struct actions *a, int64_t *next)
{
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		struct tracked *t = &v[i];

		if (!t->desired && t->hold_until > p->now && t->hold_until <
		    *next)
			*next = t->hold_until;
		/*
		 * Connecting or disconnecting: decided when the job ends.
		 * A failed disconnect waits; an unknown origin keeps all.
		 */
		if (t->desired || t->state == CS_CONNECTING ||
		    t->state == CS_DISCONNECTING || t->hold_until > p->now ||
		    (t->discovered ? p->discovery_unknown :
		    p->names_pending)) {
			v[m++] = *t;
			continue;
		}
		if (t->state == CS_LIVE && t->foreign_owner[0])
			log_info("%s - no longer wanted, connection kept: the "
			    "registry says %s owns it", t->device,
			    t->foreign_owner);
		else if (t->state == CS_LIVE && recon_may_disconnect(p->conf,
		    rec_transport(t->rec))) {
			add_disconnect(a, t->device, t);
			recon_set_state(t, CS_DISCONNECTING, "not wanted");
			v[m++] = *t;
			continue;
		} else if (t->state == CS_LIVE)
			log_info("%s - no longer wanted, connection kept "
			    "(disconnect-scope)", t->device);
		/* Forgotten (not live: nothing of ours to undo). */
		rec_unref(t->rec);
	}
	return m;
}

/*
 * The due connects of one class (failed: those whose last attempt
 * failed), while fewer than RECON_CONNECTS_MAX are in flight.
 * Return: false once that many are.
 */
static bool
start_class(struct tracked *v, size_t n, const struct recon_params *p,
    bool failed, struct actions *a, size_t *flying, int64_t *next)
{
	struct action *act;
	size_t i;

	for (i = 0; i < n; i++) {
		struct tracked *t = &v[i];

		if (!t->desired || t->state != CS_WAITING ||
		    (t->last_err != 0) != failed)
			continue;
		/* The rest start as these end (stacd.c passes to refill). */
		if (*flying >= RECON_CONNECTS_MAX)
			return false;
		if (t->retry_at > p->now) {
			if (t->retry_at + RETRY_SLACK_MS < *next)
				*next = t->retry_at + RETRY_SLACK_MS;
			continue;
		}
		act = action_add(a, ACT_CONNECT);
		act->rec = rec_ref(t->rec);
		t->attempts++;
		(*flying)++;
		recon_set_state(t, CS_CONNECTING, t->attempts == 1 ?
		    "first attempt" : "retry");
	}
	return true;
}

/*
 * The kernel makes one controller at a time, and a connect that hangs
 * holds all the others: first attempts and controllers that were
 * connected (no error since) go first, then those whose last attempt
 * failed.
 */
static void
start_connects(struct tracked *v, size_t n, const struct recon_params *p,
    struct actions *a, int64_t *next)
{
	size_t i, flying = 0;

	for (i = 0; i < n; i++)
		flying += v[i].state == CS_CONNECTING;
	if (start_class(v, n, p, false, a, &flying, next))
		start_class(v, n, p, true, a, &flying, next);
}

/* disconnect-scope all-connections-matching-disconnect-trtypes */
static void
audit(const struct kindex *x, const struct recon_params *p,
    struct actions *a)
{
	size_t i;

	if (p->conf->disconnect_scope != DS_ALL_MATCHING_TRTYPES)
		return;
	for (i = 0; i < x->n; i++) {
		const struct kctrl *k = &x->obs[i];
		enum trtype t = trtype_from_name(k->transport);

		if (x->claimed[i] || !kctrl_is_io(k) || t == TRTYPE_NONE ||
		    k->foreign_owner[0] ||
		    !(p->conf->disconnect_trtypes & (1u << t)) ||
		    strncmp(k->state, "deleting", 8) == 0)
			continue;
		add_disconnect(a, k->name, NULL);
	}
}

int
recon_plan(struct recon *r, const struct want *const *want, size_t n_want,
    const struct kctrl *obs, size_t n_obs, const struct recon_params *p,
    struct action **acts, size_t *n_acts, int64_t *next)
{
	struct actions a = { .v = NULL };
	struct kindex x = { .obs = obs, .n = n_obs };
	size_t i;

	*acts = NULL;
	*n_acts = 0;
	*next = INT64_MAX;
	x.by_key = calloc(n_obs ? n_obs : 1, sizeof(*x.by_key));
	for (x.inst_mask = 1; x.inst_mask < 2 * n_obs; x.inst_mask <<= 1)
		;
	x.by_inst = malloc(x.inst_mask * sizeof(*x.by_inst));
	x.inst_mask--;
	x.claimed = calloc(n_obs ? n_obs : 1, sizeof(*x.claimed));
	/* Everything that can fail comes first: then r changes in place. */
	if (x.by_key == NULL || x.by_inst == NULL || x.claimed == NULL ||
	    actions_reserve(&a, r->n, n_want, n_obs) < 0 ||
	    merge(r, want, n_want, p) < 0) {
		free(x.by_key);
		free(x.by_inst);
		free(x.claimed);
		free(a.v);
		return -ENOMEM;
	}
	for (i = 0; i <= x.inst_mask; i++)
		x.by_inst[i].i = -1;
	for (i = 0; i < n_obs; i++) {
		size_t j = kinst_slot(obs[i].instance, x.inst_mask);

		while (x.by_inst[j].i >= 0)
			j = (j + 1) & x.inst_mask;
		x.by_key[i] = &obs[i];
		x.by_inst[j].instance = obs[i].instance;
		x.by_inst[j].i = (int)i;
	}

	match_all(r->v, r->n, &x, p);
	r->n = drop_undesired(r->v, r->n, p, &a, next);
	start_connects(r->v, r->n, p, &a, next);
	audit(&x, p, &a);

	free(x.by_key);
	free(x.by_inst);
	free(x.claimed);
	*acts = a.v;
	*n_acts = a.n;
	return 0;
}

static void
remove_entry(struct recon *r, struct tracked *t)
{
	size_t i = (size_t)(t - r->v);

	rec_unref(t->rec);
	memmove(&r->v[i], &r->v[i + 1], (r->n - i - 1) * sizeof(*r->v));
	r->n--;
}

int
recon_connect_done(struct recon *r, const struct ctrl_id *id, int result,
    const struct recon_params *p, struct action *act)
{
	struct tracked *t = recon_find(r, id);
	int max;

	if (t == NULL || t->state != CS_CONNECTING)
		return 0;
	if (result >= 0) {
		snprintf(t->device, sizeof(t->device), "nvme%d", result);
		t->attempts = 0;
		t->last_err = 0;
		recon_set_state(t, CS_LIVE, "connected");
		if (t->desired || !recon_may_disconnect(p->conf, id->transport))
			return 0;
		/* Not wanted any more while it connected: undo it. */
		memset(act, 0, sizeof(*act));
		act->kind = ACT_DISCONNECT;
		memcpy(act->device, t->device, sizeof(act->device));
		act->rec = rec_ref(t->rec);
		recon_set_state(t, CS_DISCONNECTING, "not wanted");
		return 1;
	}
	if (!t->desired) {
		remove_entry(r, t);
		return 0;
	}
	/* Immediately, then 3 s later, then every 60 s (nvme-stas). */
	t->last_err = -result;
	t->retry_at = retry_time(t, p, t->attempts <= 1 ? RETRY_FAST_MS :
	    RETRY_SLOW_MS);
	max = t->ncc ? p->conf->ncc_attempts : 0;
	recon_set_state(t, max > 0 && t->attempts >= max ? CS_GAVE_UP :
	    CS_WAITING, "connect failed");
	return 0;
}

void
recon_disconnect_done(struct recon *r, const struct ctrl_id *id, int result,
    int64_t now)
{
	struct tracked *t = recon_find(r, id);

	if (t == NULL || t->state != CS_DISCONNECTING)
		return;
	if (result < 0 && result != -ENOENT) {
		t->hold_until = now + RETRY_SLOW_MS;
		recon_set_state(t, CS_LIVE, "disconnect failed");
		return;
	}
	t->device[0] = '\0';
	if (!t->desired) {
		remove_entry(r, t);
		return;
	}
	t->attempts = 0;
	t->retry_at = now;
	recon_set_state(t, CS_WAITING, "disconnected, wanted again");
}

void
recon_kick(struct recon *r, int64_t now)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->v[i].state == CS_WAITING ||
		    r->v[i].state == CS_GAVE_UP) {
			r->v[i].retry_at = now;
			recon_set_state(&r->v[i], CS_WAITING, "reload");
		}
}

/*
 * reconcile.h - the pure reconciler: desired controllers + the kernel's
 * controllers + per-controller state + time -> actions.  No system calls:
 * tested from tables in t/test-reconcile.c.
 */
#ifndef STACD_RECONCILE_H
#define STACD_RECONCILE_H

#include <stdint.h>

#include "conf.h"
#include "ctrl_id.h"
#include "ctrl_rec.h"
#include "want.h"

#define RETRY_FAST_MS	3000	/* after the first failure, or a removal */
#define RETRY_SLOW_MS	60000	/* after every later failure */
/*
 * Each controller's retry comes up to RETRY_JITTER_PCT % of its delay
 * later (3 s: up to 150 ms; 60 s: up to 3 s), by a hash of it and of the
 * host, so that controllers failing together (a target that went away)
 * do not all retry in the same millisecond, here or on the other hosts.
 * Deadlines that close together cost one pass: a pass is due
 * RETRY_SLACK_MS after the earliest, and starts all that are due then,
 * so a retry is never early and at most RETRY_SLACK_MS late.
 */
#define RETRY_JITTER_PCT	5
#define RETRY_SLACK_MS		100
/*
 * Connects in flight at once.  The kernel makes controllers one at a
 * time anyway (worker.c hands it two, the rest wait in stacd's order);
 * the cap bounds the jobs (some 1.7 kB each) that thousands of
 * discovered controllers could queue, and is large enough that a
 * thousand connects take about ten passes, not a pass per handful.
 * 512 saved no measurable CPU but cost 600 kB more at 1,000 failing.
 */
#define RECON_CONNECTS_MAX 128

/*
 * Where a tracked controller is.  Only recon_set_state() changes it, and
 * it logs every change at debug level; the D-Bus replies derive their
 * fields from it.
 *
 *	WAITING ------ connect due --------> CONNECTING
 *	CONNECTING --- connected ----------> LIVE
 *	CONNECTING --- failed -------------> WAITING (retry_at), GAVE_UP
 *	WAITING, GAVE_UP - adopted --------> LIVE
 *	LIVE --------- device gone --------> WAITING (reconnect in 3 s)
 *	LIVE --------- not wanted ---------> DISCONNECTING
 *	DISCONNECTING - failed ------------> LIVE (hold_until)
 *	DISCONNECTING - done, or gone -----> (removed), WAITING if wanted
 */
enum ctrl_state {
	CS_WAITING,		/* no device; the next connect at retry_at */
	CS_CONNECTING,		/* a connect job is running */
	CS_LIVE,		/* device is ours: connected or adopted */
	CS_GAVE_UP,		/* connect-attempts-on-ncc reached */
	CS_DISCONNECTING,	/* a disconnect job is running */
};

/*
 * What stacd knows about one controller it wants or owns.  rec is a
 * reference: while desired, the same record as its want's.
 */
struct tracked {
	struct ctrl_rec	*rec;		/* identity and parameters */
	enum ctrl_state	 state;
	bool		 desired;	/* in the desired set this pass */
	bool		 discovered, ncc;
	int		 attempts;	/* attempts since the last success */
	bool		 tried;		/* connected, adopted or attempted:
					   nvme-stas's libnvme object exists */
	int64_t		 retry_at;	/* WAITING: ms, CLOCK_MONOTONIC */
	int		 last_err;	/* errno of the last failure, or 0 */
	int64_t		 hold_until;	/* LIVE after a failed disconnect:
					   kept, not tried again, before */
	bool		 claimed;	/* LIVE: in the ownership registry */
	bool		 dlp_due;	/* a discovery controller's log page
					   is to be read (LIVE, an event) */
	bool		 dlp_busy;	/* ... and being read */
	bool		 dlp_read;	/* it was read since start-up */
	int		 dlp_fails;	/* reads failed in a row */
	int64_t		 dlp_retry_at;	/* LIVE: read again then; 0: none */
	int		 dc_depth;	/* a referral: hops from stacd's own */
	char		 foreign_owner[64];	/* LIVE: its kctrl's */
	char		 device[DEVNAME_MAX + 1];	/* LIVE, DISCONNECTING */
};

/* The one way a tracked controller changes state (logged at debug). */
void	recon_set_state(struct tracked *t, enum ctrl_state s, const char *why);

struct recon {
	struct tracked	*v;		/* sorted by identity; updated in
					   place by every pass */
	size_t		 n, cap;
};

enum action_kind {
	ACT_CONNECT,
	ACT_DISCONNECT,
};

struct action {
	enum action_kind kind;
	struct ctrl_rec	*rec;		/* a reference: what to connect; for a
					   disconnect of ours, what it was;
					   NULL for an audit */
	char		 device[DEVNAME_MAX + 1];	/* ACT_DISCONNECT */
	bool		 audit;		/* disconnect of a foreign controller */
};

/* Release the records of v[0..n) and free v. */
void	recon_actions_free(struct action *v, size_t n);

struct recon_params {
	const struct conf *conf;	/* scope, trtypes, ncc cap */
	const char	*host_nqn;
	int64_t		 now;		/* ms, CLOCK_MONOTONIC */
	/*
	 * The desired set may be missing entries: a configured host name
	 * has no address yet, or stafd has not answered since start-up.
	 * Controllers of that origin outside the set are then kept.
	 */
	bool		 names_pending;
	bool		 discovery_unknown;
};

void	recon_init(struct recon *r);
void	recon_fini(struct recon *r);

/* The tracked entry for id, or NULL. */
struct tracked *recon_find(const struct recon *r, const struct ctrl_id *id);
struct tracked *recon_find_rec(const struct recon *r,
	    const struct ctrl_rec *rec);

/*
 * recon_seed_owned - remember an identity stacd owned before a restart
 * (last-known-config), WAITING: the next plan adopts its kernel
 * controller and, if it is no longer desired, disconnects it as
 * disconnect-scope says.
 * Return: 0, or -ENOMEM.
 */
int	recon_seed_owned(struct recon *r, const struct ctrl_id *id,
	    bool discovered);

/*
 * recon_plan - one reconciliation pass.  want, pointers into the desired
 * set (which is not copied), need not be sorted (a set that
 * want_sort_unique() sorted is taken as it is); the first of equal
 * identities wins (put configured before discovered).
 * obs is the kernel's controllers (any order).  Actions go to *acts
 * (recon_actions_free() it); *next is the earliest deadline at which
 * another pass is due, or INT64_MAX.
 * Return: 0, or -ENOMEM (state unchanged).
 */
int	recon_plan(struct recon *r, const struct want *const *want,
	    size_t n_want, const struct kctrl *obs, size_t n_obs,
	    const struct recon_params *p, struct action **acts,
	    size_t *n_acts, int64_t *next);

/*
 * recon_connect_done - a connect worker finished with result (instance
 * >= 0 or -errno).  A controller that stopped being desired while its
 * connect ran is disconnected now if the scope says so: then *act is
 * filled (rec_unref() its rec) and 1 is returned.
 * Return: 1 with *act, else 0.
 */
int	recon_connect_done(struct recon *r, const struct ctrl_id *id,
	    int result, const struct recon_params *p, struct action *act);

/*
 * recon_disconnect_done - a disconnect of ours (not an audit) ended with
 * result (0 or -errno), or could not start.  Done (or the controller was
 * gone already): it is forgotten, or waits to be connected again if it is
 * wanted again.  Failed: it is ours and LIVE again, so the state file
 * keeps it, and is disconnected again RETRY_SLOW_MS later if still not
 * wanted.
 */
void	recon_disconnect_done(struct recon *r, const struct ctrl_id *id,
	    int result, int64_t now);

/* Would disconnect-scope let stacd disconnect this owned controller? */
bool	recon_may_disconnect(const struct conf *c, enum trtype t);

/*
 * recon_kick - SIGHUP: controllers waiting for a retry, or that gave up,
 * are tried again at the next pass.
 */
void	recon_kick(struct recon *r, int64_t now);

#endif

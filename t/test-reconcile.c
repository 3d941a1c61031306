/*
 * t/test-reconcile.c - the reconciler from tables: desired set, kernel
 * controllers and time in, actions and state out.  No kernel involved.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "reconcile.h"
#include "fixtures.h"
#include "test.h"

static struct conf conf;

static struct recon_params
at(int64_t now)
{
	struct recon_params p = { .conf = &conf, .host_nqn = HOSTNQN,
	    .now = now };

	return p;
}

/*
 * One pass; returns the number of actions and keeps them in acts (with
 * their references, released at the next pass).
 */
#define ACTS_MAX	RECON_CONNECTS_MAX	/* the most a test plans */
static struct action acts[ACTS_MAX];
static size_t n_acts;
static int64_t next_due;

static size_t
plan(struct recon *r, const struct want *w, size_t nw,
    const struct kctrl *k, size_t nk, int64_t now)
{
	struct recon_params p = at(now);
	const struct want **wp = fx_ptrs(w, nw);
	struct action *v;
	size_t n, i;

	for (i = 0; i < n_acts; i++)
		rec_unref(acts[i].rec);
	CHECK_INT(recon_plan(r, wp, nw, k, nk, &p, &v, &n, &next_due), 0);
	free(wp);
	CHECK(n <= ACTS_MAX);
	for (i = ACTS_MAX; i < n; i++)
		rec_unref(v[i].rec);
	n_acts = n = n > ACTS_MAX ? ACTS_MAX : n;
	if (n)
		memcpy(acts, v, n * sizeof(*v));
	free(v);
	return n;
}

static void
done(struct recon *r, const struct want *w, int result, int64_t now)
{
	struct recon_params p = at(now);
	struct action a;

	CHECK_INT(recon_connect_done(r, FX_ID(w->rec), result, &p, &a), 0);
}

static void
connect_once_then_nothing(void)
{
	struct recon r;
	struct want w = fx_want_tcp("10.0.0.1", "nqn.x:a");
	struct kctrl k = fx_kctrl(0, "tcp", "10.0.0.1", "nqn.x:a");

	recon_init(&r);
	CHECK_INT(plan(&r, &w, 1, NULL, 0, 0), 1);
	CHECK_INT(acts[0].kind, ACT_CONNECT);
	CHECK_STR(rec_str(acts[0].rec, RS_TRADDR), "10.0.0.1");
	/* while in flight, nothing more, even with its half-made device */
	CHECK_INT(plan(&r, &w, 1, &k, 1, 10), 0);
	done(&r, &w, 0, 20);
	CHECK_STR(r.v[0].device, "nvme0");
	CHECK_INT(r.v[0].state, CS_LIVE);
	CHECK_INT(plan(&r, &w, 1, &k, 1, 30), 0);
	CHECK_INT(next_due, INT64_MAX);
	recon_fini(&r);
	fx_release(&w, 1);
}

/* The latest a retry delay after a failure comes: jitter and slack. */
static int64_t
latest(int delay)
{
	return delay + delay * RETRY_JITTER_PCT / 100 + RETRY_SLACK_MS;
}

/* A pass is due in [from + delay, from + latest(delay)], not before. */
static bool
retry_due(struct recon *r, const struct want *w, int64_t from, int delay)
{
	return plan(r, w, 1, NULL, 0, from + delay - 1) == 0 &&
	    next_due >= from + delay && next_due <= from + latest(delay);
}

static void
retry_schedule(void)
{
	struct recon r;
	struct want w = fx_want_tcp("10.0.0.1", "nqn.x:a");

	recon_init(&r);
	CHECK_INT(plan(&r, &w, 1, NULL, 0, 1000), 1);	/* immediately */
	done(&r, &w, -ECONNREFUSED, 1500);
	CHECK(retry_due(&r, &w, 1500, RETRY_FAST_MS));	/* +3 s */
	CHECK_INT(plan(&r, &w, 1, NULL, 0, next_due), 1);
	done(&r, &w, -ECONNREFUSED, 5000);
	CHECK(retry_due(&r, &w, 5000, RETRY_SLOW_MS));	/* then every 60 s */
	CHECK_INT(plan(&r, &w, 1, NULL, 0, next_due), 1);
	done(&r, &w, -EIO, 70000);
	CHECK(retry_due(&r, &w, 70000, RETRY_SLOW_MS));
	CHECK_INT(r.v[0].attempts, 3);
	CHECK_INT(r.v[0].last_err, EIO);
	recon_fini(&r);
	fx_release(&w, 1);
}

static void
removed_device_comes_back_after_3s(void)
{
	struct recon r;
	struct want w = fx_want_tcp("10.0.0.1", "nqn.x:a");
	struct kctrl k = fx_kctrl(4, "tcp", "10.0.0.1", "nqn.x:a");

	recon_init(&r);
	plan(&r, &w, 1, NULL, 0, 0);
	done(&r, &w, 4, 5);
	CHECK_INT(plan(&r, &w, 1, &k, 1, 100), 0);
	CHECK_INT(plan(&r, &w, 1, NULL, 0, 200), 0);	/* gone */
	CHECK_STR(r.v[0].device, "");
	CHECK(retry_due(&r, &w, 200, RETRY_FAST_MS));
	CHECK_INT(plan(&r, &w, 1, NULL, 0, next_due), 1);
	CHECK_INT(acts[0].kind, ACT_CONNECT);
	recon_fini(&r);
	fx_release(&w, 1);
}

static void
device_name_reused_by_another_controller(void)
{
	struct recon r;
	struct want w = fx_want_tcp("10.0.0.1", "nqn.x:a");
	struct kctrl other = fx_kctrl(4, "tcp", "10.0.0.9", "nqn.x:zzz");

	recon_init(&r);
	plan(&r, &w, 1, NULL, 0, 0);
	done(&r, &w, 4, 5);
	CHECK_INT(plan(&r, &w, 1, &other, 1, 100), 0);
	CHECK_STR(r.v[0].device, "");
	recon_fini(&r);
	fx_release(&w, 1);
}

static void
existing_connection_adopted(void)
{
	struct recon r;
	struct want w = fx_want_tcp("::1", "nqn.x:a");
	struct kctrl k[3] = {
		fx_kctrl(7, "tcp", "0:0::1", "nqn.x:a"),
		fx_kctrl(2, "tcp", "::1", "nqn.x:b"),
		fx_kctrl(1, "pcie", "0000:01:00.0", "nqn.x:a"),
	};

	recon_init(&r);
	CHECK_INT(plan(&r, &w, 1, k, 3, 0), 0);
	CHECK_STR(r.v[0].device, "nvme7");
	CHECK_INT(r.v[0].state, CS_LIVE);
	recon_fini(&r);
	fx_release(&w, 1);
}

static void
other_host_nqn_not_adopted(void)
{
	struct recon r;
	struct want w = fx_want_tcp("10.0.0.1", "nqn.x:a");
	struct kctrl k = fx_kctrl(3, "tcp", "10.0.0.1", "nqn.x:a");

	strcpy(k.hostnqn, "nqn.2014-08.org.example:boot-host");
	recon_init(&r);
	CHECK_INT(plan(&r, &w, 1, &k, 1, 0), 1);
	CHECK_INT(acts[0].kind, ACT_CONNECT);
	recon_fini(&r);
	fx_release(&w, 1);
}

static void
removal_follows_disconnect_scope(void)
{
	static const struct {
		enum disconnect_scope	scope;
		unsigned		trtypes;
		size_t			disconnects;
	} cases[] = {
		{ DS_ONLY_STAS_CONNECTIONS, 1u << TRTYPE_TCP, 1 },
		{ DS_NO_DISCONNECT, 1u << TRTYPE_TCP, 0 },
		{ DS_ALL_MATCHING_TRTYPES, 1u << TRTYPE_TCP, 1 },
		{ DS_ALL_MATCHING_TRTYPES, 1u << TRTYPE_RDMA, 0 },
	};
	struct want w = fx_want_tcp("10.0.0.1", "nqn.x:a");
	struct kctrl k = fx_kctrl(0, "tcp", "10.0.0.1", "nqn.x:a");
	struct recon r;
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		conf.disconnect_scope = cases[i].scope;
		conf.disconnect_trtypes = cases[i].trtypes;
		recon_init(&r);
		CHECK_INT(plan(&r, &w, 1, &k, 1, 0), 0);	/* adopted */
		n = plan(&r, NULL, 0, &k, 1, 10);
		if (n != cases[i].disconnects)
			printf("#   case %zu: %zu actions\n", i, n);
		CHECK_INT(n, cases[i].disconnects);
		if (n) {
			CHECK_INT(acts[0].kind, ACT_DISCONNECT);
			CHECK_STR(acts[0].device, "nvme0");
			CHECK(!acts[0].audit);
			/* ours until the disconnect has ended */
			CHECK_INT(r.n, 1);
			CHECK(r.n == 1 && r.v[0].state == CS_DISCONNECTING);
			recon_disconnect_done(&r, FX_ID(acts[0].rec), 0, 20);
		}
		CHECK_INT(r.n, 0);
		recon_fini(&r);
	}
	conf_init(&conf);
	fx_release(&w, 1);
}

static void
audit_removes_foreign_io_controllers(void)
{
	struct recon r;
	struct want w = fx_want_tcp("10.0.0.1", "nqn.x:a");
	struct kctrl k[5] = {
		fx_kctrl(0, "tcp", "10.0.0.1", "nqn.x:a"),	/* wanted */
		fx_kctrl(1, "tcp", "10.0.0.2", "nqn.x:b"),	/* foreign */
		fx_kctrl(2, "rdma", "10.0.0.3", "nqn.x:c"),	/* other type */
		fx_kctrl(3, "tcp", "10.0.0.4", DISCOVERY_NQN),
		fx_kctrl(4, "pcie", "0000:01:00.0", "nqn.x:d"),
	};

	strcpy(k[3].cntrltype, "discovery");
	conf.disconnect_scope = DS_ALL_MATCHING_TRTYPES;
	recon_init(&r);
	CHECK_INT(plan(&r, &w, 1, k, 5, 0), 1);
	CHECK_INT(acts[0].kind, ACT_DISCONNECT);
	CHECK_STR(acts[0].device, "nvme1");
	CHECK(acts[0].audit);
	conf.disconnect_scope = DS_ONLY_STAS_CONNECTIONS;
	CHECK_INT(plan(&r, &w, 1, k, 5, 1), 0);
	recon_fini(&r);
	conf_init(&conf);
	fx_release(&w, 1);
}

static void
ncc_caps_attempts(void)
{
	struct recon r;
	struct want w = fx_want_tcp("10.0.0.1", "nqn.x:a");

	conf.ncc_attempts = 2;
	w.discovered = w.ncc = true;
	recon_init(&r);
	CHECK_INT(plan(&r, &w, 1, NULL, 0, 0), 1);
	done(&r, &w, -ECONNREFUSED, 1);
	CHECK_INT(plan(&r, &w, 1, NULL, 0, 1 + latest(RETRY_FAST_MS)), 1);
	done(&r, &w, -ECONNREFUSED, 5000);
	CHECK_INT(r.v[0].state, CS_GAVE_UP);
	CHECK_INT(plan(&r, &w, 1, NULL, 0, 1000000), 0);
	CHECK_INT(next_due, INT64_MAX);
	w.ncc = false;					/* NCC cleared */
	CHECK_INT(plan(&r, &w, 1, NULL, 0, 1000001), 1);
	CHECK_INT(r.v[0].attempts, 1);
	/* without NCC there is no cap */
	done(&r, &w, -ECONNREFUSED, 1000002);
	done(&r, &w, -ECONNREFUSED, 1000003);
	CHECK(r.v[0].state != CS_GAVE_UP);
	recon_fini(&r);
	conf_init(&conf);
	fx_release(&w, 1);
}

static void
removed_while_connecting(void)
{
	struct recon r;
	struct want w = fx_want_tcp("10.0.0.1", "nqn.x:a");
	struct recon_params p = at(10);
	struct action a;

	recon_init(&r);
	plan(&r, &w, 1, NULL, 0, 0);
	CHECK_INT(plan(&r, NULL, 0, NULL, 0, 5), 0);
	CHECK_INT(r.n, 1);			/* kept until the connect ends */
	CHECK_INT(recon_connect_done(&r, FX_ID(w.rec), 6, &p, &a), 1);
	CHECK_INT(a.kind, ACT_DISCONNECT);
	CHECK_STR(a.device, "nvme6");
	CHECK(r.n == 1 && r.v[0].state == CS_DISCONNECTING);
	/* the kernel had already deleted it: forgotten all the same */
	recon_disconnect_done(&r, FX_ID(a.rec), -ENOENT, 11);
	CHECK_INT(r.n, 0);
	rec_unref(a.rec);
	recon_fini(&r);
	fx_release(&w, 1);
}

static void
last_known_config_owned(void)
{
	struct recon r;
	struct want w = fx_want_tcp("10.0.0.1", "nqn.x:a");
	struct want old = fx_want_tcp("10.0.0.2", "nqn.x:b");
	struct kctrl k[2] = {
		fx_kctrl(0, "tcp", "10.0.0.1", "nqn.x:a"),
		fx_kctrl(1, "tcp", "10.0.0.2", "nqn.x:b"),
	};

	recon_init(&r);
	CHECK_INT(recon_seed_owned(&r, FX_ID(old.rec), false), 0);
	CHECK_INT(recon_seed_owned(&r, FX_ID(w.rec), false), 0);
	CHECK_INT(plan(&r, &w, 1, k, 2, 0), 1);
	CHECK_INT(acts[0].kind, ACT_DISCONNECT);
	CHECK_STR(acts[0].device, "nvme1");
	CHECK_INT(r.n, 2);
	CHECK(r.n == 2 && strcmp(r.v[0].device, "nvme0") == 0 &&
	    r.v[0].state == CS_LIVE && r.v[1].state == CS_DISCONNECTING);
	recon_disconnect_done(&r, FX_ID(acts[0].rec), 0, 1);
	CHECK_INT(r.n, 1);
	recon_fini(&r);
	fx_release(&w, 1);
	fx_release(&old, 1);
}

static void
incomplete_desired_set_keeps_its_origin(void)
{
	struct recon r;
	struct want conf_w = fx_want_tcp("10.0.0.1", "nqn.x:a");
	struct want disc_w = fx_want_tcp("10.0.0.2", "nqn.x:b");
	struct kctrl k[2] = {
		fx_kctrl(0, "tcp", "10.0.0.1", "nqn.x:a"),
		fx_kctrl(1, "tcp", "10.0.0.2", "nqn.x:b"),
	};
	struct recon_params p = at(0);
	struct action *v;
	size_t n;

	recon_init(&r);
	CHECK_INT(recon_seed_owned(&r, FX_ID(conf_w.rec), false), 0);
	CHECK_INT(recon_seed_owned(&r, FX_ID(disc_w.rec), true), 0);
	/* a host name pending: the configured one stays */
	p.names_pending = true;
	p.discovery_unknown = true;
	CHECK_INT(recon_plan(&r, NULL, 0, k, 2, &p, &v, &n, &next_due), 0);
	CHECK_INT(n, 0);
	recon_actions_free(v, n);
	CHECK_INT(r.n, 2);
	/* names known, stafd never answered: only the configured one goes */
	p.names_pending = false;
	CHECK_INT(recon_plan(&r, NULL, 0, k, 2, &p, &v, &n, &next_due), 0);
	CHECK_INT(n, 1);
	if (n) {
		CHECK_STR(v[0].device, "nvme0");
		recon_disconnect_done(&r, FX_ID(v[0].rec), 0, 1);
	}
	recon_actions_free(v, n);
	CHECK_INT(r.n, 1);
	/* stafd answered without it: now it goes too */
	CHECK_INT(plan(&r, NULL, 0, k, 2, 1), 1);
	CHECK_STR(acts[0].device, "nvme1");
	recon_fini(&r);
	fx_release(&conf_w, 1);
	fx_release(&disc_w, 1);
}

static void
repeated_identity_connects_once(void)
{
	struct recon r;
	struct ctrl_conf kato;
	struct want w[3];

	memset(&kato, 0, sizeof(kato));
	kato.id = fx_id_tcp("10.0.0.1", "nqn.x:a");
	kato.tun.set = 1u << TUN_KATO;		/* the first one wins */
	kato.tun.val[TUN_KATO] = 7;
	w[0] = fx_want_conf(&kato);
	w[1] = fx_want_tcp("10.0.0.1", "nqn.x:a");
	w[2] = fx_want_tcp("10.0.0.2", "nqn.x:a");
	w[1].discovered = true;
	recon_init(&r);
	CHECK_INT(plan(&r, w, 3, NULL, 0, 0), 2);
	CHECK_INT(r.n, 2);
	CHECK_INT(r.v[0].rec->tun.val[TUN_KATO], 7);
	CHECK(!r.v[0].discovered);
	recon_fini(&r);
	fx_release(w, 3);
}

/*
 * New identities between and around tracked ones: the set stays sorted,
 * the tracked keep their state and device; a reload's new records (other
 * tunables) replace the old ones, which the tracked set lets go.
 */
static void
tracked_set_merged_in_place(void)
{
	static const char *const addr[] = { "10.0.0.1", "10.0.0.2",
	    "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7" };
	enum { N = sizeof(addr) / sizeof(addr[0]) };
	struct kctrl k[3] = {
		fx_kctrl(2, "tcp", "10.0.0.2", "nqn.x:a"),
		fx_kctrl(4, "tcp", "10.0.0.4", "nqn.x:a"),
		fx_kctrl(6, "tcp", "10.0.0.6", "nqn.x:a"),
	};
	struct want w[N], old[3], again[N];
	struct ctrl_conf cc;
	struct recon r;
	size_t i;

	recon_init(&r);
	for (i = 0; i < 3; i++)
		old[i] = fx_want_tcp(addr[2 * i + 1], "nqn.x:a");
	CHECK_INT(plan(&r, old, 3, k, 3, 0), 0);	/* all adopted */
	for (i = 0; i < N; i++)
		w[i] = fx_want_tcp(addr[N - 1 - i], "nqn.x:a");
	fx_release(old, 3);
	CHECK_INT(plan(&r, w, N, k, 3, 1), 4);		/* the odd ones */
	CHECK_INT(r.n, N);
	for (i = 0; i < r.n && i < N; i++) {
		CHECK_STR(rec_str(r.v[i].rec, RS_TRADDR), addr[i]);
		CHECK_INT(r.v[i].state, i % 2 ? CS_LIVE : CS_CONNECTING);
		CHECK_STR(r.v[i].device, i % 2 ? k[i / 2].name : "");
	}
	for (i = 0; i < N; i++) {
		memset(&cc, 0, sizeof(cc));
		cc.id = fx_id_tcp(addr[i], "nqn.x:a");
		cc.tun.set = 1u << TUN_KATO;
		cc.tun.val[TUN_KATO] = (int)i;
		again[i] = fx_want_conf(&cc);
	}
	fx_release(w, N);
	CHECK_INT(plan(&r, again, N, k, 3, 2), 0);
	CHECK_INT(r.n, N);
	for (i = 0; i < r.n && i < N; i++) {
		CHECK(r.v[i].rec == again[i].rec);
		CHECK_INT(r.v[i].rec->refs, 2);		/* want and tracked */
		CHECK_INT(r.v[i].state, i % 2 ? CS_LIVE : CS_CONNECTING);
	}
	recon_fini(&r);
	for (i = 0; i < N; i++)
		CHECK_INT(again[i].rec->refs, 1);
	fx_release(again, N);
}

static void
thousands_of_controllers(void)
{
	enum { N = 5000 };
	struct want *w = calloc(N, sizeof(*w));
	struct kctrl *k = calloc(N, sizeof(*k));
	const struct want **wp;
	struct recon r;
	struct recon_params p = at(0);
	struct action *v;
	size_t n, i;
	char addr[32];

	CHECK(w && k);
	if (!w || !k)
		goto out;
	for (i = 0; i < N; i++) {
		snprintf(addr, sizeof(addr), "10.%zu.%zu.%zu", i >> 16,
		    (i >> 8) & 255, i & 255);
		w[i] = fx_want_tcp(addr, "nqn.x:a");
		/* the kernel lists them in another order, numbered with a
		 * stride (the instance table must spread those too) */
		k[N - 1 - i] = fx_kctrl((int)i * 4096, "tcp", addr, "nqn.x:a");
	}
	recon_init(&r);
	wp = fx_ptrs(w, N);
	CHECK_INT(recon_plan(&r, wp, N, k, N, &p, &v, &n, &next_due), 0);
	CHECK_INT(n, 0);
	recon_actions_free(v, n);
	CHECK_INT(r.n, N);
	for (i = 0; i < r.n; i++)
		if (r.v[i].device[0] == '\0')
			break;
	CHECK_INT(i, N);
	/* The steady pass finds each device by its number; one gone is
	 * reconnected, alone. */
	k[0] = k[N - 1];
	CHECK_INT(recon_plan(&r, wp, N, k, N - 1, &p, &v, &n, &next_due), 0);
	CHECK_INT(n, 0);
	recon_actions_free(v, n);
	for (i = n = 0; i < r.n; i++) {
		unsigned a, b, c;
		size_t j;

		CHECK(sscanf(rec_str(r.v[i].rec, RS_TRADDR), "10.%u.%u.%u",
		    &a, &b, &c) == 3);
		j = a << 16 | b << 8 | c;
		snprintf(addr, sizeof(addr), "nvme%zu", j * 4096);
		if (j == N - 1)
			n += r.v[i].state == CS_WAITING && !r.v[i].device[0];
		else
			n += r.v[i].state == CS_LIVE &&
			    strcmp(r.v[i].device, addr) == 0;
	}
	CHECK_INT(n, N);
	free(wp);
	recon_fini(&r);
out:
	if (w)
		fx_release(w, N);
	free(w);
	free(k);
}

/* Thousands of wanted controllers never make thousands of jobs at once. */
static void
connects_in_flight_are_capped(void)
{
	enum { N = 3 * RECON_CONNECTS_MAX };
	static struct want w[N];
	char nqn[32];
	struct recon r;
	size_t i;

	/* Zero-padded: the identity order is the index order. */
	for (i = 0; i < N; i++) {
		snprintf(nqn, sizeof(nqn), "nqn.x:%05zu", i);
		w[i] = fx_want_tcp("10.0.0.1", nqn);
	}
	recon_init(&r);
	CHECK_INT(plan(&r, w, N, NULL, 0, 0), RECON_CONNECTS_MAX);
	CHECK_INT(plan(&r, w, N, NULL, 0, 1), 0);	/* every slot taken */
	/* Two complete, one of them failed: two more start. */
	done(&r, &w[0], 0, 2);
	done(&r, &w[1], -ECONNREFUSED, 2);
	CHECK_INT(plan(&r, w, N, NULL, 0, 3), 2);
	recon_fini(&r);
	fx_release(w, N);
}

/*
 * The kernel makes one controller at a time: a first attempt goes ahead
 * of a controller whose last attempt failed, whatever their order.
 */
static void
failed_connects_go_last(void)
{
	struct want w[2] = { fx_want_tcp("10.0.0.1", "nqn.x:a"),
	    fx_want_tcp("10.0.0.2", "nqn.x:a") };
	struct recon r;

	recon_init(&r);
	CHECK_INT(plan(&r, w, 1, NULL, 0, 0), 1);
	done(&r, &w[0], -ECONNREFUSED, 1);
	/* Both due at once: the new one first. */
	CHECK_INT(plan(&r, w, 2, NULL, 0, 1000000), 2);
	CHECK_STR(rec_str(acts[0].rec, RS_TRADDR), "10.0.0.2");
	CHECK_STR(rec_str(acts[1].rec, RS_TRADDR), "10.0.0.1");
	recon_fini(&r);
	fx_release(w, 2);
}

/*
 * Controllers that failed together retry spread out over the jitter,
 * and a few passes (not one per deadline) start them all.
 */
static void
retries_spread_and_coalesce(void)
{
	enum { N = 100 };
	static struct want w[N];
	int64_t first = INT64_MAX, last = 0;
	char addr[32];
	struct recon r;
	size_t i, started = 0, distinct = 0, passes = 0;

	for (i = 0; i < N; i++) {
		snprintf(addr, sizeof(addr), "10.0.1.%zu", i + 1);
		w[i] = fx_want_tcp(addr, "nqn.x:a");
	}
	recon_init(&r);
	CHECK_INT(plan(&r, w, N, NULL, 0, 0), N);
	for (i = 0; i < N; i++)
		done(&r, &w[i], -ETIMEDOUT, 10);
	for (i = 0; i < r.n; i++) {
		int64_t at = r.v[i].retry_at;
		size_t j;

		CHECK(at >= 10 + RETRY_FAST_MS &&
		    at < 10 + RETRY_FAST_MS * (100 + RETRY_JITTER_PCT) / 100);
		first = at < first ? at : first;
		last = at > last ? at : last;
		for (j = 0; j < i && r.v[j].retry_at != at; j++)
			;
		distinct += j == i;
	}
	CHECK(distinct >= N / 2);		/* not all in one millisecond */
	CHECK(last - first >= RETRY_FAST_MS * RETRY_JITTER_PCT / 200);
	/* Each pass sets next_due, the next: as the loop would. */
	CHECK_INT(plan(&r, w, N, NULL, 0, 10), 0);
	for (; started < N && passes < N; passes++)
		started += plan(&r, w, N, NULL, 0, next_due);
	CHECK_INT(started, N);
	CHECK(passes <= (size_t)((last - first) / RETRY_SLACK_MS + 1));
	recon_fini(&r);
	fx_release(w, N);
}

/*
 * A disconnect of ours that failed (or never started): the controller
 * stays ours, so the state file keeps it, and is disconnected again a
 * minute later, not at every pass.  Wanted again meanwhile: kept.
 */
static void
failed_disconnect_is_tried_again(void)
{
	struct want w = fx_want_tcp("10.0.0.1", "nqn.x:a");
	struct kctrl k = fx_kctrl(0, "tcp", "10.0.0.1", "nqn.x:a");
	struct recon r;

	recon_init(&r);
	CHECK_INT(plan(&r, &w, 1, &k, 1, 0), 0);	/* adopted */
	CHECK_INT(plan(&r, NULL, 0, &k, 1, 10), 1);
	CHECK_INT(acts[0].kind, ACT_DISCONNECT);
	CHECK_STR(rec_str(acts[0].rec, RS_TRADDR), "10.0.0.1");
	CHECK(!acts[0].audit);
	CHECK_INT(plan(&r, NULL, 0, &k, 1, 15), 0);	/* the job runs */
	recon_disconnect_done(&r, FX_ID(acts[0].rec), -EIO, 20);
	CHECK(r.n == 1 && r.v[0].state == CS_LIVE);
	CHECK_INT(plan(&r, NULL, 0, &k, 1, 30), 0);	/* held */
	CHECK_INT(next_due, 20 + RETRY_SLOW_MS);
	CHECK(r.n == 1 && strcmp(r.v[0].device, "nvme0") == 0);
	CHECK_INT(plan(&r, NULL, 0, &k, 1, 20 + RETRY_SLOW_MS), 1);
	CHECK_INT(acts[0].kind, ACT_DISCONNECT);
	CHECK_STR(acts[0].device, "nvme0");
	/* wanted again while disconnecting: connected again after it */
	CHECK_INT(plan(&r, &w, 1, NULL, 0, 20 + RETRY_SLOW_MS + 1), 0);
	recon_disconnect_done(&r, FX_ID(w.rec), 0, 20 + RETRY_SLOW_MS + 2);
	CHECK(r.n == 1 && r.v[0].state == CS_WAITING);
	CHECK_INT(plan(&r, &w, 1, NULL, 0, 20 + RETRY_SLOW_MS + 3), 1);
	CHECK_INT(acts[0].kind, ACT_CONNECT);
	recon_fini(&r);
	fx_release(&w, 1);
}

/*
 * The ownership registry names another orchestrator: adopted (no
 * duplicate), but never disconnected, by us or by the audit.
 */
static void
foreign_owner_is_never_disconnected(void)
{
	struct want w = fx_want_tcp("10.0.0.1", "nqn.x:a");
	struct kctrl k[2] = {
		fx_kctrl(0, "tcp", "10.0.0.1", "nqn.x:a"),
		fx_kctrl(1, "tcp", "10.0.0.2", "nqn.x:b"),
	};
	struct recon r;

	strcpy(k[0].foreign_owner, "nbft");
	strcpy(k[1].foreign_owner, "discoverd");
	conf.disconnect_scope = DS_ALL_MATCHING_TRTYPES;
	recon_init(&r);
	CHECK_INT(plan(&r, &w, 1, k, 2, 0), 0);		/* adopted, no audit */
	CHECK(r.n == 1 && r.v[0].state == CS_LIVE);
	CHECK(r.n == 1 && strcmp(r.v[0].foreign_owner, "nbft") == 0);
	CHECK_INT(plan(&r, NULL, 0, k, 2, 10), 0);	/* kept */
	CHECK_INT(r.n, 0);
	/* the same without the registry entry: disconnected */
	k[0].foreign_owner[0] = '\0';
	CHECK_INT(plan(&r, &w, 1, k, 2, 20), 0);
	CHECK_INT(plan(&r, NULL, 0, k, 2, 30), 1);	/* not discoverd's */
	CHECK_STR(acts[0].device, "nvme0");
	recon_fini(&r);
	conf_init(&conf);
	fx_release(&w, 1);
}

int
main(void)
{
	log_init(LOG_TO_STDERR);
	conf_init(&conf);
	TEST(connect_once_then_nothing);
	TEST(retry_schedule);
	TEST(removed_device_comes_back_after_3s);
	TEST(device_name_reused_by_another_controller);
	TEST(existing_connection_adopted);
	TEST(other_host_nqn_not_adopted);
	TEST(removal_follows_disconnect_scope);
	TEST(audit_removes_foreign_io_controllers);
	TEST(ncc_caps_attempts);
	TEST(removed_while_connecting);
	TEST(last_known_config_owned);
	TEST(incomplete_desired_set_keeps_its_origin);
	TEST(repeated_identity_connects_once);
	TEST(tracked_set_merged_in_place);
	TEST(thousands_of_controllers);
	TEST(connects_in_flight_are_capped);
	TEST(failed_connects_go_last);
	TEST(retries_spread_and_coalesce);
	TEST(failed_disconnect_is_tried_again);
	TEST(foreign_owner_is_never_disconnected);
	return TEST_EXIT();
}

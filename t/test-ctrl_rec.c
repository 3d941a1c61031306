/*
 * t/test-ctrl_rec.c - the compact record of a controller: every field
 * back from a pack/unpack round trip (longest and empty strings), the
 * order of records equal to ctrl_id_compare()'s, and a record's view
 * matching the kernel's controllers exactly as its wide identity does.
 */
#include <stdlib.h>
#include <string.h>

#include "ctrl_rec.h"
#include "fixtures.h"
#include "log.h"
#include "test.h"

/* A string of n copies of c (n < size). */
static void
fill(char *dst, size_t size, char c, size_t n)
{
	CHECK(n < size);
	memset(dst, c, n);
	dst[n] = '\0';
}

static void
check_round_trip(const struct ctrl_conf *cc)
{
	struct ctrl_rec *r = rec_pack(cc);
	struct ctrl_conf back;
	struct ctrl_id id;

	CHECK(r != NULL);
	if (r == NULL)
		return;
	rec_unpack(r, &back);
	/* memcmp: both were zeroed first, so the padding agrees too. */
	CHECK(memcmp(&back, cc, sizeof(back)) == 0);
	rec_unpack_id(r, &id);
	CHECK(memcmp(&id, &cc->id, sizeof(id)) == 0);
	CHECK_INT(rec_compare_id(r, &cc->id), 0);
	CHECK_INT(rec_id_hash(r), ctrl_id_hash(&cc->id));
	rec_unref(r);
}

static void
round_trip(void)
{
	struct ctrl_conf cc;
	int t;

	memset(&cc, 0, sizeof(cc));
	check_round_trip(&cc);			/* every string empty */

	memset(&cc, 0, sizeof(cc));
	cc.id.transport = TRTYPE_FC;
	fill(cc.id.traddr, sizeof(cc.id.traddr), 'a', TRADDR_MAX);
	fill(cc.id.trsvcid, sizeof(cc.id.trsvcid), 'b', TRSVCID_MAX);
	fill(cc.id.subsysnqn, sizeof(cc.id.subsysnqn), 'c', NQN_MAX);
	fill(cc.id.host_traddr, sizeof(cc.id.host_traddr), 'd', TRADDR_MAX);
	fill(cc.id.host_iface, sizeof(cc.id.host_iface), 'e', HOST_IFACE_MAX);
	fill(cc.id.host_nqn, sizeof(cc.id.host_nqn), 'f', NQN_MAX);
	fill(cc.dhchap_secret, sizeof(cc.dhchap_secret), 'g', SECRET_MAX);
	fill(cc.dhchap_ctrl_secret, sizeof(cc.dhchap_ctrl_secret), 'h',
	    SECRET_MAX);
	for (t = 0; t < TUN_COUNT; t++)
		cc.tun.val[t] = t == TUN_CTRL_LOSS_TMO ? -1 : 1000 * t;
	cc.tun.set = (1u << TUN_COUNT) - 1;
	cc.own_tunables = true;
	cc.discovery_ctrl = true;
	cc.origin = ORIGIN_CMDLINE;
	cc.line = 123456;
	check_round_trip(&cc);			/* every string at its longest */

	memset(&cc, 0, sizeof(cc));
	cc.id = fx_id_tcp("10.0.0.1", "nqn.x:y");
	strcpy(cc.dhchap_ctrl_secret, "DHHC-1:00:c2VjcmV0:");
	cc.origin = ORIGIN_NBFT;
	check_round_trip(&cc);			/* empty strings in between */
}

static void
references(void)
{
	struct ctrl_conf cc;
	struct ctrl_rec *r;

	memset(&cc, 0, sizeof(cc));
	cc.id = fx_id_tcp("10.0.0.1", "nqn.x:y");
	r = rec_pack(&cc);
	CHECK(r != NULL && r->refs == 1);
	CHECK(rec_ref(r) == r && r->refs == 2);
	rec_unref(r);
	CHECK_INT(r->refs, 1);
	rec_unref(r);		/* freed: LeakSanitizer would say if not */
	CHECK(rec_ref(NULL) == NULL);
	rec_unref(NULL);
}

static int
sign(int x)
{
	return (x > 0) - (x < 0);
}

static void
order(void)
{
	/* Pairs that differ in one field, or in the length of one. */
	static const struct {
		enum trtype t;
		const char *traddr, *trsvcid, *nqn, *htraddr, *hiface, *hnqn;
	} tab[] = {
		{ TRTYPE_TCP, "10.0.0.1", "4420", "nqn.a", "", "", "" },
		{ TRTYPE_TCP, "10.0.0.1", "4420", "nqn.a", "", "", "h" },
		{ TRTYPE_TCP, "10.0.0.1", "4420", "nqn.a", "", "eth0", "" },
		{ TRTYPE_TCP, "10.0.0.1", "4420", "nqn.a", "10.0.0.5", "", "" },
		{ TRTYPE_TCP, "10.0.0.1", "4420", "nqn.ab", "", "", "" },
		{ TRTYPE_TCP, "10.0.0.1", "4420", "nqn.b", "", "", "" },
		{ TRTYPE_TCP, "10.0.0.1", "4421", "nqn.a", "", "", "" },
		{ TRTYPE_TCP, "10.0.0.1", "", "nqn.a", "", "", "" },
		{ TRTYPE_TCP, "10.0.0.10", "4420", "nqn.a", "", "", "" },
		{ TRTYPE_TCP, "10.0.0.1\x7f", "4420", "nqn.a", "", "", "" },
		{ TRTYPE_TCP, "10.0.0.1\xff", "4420", "nqn.a", "", "", "" },
		{ TRTYPE_TCP, "10.0.0.", "4420", "nqn.a", "", "", "" },
		{ TRTYPE_TCP, "", "", "", "", "", "" },
		{ TRTYPE_RDMA, "10.0.0.1", "4420", "nqn.a", "", "", "" },
		{ TRTYPE_LOOP, "", "", "nqn.a", "", "", "" },
		{ TRTYPE_NONE, "", "", "", "", "", "" },
	};
	enum { N = sizeof(tab) / sizeof(tab[0]) };
	struct ctrl_conf cc[N];
	struct ctrl_rec *r[N];
	size_t i, j;

	for (i = 0; i < N; i++) {
		memset(&cc[i], 0, sizeof(cc[i]));
		cc[i].id.transport = tab[i].t;
		strcpy(cc[i].id.traddr, tab[i].traddr);
		strcpy(cc[i].id.trsvcid, tab[i].trsvcid);
		strcpy(cc[i].id.subsysnqn, tab[i].nqn);
		strcpy(cc[i].id.host_traddr, tab[i].htraddr);
		strcpy(cc[i].id.host_iface, tab[i].hiface);
		strcpy(cc[i].id.host_nqn, tab[i].hnqn);
		r[i] = rec_pack(&cc[i]);
		CHECK(r[i] != NULL);
	}
	for (i = 0; i < N; i++)
		for (j = 0; j < N && r[i]; j++) {
			int want = sign(ctrl_id_compare(&cc[i].id, &cc[j].id));

			if (r[j] == NULL)
				continue;
			CHECK_INT(sign(rec_id_compare(r[i], r[j])), want);
			CHECK_INT(sign(rec_compare_id(r[i], &cc[j].id)), want);
			CHECK_INT(want == 0, i == j);
		}
	for (i = 0; i < N; i++)
		rec_unref(r[i]);
}

/* The view of a record and of its wide identity match the same kernels. */
static void
view_matches(void)
{
	static const struct {
		const char *traddr, *htraddr, *hiface, *hnqn;
	} ids[] = {
		{ "10.0.0.1", "", "", "" },
		{ "::ffff:10.0.0.1", "", "", "" },
		{ "10.0.0.1", "10.0.0.5", "", "" },
		{ "10.0.0.1", "10.0.0.6", "", "" },
		{ "10.0.0.1", "", "eth0", "" },
		{ "10.0.0.1", "", "eth1", "" },
		{ "10.0.0.1", "", "", "nqn.other-host" },
		{ "10.0.0.2", "", "", "" },
	};
	static const struct {
		const char *traddr, *src, *src_iface, *hiface;
	} ks[] = {
		{ "10.0.0.1", "", "", "" },
		{ "10.0.0.1", "10.0.0.5", "eth0", "" },
		{ "::ffff:10.0.0.1", "10.0.0.6", "eth1", "" },
		{ "10.0.0.1", "", "", "eth0" },
		{ "10.0.0.2", "", "", "" },
	};
	size_t i, j, hits = 0;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct ctrl_conf cc;
		struct ctrl_rec *r;
		struct ctrl_view v;
		char a[CTRL_ID_STR_MAX], b[CTRL_ID_STR_MAX];

		memset(&cc, 0, sizeof(cc));
		cc.id = fx_id_tcp(ids[i].traddr, "nqn.x:y");
		strcpy(cc.id.host_traddr, ids[i].htraddr);
		strcpy(cc.id.host_iface, ids[i].hiface);
		strcpy(cc.id.host_nqn, ids[i].hnqn);
		if ((r = rec_pack(&cc)) == NULL) {
			CHECK(r != NULL);
			continue;
		}
		rec_view(r, &v);
		CHECK(v.transport == TRTYPE_TCP);
		CHECK_STR(v.traddr, ids[i].traddr);
		CHECK_STR(v.host_nqn, ids[i].hnqn);
		CHECK_STR(rec_id_str(r, a, sizeof(a)),
		    ctrl_id_str(&cc.id, b, sizeof(b)));
		for (j = 0; j < sizeof(ks) / sizeof(ks[0]); j++) {
			struct kctrl k = fx_kctrl(1, "tcp", ks[j].traddr,
			    "nqn.x:y");
			bool m;

			strcpy(k.src_addr, ks[j].src);
			strcpy(k.src_iface, ks[j].src_iface);
			strcpy(k.host_iface, ks[j].hiface);
			m = ctrl_id_matches(&k, &cc.id, HOSTNQN);
			hits += m;
			CHECK(rec_matches(&k, r, HOSTNQN) == m);
			CHECK(ctrl_view_matches(&k, &v, HOSTNQN) == m);
		}
		rec_unref(r);
	}
	/* The table has both outcomes, so the equality says something. */
	CHECK(hits > 0 && hits < 8 * 5);
}

int
main(void)
{
	log_init(LOG_TO_STDERR);
	TEST(round_trip);
	TEST(references);
	TEST(order);
	TEST(view_matches);
	return TEST_EXIT();
}

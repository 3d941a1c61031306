/*
 * t/test-owndisc.c - stacd's own discovery set from tables: log page
 * entries to wants, a page replacing the last one of its discovery
 * controller only, exclusions, the referral rules (DUPRETINFO, depth,
 * loops) and orphans dropped level by level.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "log.h"
#include "owndisc.h"
#include "test.h"

#define NQN "nqn.2014-08.org.example:s"

static struct conf conf;

static void
setup(const char *text)
{
	conf_fini(&conf);
	conf_init(&conf);
	CHECK_INT(conf_parse(&conf, text, strlen(text), "test.conf"), 0);
}

/* A discovery controller on 127.0.0.1:port, as the daemon tracks it. */
static struct ctrl_id
dc(const char *port)
{
	struct ctrl_id id = fx_id_tcp("127.0.0.1", DISCOVERY_NQN);

	strcpy(id.trsvcid, port);
	strcpy(id.host_nqn, HOSTNQN);
	return id;
}

static struct dlp_entry
entry(enum dlp_subtype st, const char *port, const char *nqn, int eflags)
{
	struct dlp_entry e;

	memset(&e, 0, sizeof(e));
	e.subtype = st;
	e.id = fx_id_tcp("127.0.0.1", nqn);
	strcpy(e.id.trsvcid, port);
	e.eflags = (uint16_t)eflags;
	return e;
}

/* A configured discovery controller, as want_from_ctrls() makes it. */
static struct want
conf_dc(const char *port)
{
	struct ctrl_conf cc;

	memset(&cc, 0, sizeof(cc));
	cc.id = dc(port);
	cc.discovery_ctrl = true;
	return fx_want_conf(&cc);
}

/* How many wants of o have subsystem nqn (and are discovery ctrls). */
static size_t
count(const struct owndisc *o, const char *nqn, const char *port)
{
	size_t i, n = 0;

	for (i = 0; i < o->n; i++)
		if (strcmp(rec_str(o->v[i].rec, RS_SUBSYSNQN), nqn) == 0 &&
		    (port == NULL ||
		    strcmp(rec_str(o->v[i].rec, RS_TRSVCID), port) == 0))
			n++;
	return n;
}

static int
page(struct owndisc *o, const struct ctrl_id *from, int depth,
    const struct dlp_entry *e, size_t n, const struct want *cf, size_t ncf)
{
	struct ctrl_conf dc;

	memset(&dc, 0, sizeof(dc));
	dc.id = *from;
	return owndisc_page(o, &dc, depth, e, n, cf, ncf, &conf, HOSTNQN,
	    "test-dc");
}

static void
nvm_entries_become_wants(void)
{
	struct ctrl_id a = dc("8009");
	struct want cf = conf_dc("8009");
	struct dlp_entry e[] = {
		entry(DLP_NVM, "4420", NQN "1", 0),
		entry(DLP_NVM, "4420", NQN "2", DLP_EFLAGS_NCC),
		entry(DLP_CURRENT, "8009", DISCOVERY_NQN, 0),
		entry(DLP_NVM, "4421", NQN "3", 0),
	};
	struct owndisc o;

	setup("");
	owndisc_init(&o);
	CHECK_INT(page(&o, &a, 0, e, 4, &cf, 1), 3);
	CHECK_INT(o.n, 3);
	CHECK_INT(count(&o, DISCOVERY_NQN, NULL), 0);	/* itself: no */
	CHECK_STR(rec_str(o.v[0].rec, RS_HOST_NQN), HOSTNQN);
	CHECK(o.v[0].discovered && !o.v[0].rec->discovery_ctrl);
	CHECK_INT(o.v[0].dc, ctrl_id_hash(&a));
	CHECK(!o.v[0].ncc && o.v[1].ncc);
	owndisc_fini(&o);
	fx_release(&cf, 1);
}

/* What a boot discovery controller lists is boot-owned too. */
static void
entries_take_the_dc_origin(void)
{
	struct want cf = conf_dc("8009");
	struct dlp_entry e[] = {
		entry(DLP_NVM, "4420", NQN "1", 0),
		entry(DLP_REFERRAL, "8011", DISCOVERY_NQN, 0),
	};
	struct ctrl_conf dcc;
	struct owndisc o;

	setup("");
	owndisc_init(&o);
	memset(&dcc, 0, sizeof(dcc));
	dcc.id = dc("8009");
	dcc.origin = ORIGIN_NBFT;
	CHECK_INT(owndisc_page(&o, &dcc, 0, e, 2, &cf, 1, &conf, HOSTNQN,
	    "test-dc"), 2);
	CHECK(o.n == 2 && o.v[0].rec->origin == ORIGIN_NBFT &&
	    o.v[1].rec->origin == ORIGIN_NBFT);
	owndisc_fini(&o);
	fx_release(&cf, 1);
}

static void
page_replaces_its_own_entries_only(void)
{
	struct ctrl_id a = dc("8009"), b = dc("8010");
	struct want cf[] = { conf_dc("8009"), conf_dc("8010") };
	struct dlp_entry ea[] = {
		entry(DLP_NVM, "4420", NQN "1", 0),
		entry(DLP_NVM, "4420", NQN "2", 0),
	};
	struct dlp_entry eb[] = { entry(DLP_NVM, "4420", NQN "9", 0) };
	struct owndisc o;

	setup("");
	owndisc_init(&o);
	CHECK_INT(page(&o, &a, 0, ea, 2, cf, 2), 2);
	CHECK_INT(page(&o, &b, 0, eb, 1, cf, 2), 1);
	CHECK_INT(page(&o, &a, 0, &ea[1], 1, cf, 2), 1);	/* s1 left */
	CHECK_INT(o.n, 2);
	CHECK_INT(count(&o, NQN "1", NULL), 0);
	CHECK_INT(count(&o, NQN "2", NULL), 1);
	CHECK_INT(count(&o, NQN "9", NULL), 1);
	CHECK_INT(page(&o, &a, 0, NULL, 0, cf, 2), 0);	/* an empty page */
	CHECK_INT(o.n, 1);
	CHECK_INT(count(&o, NQN "9", NULL), 1);
	owndisc_fini(&o);
	fx_release(cf, sizeof(cf) / sizeof(cf[0]));
}

static void
exclusions_and_ip_family(void)
{
	struct ctrl_id a = dc("8009");
	struct want cf = conf_dc("8009");
	struct dlp_entry e[] = {
		entry(DLP_NVM, "4420", NQN "1", 0),
		entry(DLP_NVM, "4420", NQN "2", 0),
		entry(DLP_NVM, "4420", NQN "3", 0),
	};
	struct owndisc o;

	strcpy(e[2].id.traddr, "::1");
	setup("[Global]\nip-family=ipv4\n[Controllers]\n"
	    "exclude=nqn=" NQN "2\n");
	owndisc_init(&o);
	CHECK_INT(page(&o, &a, 0, e, 3, &cf, 1), 1);
	CHECK_INT(count(&o, NQN "1", NULL), 1);
	owndisc_fini(&o);
	fx_release(&cf, 1);
}

/* One referral on a page of a DC depth hops deep: followed or not. */
static const struct {
	const char	*what;
	const char	*port;		/* of the referred DC */
	int		 eflags;
	int		 depth;		/* of the referring DC */
	bool		 followed;
} referral_cases[] = {
	{ "a plain referral", "8011", 0, 0, true },
	{ "a referral 4 hops away", "8011", 0, 3, true },
	{ "a referral 5 hops away", "8011", 0, 4, false },
	{ "DUPRETINFO", "8011", DLP_EFLAGS_DUPRETINFO, 0, false },
	{ "to the referring DC itself", "8009", 0, 0, false },
	{ "to another configured DC (a loop)", "8010", 0, 0, false },
	{ "EPCSD does not matter", "8011", DLP_EFLAGS_EPCSD, 0, true },
};

static void
referral_rules(void)
{
	struct ctrl_id a = dc("8009");
	struct want cf[] = { conf_dc("8009"), conf_dc("8010") };
	struct owndisc o;
	size_t i;

	setup("");
	for (i = 0; i < sizeof(referral_cases) / sizeof(referral_cases[0]);
	    i++) {
		struct dlp_entry e = entry(DLP_REFERRAL, referral_cases[i].port,
		    DISCOVERY_NQN, referral_cases[i].eflags);
		int n;

		owndisc_init(&o);
		n = page(&o, &a, referral_cases[i].depth, &e, 1, cf, 2);
		if (n != (referral_cases[i].followed ? 1 : 0))
			printf("#   %s: %d taken\n", referral_cases[i].what, n);
		CHECK_INT(n, referral_cases[i].followed ? 1 : 0);
		if (n == 1) {
			CHECK(o.v[0].rec->discovery_ctrl && o.v[0].discovered);
			CHECK_INT(o.v[0].dc_depth,
			    referral_cases[i].depth + 1);
			CHECK_STR(rec_str(o.v[0].rec, RS_HOST_NQN), HOSTNQN);
		}
		owndisc_fini(&o);
	}
	fx_release(cf, sizeof(cf) / sizeof(cf[0]));
}

static void
referral_listed_twice_is_followed_once(void)
{
	struct ctrl_id a = dc("8009"), b = dc("8010");
	struct want cf[] = { conf_dc("8009"), conf_dc("8010") };
	struct dlp_entry e[] = {
		entry(DLP_REFERRAL, "8011", DISCOVERY_NQN, 0),
		entry(DLP_REFERRAL, "8011", DISCOVERY_NQN, 0),
	};
	struct owndisc o;

	setup("");
	owndisc_init(&o);
	CHECK_INT(page(&o, &a, 0, e, 2, cf, 2), 1);
	CHECK_INT(page(&o, &b, 0, e, 1, cf, 2), 0);
	CHECK_INT(count(&o, DISCOVERY_NQN, "8011"), 1);
	owndisc_fini(&o);
	fx_release(cf, sizeof(cf) / sizeof(cf[0]));
}

/*
 * A (configured) refers to B, B to C, C lists s1; A also lists s2.
 * A's next page drops B: B's and C's entries go, A's stay.  Then A is
 * no longer configured: everything goes.
 */
static void
orphans_level_by_level(void)
{
	struct ctrl_id a = dc("8009"), b = dc("8011"), c = dc("8012");
	struct want cf = conf_dc("8009");
	struct dlp_entry ea[] = {
		entry(DLP_NVM, "4420", NQN "2", 0),
		entry(DLP_REFERRAL, "8011", DISCOVERY_NQN, 0),
	};
	struct dlp_entry eb = entry(DLP_REFERRAL, "8012", DISCOVERY_NQN, 0);
	struct dlp_entry ec = entry(DLP_NVM, "4420", NQN "1", 0);
	struct owndisc o;

	setup("");
	owndisc_init(&o);
	CHECK_INT(page(&o, &a, 0, ea, 2, &cf, 1), 2);
	CHECK_INT(page(&o, &b, 1, &eb, 1, &cf, 1), 1);
	CHECK_INT(page(&o, &c, 2, &ec, 1, &cf, 1), 1);
	CHECK_INT(o.n, 4);
	CHECK_INT(owndisc_forget_orphans(&o, &cf, 1), 0);
	CHECK_INT(page(&o, &a, 0, ea, 1, &cf, 1), 1);
	CHECK_INT(owndisc_forget_orphans(&o, &cf, 1), 2);	/* C, s1 */
	CHECK_INT(o.n, 1);
	CHECK_INT(count(&o, NQN "2", NULL), 1);
	CHECK_INT(owndisc_forget_orphans(&o, NULL, 0), 1);
	CHECK_INT(o.n, 0);
	owndisc_fini(&o);
	fx_release(&cf, 1);
}

int
main(void)
{
	log_init(LOG_TO_STDERR);
	conf_init(&conf);
	TEST(nvm_entries_become_wants);
	TEST(entries_take_the_dc_origin);
	TEST(page_replaces_its_own_entries_only);
	TEST(exclusions_and_ip_family);
	TEST(referral_rules);
	TEST(referral_listed_twice_is_followed_once);
	TEST(orphans_level_by_level);
	conf_fini(&conf);
	return TEST_EXIT();
}

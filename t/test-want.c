/*
 * t/test-want.c - the desired set from stacd.conf, from tables: literal
 * and resolved addresses, names still unknown, exclusions on both forms,
 * ip-family, host-nqn; the names to resolve; the merge with discovered
 * controllers.  No resolver runs: the answers are part of the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "fixtures.h"
#include "test.h"
#include "want.h"

#define NQN "nqn.2014-08.org.example:s"

static struct conf conf;
static struct host_conf host;

static void
setup(const char *text)
{
	conf_fini(&conf);
	conf_init(&conf);
	CHECK_INT(conf_parse(&conf, text, strlen(text), "test.conf"), 0);
	memset(&host, 0, sizeof(host));
	strcpy(host.nqn, HOSTNQN);
}

/* A resolver's answer, as the daemon records it. */
static void
answer(struct want_names *names, const char *name, const char *addr,
    bool pending)
{
	struct want_name *n = want_names_find(names, name);

	CHECK(n != NULL);
	if (n) {
		snprintf(n->addr, sizeof(n->addr), "%s", addr);
		n->pending = pending;
	}
}

static void
names_to_resolve(void)
{
	struct want_names names = { 0 };

	setup("[Controllers]\n"
	    "controller=transport=tcp;traddr=storage-a;nqn=" NQN "1\n"
	    "controller=transport=tcp;traddr=storage-a;nqn=" NQN "2\n"
	    "controller=transport=rdma;traddr=storage-b;nqn=" NQN "3\n"
	    "controller=transport=tcp;traddr=10.0.0.1;nqn=" NQN "4\n"
	    "controller=transport=loop;nqn=" NQN "5\n");
	CHECK_INT(want_names_sync(&names, &conf), 2);
	CHECK_INT(names.n, 2);
	CHECK(want_names_find(&names, "storage-a") != NULL);
	CHECK(want_names_find(&names, "storage-b") != NULL);
	CHECK(want_names_find(&names, "10.0.0.1") == NULL);
	/* Known names are not added again, and keep what they know. */
	answer(&names, "storage-a", "10.0.0.7", false);
	CHECK_INT(want_names_sync(&names, &conf), 0);
	CHECK_STR(want_names_find(&names, "storage-a")->addr, "10.0.0.7");
	want_names_fini(&names);
}

static void
configured_set_from_table(void)
{
	static const struct {
		const char	*line;		/* the controller's keys */
		const char	*addr;		/* the name's answer, or NULL */
		bool		 pending;
		const char	*traddr;	/* in the set, or NULL: left out */
		bool		 incomplete;
	} cases[] = {
		{ "traddr=10.0.0.1", NULL, false, "10.0.0.1", false },
		{ "traddr=::ffff:10.0.0.2", NULL, false, "10.0.0.2", false },
		{ "traddr=0:0::1", NULL, false, "::1", false },
		{ "traddr=storage", "10.0.0.3", false, "10.0.0.3", false },
		/* the first answer is still awaited: unknown, not absent */
		{ "traddr=storage", "", true, NULL, true },
		/* resolving failed: absent */
		{ "traddr=storage", "", false, NULL, false },
		/* a new answer is awaited, the last one still counts */
		{ "traddr=storage", "10.0.0.4", true, "10.0.0.4", false },
		/* excluded by the written and by the resolved address */
		{ "traddr=10.9.9.9", NULL, false, NULL, false },
		{ "traddr=storage", "10.9.9.9", false, NULL, false },
		{ "traddr=storage", "2001:db8::1", false, NULL, false },
		{ "traddr=10.0.0.5;host-nqn=nqn.2014-08.org.example:other",
		    NULL, false, NULL, false },
		{ "traddr=10.0.0.6;host-nqn=" HOSTNQN, NULL, false, "10.0.0.6",
		    false },
	};
	struct want_names names;
	struct want *w;
	char text[512];
	bool incomplete;
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "[Global]\nip-family=ipv4+ipv6\n"
		    "[Controllers]\ncontroller=transport=tcp;%s;nqn=" NQN "\n"
		    "exclude=traddr=10.9.9.9\n", cases[i].line);
		setup(text);
		/* An IPv6 answer meets ip-family=ipv4. */
		if (cases[i].addr && strchr(cases[i].addr, ':'))
			conf.ip_family = IPF_V4;
		memset(&names, 0, sizeof(names));
		CHECK(want_names_sync(&names, &conf) >= 0);
		if (cases[i].addr)
			answer(&names, "storage", cases[i].addr,
			    cases[i].pending);
		CHECK_INT(want_from_conf(&conf, &host, &names, &w, &n,
		    &incomplete), 0);
		if ((n == 1) != (cases[i].traddr != NULL) ||
		    incomplete != cases[i].incomplete)
			printf("#   case %zu: %zu wanted, incomplete %d\n", i, n,
			    incomplete);
		CHECK_INT(n, cases[i].traddr ? 1 : 0);
		CHECK_INT(incomplete, cases[i].incomplete);
		if (n == 1 && cases[i].traddr) {
			CHECK_STR(rec_str(w[0].rec, RS_TRADDR), cases[i].traddr);
			CHECK_STR(rec_str(w[0].rec, RS_HOST_NQN), HOSTNQN);
			CHECK(!w[0].discovered);
		}
		want_free(w, n);
		want_names_fini(&names);
	}
}

static struct want
want_at(const char *traddr, bool discovered)
{
	struct want w = fx_want_tcp(traddr, NQN);

	w.discovered = discovered;
	return w;
}

/*
 * Configured first: of two equal identities the configured one wins,
 * wherever the two arrays lie in memory.  Nothing is copied.
 */
static void
merge_and_repeats(void)
{
	struct want *c = calloc(2, sizeof(*c)), *d = calloc(2, sizeof(*d));
	struct want *lo, *hi;
	const struct want **v;
	size_t n, round;

	for (round = 0; round < 2; round++) {
		/* the discovered array first in memory, then the other way */
		lo = c < d ? c : d;
		hi = c < d ? d : c;
		c = round ? lo : hi;
		d = round ? hi : lo;
		c[0] = want_at("10.0.0.1", false);
		c[1] = want_at("10.0.0.2", false);
		d[0] = want_at("10.0.0.2", true);
		d[1] = want_at("10.0.0.3", true);
		CHECK_INT(want_merge(c, 2, d, 2, &v, &n), 0);
		CHECK_INT(n, 4);
		CHECK(v[0] == &c[0] && v[3] == &d[1]);
		n = want_sort_unique(v, n);
		CHECK_INT(n, 3);
		if (n == 3) {
			CHECK_STR(rec_str(v[0]->rec, RS_TRADDR), "10.0.0.1");
			CHECK(v[1] == &c[1]);	/* not d[0] */
			CHECK_STR(rec_str(v[2]->rec, RS_TRADDR), "10.0.0.3");
		}
		free(v);
		fx_release(c, 2);
		fx_release(d, 2);
	}
	CHECK_INT(want_merge(NULL, 0, NULL, 0, &v, &n), 0);
	CHECK_INT(n, 0);
	free(v);
	free(c);
	free(d);
}

/* Repeats within one array: the first stays, the order is kept. */
static void
repeats_dropped_in_order(void)
{
	struct want v[4] = { want_at("10.0.0.3", true),
	    want_at("10.0.0.1", true), want_at("10.0.0.3", true),
	    want_at("10.0.0.2", true) };
	size_t n = 4;

	v[2].ncc = true;		/* tells the second 10.0.0.3 apart */
	CHECK_INT(want_drop_repeats(v, &n), 0);
	CHECK_INT(n, 3);
	CHECK_STR(rec_str(v[0].rec, RS_TRADDR), "10.0.0.3");
	CHECK(!v[0].ncc);
	CHECK_STR(rec_str(v[1].rec, RS_TRADDR), "10.0.0.1");
	CHECK_STR(rec_str(v[2].rec, RS_TRADDR), "10.0.0.2");
	fx_release(v, n);
}

int
main(void)
{
	log_init(LOG_TO_STDERR);
	conf_init(&conf);
	TEST(names_to_resolve);
	TEST(configured_set_from_table);
	TEST(merge_and_repeats);
	TEST(repeats_dropped_in_order);
	conf_fini(&conf);
	return TEST_EXIT();
}

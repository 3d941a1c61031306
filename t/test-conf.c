/* t/test-conf.c - the configuration API as the daemon uses it. */
#include <stdlib.h>

#include "conf.h"
#include "fixtures.h"
#include "log.h"
#include "test.h"

#define K52 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMw=="

static void
parse(struct conf *c, const char *text)
{
	conf_init(c);
	CHECK_INT(conf_parse(c, text, strlen(text), "test.conf"), 0);
}

static void
defaults(void)
{
	struct conf c;

	parse(&c, "");
	CHECK(!c.tron);
	CHECK_INT(c.ip_family, IPF_V4 | IPF_V6);
	CHECK_INT(c.disconnect_scope, DS_ONLY_STAS_CONNECTIONS);
	CHECK_INT(c.disconnect_trtypes, 1u << TRTYPE_TCP);
	CHECK_INT(c.ncc_attempts, 0);
	CHECK(c.tun.set & (1u << TUN_HDR_DIGEST));
	CHECK_INT(c.tun.val[TUN_HDR_DIGEST], 0);
	CHECK(!(c.tun.set & (1u << TUN_KATO)));
	CHECK_INT(c.n_ctrls, 0);
	conf_fini(&c);
}

static void
tunables_and_overrides(void)
{
	struct conf c;
	const struct ctrl_conf *cc;

	parse(&c, "[Global]\nkato=1_0\nqueue-size=17\n[Controllers]\n"
	    "controller=transport=tcp;traddr=::1;nqn=nqn.x:y;kato=3;"
	    "hdr-digest=TRUE\n");
	CHECK_INT(c.tun.val[TUN_KATO], 10);
	CHECK_INT(c.tun.val[TUN_QUEUE_SIZE], 17);
	CHECK_INT(c.n_ctrls, 1);
	cc = FX_CONF(c.ctrls[0]);
	CHECK_STR(cc->id.trsvcid, "4420");
	CHECK_INT(cc->tun.set, 1u << TUN_KATO | 1u << TUN_HDR_DIGEST);
	CHECK_INT(cc->tun.val[TUN_KATO], 3);
	CHECK_INT(cc->tun.val[TUN_HDR_DIGEST], 1);
	CHECK_INT(cc->line, 5);
	conf_fini(&c);
}

static void
secret_padding_survives(void)
{
	struct conf c;

	parse(&c, "[Controllers]\ncontroller=transport=tcp;traddr=10.0.0.1;"
	    "nqn=nqn.x:y;dhchap-secret=DHHC-1:02:" K52 ":\n");
	CHECK_INT(c.n_ctrls, 1);
	if (c.n_ctrls)
		CHECK_STR(rec_str(c.ctrls[0], RS_DHCHAP_SECRET),
		    "DHHC-1:02:" K52 ":");
	conf_fini(&c);
}

static void
exclusion_is_minimal_match(void)
{
	struct conf c;
	struct ctrl_id id = { .transport = TRTYPE_TCP };

	parse(&c, "[Controllers]\nexclude=traddr=10.0.0.1\n"
	    "exclude=transport=rdma;nqn=nqn.a:b\nexclude=\n");
	CHECK_INT(c.n_excludes, 2);
	strcpy(id.traddr, "10.0.0.1");
	strcpy(id.subsysnqn, "nqn.a:b");
	CHECK(conf_excluded(&c, &id));		/* traddr alone matches */
	strcpy(id.traddr, "10.0.0.2");
	CHECK(!conf_excluded(&c, &id));		/* transport differs */
	id.transport = TRTYPE_RDMA;
	CHECK(conf_excluded(&c, &id));
	strcpy(id.subsysnqn, "nqn.a:c");
	CHECK(!conf_excluded(&c, &id));		/* the empty one matches nothing */
	conf_fini(&c);
}

static void
reload_into_fresh_struct(void)
{
	struct conf a, b;

	parse(&a, "[Global]\ntron=true\n");
	parse(&b, "[Global]\nkato=4\n");
	CHECK(a.tron);
	CHECK(!b.tron);
	CHECK(!(a.tun.set & (1u << TUN_KATO)));
	conf_fini(&a);
	conf_fini(&b);
}

static void
host_literal_values(void)
{
	struct host_conf h;
	const char *sys = "[Host]\nnqn=nqn.2014-08.org.example:h\n"
	    "id=aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\nsymname=A B\n";

	CHECK_INT(host_parse(&h, sys, strlen(sys), "sys.conf",
	    "/nonexistent-root"), 0);
	CHECK_STR(h.nqn, "nqn.2014-08.org.example:h");
	CHECK_STR(h.id, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
	CHECK_STR(h.key, "");
	CHECK_STR(h.symname, "A B");
}

static void
host_fatal_cases(void)
{
	struct host_conf h;
	const char *bad_prefix = "[Host]\nnqn=iqn.x\nid=aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\n";
	const char *no_files = "";

	CHECK_INT(host_parse(&h, bad_prefix, strlen(bad_prefix), "s", "/x"), -1);
	/* defaults point at /etc/nvme/hostnqn under a root with no files */
	CHECK_INT(host_parse(&h, no_files, 0, "s", "/nonexistent-root"), -1);
}

int
main(void)
{
	log_init(LOG_TO_STDERR);
	TEST(defaults);
	TEST(tunables_and_overrides);
	TEST(secret_padding_survives);
	TEST(exclusion_is_minimal_match);
	TEST(reload_into_fresh_struct);
	TEST(host_literal_values);
	TEST(host_fatal_cases);
	return TEST_EXIT();
}

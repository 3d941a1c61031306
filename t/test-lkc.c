/* t/test-lkc.c - the last-known-config: render, parse back, write. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lkc.h"
#include "log.h"
#include "fixtures.h"
#include "test.h"


/* As stacd owns one: with its host-iface and the host NQN. */
static struct ctrl_id
id_tcp(const char *traddr)
{
	struct ctrl_id id = fx_id_tcp(traddr, "nqn.x:y");

	strcpy(id.host_iface, "eth0");
	strcpy(id.host_nqn, HOSTNQN);
	return id;
}
static void
round_trip_keeps_origin_not_secrets(void)
{
	struct recon r, back;
	struct ctrl_id a = id_tcp("10.0.0.1"), b = id_tcp("10.0.0.2");
	struct ctrl_conf cc;
	char *text;

	recon_init(&r);
	recon_seed_owned(&r, &a, false);
	recon_seed_owned(&r, &b, true);
	strcpy(r.v[0].device, "nvme1");
	strcpy(r.v[1].device, "nvme2");
	r.v[0].state = r.v[1].state = CS_LIVE;
	memset(&cc, 0, sizeof(cc));
	cc.id = a;
	strcpy(cc.dhchap_secret, "DHHC-1:00:secret:");
	cc.tun.set = 1u << TUN_KATO;
	rec_unref(r.v[0].rec);
	r.v[0].rec = rec_pack(&cc);
	CHECK(r.v[0].rec != NULL);
	text = lkc_render(&r);
	CHECK(text != NULL);
	if (text == NULL)
		return;
	CHECK(strstr(text, "secret") == NULL);
	CHECK(strstr(text, "kato") == NULL);
	CHECK(strstr(text, "configured transport=tcp;traddr=10.0.0.1;"
	    "trsvcid=4420;nqn=nqn.x:y;host-iface=eth0;host-nqn=" HOSTNQN "\n")
	    != NULL);
	recon_init(&back);
	CHECK_INT(lkc_parse(text, "lkc", &back), 2);
	CHECK_INT(back.n, 2);
	if (back.n == 2) {
		CHECK(rec_compare_id(back.v[0].rec, &a) == 0);
		CHECK(!back.v[0].discovered);
		CHECK(back.v[1].discovered);
		CHECK(back.v[1].state == CS_WAITING);
	}
	free(text);
	recon_fini(&r);
	recon_fini(&back);
}

static void
not_connected_not_written(void)
{
	struct recon r;
	struct ctrl_id a = id_tcp("10.0.0.1");
	char *text;

	recon_init(&r);
	recon_seed_owned(&r, &a, false);	/* owned, but no device */
	text = lkc_render(&r);
	CHECK(text && strstr(text, "10.0.0.1") == NULL);
	free(text);
	recon_fini(&r);
}

static void
bad_lines_skipped(void)
{
	struct recon r;
	char text[] = "# comment\n"
	    "configured transport=tcp;traddr=10.0.0.1,hostnqn=x;nqn=n.a:b\n"
	    "unknown transport=tcp;traddr=10.0.0.2;nqn=nqn.a:b\n"
	    "discovered transport=tcp;traddr=10.0.0.3;nqn=nqn.a:b\n"
	    "configured garbage";

	recon_init(&r);
	CHECK_INT(lkc_parse(text, "lkc", &r), 1);
	CHECK_INT(r.n, 1);
	if (r.n)
		CHECK_STR(rec_str(r.v[0].rec, RS_TRADDR), "10.0.0.3");
	recon_fini(&r);
}

static void
written_private_and_whole(void)
{
	char dir[] = "/tmp/stacd-lkc-XXXXXX", path[256], sys[300];
	struct stat st;

	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT(lkc_locate(dir, "/run/x:/run/y", path, sizeof(path)), 0);
	CHECK(strstr(path, "/run/x/last-known-config") != NULL);
	CHECK_INT(lkc_write(path, "configured a\n"), 0);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	CHECK_INT(st.st_size, 13);
	snprintf(sys, sizeof(sys), "rm -rf %s", dir);
	CHECK_INT(system(sys), 0);
}

int
main(void)
{
	log_init(LOG_TO_STDERR);
	TEST(round_trip_keeps_origin_not_secrets);
	TEST(not_connected_not_written);
	TEST(bad_lines_skipped);
	TEST(written_private_and_whole);
	return TEST_EXIT();
}

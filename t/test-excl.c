/*
 * t/test-excl.c - nvme-cli 3's exclusion list from tables: which entries
 * match which controllers (only named fields, addresses as addresses,
 * fc without case, a named field the controller lacks, unknown keys and
 * empty entries that match nothing), and the files under a root: drop-ins,
 * unreadable files, and a change seen at the next refresh.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "excl.h"
#include "fixtures.h"
#include "log.h"
#include "test.h"

#define S1 "nqn.2014-08.org.example:vol1"
#define FC_T "nn-0x203400a098fd4ca6:pn-0x203600a098fd4ca6"

static bool
excluded(const char *entry, const struct ctrl_id *id)
{
	struct excl_list l;
	char text[512];
	bool r;

	excl_init(&l);
	snprintf(text, sizeof(text), "[exclusions]\nexclusion = %s\n", entry);
	CHECK_INT(excl_parse(&l, text, strlen(text), "x.conf"), 0);
	r = excl_match(&l, id, HOSTNQN, HOSTID) != NULL;
	excl_fini(&l);
	return r;
}

static void
matching_table(void)
{
	static const struct {
		const char	*entry;
		bool		 tcp, tcp6, fc;	/* excludes each controller? */
	} cases[] = {
		{ "transport=tcp", true, true, false },
		{ "traddr=10.0.0.1", true, false, false },
		{ "traddr=::ffff:10.0.0.1", true, false, false },
		{ "traddr=2001:DB8:0::1", false, true, false },
		{ "transport=tcp;traddr=10.0.0.1;trsvcid=4420;nqn=" S1, true,
		    false, false },
		{ "transport=tcp;traddr=10.0.0.1;trsvcid=4421", false, false,
		    false },
		{ "nqn=" S1, true, true, true },
		{ "traddr=" "NN-0x203400A098FD4CA6:pn-0x203600a098fd4ca6", false,
		    false, true },
		/* named, but the controller has none: no match */
		{ "host-iface=eth0", false, true, false },
		{ "host-traddr=10.0.0.5", true, false, false },
		{ "trsvcid=4420", true, true, false },
		{ "hostnqn=" HOSTNQN, true, true, true },
		{ "hostnqn=nqn.2014-08.org.example:other-host", false, false,
		    false },
		{ "hostid=" HOSTID, true, true, true },
		/* fail-safe: these exclude nothing */
		{ "transport=tcp;colour=blue", false, false, false },
		{ "", false, false, false },
		{ "transport=tcp;oops", false, false, false },
		{ "transport=warp", false, false, false },
	};
	struct ctrl_id tcp = fx_id_tcp("10.0.0.1", S1);
	struct ctrl_id tcp6 = fx_id_tcp("2001:db8::1", S1);
	struct ctrl_id fc;
	size_t i;

	strcpy(tcp.host_traddr, "10.0.0.5");
	strcpy(tcp6.host_iface, "eth0");
	memset(&fc, 0, sizeof(fc));
	fc.transport = TRTYPE_FC;
	strcpy(fc.traddr, FC_T);
	strcpy(fc.subsysnqn, S1);
	strcpy(fc.host_traddr, "nn-0x20000090fae0b5f5:pn-0x10000090fae0b5f5");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool a = excluded(cases[i].entry, &tcp);
		bool b = excluded(cases[i].entry, &tcp6);
		bool c = excluded(cases[i].entry, &fc);

		if (a != cases[i].tcp || b != cases[i].tcp6 ||
		    c != cases[i].fc)
			printf("#   case %zu \"%s\": %d %d %d\n", i,
			    cases[i].entry, a, b, c);
		CHECK(a == cases[i].tcp && b == cases[i].tcp6 &&
		    c == cases[i].fc);
	}
}

/* Only "exclusion" lines of [exclusions] count. */
static void
sections_and_origin(void)
{
	static const char text[] = "# host-wide\n[other]\nexclusion = "
	    "traddr=10.0.0.1\n[exclusions]\nexcluded = traddr=10.0.0.1\n"
	    "exclusion = traddr=10.0.0.2\n";
	struct ctrl_id a = fx_id_tcp("10.0.0.1", S1);
	struct ctrl_id b = fx_id_tcp("10.0.0.2", S1);
	const struct excl_entry *e;
	struct excl_list l;

	excl_init(&l);
	CHECK_INT(excl_parse(&l, text, strlen(text), "e.conf"), 0);
	CHECK_INT(l.n, 1);
	CHECK(excl_match(&l, &a, HOSTNQN, HOSTID) == NULL);
	e = excl_match(&l, &b, HOSTNQN, HOSTID);
	CHECK(e != NULL);
	if (e)
		CHECK_STR(e->origin, "e.conf:6");
	excl_fini(&l);
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void
files_under_a_root(void)
{
	char root[] = "/tmp/stacd-excl-XXXXXX", path[512], cmd[600];
	struct ctrl_id a = fx_id_tcp("10.0.0.1", S1);
	struct ctrl_id b = fx_id_tcp("10.0.0.2", S1);
	struct ctrl_id c = fx_id_tcp("10.0.0.3", S1);
	struct excl_list l;

	CHECK(mkdtemp(root) != NULL);
	excl_init(&l);
	/* no files: nothing excluded, and nothing changes */
	CHECK(!excl_refresh(&l, root));
	CHECK_INT(l.n, 0);
	snprintf(path, sizeof(path), "%s/etc/nvme/exclusions.conf.d", root);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s", path);
	CHECK_INT(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/etc/nvme/exclusions.conf", root);
	write_text(path, "[exclusions]\nexclusion = traddr=10.0.0.1\n");
	snprintf(path, sizeof(path), "%s/etc/nvme/exclusions.conf.d/b.conf",
	    root);
	write_text(path, "[exclusions]\nexclusion = traddr=10.0.0.2\n");
	snprintf(path, sizeof(path), "%s/etc/nvme/exclusions.conf.d/c.txt",
	    root);
	write_text(path, "[exclusions]\nexclusion = traddr=10.0.0.3\n");
	CHECK(excl_refresh(&l, root));
	CHECK_INT(l.n, 2);
	CHECK(excl_match(&l, &a, HOSTNQN, HOSTID) != NULL);
	CHECK(excl_match(&l, &b, HOSTNQN, HOSTID) != NULL);
	CHECK(excl_match(&l, &c, HOSTNQN, HOSTID) == NULL);	/* not .conf */
	CHECK(!excl_refresh(&l, root));		/* nothing changed */
	/* a drop-in rewritten: seen at the next refresh */
	snprintf(path, sizeof(path), "%s/etc/nvme/exclusions.conf.d/b.conf",
	    root);
	write_text(path, "[exclusions]\nexclusion = traddr=10.0.0.3\n"
	    "exclusion = traddr=10.0.0.4\n");
	CHECK(excl_refresh(&l, root));
	CHECK_INT(l.n, 3);
	CHECK(excl_match(&l, &b, HOSTNQN, HOSTID) == NULL);
	CHECK(excl_match(&l, &c, HOSTNQN, HOSTID) != NULL);
	/* an unreadable file (a FIFO here) excludes nothing, the rest do */
	unlink(path);
	CHECK_INT(mkfifo(path, 0600), 0);
	CHECK(excl_refresh(&l, root));
	CHECK_INT(l.n, 1);
	CHECK(excl_match(&l, &a, HOSTNQN, HOSTID) != NULL);
	excl_fini(&l);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	CHECK_INT(system(cmd), 0);
}

int
main(void)
{
	log_init(LOG_TO_STDERR);
	TEST(matching_table);
	TEST(sections_and_origin);
	TEST(files_under_a_root);
	return TEST_EXIT();
}

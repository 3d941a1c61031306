/*
 * t/test-cmdline.c - dracut's rd.nvmf.* keys from tables: the examples
 * of dracut's nvmf module, its empty fields, "none", "auto" and port
 * default, the kernel's quoting, repeated and deprecated keys, dracut's
 * booleans, and hostile text (separators in values, control bytes,
 * over-long values, 10,000 entries, a NUL, unterminated quotes); then
 * the discovery controllers they become, --check's lines and
 * ROOT/proc/cmdline.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmdline.h"
#include "fixtures.h"
#include "log.h"
#include "test.h"

/* dracut's own examples (parse-nvmf-boot-connections.sh). */
#define FC_T	"nn-0x200400a098d85236:pn-0x201400a098d85236"
#define FC_H	"nn-0x200000109b7db455:pn-0x100000109b7db455"
#define NQN_A	"nqn.2014-08.org.example:host-a"
#define NQN_B	"nqn.2014-08.org.example:host-b"

static char logbuf[1 << 16];
static struct boot_cmdline bc;

/* Parse text (len bytes) into bc; its warnings into logbuf. */
static int
parse_len(const char *text, size_t len)
{
	int r;

	test_capture_begin();
	r = cmdline_parse(text, len, NULL, &bc);
	test_capture_end(logbuf, sizeof(logbuf));
	return r;
}

static int
parse(const char *text)
{
	return parse_len(text, strlen(text));
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay += strlen(needle))
		n++;
	return n;
}

/* One rd.nvmf.discover= value: kept as (transport, addresses, port)? */
static void
discover_table(void)
{
	static const struct {
		const char	*value;
		enum trtype	 t;	/* TRTYPE_NONE: dropped */
		const char	*traddr, *host, *port;
	} cases[] = {
		/* dracut's examples */
		{ "tcp,192.168.1.3,,4420", TRTYPE_TCP, "192.168.1.3", "",
		    "4420" },
		{ "tcp,192.168.1.3", TRTYPE_TCP, "192.168.1.3", "", "4420" },
		{ "rdma,192.168.1.3,,4420", TRTYPE_RDMA, "192.168.1.3", "",
		    "4420" },
		{ "fc," FC_T "," FC_H, TRTYPE_FC, FC_T, FC_H, "" },
		/* dracut's generator writes list-subsys's "none" port */
		{ "fc," FC_T "," FC_H ",none", TRTYPE_FC, FC_T, FC_H, "" },
		{ "fc," FC_T "," FC_H ",4420", TRTYPE_FC, FC_T, FC_H, "" },
		{ "tcp,192.168.1.3,192.168.1.10", TRTYPE_TCP, "192.168.1.3",
		    "192.168.1.10", "4420" },
		{ "tcp,192.168.1.3,none,none", TRTYPE_TCP, "192.168.1.3", "",
		    "4420" },
		{ "tcp,192.168.1.3,,8009", TRTYPE_TCP, "192.168.1.3", "",
		    "8009" },
		/* a trailing ',' adds no field (dash's IFS splitting) */
		{ "tcp,192.168.1.3,", TRTYPE_TCP, "192.168.1.3", "", "4420" },
		{ "tcp,192.168.1.3,,4420,", TRTYPE_TCP, "192.168.1.3", "",
		    "4420" },
		{ "tcp,fe80::1%eth0,,4420", TRTYPE_TCP, "fe80::1%eth0", "",
		    "4420" },
		{ "tcp,2001:db8::1", TRTYPE_TCP, "2001:db8::1", "", "4420" },
		{ "tcp,target.example.com", TRTYPE_TCP, "target.example.com",
		    "", "4420" },
		/* only fc,auto means autodiscovery: this is a host name */
		{ "tcp,auto", TRTYPE_TCP, "auto", "", "4420" },
		/* dropped */
		{ "tcp", TRTYPE_NONE, NULL, NULL, NULL },
		{ "tcp,", TRTYPE_NONE, NULL, NULL, NULL },
		{ "tcp,192.168.1.3,,4420,x", TRTYPE_NONE, NULL, NULL, NULL },
		{ ",192.168.1.3", TRTYPE_NONE, NULL, NULL, NULL },
		{ "none,192.168.1.3", TRTYPE_NONE, NULL, NULL, NULL },
		{ "TCP,192.168.1.3", TRTYPE_NONE, NULL, NULL, NULL },
		{ "loop,x", TRTYPE_NONE, NULL, NULL, NULL },
		{ "tcp,,,4420", TRTYPE_NONE, NULL, NULL, NULL },
		{ "tcp,none", TRTYPE_NONE, NULL, NULL, NULL },
		{ "fc," FC_T, TRTYPE_NONE, NULL, NULL, NULL },
		{ "fc," FC_T ",none,4420", TRTYPE_NONE, NULL, NULL, NULL },
		{ "fc,bogus," FC_H, TRTYPE_NONE, NULL, NULL, NULL },
		{ "fc," FC_T ",10.0.0.1", TRTYPE_NONE, NULL, NULL, NULL },
		{ "tcp,192.168.1.3,,0", TRTYPE_NONE, NULL, NULL, NULL },
		{ "tcp,192.168.1.3,,65536", TRTYPE_NONE, NULL, NULL, NULL },
		{ "tcp,192.168.1.3,,04420", TRTYPE_NONE, NULL, NULL, NULL },
		{ "tcp,192.168.1.3,eth0", TRTYPE_NONE, NULL, NULL, NULL },
		/* what would smuggle options into the composed entry */
		{ "tcp,192.168.1.3;host-iface=eth0", TRTYPE_NONE, NULL, NULL,
		    NULL },
		{ "tcp,192.168.1.3,,4420;kato=1", TRTYPE_NONE, NULL, NULL,
		    NULL },
		{ "tcp,a=b", TRTYPE_NONE, NULL, NULL, NULL },
		{ "tcp,192.168.1.3,10.0.0.1=x", TRTYPE_NONE, NULL, NULL,
		    NULL },
		{ "tcp,192.168.1.3\x01", TRTYPE_NONE, NULL, NULL, NULL },
		{ "tcp,192.168.1.3\x1b[31m", TRTYPE_NONE, NULL, NULL, NULL },
		{ "tcp,\xc3\xa9.example", TRTYPE_NONE, NULL, NULL, NULL },
		{ "", TRTYPE_NONE, NULL, NULL, NULL },
	};
	char text[256];
	size_t i;
	int r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool kept = cases[i].t != TRTYPE_NONE;

		snprintf(text, sizeof(text), "rd.nvmf.discover=%s\n",
		    cases[i].value);
		r = parse(text);
		if (bc.n_discover != kept || r != !kept)
			printf("#   case %zu \"%s\": %zu kept, %d dropped: %s\n",
			    i, cases[i].value, bc.n_discover, r, logbuf);
		CHECK_INT(bc.n_discover, kept);
		CHECK_INT(r, !kept);
		/* a dropped entry is told with its key and position */
		CHECK_INT(count(logbuf, "warning: cmdline:1: "
		    "rd.nvmf.discover="), !kept);
		CHECK(strchr(logbuf, '\x1b') == NULL);
		if (!kept || bc.n_discover != 1)
			continue;
		CHECK_INT(bc.discover[0].transport, cases[i].t);
		CHECK_STR(bc.discover[0].traddr, cases[i].traddr);
		CHECK_STR(bc.discover[0].host_traddr, cases[i].host);
		CHECK_STR(bc.discover[0].trsvcid, cases[i].port);
		CHECK_INT(bc.discover[0].pos, 1);
		CHECK_STR(logbuf, "");
	}
	/* a key without '=' is a discover entry without a value */
	CHECK_INT(parse("rd.nvmf.discover"), 1);
	CHECK_INT(bc.n_discover, 0);
	CHECK(strstr(logbuf, "cmdline:1: rd.nvmf.discover: no value") != NULL);
	/* the warning quotes control bytes escaped, never raw */
	parse("rd.nvmf.discover=tcp,10.0.0.1\x1b[2J");
	CHECK(strstr(logbuf, "\\x1b[2J") != NULL);
}

/* Positions are words on the line; nvmf.discover comes after all. */
static void
order_and_positions(void)
{
	static const char text[] = "BOOT_IMAGE=/vmlinuz root=nvmf "
	    "rd.nvmf.discover=tcp,10.0.0.1 quiet nvmf.discover=rdma,10.0.0.3 "
	    "rd.nvmf.discover=tcp,10.0.0.2,,4421 rd.nvmf.discover=tcp,10.0.0.1"
	    "\n";
	static const struct {
		unsigned	 pos;
		const char	*traddr, *port;
	} want[] = {
		{ 3, "10.0.0.1", "4420" },
		{ 6, "10.0.0.2", "4421" },
		{ 7, "10.0.0.1", "4420" },	/* the desired set dedups */
		{ 5, "10.0.0.3", "4420" },
	};
	size_t i;

	CHECK_INT(parse(text), 0);
	CHECK_INT(bc.n_discover, 4);
	for (i = 0; i < 4 && i < bc.n_discover; i++) {
		CHECK_INT(bc.discover[i].pos, want[i].pos);
		CHECK_STR(bc.discover[i].traddr, want[i].traddr);
		CHECK_STR(bc.discover[i].trsvcid, want[i].port);
	}
	CHECK_INT(bc.discover[3].transport, TRTYPE_RDMA);
	CHECK(strstr(logbuf, "cmdline:5: nvmf.discover is deprecated") !=
	    NULL);
	/* other keys are not ours; rd.nvmf.* typos are told */
	CHECK_INT(parse("rd.nvmf.discovery=tcp,10.0.0.1 rd.nvmf.hostnqn_x=1 "
	    "rd.nvmfx=1 rd.neednet=1 ip=dhcp"), 2);
	CHECK_INT(bc.n_discover, 0);
	CHECK(strstr(logbuf, "cmdline:1: rd.nvmf.discovery=\"tcp,10.0.0.1\": "
	    "not a key of dracut's nvmf module") != NULL);
	CHECK(strstr(logbuf, "cmdline:2: rd.nvmf.hostnqn_x") != NULL);
}

/* The kernel's quoting: what each line becomes. */
static void
quoting_table(void)
{
	static const struct {
		const char	*text;
		size_t		 n;		/* entries kept */
		unsigned	 pos;		/* of the first */
		int		 dropped;
		bool		 nonbft;
	} cases[] = {
		{ "rd.nvmf.discover=\"tcp,10.0.0.1\"", 1, 1, 0, false },
		{ "\"rd.nvmf.discover=tcp,10.0.0.1\"", 1, 1, 0, false },
		{ "\"rd.nvmf.nonbft\"", 0, 0, 0, true },
		{ "foo=\"a b c\" rd.nvmf.discover=tcp,10.0.0.1", 1, 2, 0,
		    false },
		{ "\"a b\" rd.nvmf.discover=tcp,10.0.0.1", 1, 2, 0, false },
		/* a blank inside quotes: dracut would split; refused */
		{ "rd.nvmf.discover=\"tcp,10.0.0.1 tcp,10.0.0.2\"", 0, 0, 1,
		    false },
		/* quotes inside a value stay: not an address */
		{ "rd.nvmf.discover=tcp,\"10.0.0.1\"", 0, 0, 1, false },
		{ "rd.nvmf.discover=\"\"", 0, 0, 1, false },
		{ "rd.nvmf.\"discover\"=tcp,10.0.0.1", 0, 0, 1, false },
		/* unterminated: the rest of the line is that one word */
		{ "rd.nvmf.discover=tcp,10.0.0.1 x=\"oops "
		    "rd.nvmf.discover=tcp,10.0.0.2 rd.nvmf.nonbft", 1, 1, 0,
		    false },
		{ "rd.nvmf.discover=\"tcp,10.0.0.1 rd.nvmf.nonbft", 0, 0, 1,
		    false },
		{ "\"rd.nvmf.discover=tcp,10.0.0.1", 1, 1, 0, false },
		{ "rd.nvmf.discover=\"", 0, 0, 1, false },
		{ "\"", 0, 0, 0, false },
		{ "\" rd.nvmf.nonbft", 0, 0, 0, false },
		/* kernel blanks: tab, newline, CR, NBSP */
		{ "rd.nvmf.discover=tcp,10.0.0.1\trd.nvmf.nonbft\r\n", 1, 1,
		    0, true },
		{ "rd.nvmf.discover=tcp,10.0.0.1\xa0rd.nvmf.nonbft", 1, 1, 0,
		    true },
		{ "", 0, 0, 0, false },
		{ " \t\n ", 0, 0, 0, false },
	};
	size_t i;
	int r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = parse(cases[i].text);
		if (bc.n_discover != cases[i].n || r != cases[i].dropped ||
		    bc.nonbft != cases[i].nonbft)
			printf("#   case %zu: %zu kept, %d dropped, nonbft %d: "
			    "%s\n", i, bc.n_discover, r, bc.nonbft, logbuf);
		CHECK_INT(bc.n_discover, cases[i].n);
		CHECK_INT(r, cases[i].dropped);
		CHECK_INT(bc.nonbft, cases[i].nonbft);
		if (cases[i].n && bc.n_discover)
			CHECK_INT(bc.discover[0].pos, cases[i].pos);
	}
	CHECK_INT(parse_len(NULL, 0), 0);
	CHECK_INT(bc.n_discover, 0);
}

/* rd.nvmf.hostnqn / hostid: which value counts, which are refused. */
static void
host_identity(void)
{
	static const struct {
		const char	*text;
		const char	*nqn, *id;	/* the overrides */
		unsigned	 nqn_pos;
		int		 dropped;
	} cases[] = {
		{ "rd.nvmf.hostnqn=" HOSTNQN " rd.nvmf.hostid=" HOSTID,
		    HOSTNQN, HOSTID, 1, 0 },
		{ "rd.nvmf.hostnqn=" NQN_A, NQN_A, "", 1, 0 },
		/* the last one counts, as dracut's getarg */
		{ "rd.nvmf.hostnqn=" NQN_A " rd.nvmf.hostnqn=" NQN_B, NQN_B,
		    "", 2, 0 },
		{ "rd.nvmf.hostnqn=" NQN_A " rd.nvmf.hostnqn", "", "", 0, 1 },
		{ "rd.nvmf.hostnqn=" NQN_A " rd.nvmf.hostnqn=", "", "", 0, 1 },
		/* a bad last one overrides nothing: no earlier one revived */
		{ "rd.nvmf.hostnqn=" NQN_A " rd.nvmf.hostnqn=bad", "", "", 0,
		    1 },
		/* deprecated names, only when no rd. one is given */
		{ "nvmf.hostnqn=" NQN_A " nvmf.hostid=" HOSTID, NQN_A, HOSTID,
		    1, 0 },
		{ "nvmf.hostnqn=" NQN_A " rd.nvmf.hostnqn=" NQN_B, NQN_B, "",
		    2, 0 },
		{ "rd.nvmf.hostnqn=\"" NQN_A "\"", NQN_A, "", 1, 0 },
		/* not well-formed */
		{ "rd.nvmf.hostnqn=foo", "", "", 0, 1 },
		{ "rd.nvmf.hostnqn=nqn.", "", "", 0, 1 },
		{ "rd.nvmf.hostnqn=nqn.2014-8.org.example:a", "", "", 0, 1 },
		{ "rd.nvmf.hostnqn=nqn.2014-08.", "", "", 0, 1 },
		{ "rd.nvmf.hostnqn=nqn.2014-08.org.example:a,b", "", "", 0, 1 },
		{ "rd.nvmf.hostnqn=nqn.2014-08.org.example:a=b", "", "", 0, 1 },
		{ "rd.nvmf.hostnqn=\"nqn.2014-08.org.example:a b\"", "", "", 0,
		    1 },
		{ "rd.nvmf.hostnqn=nqn.2014-08.org.example:\x07", "", "", 0,
		    1 },
		{ "rd.nvmf.hostnqn=nqn.2014-08.org.nvmexpress:uuid:nope", "",
		    "", 0, 1 },
		{ "rd.nvmf.hostid=1234", "", "", 0, 1 },
		{ "rd.nvmf.hostid=11111111-2222-3333-4444-55555555555g", "", "",
		    0, 1 },
		{ "rd.nvmf.hostid=" HOSTID "0", "", "", 0, 1 },
		{ "rd.nvmf.hostid=" HOSTID ",x", "", "", 0, 1 },
	};
	char text[600];
	size_t i;
	int r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = parse(cases[i].text);
		if (r != cases[i].dropped || strcmp(bc.hostnqn, cases[i].nqn) ||
		    strcmp(bc.hostid, cases[i].id))
			printf("#   case %zu: %d dropped: %s\n", i, r, logbuf);
		CHECK_INT(r, cases[i].dropped);
		CHECK_STR(bc.hostnqn, cases[i].nqn);
		CHECK_STR(bc.hostid, cases[i].id);
		CHECK_INT(bc.hostnqn_pos, cases[i].nqn_pos);
	}
	parse("rd.nvmf.hostnqn=" NQN_A " rd.nvmf.hostnqn=" NQN_B);
	CHECK(strstr(logbuf, "cmdline:2: rd.nvmf.hostnqn is given 2 times")
	    != NULL);
	parse("nvmf.hostnqn=" NQN_A);
	CHECK(strstr(logbuf, "cmdline:1: nvmf.hostnqn is deprecated") !=
	    NULL);
	parse("rd.nvmf.hostnqn=foo");
	CHECK(strstr(logbuf, "cmdline:1: rd.nvmf.hostnqn=\"foo\": does not "
	    "start with \"nqn.\"") != NULL);
	/* over-long: told, not echoed whole */
	memset(text, 'a', sizeof(text));
	memcpy(text, "rd.nvmf.hostnqn=nqn.2014-08.org.x:", 34);
	text[sizeof(text) - 1] = '\0';
	CHECK_INT(parse(text), 1);
	CHECK_STR(bc.hostnqn, "");
	CHECK(strstr(logbuf, "too long") != NULL);
	CHECK(strlen(logbuf) < 300);
}

/* dracut's getargbool, and rd.nonvmf turning everything off. */
static void
flags_table(void)
{
	static const struct {
		const char	*text;
		bool		 nonbft;
	} cases[] = {
		{ "rd.nvmf.nonbft", true },
		{ "rd.nvmf.nonbft=1", true },
		{ "rd.nvmf.nonbft=yes", true },
		{ "rd.nvmf.nonbft=", true },
		{ "rd.nvmf.nonbft=0", false },
		{ "rd.nvmf.nonbft=no", false },
		{ "rd.nvmf.nonbft=off", false },
		{ "rd.nvmf.nonbft=OFF", true },		/* dracut: exact */
		{ "rd.nvmf.nonbft rd.nvmf.nonbft=0", false },
		{ "rd.nvmf.nonbft=0 rd.nvmf.nonbft", true },
		{ "rd.nvmf.nonbftx", false },
		{ "", false },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse(cases[i].text);
		if (bc.nonbft != cases[i].nonbft)
			printf("#   case %zu \"%s\"\n", i, cases[i].text);
		CHECK_INT(bc.nonbft, cases[i].nonbft);
	}
	CHECK_INT(parse("x rd.nvmf.nostatic=1"), 0);
	CHECK(bc.nostatic && bc.nostatic_pos == 2 && !bc.nonbft);
	/* rd.nonvmf anywhere: nothing is used, nothing is told */
	CHECK_INT(parse("rd.nvmf.discover=tcp,10.0.0.1 rd.nvmf.hostnqn=" NQN_A
	    " rd.nvmf.nonbft rd.nvmf.discover=bad rd.nonvmf"), 0);
	CHECK(bc.nonvmf && bc.nonvmf_pos == 5);
	CHECK(bc.n_discover == 0 && bc.hostnqn[0] == '\0' && !bc.nonbft);
	CHECK(strstr(logbuf, "warning") == NULL);
	CHECK_INT(parse("rd.nvmf.discover=tcp,10.0.0.1 rd.nonvmf=0"), 0);
	CHECK(!bc.nonvmf && bc.n_discover == 1);
}

/* fc,auto: FC autodiscovery; no other discover entry is used. */
static void
fc_auto(void)
{
	CHECK_INT(parse("rd.nvmf.discover=tcp,10.0.0.1 "
	    "rd.nvmf.discover=fc,auto rd.nvmf.discover=bogus "
	    "nvmf.discover=tcp,10.0.0.2"), 0);
	CHECK(bc.fc_auto);
	CHECK_INT(bc.fc_auto_pos, 2);
	CHECK_INT(bc.n_discover, 0);
	/* what comes after is not read (dracut stops there) */
	CHECK(strstr(logbuf, "warning") == NULL);
	CHECK(strstr(logbuf, "1 other entry is not used") != NULL);
	CHECK_INT(parse("rd.nvmf.discover=fc,auto,x,y"), 0);
	CHECK(bc.fc_auto);
	CHECK_INT(parse("rd.nvmf.discover=fc,AUTO"), 1);
	CHECK(!bc.fc_auto);
}

/* Hostile text: a NUL, huge lines, 10,000 entries. */
static void
hostile(void)
{
	static const char nul[] = "rd.nvmf.discover=tcp,10.0.0.1\0"
	    "rd.nvmf.discover=tcp,10.0.0.2";
	size_t size = 10000 * 40, n = 0, i;
	char *big = malloc(size);

	/* the text ends at a NUL, as the kernel's string does */
	CHECK_INT(parse_len(nul, sizeof(nul) - 1), 1);
	CHECK_INT(bc.n_discover, 1);
	CHECK(strstr(logbuf, "a NUL byte at offset 29") != NULL);
	CHECK(big != NULL);
	if (big == NULL)
		return;
	/* 10,000 good entries: the first CMDLINE_TEXT_MAX bytes are read */
	for (i = 0; i < 10000; i++)
		n += (size_t)snprintf(big + n, size - n,
		    "rd.nvmf.discover=tcp,10.%zu.%zu.1 ", i / 250, i % 250);
	CHECK(parse_len(big, n) > 0);
	CHECK_INT(bc.n_discover, CMDLINE_DISCOVER_MAX);
	CHECK(bc.n_over > 400 && bc.n_over < 600);
	CHECK_STR(bc.discover[CMDLINE_DISCOVER_MAX - 1].traddr, "10.0.31.1");
	/* told in a few lines, not one per entry */
	CHECK(count(logbuf, "warning:") <= 3);
	CHECK(strstr(logbuf, "only the first 16384 are read") != NULL);
	/* 10,000 bad ones: each read is told, the line is still bounded */
	for (n = 0, i = 0; i < 10000; i++)
		n += (size_t)snprintf(big + n, size - n,
		    "rd.nvmf.discover=x,%zu ", i);
	CHECK(parse_len(big, n) > 0);
	CHECK_INT(bc.n_discover, 0);
	CHECK(count(logbuf, "warning:") < CMDLINE_TEXT_MAX / 18);
	/* one huge word: cut where reading stops, and dropped */
	memset(big, 'a', size);
	memcpy(big, "rd.nvmf.discover=tcp,", 21);
	CHECK_INT(parse_len(big, size), 2);
	CHECK_INT(bc.n_discover, 0);
	CHECK(strstr(logbuf, "cut at the end") != NULL);
	/* an over-long value within the limit */
	big[5000] = '\0';
	CHECK_INT(parse(big), 1);
	CHECK(strstr(logbuf, "too long") != NULL);
	/* an over-long traddr, as host name labels */
	for (n = 0, i = 0; i < 130; i++)
		n += (size_t)snprintf(big + n, size - n, "%s",
		    i ? "a." : "rd.nvmf.discover=tcp,a.");
	CHECK_INT(parse(big), 1);
	CHECK(strstr(logbuf, "TRADDR") && strstr(logbuf, "too long"));
	free(big);
}

/* The entries as discovery controllers, checked as stacd.conf's. */
static void
controllers(void)
{
	struct ctrl_conf cc;
	struct fabconf f;

	CHECK_INT(parse("rd.nvmf.discover=tcp,192.168.1.3,192.168.1.10 "
	    "rd.nvmf.discover=fc," FC_T "," FC_H), 0);
	CHECK_INT(cmdline_ctrl(&bc, 0, &cc), 0);
	CHECK_INT(cc.id.transport, TRTYPE_TCP);
	CHECK_STR(cc.id.traddr, "192.168.1.3");
	CHECK_STR(cc.id.trsvcid, "4420");
	CHECK_STR(cc.id.host_traddr, "192.168.1.10");
	CHECK_STR(cc.id.subsysnqn, DISCOVERY_NQN);
	CHECK(cc.discovery_ctrl && cc.own_tunables && cc.tun.set == 0);
	CHECK_INT(cc.line, 1);
	CHECK_INT(cmdline_ctrl(&bc, 1, &cc), 0);
	CHECK_INT(cc.id.transport, TRTYPE_FC);
	CHECK_STR(cc.id.traddr, FC_T);
	CHECK_STR(cc.id.trsvcid, "");
	CHECK_STR(cc.id.host_traddr, FC_H);
	CHECK_INT(cc.line, 2);
	CHECK_INT(cmdline_ctrl(&bc, 2, &cc), -EINVAL);
	/* appended after what f holds, with their origins */
	fabconf_init(&f);
	CHECK_INT(cmdline_fabconf(&bc, &f), 0);
	CHECK_INT(cmdline_fabconf(&bc, &f), 0);
	CHECK_INT(f.n, 4);
	if (f.n == 4) {
		CHECK_STR(f.origins[0], "cmdline:1");
		CHECK_STR(f.origins[3], "cmdline:2");
		CHECK_INT(rec_transport(f.ctrls[3]), TRTYPE_FC);
	}
	fabconf_fini(&f);
}

/* cmdline_host() under capture: did h change, and what was told. */
static bool
apply_host(struct host_conf *h)
{
	bool r;

	test_capture_begin();
	r = cmdline_host(&bc, h);
	test_capture_end(logbuf, sizeof(logbuf));
	return r;
}

static void
host_override(void)
{
	struct host_conf h;

	memset(&h, 0, sizeof(h));
	strcpy(h.nqn, HOSTNQN);
	strcpy(h.id, HOSTID);
	parse("rd.nvmf.hostnqn=" NQN_A);
	CHECK(apply_host(&h));
	CHECK_STR(h.nqn, NQN_A);
	CHECK_STR(h.id, HOSTID);
	CHECK_STR(logbuf, "info: cmdline:1: rd.nvmf.hostnqn: host NQN " NQN_A
	    " (instead of " HOSTNQN ")\n");
	CHECK(!apply_host(&h));
	CHECK_STR(logbuf, "");
	parse("x rd.nvmf.hostid=aaaaaaaa-2222-3333-4444-555555555555");
	CHECK(apply_host(&h));
	CHECK_STR(h.nqn, NQN_A);
	CHECK_STR(h.id, "aaaaaaaa-2222-3333-4444-555555555555");
	CHECK(strstr(logbuf, "cmdline:2: rd.nvmf.hostid: host ID") != NULL);
}

static void
print_check(void)
{
	static const char want[] =
	    "# cmdline:4: rd.nvmf.hostnqn: host nqn " NQN_A "\n"
	    "# cmdline:5: rd.nvmf.hostid: host id " HOSTID "\n"
	    "# cmdline:6: rd.nvmf.nonbft: the NBFT is not used\n"
	    "# cmdline:7: rd.nvmf.nostatic: /etc/nvme/discovery.conf is "
	    "not read\n";
	char got[2048];
	FILE *f = tmpfile();
	size_t n;

	CHECK(f != NULL);
	if (f == NULL)
		return;
	parse("root=nvmf rd.nvmf.discover=tcp,192.168.1.3 "
	    "rd.nvmf.discover=fc," FC_T "," FC_H ",none "
	    "rd.nvmf.hostnqn=" NQN_A " rd.nvmf.hostid=" HOSTID
	    " rd.nvmf.nonbft rd.nvmf.nostatic");
	cmdline_print(f, &bc);
	parse("quiet");
	cmdline_print(f, &bc);		/* nothing */
	parse("rd.nvmf.discover=fc,auto rd.nonvmf=0");
	cmdline_print(f, &bc);
	parse("rd.nonvmf");
	cmdline_print(f, &bc);
	rewind(f);
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	fclose(f);
	CHECK(strncmp(got, want, strlen(want)) == 0);
	if (strncmp(got, want, strlen(want)) != 0)
		printf("#   got:\n%s", got);
	CHECK_STR(got + (n > strlen(want) ? strlen(want) : n),
	    "# cmdline:1: rd.nvmf.discover=fc,auto: FC autodiscovery, no "
	    "other discover entry is used\n"
	    "# cmdline:1: rd.nonvmf: dracut's nvmf module is off, no "
	    "rd.nvmf.* key is used\n");
}

/* ROOT/proc/cmdline holding text from offset at (a hole before it). */
static void
put_cmdline(const char *root, const char *text, long at)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/cmdline", root);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	CHECK_INT(fseek(f, at, SEEK_SET), 0);
	CHECK(fputs(text, f) >= 0);
	CHECK_INT(fclose(f), 0);
}

/* cmdline_load() under root, its messages in logbuf. */
static int
load(const char *root)
{
	int r;

	test_capture_begin();
	r = cmdline_load(root, &bc);
	test_capture_end(logbuf, sizeof(logbuf));
	return r;
}

/* ROOT/proc/cmdline: missing is empty; unreadable is told, empty. */
static void
load_under_a_root(void)
{
	char root[] = "/tmp/stacd-cmdline-XXXXXX", path[512], cmd[600];

	CHECK(mkdtemp(root) != NULL);
	CHECK_INT(load(root), 0);
	CHECK_INT(bc.n_discover, 0);
	CHECK_STR(logbuf, "");
	snprintf(path, sizeof(path), "%s/proc", root);
	CHECK_INT(mkdir(path, 0700), 0);
	put_cmdline(root, "BOOT_IMAGE=/vmlinuz rd.nvmf.discover=tcp,10.0.0.1"
	    ",,4420 rd.nvmf.hostid=" HOSTID "\n", 0);
	CHECK_INT(load(root), 0);
	CHECK_INT(bc.n_discover, 1);
	CHECK_STR(bc.name, "cmdline");
	CHECK_STR(bc.hostid, HOSTID);
	CHECK_INT(bc.discover[0].pos, 2);
	/* too big to be a command line: told, read as empty */
	put_cmdline(root, "\n", 2L << 20);
	CHECK_INT(load(root), 0);
	CHECK_INT(bc.n_discover, 0);
	CHECK(strstr(logbuf, "proc/cmdline: File too large") != NULL);
	/* a FIFO is not read (it would block) */
	snprintf(path, sizeof(path), "%s/proc/cmdline", root);
	unlink(path);
	CHECK_INT(mkfifo(path, 0600), 0);
	CHECK_INT(load(root), 0);
	CHECK(strstr(logbuf, "not a regular file") != NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	CHECK_INT(system(cmd), 0);
}

int
main(void)
{
	log_init(LOG_TO_STDERR);
	TEST(discover_table);
	TEST(order_and_positions);
	TEST(quoting_table);
	TEST(host_identity);
	TEST(flags_table);
	TEST(fc_auto);
	TEST(hostile);
	TEST(controllers);
	TEST(host_override);
	TEST(print_check);
	TEST(load_under_a_root);
	return TEST_EXIT();
}

/*
 * t/test-discovery.c - stafd's get_all_log_pages JSON to desired
 * controllers: inheritance from the discovery controller, NCC, the
 * ip-family and exclusion filters, per-entry rejection of smuggled
 * option separators, and whole-document rejection.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "discovery.h"
#include "field.h"
#include "log.h"
#include "fixtures.h"
#include "test.h"

#define OTHERNQN "nqn.2014-08.org.nvmexpress:uuid:99999999-2222-3333-4444-555555555555"
#define S1 "nqn.1988-11.com.dell:PowerStore:00:1a2b3c4d5e6f"
#define S2 "nqn.2014-08.org.example:sub2"
#define S3 "nqn.2014-08.org.example:sub3"
#define FC_HOST "nn-0x20000090fae0b5f5:pn-0x10000090fae0b5f5"
#define FC_TGT "nn-0x203400a098fd4ca6:pn-0x203600a098fd4ca6"

/* json.dumps() of what stafd answers for two discovery controllers. */
static const char two_dcs[] =
	"[{\"discovery-controller\": {\"transport\": \"tcp\", \"traddr\": "
	"\"192.168.1.10\", \"trsvcid\": \"8009\", \"host-traddr\": \"192.16"
	"8.1.100\", \"host-iface\": \"eth1\", \"subsysnqn\": \"nqn.2014-08."
	"org.nvmexpress.discovery\", \"host-nqn\": \"nqn.2014-08.org.nvmexp"
	"ress:uuid:11111111-2222-3333-4444-555555555555\", \"device\": \"nv"
	"me0\", \"hostid\": \"0b7d3a4c-2b1e-4c55-9a86-3c1f2f0e9d11\", \"hos"
	"tnqn\": \"nqn.2014-08.org.nvmexpress:uuid:11111111-2222-3333-4444-"
	"555555555555\", \"model\": \"PowerStore\", \"serial\": \"SN123\", "
	"\"dctype\": \"cdc\", \"cntrltype\": \"discovery\", \"connect attem"
	"pts\": \"0\", \"retry connect timer\": \"60.0s [off]\", \"connecte"
	"d\": \"True\"}, \"log-pages\": [{\"trtype\": \"tcp\", \"adrfam\": "
	"\"ipv4\", \"subtype\": \"discovery\", \"treq\": \"not specified\","
	" \"portid\": \"1\", \"trsvcid\": \"8009\", \"subnqn\": \"nqn.2014-"
	"08.org.nvmexpress.discovery\", \"traddr\": \"192.168.1.10\", \"efl"
	"ags\": \"31\", \"cntlid\": \"65535\", \"asqsz\": \"32\", \"tsas\":"
	" \"{'sectype': 'none'}\"}, {\"trtype\": \"tcp\", \"adrfam\": \"ipv"
	"4\", \"subtype\": \"referral\", \"treq\": \"not specified\", \"por"
	"tid\": \"2\", \"trsvcid\": \"8009\", \"subnqn\": \"nqn.2014-08.org"
	".nvmexpress.discovery\", \"traddr\": \"192.168.1.11\", \"eflags\":"
	" \"0\", \"cntlid\": \"65535\", \"asqsz\": \"32\", \"tsas\": \"{'se"
	"ctype': 'none'}\"}, {\"trtype\": \"tcp\", \"adrfam\": \"ipv4\", \""
	"subtype\": \"nvme\", \"treq\": \"not specified\", \"portid\": \"1"
	"\", \"trsvcid\": \"4420\", \"subnqn\": \"nqn.1988-11.com.dell:Powe"
	"rStore:00:1a2b3c4d5e6f\", \"traddr\": \"192.168.1.20\", \"eflags\""
	": \"0\", \"cntlid\": \"65535\", \"asqsz\": \"32\", \"tsas\": \"{'s"
	"ectype': 'none'}\"}, {\"trtype\": \"tcp\", \"adrfam\": \"ipv4\", "
	"\"subtype\": \"nvme\", \"treq\": \"not specified\", \"portid\": \""
	"1\", \"trsvcid\": \"4420\", \"subnqn\": \"nqn.1988-11.com.dell:Pow"
	"erStore:00:1a2b3c4d5e6f\", \"traddr\": \"192.168.1.21\", \"eflags"
	"\": \"4\", \"cntlid\": \"65535\", \"asqsz\": \"32\", \"tsas\": \"{"
	"'sectype': 'none'}\"}, {\"trtype\": \"tcp\", \"adrfam\": \"ipv6\","
	" \"subtype\": \"nvme\", \"treq\": \"not specified\", \"portid\": "
	"\"1\", \"trsvcid\": \"4420\", \"subnqn\": \"nqn.1988-11.com.dell:P"
	"owerStore:00:1a2b3c4d5e6f\", \"traddr\": \"2001:db8:0::20\", \"efl"
	"ags\": \"0\", \"cntlid\": \"65535\", \"asqsz\": \"32\", \"tsas\": "
	"\"{'sectype': 'none'}\"}]}, {\"discovery-controller\": {\"transpor"
	"t\": \"tcp\", \"traddr\": \"10.0.0.10\", \"trsvcid\": \"8009\", \""
	"host-traddr\": \"\", \"host-iface\": \"\", \"subsysnqn\": \"nqn.20"
	"14-08.org.nvmexpress.discovery\", \"host-nqn\": \"\", \"device\": "
	"\"nvme1\", \"hostid\": \"0b7d3a4c-2b1e-4c55-9a86-3c1f2f0e9d11\", "
	"\"hostnqn\": \"\", \"model\": \"PowerStore\", \"serial\": \"SN123"
	"\", \"dctype\": \"ddc\", \"cntrltype\": \"discovery\", \"connect a"
	"ttempts\": \"0\", \"retry connect timer\": \"60.0s [off]\", \"conn"
	"ected\": \"True\"}, \"log-pages\": [{\"trtype\": \"tcp\", \"adrfam"
	"\": \"ipv4\", \"subtype\": \"discovery\", \"treq\": \"not specifie"
	"d\", \"portid\": \"1\", \"trsvcid\": \"8009\", \"subnqn\": \"nqn.2"
	"014-08.org.nvmexpress.discovery\", \"traddr\": \"10.0.0.10\", \"ef"
	"lags\": \"0\", \"cntlid\": \"65535\", \"asqsz\": \"32\", \"tsas\":"
	" \"{'sectype': 'none'}\"}, {\"trtype\": \"tcp\", \"adrfam\": \"ipv"
	"4\", \"subtype\": \"nvme\", \"treq\": \"not specified\", \"portid"
	"\": \"1\", \"trsvcid\": \"4420\", \"subnqn\": \"nqn.2014-08.org.ex"
	"ample:sub2\", \"traddr\": \"10.0.0.20\", \"eflags\": \"6\", \"cntl"
	"id\": \"65535\", \"asqsz\": \"32\", \"tsas\": \"{'sectype': 'none'"
	"}\"}, {\"trtype\": \"tcp\", \"adrfam\": \"ipv4\", \"subtype\": \"n"
	"vme\", \"treq\": \"not specified\", \"portid\": \"1\", \"trsvcid\""
	": \"4420\", \"subnqn\": \"nqn.1988-11.com.dell:PowerStore:00:1a2b3"
	"c4d5e6f\", \"traddr\": \"192.168.1.20\", \"eflags\": \"0\", \"cntl"
	"id\": \"65535\", \"asqsz\": \"32\", \"tsas\": \"{'sectype': 'none'"
	"}\"}, {\"trtype\": \"tcp\", \"adrfam\": \"ipv4\", \"subtype\": \"n"
	"vme\", \"treq\": \"not specified\", \"portid\": \"1\", \"trsvcid\""
	": \"4420\", \"subnqn\": \"nqn.2014-08.org.example:sub2\", \"traddr"
	"\": \"10.0.0.20\", \"eflags\": \"0\", \"cntlid\": \"65535\", \"asq"
	"sz\": \"32\", \"tsas\": \"{'sectype': 'none'}\"}, {\"trtype\": \"r"
	"dma\", \"adrfam\": \"ipv4\", \"subtype\": \"nvme\", \"treq\": \"no"
	"t specified\", \"portid\": \"1\", \"trsvcid\": \"4420\", \"subnqn"
	"\": \"nqn.2014-08.org.example:sub3\", \"traddr\": \"10.0.0.30\", "
	"\"eflags\": \"0\", \"cntlid\": \"65535\", \"asqsz\": \"32\", \"tsa"
	"s\": \"{'qptype': 'connected', 'prtype': 'not specified', 'cms': '"
	"rdma_cm'}\"}]}]";

/*
 * Small documents are written with ' for " (no value here needs a ').
 * DLPE: one log page entry of subtype nvme.  DOC: one discovery
 * controller with its host-traddr, host-iface and host-nqn.
 */
#define DLPE(trtype, traddr, trsvcid, subnqn, eflags)			\
	"{'trtype': '" trtype "', 'adrfam': 'ipv4', 'subtype': 'nvme', "	\
	"'treq': 'not specified', 'portid': '1', 'trsvcid': '" trsvcid	\
	"', 'subnqn': '" subnqn "', 'traddr': '" traddr "', 'eflags': '"	\
	eflags "', 'cntlid': '65535', 'asqsz': '32'}"
#define TCP(traddr, subnqn)	DLPE("tcp", traddr, "4420", subnqn, "0")
#define DOC(hta, hif, hnqn, entries)					\
	"[{'discovery-controller': {'transport': 'tcp', 'traddr': "	\
	"'10.0.0.10', 'trsvcid': '8009', 'host-traddr': '" hta "', "	\
	"'host-iface': '" hif "', 'host-nqn': '" hnqn "'}, "		\
	"'log-pages': [" entries "]}]"

static struct conf conf;
static struct host_conf host;

static void
setup(const char *conf_text)
{
	conf_fini(&conf);
	conf_init(&conf);
	if (conf_text)
		CHECK_INT(conf_parse(&conf, conf_text, strlen(conf_text),
		    "test.conf"), 0);
	memset(&host, 0, sizeof(host));
	strcpy(host.nqn, HOSTNQN);
}

/* discovery_parse() on text written with ' for ". */
static int
run(const char *text, struct want **w, size_t *n)
{
	char *s = strdup(text), *p;
	int r;

	for (p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	r = discovery_parse(s, strlen(s), &conf, &host, NULL, 0, w, n);
	free(s);
	return r;
}

/* What run() logged on stderr, for checks on the wording. */
static char logged[8192];

static int
run_logged(const char *text, struct want **w, size_t *n)
{
	int r;

	test_capture_begin();
	r = run(text, w, n);
	test_capture_end(logged, sizeof(logged));
	fputs(logged, stderr);
	return r;
}

static void
check_id(const struct want *w, const char *transport, const char *traddr,
    const char *trsvcid, const char *subsysnqn, const char *host_traddr,
    const char *host_iface)
{
	CHECK_STR(trtype_name(rec_transport(w->rec)), transport);
	CHECK_STR(rec_str(w->rec, RS_TRADDR), traddr);
	CHECK_STR(rec_str(w->rec, RS_TRSVCID), trsvcid);
	CHECK_STR(rec_str(w->rec, RS_SUBSYSNQN), subsysnqn);
	CHECK_STR(rec_str(w->rec, RS_HOST_TRADDR), host_traddr);
	CHECK_STR(rec_str(w->rec, RS_HOST_IFACE), host_iface);
	CHECK_STR(rec_str(w->rec, RS_HOST_NQN), HOSTNQN);
	CHECK(w->discovered);
	CHECK_STR(rec_str(w->rec, RS_DHCHAP_SECRET), "");
	CHECK_INT(w->rec->tun.set, 0);
}

static void
test_two_dcs(void)
{
	struct want *w;
	size_t n;

	setup(NULL);
	CHECK_INT(discovery_parse(two_dcs, strlen(two_dcs), &conf, &host,
	    NULL, 0, &w, &n), 0);
	/* Not the discovery and referral entries; 10.0.0.20 once. */
	CHECK_INT(n, 6);
	if (n != 6) {
		want_free(w, n);
		return;
	}
	check_id(&w[0], "tcp", "192.168.1.20", "4420", S1, "192.168.1.100",
	    "eth1");
	CHECK(!w[0].ncc);
	check_id(&w[1], "tcp", "192.168.1.21", "4420", S1, "192.168.1.100",
	    "eth1");
	CHECK(w[1].ncc);
	check_id(&w[2], "tcp", "2001:db8::20", "4420", S1, "192.168.1.100",
	    "eth1");
	CHECK(!w[2].ncc);
	/* The second DC gives no host fields: host-nqn is the host's. */
	check_id(&w[3], "tcp", "10.0.0.20", "4420", S2, "", "");
	CHECK(w[3].ncc);	/* eflags 6; the repeat with 0 loses */
	check_id(&w[4], "tcp", "192.168.1.20", "4420", S1, "", "");
	check_id(&w[5], "rdma", "10.0.0.30", "4420", S3, "", "");
	want_free(w, n);
}

static void
test_inheritance(void)
{
	struct want *w;
	size_t n;

	setup(NULL);
	CHECK_INT(run(DOC("10.1.1.1", "ens3", "",
	    TCP("10.0.0.1", S1) ", " DLPE("rdma", "10.0.0.2", "4420", S1, "0")),
	    &w, &n), 0);
	CHECK_INT(n, 2);
	check_id(&w[0], "tcp", "10.0.0.1", "4420", S1, "10.1.1.1", "ens3");
	/* host-iface is for tcp only, as with configured controllers. */
	check_id(&w[1], "rdma", "10.0.0.2", "4420", S1, "10.1.1.1", "");
	want_free(w, n);

	/* The same host NQN written out is the same identity. */
	CHECK_INT(run(DOC("", "", HOSTNQN, TCP("10.0.0.1", S1)), &w, &n), 0);
	CHECK_INT(n, 1);
	check_id(&w[0], "tcp", "10.0.0.1", "4420", S1, "", "");
	want_free(w, n);

	/* ignore-iface blanks it. */
	setup("[Global]\nignore-iface=true\n");
	CHECK_INT(run(DOC("10.1.1.1", "ens3", "", TCP("10.0.0.1", S1)), &w,
	    &n), 0);
	CHECK_INT(n, 1);
	check_id(&w[0], "tcp", "10.0.0.1", "4420", S1, "10.1.1.1", "");
	want_free(w, n);

	/* host_traddr in canonical form too. */
	setup(NULL);
	CHECK_INT(run(DOC("2001:DB8:0::5", "", "", TCP("2001:0db8::0:1", S1)),
	    &w, &n), 0);
	CHECK_INT(n, 1);
	check_id(&w[0], "tcp", "2001:db8::1", "4420", S1, "2001:db8::5", "");
	want_free(w, n);
}

static void
test_foreign_host_nqn(void)
{
	struct want *w;
	size_t n;

	setup(NULL);
	CHECK_INT(run_logged("[{'discovery-controller': {'host-nqn': '"
	    OTHERNQN "'}, 'log-pages': [" TCP("10.0.0.1", S1) ", "
	    TCP("10.0.0.2", S1) "]}, {'discovery-controller': {}, "
	    "'log-pages': [" TCP("10.0.0.3", S1) "]}]", &w, &n), 0);
	CHECK_INT(n, 1);
	CHECK_STR(rec_str(w[0].rec, RS_TRADDR), "10.0.0.3");
	/* One warning for the DC, not one per entry. */
	CHECK(strstr(logged, "host-nqn differs") != NULL);
	CHECK(strstr(strstr(logged, "host-nqn differs") + 1,
	    "host-nqn differs") == NULL);
	want_free(w, n);
}

static void
test_ncc(void)
{
	static const struct {
		const char	*eflags;
		bool		 ncc;
	} cases[] = {
		{ "'0'", false }, { "'4'", true }, { "'5'", true },
		{ "'3'", false }, { "'65535'", true }, { "'65531'", false },
		{ "''", false }, { "'x4'", false }, { "'4x'", false },
		{ "'-4'", false }, { "' 4'", false },
		{ "'18446744073709551620'", false },
		{ "4", true }, { "6.0", false }, { "null", false },
	};
	char text[1024];
	struct want *w;
	size_t i, n;

	setup(NULL);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), DOC("", "", "",
		    "{'subtype': 'nvme', 'trtype': 'tcp', 'traddr': '10.0.0.1',"
		    " 'trsvcid': '4420', 'subnqn': '" S1 "', 'eflags': %s}"),
		    cases[i].eflags);
		CHECK_INT(run(text, &w, &n), 0);
		CHECK_INT(n, 1);
		if (n == 1 && w[0].ncc != cases[i].ncc)
			printf("#   eflags %s\n", cases[i].eflags);
		CHECK(n == 1 && w[0].ncc == cases[i].ncc);
		want_free(w, n);
	}
	/* No eflags at all. */
	CHECK_INT(run(DOC("", "", "", "{'subtype': 'nvme', 'trtype': 'tcp', "
	    "'traddr': '10.0.0.1', 'trsvcid': '4420', 'subnqn': '" S1 "'}"),
	    &w, &n), 0);
	CHECK(n == 1 && !w[0].ncc);
	want_free(w, n);
}

#define MIXED_FAMILIES	DOC("", "", "", TCP("10.0.0.1", S1) ", "	\
	TCP("fd00::1", S1) ", " TCP("fe80::1%eth0", S1) ", "		\
	TCP("::ffff:10.0.0.9", S1) ", " TCP("storage.example.com", S1))

static void
test_ip_family(void)
{
	struct want *w;
	size_t n;

	setup(NULL);
	CHECK_INT(run_logged(MIXED_FAMILIES, &w, &n), 0);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_STR(rec_str(w[0].rec, RS_TRADDR), "10.0.0.1");
		CHECK_STR(rec_str(w[1].rec, RS_TRADDR), "fd00::1");
		CHECK_STR(rec_str(w[2].rec, RS_TRADDR), "fe80::1%eth0");
		/* An IPv4-mapped IPv6 address is the IPv4 one. */
		CHECK_STR(rec_str(w[3].rec, RS_TRADDR), "10.0.0.9");
	}
	/* A host name is no address stafd could have discovered. */
	CHECK(strstr(logged, "traddr \"storage.example.com\" is not an IP "
	    "address") != NULL);
	want_free(w, n);

	setup("[Global]\nip-family=ipv4\n");
	CHECK_INT(run(MIXED_FAMILIES, &w, &n), 0);
	CHECK_INT(n, 2);
	CHECK_STR(rec_str(w[0].rec, RS_TRADDR), "10.0.0.1");
	CHECK_STR(rec_str(w[n - 1].rec, RS_TRADDR), "10.0.0.9");
	want_free(w, n);

	setup("[Global]\nip-family=ipv6\n");
	CHECK_INT(run(MIXED_FAMILIES, &w, &n), 0);
	CHECK_INT(n, 2);
	CHECK_STR(rec_str(w[0].rec, RS_TRADDR), "fd00::1");
	want_free(w, n);
}

static void
test_exclusion(void)
{
	struct want *w;
	size_t n;

	setup("[Controllers]\n"
	    "exclude=traddr=10.0.0.2\n"
	    "exclude=subsysnqn=" S2 "\n"
	    "exclude=traddr=2001:db8::7\n"
	    "exclude=transport=tcp;host-iface=eth9\n");
	CHECK_INT(run(DOC("", "", "", TCP("10.0.0.1", S1) ", "
	    TCP("10.0.0.2", S1) ", " TCP("10.0.0.3", S2) ", "
	    TCP("2001:db8:0::7", S1) ", " TCP("10.0.0.4", S3)), &w, &n), 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(rec_str(w[0].rec, RS_TRADDR), "10.0.0.1");
		CHECK_STR(rec_str(w[1].rec, RS_TRADDR), "10.0.0.4");
	}
	want_free(w, n);
	/* Exclusion by an inherited field. */
	CHECK_INT(run(DOC("", "eth9", "", TCP("10.0.0.1", S1)), &w, &n), 0);
	CHECK_INT(n, 0);
	want_free(w, n);
}

static void
test_fc_and_loop(void)
{
	struct want *w;
	size_t n;

	setup(NULL);
	CHECK_INT(run_logged(DOC(FC_HOST, "", "",
	    DLPE("fc", FC_TGT, "none", S1, "0") ", "
	    DLPE("fc", "10.0.0.1", "", S1, "0") ", "
	    DLPE("loop", "", "", S2, "0")), &w, &n), 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		/* trsvcid means nothing for fc or loop */
		check_id(&w[0], "fc", FC_TGT, "", S1, FC_HOST, "");
		/* loop takes no host-traddr */
		check_id(&w[1], "loop", "", "", S2, "", "");
	}
	CHECK(strstr(logged, "traddr \"10.0.0.1\" is invalid") != NULL);
	want_free(w, n);

	/* fc needs the DC's host-traddr. */
	CHECK_INT(run_logged(DOC("", "", "", DLPE("fc", FC_TGT, "", S1, "0")),
	    &w, &n), 0);
	CHECK_INT(n, 0);
	CHECK(strstr(logged, "fc needs") != NULL);
	want_free(w, n);
}

static void
test_invalid_transport(void)
{
	struct want *w;
	size_t n;

	setup(NULL);
	CHECK_INT(run_logged(DOC("", "", "",
	    DLPE("unspecified", "10.0.0.1", "4420", S1, "0") ", "
	    DLPE("3", "10.0.0.1", "4420", S1, "0") ", "
	    DLPE("TCP", "10.0.0.1", "4420", S1, "0") ", "
	    "{'subtype': 'nvme', 'traddr': '10.0.0.1', 'trsvcid': '4420', "
	    "'subnqn': '" S1 "'}, " TCP("10.0.0.9", S1)), &w, &n), 0);
	CHECK_INT(n, 1);
	CHECK_STR(rec_str(w[0].rec, RS_TRADDR), "10.0.0.9");
	CHECK(strstr(logged, "stafd: ") != NULL);
	CHECK(strstr(logged, "Invalid transport \"unspecified\"") != NULL);
	CHECK(strstr(logged, "Invalid transport \"\"") != NULL);
	want_free(w, n);
}

static void
test_smuggling(void)
{
	struct want *w;
	size_t n;

	setup(NULL);
	CHECK_INT(run_logged(DOC("", "", "",
	    TCP("10.0.0.1,hostnqn=evil", S1) ", "
	    TCP("10.0.0.2", S1 ",hostnqn=evil") ", "
	    TCP("10.0.0.3", "nqn.a=b") ", "
	    DLPE("tcp", "10.0.0.4", "4420,queue_size=1", S1, "0") ", "
	    TCP("10.0.0.5", "nqn.line\\nbreak") ", "
	    TCP("10.0.0.6", "nqn.tab\\there") ", "
	    TCP("10.0.0.7\\u0001", S1) ", "
	    DLPE("tcp", "10.0.0.8", "04420", S1, "0") ", "
	    TCP("10.0.0.10", S2)), &w, &n), 0);
	CHECK_INT(n, 1);
	CHECK_STR(rec_str(w[0].rec, RS_TRADDR), "10.0.0.10");
	/* Each warning names stafd and the field; bytes shown escaped. */
	CHECK(strstr(logged, "warning: stafd: discovery controller 0 "
	    "(10.0.0.10), log page entry 0: traddr \"10.0.0.1,hostnqn=evil\" "
	    "is invalid (contains ','), entry skipped") != NULL);
	CHECK(strstr(logged, "subnqn \"" S1 ",hostnqn=evil\" is invalid "
	    "(contains ',')") != NULL);
	CHECK(strstr(logged, "subnqn \"nqn.a=b\" is invalid (contains '=')")
	    != NULL);
	CHECK(strstr(logged, "trsvcid \"4420,queue_size=1\" is invalid")
	    != NULL);
	CHECK(strstr(logged, "subnqn \"nqn.line\\x0abreak\" is invalid "
	    "(contains a control character)") != NULL);
	CHECK(strstr(logged, "traddr \"10.0.0.7\\x01\" is invalid") != NULL);
	CHECK(strstr(logged, "trsvcid \"04420\" is invalid") != NULL);
	CHECK(strchr(logged, '\t') == NULL);
	want_free(w, n);

	/* A bad inherited field costs that DC's entries only. */
	CHECK_INT(run_logged("[{'discovery-controller': {'host-iface': "
	    "'eth0,x'}, 'log-pages': [" TCP("10.0.0.1", S1) "]}, "
	    "{'discovery-controller': {'host-traddr': '10.1.1.1,x'}, "
	    "'log-pages': [" TCP("10.0.0.2", S1) "]}, "
	    "{'discovery-controller': {'host-traddr': 'myhost'}, "
	    "'log-pages': [" TCP("10.0.0.3", S1) "]}, "
	    "{'discovery-controller': {}, 'log-pages': ["
	    TCP("10.0.0.4", S1) "]}]", &w, &n), 0);
	CHECK_INT(n, 1);
	CHECK_STR(rec_str(w[0].rec, RS_TRADDR), "10.0.0.4");
	CHECK(strstr(logged, "stafd: discovery controller 0, log page entry "
	    "0: host-iface \"eth0,x\" is invalid") != NULL);
	CHECK(strstr(logged, "host-traddr \"10.1.1.1,x\" is invalid") != NULL);
	CHECK(strstr(logged, "host-traddr \"myhost\" is invalid") != NULL);
	want_free(w, n);
}

static void
test_odd_entries(void)
{
	struct want *w;
	size_t n;
	char big[400], text[4096];

	setup(NULL);
	memset(big, 'a', 300);
	big[300] = '\0';
	snprintf(text, sizeof(text), DOC("", "", "", "'x', 7, null, [], "
	    "{'subtype': 'nvme', 'trtype': 'tcp', 'traddr': 5}, "
	    "{'subtype': 2, 'trtype': 'tcp', 'traddr': '10.0.0.1'}, "
	    "{'subtype': 'nvme', 'trtype': 'tcp', 'traddr': '10.0.0.1', "
	    "'trsvcid': '4420'}, "
	    "{'subtype': 'nvme', 'trtype': 'tcp', 'subnqn': '" S1 "', "
	    "'trsvcid': '4420'}, "
	    "{'subtype': 'nvme', 'trtype': 'tcp', 'traddr': '10.0.0.1', "
	    "'subnqn': '" S1 "'}, "
	    "{'subtype': 'nvme', 'trtype': 'tcp', 'traddr': '%s', "
	    "'trsvcid': '4420', 'subnqn': '" S1 "'}, "
	    "{'subtype': 'nvme'}, {}, " TCP("10.0.0.9", S1)), big);
	CHECK_INT(run_logged(text, &w, &n), 0);
	CHECK_INT(n, 1);
	CHECK_STR(rec_str(w[0].rec, RS_TRADDR), "10.0.0.9");
	CHECK(strstr(logged, "entry 0: not an object") != NULL);
	CHECK(strstr(logged, "traddr is not a string") != NULL);
	CHECK(strstr(logged, "no subnqn") != NULL);
	CHECK(strstr(logged, "no traddr") != NULL);
	CHECK(strstr(logged, "no trsvcid") != NULL);
	CHECK(strstr(logged, "is too long") != NULL);
	want_free(w, n);
}

static void
test_repeats(void)
{
	struct want *w;
	size_t n;

	setup(NULL);
	/* Equal once canonical; the first (eflags 0) wins. */
	CHECK_INT(run(DOC("", "", "", TCP("fd00::1", S1) ", "
	    DLPE("tcp", "fd00:0::1", "4420", S1, "4") ", "
	    TCP("10.0.0.1", S1) ", " DLPE("tcp", "fd00::1", "4421", S1, "0")
	    ", " TCP("::ffff:10.0.0.1", S1)), &w, &n), 0);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(rec_str(w[0].rec, RS_TRADDR), "fd00::1");
		CHECK(!w[0].ncc);
		CHECK_STR(rec_str(w[1].rec, RS_TRADDR), "10.0.0.1");
		CHECK_STR(rec_str(w[2].rec, RS_TRSVCID), "4421");
	}
	want_free(w, n);
}

static void
test_empty(void)
{
	struct want *w;
	size_t n;

	setup(NULL);
	CHECK_INT(run("[]", &w, &n), 0);
	CHECK_INT(n, 0);
	CHECK(w != NULL);
	want_free(w, n);
	CHECK_INT(run(" [ {'discovery-controller': {}, 'log-pages': []} ] ",
	    &w, &n), 0);
	CHECK_INT(n, 0);
	want_free(w, n);
}

static void
test_bad_documents(void)
{
	static const char *const bad[] = {
		"",
		"xyz",
		"{}",
		"'[]'",
		"null",
		"[1]",
		"[[]]",
		"[{}]",
		"[{'log-pages': []}]",
		"[{'discovery-controller': [], 'log-pages': []}]",
		"[{'discovery-controller': {}}]",
		"[{'discovery-controller': {}, 'log-pages': {}}]",
		"[{'discovery-controller': {'host-nqn': 5}, 'log-pages': []}]",
		"[{'discovery-controller': {'host-iface': null}, "
		    "'log-pages': []}]",
		/* one bad element spoils the lot */
		"[{'discovery-controller': {}, 'log-pages': [" TCP("10.0.0.1",
		    S1) "]}, 7]",
		"[]]",
		"[{'discovery-controller': {}, 'log-pages': []},]",
	};
	struct want *w = (struct want *)&w;
	size_t i, n = 99;

	setup(NULL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(run(bad[i], &w, &n), -EBADMSG);
		CHECK(w == NULL && n == 0);
	}
	/* Truncated anywhere, the realistic document is refused whole. */
	for (i = 0; i < strlen(two_dcs); i += 7) {
		w = (struct want *)&w;
		CHECK_INT(discovery_parse(two_dcs, i, &conf, &host, NULL,
		    0, &w, &n), -EBADMSG);
		CHECK(w == NULL);
	}
	CHECK_INT(run_logged("[{'discovery-controller': {}, 'log-pages': []}, "
	    "'x']", &w, &n), -EBADMSG);
	CHECK(strstr(logged, "stafd: get_all_log_pages: element 1: not an "
	    "object") != NULL);
	CHECK_INT(run_logged("[1, 2", &w, &n), -EBADMSG);
	CHECK(strstr(logged, "not usable JSON (unexpected end at byte 5)")
	    != NULL);
}

/* A flood of bad entries logs SKIP_WARN_MAX lines and a count. */
static void
test_warning_cap(void)
{
	char text[8192];
	size_t i, n, len, lines = 0;
	struct want *w;
	const char *p;

	setup(NULL);
	len = (size_t)snprintf(text, sizeof(text), "[{'discovery-controller':"
	    " {}, 'log-pages': [");
	for (i = 0; i < 25; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "%s" TCP("10.0.0.1,x", S1), i ? ", " : "");
	snprintf(text + len, sizeof(text) - len, "]}]");
	CHECK_INT(run_logged(text, &w, &n), 0);
	CHECK_INT(n, 0);
	for (p = logged; (p = strstr(p, "entry skipped")) != NULL; p++)
		lines++;
	CHECK_INT(lines, 20);
	CHECK(strstr(logged, "stafd: 5 more log page entries skipped") != NULL);
	want_free(w, n);
}

/* One controller more than the cap: loop entries, the smallest. */
static void
test_cap(void)
{
	const char *head = "[{'discovery-controller': {}, 'log-pages': [";
	size_t i, n, len = 0, size = (size_t)(DISCOVERY_WANTS_MAX + 1) * 64;
	char *text = malloc(size);
	struct want *w;

	setup(NULL);
	len = (size_t)snprintf(text, size, "%s", head);
	for (i = 0; i <= DISCOVERY_WANTS_MAX; i++)
		len += (size_t)snprintf(text + len, size - len, "%s{'subtype': "
		    "'nvme', 'trtype': 'loop', 'subnqn': 'n%zu'}",
		    i ? ", " : "", i);
	snprintf(text + len, size - len, "]}]");
	CHECK_INT(run_logged(text, &w, &n), 0);
	CHECK_INT(n, DISCOVERY_WANTS_MAX);
	CHECK(n == DISCOVERY_WANTS_MAX &&
	    strcmp(rec_str(w[n - 1].rec, RS_SUBSYSNQN), "n9999") == 0);
	CHECK(strstr(logged, "more than 10000 I/O controllers discovered")
	    != NULL);
	want_free(w, n);
	free(text);
}

/*
 * stafd restarted and cannot reach a DC yet: it answers with the DC not
 * connected and no entries.  That means "unknown", not "none": what the
 * DC listed before is kept; a connected DC that lists nothing empties.
 */
static void
test_unreachable_dc_keeps_its_entries(void)
{
	static const char dc_a[] = "{'transport': 'tcp', 'traddr': "
	    "'192.168.1.10', 'trsvcid': '8009', 'subsysnqn': "
	    "'nqn.2014-08.org.nvmexpress.discovery', 'host-traddr': '', "
	    "'host-iface': '', 'host-nqn': ''";
	static const char dc_b[] = "{'transport': 'tcp', 'traddr': "
	    "'192.168.1.11', 'trsvcid': '8009', 'subsysnqn': "
	    "'nqn.2014-08.org.nvmexpress.discovery', 'host-traddr': '', "
	    "'host-iface': '', 'host-nqn': ''";
	static const char entry[] = "{'trtype': 'tcp', 'subtype': 'nvme', "
	    "'traddr': '%s', 'trsvcid': '4420', 'subnqn': '" S2 "'}";
	char before[2048], after[1024], e1[256], e2[256];
	struct want *w1 = NULL, *w2 = NULL, *w3 = NULL;
	size_t n1 = 0, n2 = 0, n3 = 0;

	setup(NULL);
	snprintf(e1, sizeof(e1), entry, "10.0.0.1");
	snprintf(e2, sizeof(e2), entry, "10.0.0.2");
	snprintf(before, sizeof(before), "[{'discovery-controller': %s, "
	    "'connected': 'True', 'device': 'nvme0'}, 'log-pages': [%s]}, "
	    "{'discovery-controller': %s, 'connected': 'True'}, "
	    "'log-pages': [%s]}]", dc_a, e1, dc_b, e2);
	CHECK_INT(run(before, &w1, &n1), 0);
	CHECK_INT(n1, 2);
	CHECK(n1 == 2 && w1[0].dc != w1[1].dc);

	/* A: not connected, nothing listed (device nvme?); B: connected. */
	snprintf(after, sizeof(after), "[{'discovery-controller': %s, "
	    "'connected': 'False', 'device': 'nvme?'}, 'log-pages': []}, "
	    "{'discovery-controller': %s, 'connected': 'True'}, "
	    "'log-pages': []}]", dc_a, dc_b);
	for (char *p = after; *p; p++)
		if (*p == '\'')
			*p = '"';
	CHECK_INT(discovery_parse(after, strlen(after), &conf, &host, w1,
	    n1, &w2, &n2), 0);
	CHECK_INT(n2, 1);
	if (n2 == 1)
		CHECK_STR(rec_str(w2[0].rec, RS_TRADDR), "10.0.0.1");

	/* Excluded meanwhile: a kept entry obeys the exclusions too. */
	setup("[Controllers]\nexclude=transport=tcp;traddr=10.0.0.1\n");
	CHECK_INT(discovery_parse(after, strlen(after), &conf, &host, w1,
	    n1, &w3, &n3), 0);
	CHECK_INT(n3, 0);
	want_free(w1, n1);
	want_free(w2, n2);
	want_free(w3, n3);
}

int
main(void)
{
	log_init(LOG_TO_STDERR);
	TEST(test_two_dcs);
	TEST(test_unreachable_dc_keeps_its_entries);
	TEST(test_inheritance);
	TEST(test_foreign_host_nqn);
	TEST(test_ncc);
	TEST(test_ip_family);
	TEST(test_exclusion);
	TEST(test_fc_and_loop);
	TEST(test_invalid_transport);
	TEST(test_smuggling);
	TEST(test_odd_entries);
	TEST(test_repeats);
	TEST(test_empty);
	TEST(test_bad_documents);
	TEST(test_warning_cap);
	TEST(test_cap);
	conf_fini(&conf);
	return TEST_EXIT();
}

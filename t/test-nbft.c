/*
 * t/test-nbft.c - NBFTs made by t/nbft-gen.c read back (several tables,
 * field by field, and the --check printout); every kind of damage to a
 * table with the result nbft.h documents (refused whole, or the one
 * descriptor dropped with its index named); every byte of a table
 * overwritten without a crash; the controllers a table asks for with a
 * MAC to interface table; and the tables under a root.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "nbft.h"
#include "test.h"

/* The generator is test code too: built into this program. */
#include "nbft-gen.c"

#define HOSTNQN_T \
	"nqn.2014-08.org.nvmexpress:uuid:12345678-9abc-def0-1234-56789abcdef0"
#define ROOT_NQN "nqn.2014-08.org.example:root"
#define DATA_NQN "nqn.2014-08.org.example:data"

/* Two interfaces, the second with a VLAN; two paths to the root volume. */
static const char two_paths[] =
    "host nqn=" HOSTNQN_T " id=12345678-9abc-def0-1234-56789abcdef0\n"
    "hfi mac=52:54:00:12:34:56 ip=10.0.2.15/24 gw=10.0.2.2 dns=10.0.2.3 "
    "origin=static hostname=bootme\n"
    "hfi mac=52:54:00:12:34:57 ip=fd00::15/64 origin=dhcp vlan=12 "
    "dhcp-server=fd00::1\n"
    "subsys traddr=10.0.2.2 trsvcid=4420 nqn=" ROOT_NQN " hfi=1,2 "
    "digest=hdr cntlid=5 asqsz=32\n"
    "subsys traddr=fd00::2 trsvcid=4421 nqn=" DATA_NQN " hfi=2 "
    "flags=unavailable\n"
    "discovery uri=nvme+tcp://10.0.2.2:8009/ hfi=1\n"
    "discovery uri=nvme+tcp://[FD00::2]/ hfi=2 "
    "nqn=nqn.2014-08.org.example:dc\n";

static char logged[16384];

/* A table from a description; *len its size.  NULL on a bad one. */
static uint8_t *
gen(const char *desc, size_t *len)
{
	uint8_t *b;
	char err[256];

	if (nbft_gen(desc, strlen(desc), &b, len, err, sizeof(err)) < 0) {
		printf("#   nbft_gen: %s\n", err);
		return NULL;
	}
	return b;
}

/* nbft_parse() with what it logged in logged[]. */
static int
parse(const uint8_t *b, size_t len, struct nbft *t)
{
	int r;

	test_capture_begin();
	r = nbft_parse(b, len, "NBFT", t);
	test_capture_end(logged, sizeof(logged));
	return r;
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Where the control descriptor says list k (0 HFI .. 3 discovery) is. */
static uint8_t *
list_at(uint8_t *b, int k)
{
	return b + rd32(b + NBFT_GEN_HEADER + 16 + 8 * k);
}

static void
two_paths_read_back(void)
{
	struct nbft *t = malloc(sizeof(*t));
	uint8_t *b;
	size_t len;

	if ((b = gen(two_paths, &len)) == NULL || t == NULL) {
		CHECK(0);
		goto out;
	}
	CHECK_INT(parse(b, len, t), 0);
	CHECK_STR(logged, "");
	CHECK_INT(t->major, 1);
	CHECK_STR(t->oem_id, "STACD");
	CHECK_STR(t->host_nqn, HOSTNQN_T);
	CHECK_STR(t->host_id, "12345678-9abc-def0-1234-56789abcdef0");
	CHECK_INT(t->n_hfi, 2);
	CHECK_INT(t->hfi[0].index, 1);
	CHECK_STR(t->hfi[0].mac_str, "52:54:00:12:34:56");
	CHECK_STR(t->hfi[0].ip, "10.0.2.15");
	CHECK_INT(t->hfi[0].family, IPF_V4);
	CHECK_INT(t->hfi[0].prefix, 24);
	CHECK_STR(t->hfi[0].gateway, "10.0.2.2");
	CHECK_STR(t->hfi[0].dns1, "10.0.2.3");
	CHECK_STR(t->hfi[0].dns2, "");
	CHECK_INT(t->hfi[0].ipconf, NBFT_IP_STATIC);
	CHECK_STR(t->hfi[0].host_name, "bootme");
	CHECK_INT(t->hfi[1].vlan, 12);
	CHECK_STR(t->hfi[1].ip, "fd00::15");
	CHECK_INT(t->hfi[1].family, IPF_V6);
	CHECK_INT(t->hfi[1].ipconf, NBFT_IP_DHCP);
	CHECK_STR(t->hfi[1].dhcp_server, "fd00::1");
	CHECK_INT(t->n_ssns, 2);
	CHECK(t->ssns[0].valid && !t->ssns[0].unavailable);
	CHECK_STR(t->ssns[0].traddr, "10.0.2.2");
	CHECK_STR(t->ssns[0].trsvcid, "4420");
	CHECK_STR(t->ssns[0].nqn, ROOT_NQN);
	/* the firmware repeats the primary among the secondaries: once */
	CHECK_INT(t->ssns[0].n_hfi, 2);
	CHECK(t->ssns[0].hfi[0] == 1 && t->ssns[0].hfi[1] == 2);
	CHECK(t->ssns[0].hdr_digest && !t->ssns[0].data_digest);
	CHECK(t->ssns[0].ext_info);
	CHECK_INT(t->ssns[0].cntlid, 5);
	CHECK_INT(t->ssns[0].asqsz, 32);
	CHECK(t->ssns[1].unavailable);
	CHECK_STR(t->ssns[1].traddr, "fd00::2");
	CHECK_INT(t->n_disc, 2);
	CHECK_STR(t->disc[0].traddr, "10.0.2.2");
	CHECK_STR(t->disc[0].trsvcid, "8009");
	CHECK_STR(t->disc[0].nqn, DISCOVERY_NQN);
	CHECK_INT(t->disc[0].hfi_index, 1);
	/* canonical address, the discovery port by default */
	CHECK_STR(t->disc[1].traddr, "fd00::2");
	CHECK_STR(t->disc[1].trsvcid, "8009");
	CHECK_STR(t->disc[1].nqn, "nqn.2014-08.org.example:dc");
	CHECK_INT(t->dropped, 0);
out:
	free(b);
	free(t);
}

/* Tables of other shapes: empty, IPv6 only, many HFIs, security. */
static void
other_tables(void)
{
	static const struct {
		const char	*desc;
		size_t		 hfi, ssns, disc, sec;
		unsigned	 dropped;
		const char	*log;	/* a part of what is logged, or "" */
	} cases[] = {
		{ "host nqn=" HOSTNQN_T "\n", 0, 0, 0, 0, 0, "" },
		{ "", 0, 0, 0, 0, 0, "" },
		/* no discovery NQN: the well-known one (checked below) */
		{ "discovery uri=nvme+tcp://10.0.0.1/ nqn=\n", 0, 0, 1, 0, 0,
		  "" },
		{ "hfi mac=02:00:00:00:00:01 ip=2001:db8::5/64 origin=ra\n"
		  "subsys traddr=2001:db8::1 trsvcid=4420 nqn=" ROOT_NQN
		  " hfi=1 flags=discovered discovery=1\n"
		  "discovery uri=nvme+tcp://[2001:db8::1]:8009 hfi=1\n",
		  1, 1, 1, 0, 0, "" },
		{ "security flags=0x45\nsecurity index=7 flags=0\n"
		  "hfi mac=02:00:00:00:00:01 ip=10.0.0.5/8\n"
		  "subsys traddr=10.0.0.1 trsvcid=4420 nqn=" ROOT_NQN
		  " hfi=1 security=1\n", 1, 1, 0, 1, 0, "" },
		{ "hfi mac=02:00:00:00:00:01\nhfi mac=02:00:00:00:00:02\n"
		  "hfi mac=02:00:00:00:00:03\nhfi mac=02:00:00:00:00:04\n"
		  "hfi mac=02:00:00:00:00:05\nhfi mac=02:00:00:00:00:06\n"
		  "hfi mac=02:00:00:00:00:07\nhfi mac=02:00:00:00:00:08\n"
		  "hfi mac=02:00:00:00:00:09\nhfi mac=02:00:00:00:00:0a\n"
		  "hfi mac=02:00:00:00:00:0b\nhfi mac=02:00:00:00:00:0c\n"
		  "hfi mac=02:00:00:00:00:0d\nhfi mac=02:00:00:00:00:0e\n"
		  "hfi mac=02:00:00:00:00:0f\nhfi mac=02:00:00:00:00:10\n"
		  "hfi mac=02:00:00:00:00:11\n", 16, 0, 0, 0, 1,
		  "NBFT: 17 HFI descriptors, only the first 16 taken" },
		/* invalid ones are left out quietly; an SSNS stays, marked */
		{ "hfi mac=02:00:00:00:00:01 invalid\n"
		  "hfi mac=02:00:00:00:00:02\n"
		  "subsys traddr=10.0.0.1 trsvcid=4420 nqn=" ROOT_NQN
		  " hfi=2 flags=invalid\n", 1, 1, 0, 0, 0, "" },
	};
	struct nbft *t = malloc(sizeof(*t));
	uint8_t *b;
	size_t i, len;

	for (i = 0; t && i < sizeof(cases) / sizeof(cases[0]); i++) {
		if ((b = gen(cases[i].desc, &len)) == NULL) {
			CHECK(0);
			continue;
		}
		CHECK_INT(parse(b, len, t), 0);
		if (cases[i].log[0] == '\0')
			CHECK_STR(logged, "");
		else if (strstr(logged, cases[i].log) == NULL) {
			printf("#   case %zu logged: %s\n", i, logged);
			CHECK(0);
		}
		CHECK(t->control_valid);
		CHECK_INT(t->n_hfi, cases[i].hfi);
		CHECK_INT(t->n_ssns, cases[i].ssns);
		CHECK_INT(t->n_disc, cases[i].disc);
		CHECK_INT(t->n_sec, cases[i].sec);
		CHECK_INT(t->dropped, cases[i].dropped);
		if (t->n_disc)
			CHECK_STR(t->disc[0].nqn, DISCOVERY_NQN);
		free(b);
	}
	free(t);
}

/* nbft_print() of t, in out. */
static void
print_to(const struct nbft *t, char *out, size_t size)
{
	FILE *f = tmpfile();
	size_t n = 0;

	if (f) {
		nbft_print(f, t);
		rewind(f);
		n = fread(out, 1, size - 1, f);
		fclose(f);
	}
	out[n] = '\0';
}

/* What --check prints of a table: the stable form, line by line. */
static void
printout(void)
{
	static const char want[] =
	    "table NBFT revision=1.0 oem=STACD oem-table=MKNBFT\n"
	    "host nqn=" HOSTNQN_T " id=12345678-9abc-def0-1234-56789abcdef0\n"
	    "hfi 1 mac=52:54:00:12:34:56 vlan=0 ip=10.0.2.15/24 "
	    "gateway=10.0.2.2 dns=10.0.2.3,- origin=static(1) default-route "
	    "metric=500 hostname=bootme\n"
	    "hfi 2 mac=52:54:00:12:34:57 vlan=12 ip=fd00::15/64 gateway=- "
	    "dns=-,- origin=dhcp(3) default-route dhcp-server=fd00::1 "
	    "metric=500 hostname=-\n"
	    "discovery 1 uri=nvme+tcp://10.0.2.2:8009/ transport=tcp "
	    "traddr=10.0.2.2 trsvcid=8009 nqn=" DISCOVERY_NQN " hfi=1\n"
	    "discovery 2 uri=nvme+tcp://[FD00::2]/ transport=tcp "
	    "traddr=fd00::2 trsvcid=8009 nqn=nqn.2014-08.org.example:dc "
	    "hfi=2\n"
	    "ssns 1 transport=tcp traddr=10.0.2.2 trsvcid=4420 nqn=" ROOT_NQN
	    " hfi=1,2 nsid=1 hdr-digest cntlid=5 asqsz=32\n"
	    "ssns 2 transport=tcp traddr=fd00::2 trsvcid=4421 nqn=" DATA_NQN
	    " hfi=2 nsid=1 unavailable cntlid=0 asqsz=0\n";
	struct nbft *t = malloc(sizeof(*t));
	char out[4096];
	uint8_t *b;
	size_t len;

	if ((b = gen(two_paths, &len)) == NULL || t == NULL ||
	    parse(b, len, t) != 0) {
		CHECK(0);
		goto out;
	}
	print_to(t, out, sizeof(out));
	CHECK_STR(out, want);
	/* an empty table says so, and no more */
	free(b);
	if ((b = gen("table control=invalid\nhfi mac=02:00:00:00:00:01\n",
	    &len)) == NULL || parse(b, len, t) != 0) {
		CHECK(0);
		goto out;
	}
	print_to(t, out, sizeof(out));
	CHECK_STR(out, "table NBFT revision=1.0 oem=STACD oem-table=MKNBFT "
	    "not-valid\n");
out:
	free(b);
	free(t);
}

/* ---- damage ---- */

enum {
	WHOLE = -1,	/* the table is refused: -EBADMSG */
};

/* Damage to one table of two subsystem namespaces and a discovery. */
static void
d_signature(uint8_t *b, size_t *len)
{
	(void)len;
	b[0] = 'X';
}

static void
d_length(uint8_t *b, size_t *len)
{
	wr32(b + 4, (uint32_t)*len + 1);
}

static void
d_checksum(uint8_t *b, size_t *len)
{
	(void)len;
	b[9]++;
}

static void
d_short(uint8_t *b, size_t *len)
{
	(void)b;
	*len = 100;
}

static void
d_revision(uint8_t *b, size_t *len)
{
	(void)len;
	b[8] = 2;
}

static void
d_heap(uint8_t *b, size_t *len)
{
	wr32(b + 40, (uint32_t)*len);	/* heap length = the whole table */
}

static void
d_control(uint8_t *b, size_t *len)
{
	(void)len;
	b[NBFT_GEN_HEADER] = 7;
}

/* SSNS 1's NQN reference points past the end of the table. */
static void
d_nqn_offset(uint8_t *b, size_t *len)
{
	wr32(list_at(b, 1) + 54, (uint32_t)*len + 100);
}

/* SSNS 1's NQN reference, one byte past the heap. */
static void
d_nqn_offset_edge(uint8_t *b, size_t *len)
{
	uint8_t *ref = list_at(b, 1) + 54;

	wr32(ref, (uint32_t)*len - ref[4] + 1);
}

/* The NUL after SSNS 1's NQN is overwritten. */
static void
d_no_nul(uint8_t *b, size_t *len)
{
	uint8_t *ref = list_at(b, 1) + 54;

	(void)len;
	b[rd32(ref) + ref[4]] = 'x';
}

/* SSNS 1's NQN is the last heap object; its NUL is cut off. */
static void
d_no_nul_at_end(uint8_t *b, size_t *len)
{
	uint8_t *ref = list_at(b, 1) + 54;

	*len = rd32(ref) + ref[4];
	wr32(b + 4, (uint32_t)*len);
	wr32(b + 40, (uint32_t)*len - rd32(b + 36));
}

/* HFI 1's transport info is shorter than its fields. */
static void
d_trinfo_short(uint8_t *b, size_t *len)
{
	(void)len;
	list_at(b, 0)[20] = 40;
}

/* The HFI list claims 8-byte descriptors. */
static void
d_hfi_elen(uint8_t *b, size_t *len)
{
	(void)len;
	b[NBFT_GEN_HEADER + 20] = 8;
}

/* The SSNS list starts near the end of the table. */
static void
d_ssns_list(uint8_t *b, size_t *len)
{
	wr32(b + NBFT_GEN_HEADER + 24, (uint32_t)*len - 10);
}

/* SSNS 1's structure ID. */
static void
d_ssns_id(uint8_t *b, size_t *len)
{
	(void)len;
	list_at(b, 1)[0] = 9;
}

/* SSNS 1's traddr is 4 bytes. */
static void
d_traddr_len(uint8_t *b, size_t *len)
{
	(void)len;
	list_at(b, 1)[14] = 4;
}

static const struct damage {
	const char	*name;
	const char	*desc;	/* NULL: the default one */
	void		(*fn)(uint8_t *b, size_t *len);
	int		 ssns;	/* SSNS kept, or WHOLE */
	size_t		 disc;	/* discovery descriptors kept */
	const char	*log;	/* a part of the warning */
} damages[] = {
	{ "signature", NULL, d_signature, WHOLE, 0,
	    "NBFT: the signature is not NBFT; table ignored" },
	{ "length", NULL, d_length, WHOLE, 0, "the header says" },
	{ "checksum", NULL, d_checksum, WHOLE, 0,
	    "the checksum is wrong (the bytes sum to 0x01)" },
	{ "short", NULL, d_short, WHOLE, 0, "shorter than a header" },
	{ "revision", NULL, d_revision, WHOLE, 0, "revision 2 is not 1" },
	{ "heap", NULL, d_heap, WHOLE, 0, "the heap ends past the table" },
	{ "control", NULL, d_control, WHOLE, 0, "no control descriptor" },
	{ "heap offset past the end", NULL, d_nqn_offset, 1, 2,
	    "NBFT: SSNS descriptor 0 (index 1) references bytes outside the "
	    "heap; dropped" },
	{ "heap object past the heap", NULL, d_nqn_offset_edge, 1, 2,
	    "SSNS descriptor 0 (index 1) references bytes outside the heap" },
	{ "string without NUL", NULL, d_no_nul, 1, 2,
	    "SSNS descriptor 0 (index 1) has a string with no NUL; dropped" },
	{ "string without NUL at the end", "hfi mac=02:00:00:00:00:01\n"
	    "subsys traddr=10.0.0.1 trsvcid=4420 nqn=" ROOT_NQN " hfi=1\n",
	    d_no_nul_at_end, 0, 0, "has a string with no NUL" },
	{ "string with ','", "hfi mac=02:00:00:00:00:01\n"
	    "subsys traddr=10.0.0.1 trsvcid=4420 nqn=nqn.x,y hfi=1\n"
	    "subsys traddr=10.0.0.1 trsvcid=4420 nqn=" ROOT_NQN " hfi=1\n",
	    NULL, 1, 0, "SSNS descriptor 0 (index 1) has a bad subsystem NQN "
	    "(contains ',')" },
	{ "string with '='", "hfi mac=02:00:00:00:00:01\n"
	    "subsys traddr=10.0.0.1 trsvcid=4420=x nqn=" ROOT_NQN " hfi=1\n",
	    NULL, 0, 0, "has a bad trsvcid (contains '=')" },
	{ "string with ';'", "hfi mac=02:00:00:00:00:01\n"
	    "subsys traddr=10.0.0.1 trsvcid=4420 nqn=nqn.x;y "
	    "hfi=1\n", NULL, 0, 0, "has a bad subsystem NQN (contains ';')" },
	{ "control character", "hfi mac=02:00:00:00:00:01\n"
	    "discovery uri=nvme+tcp://10.0.0.1/\x01 hfi=1\n", NULL, 0, 0,
	    "discovery descriptor 0 (index 1) has a string with a space or "
	    "control character" },
	{ "HFI index out of range", "hfi mac=02:00:00:00:00:01\n"
	    "subsys traddr=10.0.0.1 trsvcid=4420 nqn=" ROOT_NQN " hfi=9\n"
	    "subsys traddr=10.0.0.2 trsvcid=4420 nqn=" ROOT_NQN " hfi=1,9\n"
	    "discovery uri=nvme+tcp://10.0.0.1/ hfi=9\n", NULL, 1, 0,
	    "SSNS descriptor 0 (index 1) names a primary HFI that is not in "
	    "the table" },
	{ "secondary HFI out of range", "hfi mac=02:00:00:00:00:01\n"
	    "subsys traddr=10.0.0.2 trsvcid=4420 nqn=" ROOT_NQN " hfi=1,9\n",
	    NULL, 1, 0, "NBFT: SSNS 1: HFI 9 is not in the table; ignored" },
	{ "discovery HFI out of range", "hfi mac=02:00:00:00:00:01\n"
	    "discovery uri=nvme+tcp://10.0.0.1/ hfi=9\n", NULL, 0, 0,
	    "discovery descriptor 0 (index 1) names an HFI that is not in the "
	    "table" },
	{ "not tcp", "hfi mac=02:00:00:00:00:01\n"
	    "subsys traddr=10.0.0.1 trsvcid=4420 nqn=" ROOT_NQN " hfi=1 "
	    "trtype=1\n", NULL, 0, 0, "(index 1) is not tcp; dropped" },
	{ "bad URI", "discovery uri=http://10.0.0.1/\n"
	    "discovery uri=nvme+tcp://host.example:8009/\n"
	    "discovery uri=nvme+tcp://[fd00::1:8009/\n"
	    "discovery uri=nvme+tcp://10.0.0.1:0/\n"
	    "discovery uri=nvme+tcp://10.0.0.1:8009x\n"
	    "discovery uri=nvme+tcp://10.0.0.1:8009/ok\n", NULL, 0, 1,
	    "has a URI that is not nvme+tcp://" },
	/* and what HFI 1 reached goes with it */
	{ "short transport info", NULL, d_trinfo_short, 1, 1,
	    "HFI descriptor 0 (index 1) has a transport info shorter than its "
	    "fields" },
	{ "short HFI descriptors", NULL, d_hfi_elen, 0, 0,
	    "NBFT: HFI descriptors are 8 bytes, fewer than the 22 read; 2 "
	    "dropped" },
	{ "SSNS list past the end", NULL, d_ssns_list, 0, 2,
	    "the SSNS descriptor list ends past the table; 2 dropped" },
	{ "wrong structure ID", NULL, d_ssns_id, 1, 2,
	    "SSNS descriptor 0 (index 1) has a wrong structure ID" },
	{ "traddr not 16 bytes", NULL, d_traddr_len, 1, 2,
	    "has a traddr that is not a 16-byte IP address" },
	{ "host NQN with ','", "host nqn=nqn.a,b\n", NULL, 0, 0,
	    "NBFT: the host descriptor has a bad host NQN (contains ','); the "
	    "system's host NQN is used" },
	{ "host name with a control character",
	    "hfi mac=02:00:00:00:00:01 hostname=a\x7f" "b\n", NULL, 0, 0,
	    "HFI 1 has a string with a space or control character in its host "
	    "name" },
};

static void
damage(void)
{
	struct nbft *t = malloc(sizeof(*t));
	const struct damage *d;
	uint8_t *b;
	size_t i, len;
	int r;

	for (i = 0; t && i < sizeof(damages) / sizeof(damages[0]); i++) {
		d = &damages[i];
		if ((b = gen(d->desc ? d->desc : two_paths, &len)) == NULL) {
			CHECK(0);
			continue;
		}
		if (d->fn) {
			d->fn(b, &len);
			if (d->fn != d_checksum && d->fn != d_length)
				nbft_gen_checksum(b, len);
		}
		r = parse(b, len, t);
		if (strstr(logged, d->log) == NULL ||
		    r != (d->ssns == WHOLE ? -EBADMSG : 0) ||
		    (d->ssns != WHOLE && (t->n_ssns != (size_t)d->ssns ||
		    t->n_disc != d->disc))) {
			printf("#   %s: r=%d ssns=%zu disc=%zu, logged: %s\n",
			    d->name, r, t->n_ssns, t->n_disc, logged);
			CHECK(0);
		}
		if (d->ssns == WHOLE)
			CHECK(t->n_hfi == 0 && t->n_ssns == 0 && t->n_disc == 0);
		free(b);
	}
	free(t);
}

/*
 * Every byte of a table set to 0x00, 0xff and its neighbour, with the
 * checksum made right again, and every length: never a crash (ASan),
 * and what is taken is always clean.
 */
static void
every_byte(void)
{
	static const uint8_t values[] = { 0x00, 0xff, 0x01, 0x80 };
	struct nbft *t = malloc(sizeof(*t));
	uint8_t *b, *copy = NULL;
	size_t len, i, k, j;

	if ((b = gen(two_paths, &len)) == NULL || t == NULL ||
	    (copy = malloc(len)) == NULL) {
		CHECK(0);
		goto out;
	}
	log_init(LOG_DISCARD);
	for (i = 0; i < len; i++)
		for (k = 0; k < sizeof(values); k++) {
			memcpy(copy, b, len);
			copy[i] = values[k];
			if (i != 9)
				nbft_gen_checksum(copy, len);
			if (nbft_parse(copy, len, "x", t) < 0)
				continue;
			for (j = 0; j < t->n_ssns; j++)
				CHECK(!t->ssns[j].valid ||
				    (strchr(t->ssns[j].nqn, ',') == NULL &&
				    t->ssns[j].n_hfi >= 1));
		}
	for (i = 0; i <= len; i++)
		nbft_parse(b, i, "x", t);
	log_init(LOG_TO_STDERR);
out:
	free(copy);
	free(b);
	free(t);
}

/* ---- the controllers ---- */

static const struct {
	const char	*mac;
	uint16_t	 vlan;
	const char	*ifname;
} ifaces[] = {
	{ "52:54:00:12:34:56", 0, "eth0" },
	{ "52:54:00:12:34:57", 12, "eth1.12" },
};

static int
ifname_of(void *ctx, const uint8_t mac[6], uint16_t vlan, char *ifname,
    size_t size)
{
	char s[18];
	size_t i;

	(*(int *)ctx)++;
	snprintf(s, sizeof(s), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0],
	    mac[1], mac[2], mac[3], mac[4], mac[5]);
	for (i = 0; i < sizeof(ifaces) / sizeof(ifaces[0]); i++)
		if (strcmp(s, ifaces[i].mac) == 0 && vlan == ifaces[i].vlan) {
			snprintf(ifname, size, "%s", ifaces[i].ifname);
			return 0;
		}
	return -ENOENT;
}

/* The controllers of a description, with what was logged. */
static int
ctrls_of(const char *desc, struct ctrl_conf **v, size_t *n)
{
	struct nbft *t = malloc(sizeof(*t));
	uint8_t *b;
	size_t len;
	int r = -1, calls = 0;

	*v = NULL;
	*n = 0;
	if (t == NULL || (b = gen(desc, &len)) == NULL) {
		free(t);
		return -1;
	}
	test_capture_begin();
	if (nbft_parse(b, len, "NBFT", t) == 0)
		r = nbft_ctrls(t, ifname_of, &calls, v, n);
	test_capture_end(logged, sizeof(logged));
	free(b);
	free(t);
	return r;
}

static void
controllers(void)
{
	struct ctrl_conf *v;
	size_t n;

	CHECK_INT(ctrls_of(two_paths, &v, &n), 0);
	/* root through both HFIs; data unavailable; two discovery ctrls */
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_INT(v[0].id.transport, TRTYPE_TCP);
		CHECK_STR(v[0].id.traddr, "10.0.2.2");
		CHECK_STR(v[0].id.trsvcid, "4420");
		CHECK_STR(v[0].id.subsysnqn, ROOT_NQN);
		CHECK_STR(v[0].id.host_iface, "eth0");
		CHECK_STR(v[0].id.host_nqn, HOSTNQN_T);
		CHECK(!v[0].discovery_ctrl);
		CHECK(v[0].tun.set & (1u << TUN_HDR_DIGEST));
		CHECK_INT(v[0].tun.val[TUN_HDR_DIGEST], 1);
		CHECK(!(v[0].tun.set & (1u << TUN_DATA_DIGEST)));
		CHECK_STR(v[1].id.host_iface, "eth1.12");
		CHECK_STR(v[1].id.traddr, "10.0.2.2");
		CHECK(v[2].discovery_ctrl);
		CHECK_STR(v[2].id.subsysnqn, DISCOVERY_NQN);
		CHECK_STR(v[2].id.traddr, "10.0.2.2");
		CHECK_STR(v[2].id.trsvcid, "8009");
		CHECK_STR(v[2].id.host_iface, "eth0");
		CHECK(v[3].discovery_ctrl);
		CHECK_STR(v[3].id.traddr, "fd00::2");
		CHECK_STR(v[3].id.subsysnqn, "nqn.2014-08.org.example:dc");
		CHECK_STR(v[3].id.host_iface, "eth1.12");
	}
	CHECK(strstr(logged, "NBFT: SSNS 2 was unavailable to the firmware; "
	    "not connected") != NULL);
	free(v);
}

static void
controllers_refused(void)
{
	static const struct {
		const char	*desc;
		size_t		 n;
		const char	*log;
	} cases[] = {
		/* no interface has the MAC, nor an address: that path only */
		{ "hfi mac=02:00:00:00:00:99\nhfi mac=52:54:00:12:34:56\n"
		  "subsys traddr=10.0.0.1 trsvcid=4420 nqn=" ROOT_NQN
		  " hfi=1,2\n", 1, "NBFT: SSNS 1: no interface has HFI 1's MAC "
		  "address 02:00:00:00:00:99 (VLAN 0) and it has no address; "
		  "that path is skipped" },
		/* no interface has the MAC: bound by the HFI's address */
		{ "hfi mac=02:00:00:00:00:99 ip=10.0.0.5/24\n"
		  "subsys traddr=10.0.0.1 trsvcid=4420 nqn=" ROOT_NQN
		  " hfi=1\n", 1, "NBFT: SSNS 1: no interface has HFI 1's MAC "
		  "address 02:00:00:00:00:99 (VLAN 0); bound to its address "
		  "10.0.0.5 instead" },
		/* the VLAN is part of what names the interface */
		{ "hfi mac=52:54:00:12:34:56 vlan=7\n"
		  "discovery uri=nvme+tcp://10.0.0.1/ hfi=1\n", 0,
		  "discovery 1: no interface has HFI 1's MAC" },
		{ "discovery uri=nvme+tcp://10.0.0.1/\n", 1, "" },
		{ "hfi mac=52:54:00:12:34:56\n"
		  "subsys traddr=10.0.0.1 trsvcid=4420 nqn=" ROOT_NQN
		  " hfi=1 flags=invalid\n", 0, "SSNS 1 is not valid" },
		{ "hfi mac=52:54:00:12:34:56\n"
		  "subsys traddr=10.0.0.1 trsvcid=8009 nqn=" DISCOVERY_NQN
		  " hfi=1\n", 0, "SSNS 1 is a discovery controller" },
		{ "security flags=0x41\nhfi mac=52:54:00:12:34:56\n"
		  "subsys traddr=10.0.0.1 trsvcid=4420 nqn=" ROOT_NQN
		  " hfi=1 security=1 flags=available\n", 0,
		  "SSNS 1: its security profile requires a secure channel" },
		{ "security flags=0x05\n"
		  "discovery uri=nvme+tcp://10.0.0.1/ security=1\n", 0,
		  "requires in-band authentication" },
		{ "discovery uri=nvme+tcp://10.0.0.1/ security=3\n", 0,
		  "discovery 1: its security profile is not in the table" },
		/* a profile that requires nothing is no obstacle */
		{ "security flags=0x23\nhfi mac=52:54:00:12:34:56\n"
		  "subsys traddr=10.0.0.1 trsvcid=4420 nqn=" ROOT_NQN
		  " hfi=1 security=1 digest=data,hdr\n", 1, "" },
	};
	struct ctrl_conf *v;
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(ctrls_of(cases[i].desc, &v, &n), 0);
		if (n != cases[i].n || (cases[i].log[0] ?
		    strstr(logged, cases[i].log) == NULL : logged[0] != '\0')) {
			printf("#   case %zu: %zu controllers, logged: %s\n", i,
			    n, logged);
			CHECK(0);
		}
		if (i == 0 && n == 1)
			CHECK_STR(v[0].id.host_iface, "eth0");
		if (i == 1 && n == 1)
			CHECK_STR(v[0].id.host_traddr, "10.0.0.5");
		if (i == 3 && n == 1)
			CHECK(v[0].id.host_iface[0] == '\0' &&
			    v[0].id.host_nqn[0] == '\0');
		if (i == 9 && n == 1)
			CHECK(v[0].tun.set & (1u << TUN_DATA_DIGEST) &&
			    v[0].tun.set & (1u << TUN_HDR_DIGEST));
		free(v);
	}
}

/* ---- the tables under a root ---- */

static void
put(const char *root, const char *name, const uint8_t *b, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/sys/firmware/acpi/tables/%s", root,
	    name);
	CHECK((f = fopen(path, "wb")) != NULL);
	if (f) {
		CHECK(fwrite(b, 1, len, f) == len);
		fclose(f);
	}
}

static void
load(void)
{
	char root[] = "/tmp/test-nbft.XXXXXX", dir[512], cmd[600];
	struct nbft *v;
	uint8_t *b;
	size_t len, n;

	CHECK(mkdtemp(root) != NULL);
	CHECK_INT(nbft_load(root, &v, &n), 0);
	CHECK_INT(n, 0);
	snprintf(dir, sizeof(dir), "%s/sys/firmware/acpi/tables", root);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s", dir);
	CHECK(system(cmd) == 0);
	if ((b = gen(two_paths, &len)) == NULL) {
		CHECK(0);
		return;
	}
	put(root, "NBFT10", b, len);
	put(root, "NBFT", b, len);
	put(root, "NBFTX", b, len);	/* not a table name */
	b[9]++;
	put(root, "NBFT2", b, len);	/* refused */
	test_capture_begin();
	CHECK_INT(nbft_load(root, &v, &n), 0);
	test_capture_end(logged, sizeof(logged));
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(v[0].name, "NBFT");
		CHECK_STR(v[1].name, "NBFT10");
		CHECK_INT(v[1].n_ssns, 2);
	}
	CHECK(strstr(logged, "NBFT2: the checksum is wrong") != NULL);
	free(v);
	free(b);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	CHECK(system(cmd) == 0);
}

/* The ip= value of every kind of HFI, and what is refused. */
static void
ip_settings(void)
{
	static const struct {
		struct nbft_hfi	 h;
		int		 ret;
		const char	*want;
	} cases[] = {
		{ { .ipconf = NBFT_IP_STATIC, .family = IPF_V4, .ip = "10.0.2.15",
		    .prefix = 24, .gateway = "10.0.2.2", .dns1 = "10.0.2.3",
		    .host_name = "bootme" }, 0,
		  "ip=10.0.2.15::10.0.2.2:255.255.255.0:bootme:eth0:none:10.0.2.3" },
		{ { .ipconf = NBFT_IP_STATIC, .family = IPF_V4, .ip = "192.168.7.9",
		    .prefix = 20 }, 0, "ip=192.168.7.9:::255.255.240.0::eth0:none" },
		{ { .ipconf = NBFT_IP_STATIC, .family = IPF_V4, .ip = "10.1.1.1",
		    .prefix = 32, .dns1 = "10.0.0.53", .dns2 = "10.0.0.54" }, 0,
		  "ip=10.1.1.1:::255.255.255.255::eth0:none:10.0.0.53:10.0.0.54" },
		{ { .ipconf = NBFT_IP_STATIC, .family = IPF_V4, .ip = "10.1.1.1",
		    .prefix = 0 }, 0, "ip=10.1.1.1:::0.0.0.0::eth0:none" },
		{ { .ipconf = NBFT_IP_STATIC, .family = IPF_V6, .ip = "fd00::15",
		    .prefix = 64, .gateway = "fd00::1", .dns2 = "fd00::53" }, 0,
		  "ip=[fd00::15]::[fd00::1]:64::eth0:none::[fd00::53]" },
		{ { .ipconf = NBFT_IP_DHCP, .family = IPF_V4, .ip = "10.0.2.15" },
		  0, "ip=:::::eth0:dhcp" },
		{ { .ipconf = NBFT_IP_DHCP }, 0, "ip=:::::eth0:dhcp" },
		{ { .ipconf = NBFT_IP_DHCP, .family = IPF_V6 }, 0,
		  "ip=:::::eth0:dhcp6" },
		{ { .ipconf = NBFT_IP_SLAAC, .family = IPF_V6,
		    .ip = "2001:db8::5", .prefix = 64 }, 0, "ip=:::::eth0:auto6" },
		{ { .ipconf = NBFT_IP_STATIC }, -ENOENT, NULL },
	};
	char buf[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(nbft_ip_setting(&cases[i].h, "eth0", buf,
		    sizeof(buf)), cases[i].ret);
		if (cases[i].want)
			CHECK_STR(buf, cases[i].want);
	}
	/* Exactly the room it needs, and one byte less. */
	CHECK_INT(nbft_ip_setting(&cases[5].h, "eth0", buf, 18), 0);
	CHECK_INT(nbft_ip_setting(&cases[5].h, "eth0", buf, 17), -ENOSPC);
	CHECK_INT(nbft_ip_setting(&cases[0].h, "eth0", buf, 40), -ENOSPC);
}

int
main(void)
{
	log_init(LOG_TO_STDERR);
	TEST(two_paths_read_back);
	TEST(other_tables);
	TEST(printout);
	TEST(damage);
	TEST(every_byte);
	TEST(controllers);
	TEST(controllers_refused);
	TEST(load);
	TEST(ip_settings);
	return TEST_EXIT();
}

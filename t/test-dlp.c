/*
 * t/test-dlp.c - discovery log pages from tables: the entries a page
 * yields and the ones it must not (each hostile shape dropped alone,
 * with the discovery controller and the index named), NUMREC against the
 * bytes, and the generation-counter loop against a fake controller.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dlp.h"
#include "fixtures.h"
#include "log.h"
#include "test.h"

#define S1 "nqn.2014-08.org.example:s1"
#define FC_T "nn-0x203400a098fd4ca6:pn-0x203600a098fd4ca6"

struct page {
	uint8_t	 b[DLP_HDR_SIZE + 16 * DLP_ENTRY_SIZE];
	size_t	 n;		/* entries written */
};

static void
put_le(uint8_t *p, uint64_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/* One entry; text fields copied as given (not NUL-padded past len). */
static uint8_t *
entry(struct page *pg, uint8_t trtype, uint8_t adrfam, uint8_t subtype,
    const char *trsvcid, const char *subnqn, const char *traddr)
{
	uint8_t *e = pg->b + DLP_HDR_SIZE + pg->n * DLP_ENTRY_SIZE;

	memset(e, 0, DLP_ENTRY_SIZE);
	e[0] = trtype;
	e[1] = adrfam;
	e[2] = subtype;
	put_le(e + 6, 0xffff, 2);
	memcpy(e + 32, trsvcid, strnlen(trsvcid, 32));
	memcpy(e + 256, subnqn, strnlen(subnqn, 256));
	memcpy(e + 512, traddr, strnlen(traddr, 256));
	pg->n++;
	put_le(pg->b + 8, pg->n, 8);
	return e;
}

static struct ctrl_id
dc_tcp(void)
{
	struct ctrl_id dc = fx_id_tcp("10.0.0.100", DISCOVERY_NQN);

	strcpy(dc.trsvcid, "8009");
	strcpy(dc.host_traddr, "10.0.0.5");
	strcpy(dc.host_iface, "eth1");
	strcpy(dc.host_nqn, HOSTNQN);
	return dc;
}

/* What dlp_parse() logged on stderr. */
static char logged[16384];

static int
parse_logged(const struct page *pg, size_t len, const struct ctrl_id *dc,
    struct dlp_entry **v, size_t *n, uint64_t *gen)
{
	int r;

	test_capture_begin();
	r = dlp_parse(pg->b, len, dc, "dc 10.0.0.100", v, n, gen);
	test_capture_end(logged, sizeof(logged));
	return r;
}

static size_t
page_len(const struct page *pg)
{
	return DLP_HDR_SIZE + pg->n * DLP_ENTRY_SIZE;
}

static void
good_entries(void)
{
	struct ctrl_id dc = dc_tcp();
	struct page pg = { .n = 0 };
	struct dlp_entry *v;
	size_t n;
	uint64_t gen;

	memset(pg.b, 0, DLP_HDR_SIZE);
	put_le(pg.b, 42, 8);
	/* the spec pads with spaces, nvmet with NULs */
	entry(&pg, 3, 1, 2, "4420                            ", S1,
	    "10.0.0.1" "                                ")[10] = 4; /* NCC */
	entry(&pg, 3, 2, 2, "4420", S1, "2001:DB8:0::1");
	entry(&pg, 3, 1, 1, "8009", DISCOVERY_NQN, "10.0.0.9");
	entry(&pg, 3, 1, 3, "8009", "nqn.2014-08.org.example:dc", "10.0.0.100");
	CHECK_INT(parse_logged(&pg, page_len(&pg), &dc, &v, &n, &gen), 0);
	CHECK_STR(logged, "");
	CHECK_INT(gen, 42);
	CHECK_INT(n, 4);
	if (n != 4) {
		free(v);
		return;
	}
	CHECK_INT(v[0].subtype, DLP_NVM);
	CHECK_STR(v[0].id.traddr, "10.0.0.1");
	CHECK_STR(v[0].id.trsvcid, "4420");
	CHECK_STR(v[0].id.subsysnqn, S1);
	CHECK_INT(v[0].eflags, DLP_EFLAGS_NCC);
	/* what the DC's connection has, its entries inherit */
	CHECK_STR(v[0].id.host_traddr, "10.0.0.5");
	CHECK_STR(v[0].id.host_iface, "eth1");
	CHECK_STR(v[0].id.host_nqn, HOSTNQN);
	CHECK_STR(v[1].id.traddr, "2001:db8::1");
	CHECK_INT(v[2].subtype, DLP_REFERRAL);
	CHECK_INT(v[3].subtype, DLP_CURRENT);
	free(v);
}

/* Each hostile entry dropped alone, with the DC and its index named. */
static void
hostile_entries(void)
{
	static const struct {
		uint8_t		 trtype, adrfam, subtype;
		const char	*trsvcid, *subnqn, *traddr, *why;
	} bad[] = {
		{ 3, 1, 9, "4420", S1, "10.0.0.1", "unknown subtype" },
		{ 7, 1, 2, "4420", S1, "10.0.0.1", "unknown transport" },
		{ 1, 1, 2, "4420", S1, "10.0.0.1", "another transport" },
		{ 3, 4, 2, "4420", S1, "10.0.0.1", "not an IP address family" },
		{ 3, 2, 2, "4420", S1, "10.0.0.1", "not an address of its" },
		{ 3, 1, 2, "4420", S1, "storage.example", "not an address of" },
		{ 3, 1, 2, "4420", S1, "10.0.0.1,hostnqn=x", "','" },
		{ 3, 1, 2, "44=0", S1, "10.0.0.1", "'='" },
		{ 3, 1, 2, "4420", "nqn.x:\001", "10.0.0.1", "control" },
		{ 3, 1, 2, "", S1, "10.0.0.1", "no trsvcid" },
		{ 3, 1, 2, "4420", "", "10.0.0.1", "no subnqn" },
		{ 3, 1, 2, "4420", S1, "", "no traddr" },
	};
	struct ctrl_id dc = dc_tcp();
	struct page pg;
	struct dlp_entry *v;
	char want[128], filler[300];
	uint8_t *e;
	size_t i, n;
	uint64_t gen;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&pg, 0, sizeof(pg));
		entry(&pg, 3, 1, 2, "4420", S1, "10.0.0.1");
		entry(&pg, bad[i].trtype, bad[i].adrfam, bad[i].subtype,
		    bad[i].trsvcid, bad[i].subnqn, bad[i].traddr);
		CHECK_INT(parse_logged(&pg, page_len(&pg), &dc, &v, &n, &gen),
		    0);
		if (n != 1)
			printf("#   case %zu: %zu entries\n", i, n);
		CHECK_INT(n, 1);
		snprintf(want, sizeof(want), "dc 10.0.0.100: log page entry "
		    "1: ");
		CHECK(strstr(logged, want) != NULL);
		if (strstr(logged, bad[i].why) == NULL)
			printf("#   case %zu: no \"%s\" in: %s", i, bad[i].why,
			    logged);
		CHECK(strstr(logged, bad[i].why) != NULL);
		free(v);
	}
	/* fields that fill their whole width, with no NUL or pad */
	memset(filler, '1', sizeof(filler));
	memset(&pg, 0, sizeof(pg));
	e = entry(&pg, 3, 1, 2, "4420", S1, "10.0.0.1");
	memcpy(e + 32, filler, 32);
	e = entry(&pg, 3, 1, 2, "4420", S1, "10.0.0.1");
	memcpy(e + 512, filler, 256);
	e = entry(&pg, 3, 1, 2, "4420", S1, "10.0.0.1");
	memcpy(e + 256, filler, 256);
	CHECK_INT(parse_logged(&pg, page_len(&pg), &dc, &v, &n, &gen), 0);
	CHECK_INT(n, 0);
	CHECK(strstr(logged, "entry 0: trsvcid fills its field") != NULL);
	CHECK(strstr(logged, "entry 1: traddr fills its field") != NULL);
	CHECK(strstr(logged, "entry 2: subnqn is not NUL-terminated") != NULL);
	free(v);
}

static void
numrec_and_header(void)
{
	struct ctrl_id dc = dc_tcp();
	struct page pg;
	struct dlp_entry *v;
	size_t n;
	uint64_t gen;

	memset(&pg, 0, sizeof(pg));
	entry(&pg, 3, 1, 2, "4420", S1, "10.0.0.1");
	entry(&pg, 3, 1, 2, "4420", S1, "10.0.0.2");
	put_le(pg.b + 8, UINT64_MAX, 8);	/* more than was read */
	CHECK_INT(parse_logged(&pg, page_len(&pg), &dc, &v, &n, &gen), 0);
	CHECK_INT(n, 2);
	CHECK(strstr(logged, "says 18446744073709551615 entries; taking 2")
	    != NULL);
	free(v);
	/* half an entry is no entry */
	CHECK_INT(parse_logged(&pg, page_len(&pg) - 1, &dc, &v, &n, &gen), 0);
	CHECK_INT(n, 1);
	free(v);
	CHECK_INT(parse_logged(&pg, DLP_HDR_SIZE - 1, &dc, &v, &n, &gen),
	    -EBADMSG);
	CHECK(v == NULL);
}

static void
fc_entries(void)
{
	struct ctrl_id dc;
	struct page pg;
	struct dlp_entry *v;
	size_t n;
	uint64_t gen;

	memset(&dc, 0, sizeof(dc));
	dc.transport = TRTYPE_FC;
	strcpy(dc.traddr, FC_T);
	strcpy(dc.host_traddr, "nn-0x20000090fae0b5f5:pn-0x10000090fae0b5f5");
	memset(&pg, 0, sizeof(pg));
	entry(&pg, 2, 4, 2, "none", S1,
	    "nn-0x203400a098fd4ca6,pn-0x203600a098fd4ca6");
	entry(&pg, 2, 4, 2, "", S1, "nn-0x2034,pn-0x2036");
	CHECK_INT(parse_logged(&pg, page_len(&pg), &dc, &v, &n, &gen), 0);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_STR(v[0].id.traddr, FC_T);
		CHECK_STR(v[0].id.trsvcid, "");
		CHECK_STR(v[0].id.host_traddr, dc.host_traddr);
	}
	CHECK(strstr(logged, "entry 1: ") != NULL);
	free(v);
}

/* ---- the generation-counter loop against a fake controller ---- */

struct fake_dc {
	struct page	 pg;
	int		 reads, header_reads;
	int		 bump_every;	/* genctr +1 every N header reads */
	int		 fail_at;	/* read number that fails, or 0 */
	int		 last_rae;
	int		 rae_clear;	/* reads with rae clear */
	bool		 grow_quietly;	/* numrec changes, genctr not */
};

static int
fake_read(void *ctx, void *buf, size_t len, uint64_t off, int rae)
{
	struct fake_dc *f = ctx;
	size_t total = page_len(&f->pg);

	if (++f->reads == f->fail_at)
		return -EIO;
	f->last_rae = rae;
	f->rae_clear += !rae;
	if (off == 0) {
		f->header_reads++;
		if (f->bump_every && f->header_reads % f->bump_every == 0)
			put_le(f->pg.b, f->pg.b[0] + 1u, 8);
		if (f->grow_quietly && f->header_reads == 2)
			put_le(f->pg.b + 8, f->pg.n + 1, 8);
	}
	memset(buf, 0, len);
	if (off < total)
		memcpy(buf, f->pg.b + off, len < total - off ? len :
		    total - off);
	return 0;
}

static void
generation_counter_loop(void)
{
	struct fake_dc f;
	uint8_t *buf;
	size_t len;
	int i;

	memset(&f, 0, sizeof(f));
	for (i = 0; i < 6; i++)
		entry(&f.pg, 3, 1, 2, "4420", S1, "10.0.0.1");
	CHECK_INT(dlp_fetch(fake_read, &f, &buf, &len), 0);
	CHECK_INT(len, DLP_HDR_SIZE + 6 * DLP_ENTRY_SIZE);
	CHECK(buf && memcmp(buf + DLP_HDR_SIZE, f.pg.b + DLP_HDR_SIZE,
	    6 * DLP_ENTRY_SIZE) == 0);
	/* 4 KiB chunks; only the very last read re-arms the event */
	CHECK_INT(f.reads, 1 + 2 + 1);
	CHECK_INT(f.rae_clear, 1);
	CHECK_INT(f.last_rae, 0);
	free(buf);

	/* changed once while read: read again, then fine */
	memset(&f.reads, 0, sizeof(f) - offsetof(struct fake_dc, reads));
	f.bump_every = 2;
	CHECK_INT(dlp_fetch(fake_read, &f, &buf, &len), 0);
	CHECK_INT(f.header_reads, 3);	/* first, changed, stable */
	free(buf);

	/* changing all the time: give up */
	memset(&f.reads, 0, sizeof(f) - offsetof(struct fake_dc, reads));
	f.bump_every = 1;
	CHECK_INT(dlp_fetch(fake_read, &f, &buf, &len), -EAGAIN);
	CHECK(buf == NULL);
	CHECK_INT(f.header_reads, 2 + DLP_GENCTR_RETRIES);

	/* NUMREC moved under a stable GENCTR */
	memset(&f.reads, 0, sizeof(f) - offsetof(struct fake_dc, reads));
	f.grow_quietly = true;
	CHECK_INT(dlp_fetch(fake_read, &f, &buf, &len), -EBADMSG);

	/* the controller went away in the middle */
	memset(&f.reads, 0, sizeof(f) - offsetof(struct fake_dc, reads));
	f.pg.n = 6;
	put_le(f.pg.b + 8, 6, 8);
	f.fail_at = 3;
	CHECK_INT(dlp_fetch(fake_read, &f, &buf, &len), -EIO);
	CHECK(buf == NULL);
}

int
main(void)
{
	log_init(LOG_TO_STDERR);
	TEST(good_entries);
	TEST(hostile_entries);
	TEST(numrec_and_header);
	TEST(fc_entries);
	TEST(generation_counter_loop);
	return TEST_EXIT();
}

/*
 * t/fuzz-dlp.c - discovery log pages from anywhere: dlp_parse() on the
 * bytes as a page read from a tcp (or, by the first byte, an fc or loop)
 * discovery controller, and dlp_fetch() reading them through a fake
 * controller.  Every entry taken must be a value stacd may write to
 * /dev/nvme-fabrics.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dlp.h"
#include "field.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct src {
	const uint8_t	*data;
	size_t		 size;
};

static int
read_src(void *ctx, void *buf, size_t len, uint64_t off, int rae)
{
	const struct src *s = ctx;

	(void)rae;
	memset(buf, 0, len);
	if (off < s->size)
		memcpy(buf, s->data + off, len < s->size - off ? len :
		    s->size - off);
	return 0;
}

static void
check(const struct dlp_entry *e, const struct ctrl_id *dc)
{
	const struct ctrl_id *id = &e->id;

	if (id->transport != dc->transport ||
	    e->subtype < DLP_REFERRAL || e->subtype > DLP_CURRENT ||
	    strnlen(id->traddr, sizeof(id->traddr)) == sizeof(id->traddr) ||
	    strnlen(id->trsvcid, sizeof(id->trsvcid)) ==
	    sizeof(id->trsvcid) ||
	    strnlen(id->subsysnqn, sizeof(id->subsysnqn)) ==
	    sizeof(id->subsysnqn) || id->subsysnqn[0] == '\0' ||
	    (id->traddr[0] && field_problem(FIELD_TRADDR, id->transport,
	    id->traddr)) ||
	    (id->trsvcid[0] && field_problem(FIELD_TRSVCID, id->transport,
	    id->trsvcid)) ||
	    field_problem(FIELD_NQN, id->transport, id->subsysnqn) ||
	    strcmp(id->host_traddr, dc->host_traddr) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum trtype kinds[] = { TRTYPE_TCP, TRTYPE_FC,
	    TRTYPE_LOOP, TRTYPE_RDMA };
	struct ctrl_id dc;
	struct dlp_entry *v;
	struct src s = { data, size };
	uint8_t *buf;
	uint64_t gen;
	size_t n, i, len;

	log_init(LOG_DISCARD);
	memset(&dc, 0, sizeof(dc));
	dc.transport = kinds[size ? data[0] % 4 : 0];
	if (dc.transport == TRTYPE_FC)
		strcpy(dc.host_traddr,
		    "nn-0x20000090fae0b5f5:pn-0x10000090fae0b5f5");
	else if (dc.transport != TRTYPE_LOOP)
		strcpy(dc.host_traddr, "10.0.0.5");
	if (dlp_parse(data, size, &dc, "fuzz", &v, &n, &gen) == 0) {
		if (n > DLP_RECORDS_MAX)
			abort();
		for (i = 0; i < n; i++)
			check(&v[i], &dc);
		free(v);
	}
	if (dlp_fetch(read_src, &s, &buf, &len) == 0) {
		if (len < DLP_HDR_SIZE || (len - DLP_HDR_SIZE) %
		    DLP_ENTRY_SIZE != 0 || (len - DLP_HDR_SIZE) /
		    DLP_ENTRY_SIZE > DLP_RECORDS_MAX)
			abort();
		free(buf);
	}
	return 0;
}

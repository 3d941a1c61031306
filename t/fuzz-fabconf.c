/*
 * t/fuzz-fabconf.c - nvme-fabrics.conf text from anywhere: every path
 * fabconf_parse() takes is a controller stacd may connect (its values
 * pass field_problem()), with its own tunables only.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fabconf.h"
#include "field.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct host_conf h;
	struct fabconf f;
	size_t i;

	log_init(LOG_DISCARD);
	memset(&h, 0, sizeof(h));
	strcpy(h.nqn, "nqn.2014-08.org.nvmexpress:uuid:"
	    "11111111-2222-3333-4444-555555555555");
	strcpy(h.id, "11111111-2222-3333-4444-555555555555");
	fabconf_init(&f);
	if (fabconf_parse(&f, (const char *)data, size, "fuzz", &h) != 0)
		abort();
	for (i = 0; i < f.n; i++) {
		const struct ctrl_conf *cc = &f.ctrls[i];
		const struct ctrl_id *id = &cc->id;

		if (!cc->own_tunables || id->transport == TRTYPE_NONE ||
		    id->subsysnqn[0] == '\0' ||
		    field_problem(FIELD_NQN, id->transport, id->subsysnqn) ||
		    (id->traddr[0] && field_problem(FIELD_TRADDR,
		    id->transport, id->traddr)) ||
		    (id->trsvcid[0] && field_problem(FIELD_TRSVCID,
		    id->transport, id->trsvcid)) ||
		    strnlen(f.origins[i], FABCONF_ORIGIN_MAX) ==
		    FABCONF_ORIGIN_MAX)
			abort();
	}
	fabconf_fini(&f);
	return 0;
}

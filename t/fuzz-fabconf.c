/*
 * t/fuzz-fabconf.c - connection files from anywhere, read as
 * nvme-fabrics.conf, as discovery.conf and as stafd.conf: every entry
 * taken is a controller stacd may connect (its values pass
 * field_problem()), with its own tunables only; the last two give
 * discovery controllers only.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctrl_rec.h"
#include "fabconf.h"
#include "field.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct host_conf h;
	struct fabconf f;
	size_t i, n_fab;

	log_init(LOG_DISCARD);
	memset(&h, 0, sizeof(h));
	strcpy(h.nqn, "nqn.2014-08.org.nvmexpress:uuid:"
	    "11111111-2222-3333-4444-555555555555");
	strcpy(h.id, "11111111-2222-3333-4444-555555555555");
	fabconf_init(&f);
	if (fabconf_parse(&f, (const char *)data, size, "fuzz", &h) != 0)
		abort();
	n_fab = f.n;
	if (fabconf_parse_discovery(&f, (const char *)data, size, "fuzz",
	    &h) != 0 || fabconf_parse_stafd(&f, (const char *)data, size,
	    "fuzz") != 0)
		abort();
	for (i = 0; i < f.n; i++) {
		struct ctrl_conf wide;
		const struct ctrl_conf *cc = &wide;
		const struct ctrl_id *id = &cc->id;

		rec_unpack(f.ctrls[i], &wide);
		if (!cc->own_tunables || id->transport == TRTYPE_NONE ||
		    (i >= n_fab && !cc->discovery_ctrl) ||
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

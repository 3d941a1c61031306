/*
 * t/fuzz-excl.c - exclusions.conf text from anywhere: excl_parse() never
 * fails but for memory, every entry is terminated inside its buffers,
 * and an entry marked as matching nothing matches nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "excl.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const addrs[] = {
		"10.0.0.1", "::1", "2001:db8::1",
		"nn-0x203400a098fd4ca6:pn-0x203600a098fd4ca6"
	};
	struct excl_list l;
	struct ctrl_id id;
	const struct excl_entry *e;
	size_t i, k;

	log_init(LOG_DISCARD);
	excl_init(&l);
	if (excl_parse(&l, (const char *)data, size, "fuzz") != 0)
		abort();
	for (i = 0; i < l.n; i++)
		if (strnlen(l.v[i].origin, sizeof(l.v[i].origin)) ==
		    sizeof(l.v[i].origin) ||
		    strnlen(l.v[i].id.traddr, sizeof(l.v[i].id.traddr)) ==
		    sizeof(l.v[i].id.traddr) ||
		    strnlen(l.v[i].hostid, sizeof(l.v[i].hostid)) ==
		    sizeof(l.v[i].hostid))
			abort();
	for (k = 0; k < sizeof(addrs) / sizeof(addrs[0]); k++) {
		memset(&id, 0, sizeof(id));
		id.transport = k == 3 ? TRTYPE_FC : TRTYPE_TCP;
		strcpy(id.traddr, addrs[k]);
		strcpy(id.trsvcid, k == 3 ? "" : "4420");
		strcpy(id.subsysnqn, "nqn.2014-08.org.example:vol1");
		if ((e = excl_match(&l, &id, "nqn.h", "id")) != NULL &&
		    (e->never || e->fields == 0))
			abort();
	}
	excl_fini(&l);
	return 0;
}

/*
 * t/fuzz-discovery.c - discovery_parse() on arbitrary bytes, under
 * two configurations.  Invariant: either the document is refused whole,
 * or every controller it yields is one stacd may write to
 * /dev/nvme-fabrics: each field passes field_problem(), addresses are
 * canonical IPs of an enabled family, nothing excluded, nothing twice.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "discovery.h"
#include "field.h"
#include "log.h"
#include "fixtures.h"


static const char strict_conf[] =
    "[Global]\nignore-iface=true\nip-family=ipv4\n"
    "[Controllers]\nexclude=traddr=10.0.0.2\n"
    "exclude=subsysnqn=nqn.2014-08.org.example:gone\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_field(enum field f, enum trtype t, const char *v, bool required)
{
	if (*v == '\0' ? required : field_problem(f, t, v) != NULL)
		abort();
}

static void
check_want(const struct conf *c, const struct want *w)
{
	struct ctrl_id wide;
	const struct ctrl_id *id = &wide;
	bool ip;
	char canon[TRADDR_MAX + 1];
	unsigned fam;

	rec_unpack_id(w->rec, &wide);
	ip = id->transport == TRTYPE_TCP || id->transport == TRTYPE_RDMA;
	if (!w->discovered || id->transport == TRTYPE_NONE ||
	    id->transport >= TRTYPE_COUNT)
		abort();
	check_field(FIELD_TRADDR, id->transport, id->traddr,
	    id->transport != TRTYPE_LOOP);
	check_field(FIELD_TRSVCID, id->transport, id->trsvcid, ip);
	check_field(FIELD_NQN, id->transport, id->subsysnqn, true);
	check_field(FIELD_HOST_TRADDR, id->transport, id->host_traddr,
	    id->transport == TRTYPE_FC);
	check_field(FIELD_HOST_IFACE, id->transport, id->host_iface, false);
	check_field(FIELD_HOST_NQN, id->transport, id->host_nqn, true);
	if (strcmp(id->host_nqn, HOSTNQN) != 0 || (!ip && id->trsvcid[0]) ||
	    (id->host_iface[0] && (c->ignore_iface ||
	    id->transport != TRTYPE_TCP)) || conf_excluded(c, id))
		abort();
	if (ip) {
		memcpy(canon, id->traddr, sizeof(canon));
		fam = field_canonical_ip(canon, sizeof(canon));
		if (!(fam & c->ip_family) || strcmp(canon, id->traddr) != 0)
			abort();
	}
}

static void
check(const struct conf *c, const struct host_conf *h, const uint8_t *data,
    size_t size)
{
	struct want *w = NULL;
	size_t i, j, n = 0;
	int r;

	r = discovery_parse((const char *)data, size, c, h, NULL, 0, &w,
	    &n);
	if (r != 0) {
		if ((r != -EBADMSG && r != -E2BIG && r != -ENOMEM) ||
		    w != NULL || n != 0)
			abort();
		return;
	}
	if (w == NULL || n > DISCOVERY_WANTS_MAX)
		abort();
	for (i = 0; i < n; i++)
		check_want(c, &w[i]);
	/* Inputs are small: the quadratic check is fine here. */
	for (i = 0; i < n && n <= 1000; i++)
		for (j = i + 1; j < n; j++)
			if (rec_id_compare(w[i].rec, w[j].rec) == 0)
				abort();
	want_free(w, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct host_conf h;
	struct conf c;

	log_init(LOG_DISCARD);
	memset(&h, 0, sizeof(h));
	strcpy(h.nqn, HOSTNQN);
	conf_init(&c);
	check(&c, &h, data, size);
	if (conf_parse(&c, strict_conf, strlen(strict_conf), "fuzz") != 0)
		abort();
	check(&c, &h, data, size);
	conf_fini(&c);
	return 0;
}

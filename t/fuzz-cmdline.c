/*
 * t/fuzz-cmdline.c - a kernel command line from anywhere: cmdline_parse()
 * never fails but for memory; it keeps at most CMDLINE_DISCOVER_MAX
 * entries, each terminated in its buffers, of tcp, rdma or fc, with no
 * field that could carry an option of its own to /dev/nvme-fabrics;
 * each becomes a discovery controller; an override is a well-formed
 * host NQN or ID; fc,auto and rd.nonvmf leave no entry; the text after
 * a NUL does not count; and the same text parses the same twice.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "field.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct boot_cmdline a, b;

static bool
terminated(const char *s, size_t size)
{
	return strnlen(s, size) < size;
}

static void
check_entry(const struct boot_cmdline *c, size_t i)
{
	const struct cmdline_discover *d = &c->discover[i];
	struct ctrl_conf cc;
	enum trtype t = d->transport;

	if (!terminated(d->traddr, sizeof(d->traddr)) ||
	    !terminated(d->host_traddr, sizeof(d->host_traddr)) ||
	    !terminated(d->trsvcid, sizeof(d->trsvcid)) || d->pos == 0)
		abort();
	if (t != TRTYPE_TCP && t != TRTYPE_RDMA && t != TRTYPE_FC)
		abort();
	if (field_problem(FIELD_TRADDR, t, d->traddr) ||
	    strpbrk(d->traddr, "; \"") ||
	    (d->host_traddr[0] && (field_problem(FIELD_HOST_TRADDR, t,
	    d->host_traddr) || strpbrk(d->host_traddr, "; \""))))
		abort();
	if (t == TRTYPE_FC ? d->trsvcid[0] != '\0' || d->host_traddr[0] ==
	    '\0' : field_problem(FIELD_TRSVCID, t, d->trsvcid) != NULL)
		abort();
	if (cmdline_ctrl(c, i, &cc) != 0 || !cc.discovery_ctrl ||
	    !cc.own_tunables || cc.id.transport != t ||
	    strcmp(cc.id.subsysnqn, DISCOVERY_NQN) != 0 ||
	    strcmp(cc.id.traddr, d->traddr) != 0 || cc.line != d->pos)
		abort();
}

static void
check(const struct boot_cmdline *c)
{
	size_t i;

	if (c->n_discover > CMDLINE_DISCOVER_MAX ||
	    !terminated(c->hostnqn, sizeof(c->hostnqn)) ||
	    !terminated(c->hostid, sizeof(c->hostid)))
		abort();
	if ((c->fc_auto || c->nonvmf) && (c->n_discover || c->n_over))
		abort();
	if (c->nonvmf && (c->hostnqn[0] || c->hostid[0] || c->nonbft ||
	    c->nostatic || c->fc_auto))
		abort();
	if (c->hostnqn[0] && (strncmp(c->hostnqn, "nqn.", 4) != 0 ||
	    field_problem(FIELD_HOST_NQN, TRTYPE_NONE, c->hostnqn) ||
	    strpbrk(c->hostnqn, " \"") || c->hostnqn_pos == 0))
		abort();
	if (c->hostid[0] && (field_problem(FIELD_HOSTID, TRTYPE_NONE,
	    c->hostid) || c->hostid_pos == 0))
		abort();
	for (i = 0; i < c->n_discover; i++)
		check_entry(c, i);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	const char *text = (const char *)data;
	struct fabconf f;
	int r;

	log_init(LOG_DISCARD);
	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	if ((r = cmdline_parse(text, size, "fuzz", &a)) < 0 && r != -ENOMEM)
		abort();
	if (r < 0)
		return 0;
	check(&a);
	/* Deterministic, and blind to what follows a NUL. */
	if (cmdline_parse(text, strnlen(text, size), "fuzz", &b) >= 0 &&
	    memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	cmdline_print(devnull, &a);
	fabconf_init(&f);
	if (cmdline_fabconf(&a, &f) == 0 && f.n != a.n_discover)
		abort();
	fabconf_fini(&f);
	return 0;
}

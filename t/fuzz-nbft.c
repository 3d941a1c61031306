/*
 * t/fuzz-nbft.c - NBFTs from anywhere: nbft_parse() on the bytes as they
 * are and again with the checksum made right (else nearly every mutation
 * stops at the checksum), then nbft_print() and nbft_ctrls() on what was
 * taken.  Everything taken must be terminated, within the maxima, and a
 * value stacd may write to /dev/nvme-fabrics.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "log.h"
#include "nbft.h"

/* For nbft_gen_checksum(). */
#include "nbft-gen.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(s)	(strnlen((s), sizeof(s)) < sizeof(s))

/* Some MAC addresses have an interface, some do not. */
static int
ifname_of(void *ctx, const uint8_t mac[6], uint16_t vlan, char *ifname,
    size_t size)
{
	(void)ctx;
	if (mac[5] % 4 == 0)
		return -1;
	snprintf(ifname, size, "eth%u.%u", mac[5] % 4, vlan % 8);
	return 0;
}

static void
check_ctrls(const struct nbft *t)
{
	struct ctrl_conf *v;
	size_t n, i;

	if (nbft_ctrls(t, ifname_of, NULL, &v, &n) < 0)
		return;		/* out of memory only */
	for (i = 0; i < n; i++) {
		const struct ctrl_id *id = &v[i].id;

		if (id->transport != TRTYPE_TCP ||
		    field_problem(FIELD_TRADDR, TRTYPE_TCP, id->traddr) ||
		    field_problem(FIELD_TRSVCID, TRTYPE_TCP, id->trsvcid) ||
		    field_problem(FIELD_NQN, TRTYPE_TCP, id->subsysnqn) ||
		    (id->host_iface[0] && field_problem(FIELD_HOST_IFACE,
		    TRTYPE_TCP, id->host_iface)) ||
		    (id->host_nqn[0] && strcmp(id->host_nqn, t->host_nqn)))
			abort();
	}
	free(v);
}

static void
check(const struct nbft *t, FILE *null)
{
	size_t i;

	if (t->n_hfi > NBFT_HFI_MAX || t->n_ssns > NBFT_SSNS_MAX ||
	    t->n_disc > NBFT_DISC_MAX || t->n_sec > NBFT_SEC_MAX ||
	    !TERMINATED(t->host_nqn) || !TERMINATED(t->host_id) ||
	    (t->host_nqn[0] && field_problem(FIELD_HOST_NQN, TRTYPE_TCP,
	    t->host_nqn)))
		abort();
	for (i = 0; i < t->n_hfi; i++)
		if (!TERMINATED(t->hfi[i].host_name) ||
		    !TERMINATED(t->hfi[i].ip))
			abort();
	for (i = 0; i < t->n_ssns; i++) {
		const struct nbft_ssns *s = &t->ssns[i];

		if (s->valid && (s->n_hfi < 1 || s->n_hfi > NBFT_SSNS_HFI_MAX ||
		    field_problem(FIELD_NQN, TRTYPE_TCP, s->nqn) ||
		    field_problem(FIELD_TRSVCID, TRTYPE_TCP, s->trsvcid) ||
		    !field_is_ip(s->traddr)))
			abort();
	}
	for (i = 0; i < t->n_disc; i++)
		if (!TERMINATED(t->disc[i].uri) ||
		    !field_is_ip(t->disc[i].traddr) ||
		    field_problem(FIELD_NQN, TRTYPE_TCP, t->disc[i].nqn))
			abort();
	if (null)
		nbft_print(null, t);
	check_ctrls(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nbft t;
	static FILE *null;
	uint8_t *copy;

	log_init(LOG_DISCARD);
	if (null == NULL)
		null = fopen("/dev/null", "w");
	if (nbft_parse(data, size, "fuzz", &t) == 0)
		check(&t, null);
	if (size < 10 || (copy = malloc(size)) == NULL)
		return 0;
	memcpy(copy, data, size);
	nbft_gen_checksum(copy, size);
	if (nbft_parse(copy, size, "fuzz", &t) == 0)
		check(&t, null);
	free(copy);
	return 0;
}

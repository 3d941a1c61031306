/*
 * t/fuzz-opts.c - the option string written to /dev/nvme-fabrics,
 * nvmf_build_options(), for every controller of a stacd.conf made of
 * arbitrary bytes.
 *
 * Each entry conf_parse() keeps is built for a fixed host identity, with
 * and without a host key, with every option supported and with fewer.
 * The string is split on ',' and checked against what the entry and
 * [Global] ask for; any difference abort()s:
 *  - nqn comes first; every token is an option the kernel knows
 *    (drivers/nvme/host/fabrics.c) and allows for the transport, none
 *    twice; the flags (hdr_digest, data_digest, disable_sqflow) are bare,
 *    every other token is name=value;
 *  - the names are exactly the expected ones: nqn, transport, hostnqn
 *    and hostid always; traddr iff given; trsvcid for tcp and rdma;
 *    host_traddr and host_iface iff given and allowed for the transport;
 *    dhchap_secret iff the entry or the host has a key (the entry's
 *    wins); dhchap_ctrl_secret iff given; one per tunable the entry,
 *    else [Global], sets to other than the kernel's default (a value of
 *    0, or false; ctrl_loss_tmo is always sent when set);
 *  - values equal the configured ones, integers are decimal and in the
 *    kernel's range, no value has a control character or ',', and only
 *    secrets have '=';
 *  - an option the kernel lacks is left out and reported in *dropped,
 *    and nothing else changes;
 *  - an entry conf_parse() accepted always builds, the string fits in
 *    exactly its length + 1 bytes, and one byte less is -ENOSPC.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "ctrl_rec.h"
#include "log.h"
#include "nvmf.h"

#define T_TCP	(1u << TRTYPE_TCP)
#define T_RDMA	(1u << TRTYPE_RDMA)
#define T_FC	(1u << TRTYPE_FC)
#define T_LOOP	(1u << TRTYPE_LOOP)
#define T_IP	(T_TCP | T_RDMA)
#define T_ALL	(T_IP | T_FC | T_LOOP)
#define ALWAYS	(-1)		/* sent whatever the kernel reports */
#define NO_TUN	(-1)		/* not a stacd.conf tunable */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

enum kind {
	K_STR,			/* name=text */
	K_SECRET,		/* name=text, '=' allowed */
	K_INT,			/* name=decimal */
	K_FLAG,			/* bare name */
};

/* The kernel's options for the fields stacd sets. */
enum kopt {
	KO_NQN,
	KO_TRANSPORT,
	KO_TRADDR,
	KO_TRSVCID,
	KO_HOST_TRADDR,
	KO_HOST_IFACE,
	KO_HOSTNQN,
	KO_HOSTID,
	KO_DHCHAP_SECRET,
	KO_DHCHAP_CTRL_SECRET,
	KO_NR_IO_QUEUES,
	KO_NR_WRITE_QUEUES,
	KO_NR_POLL_QUEUES,
	KO_QUEUE_SIZE,
	KO_KEEP_ALIVE_TMO,
	KO_RECONNECT_DELAY,
	KO_CTRL_LOSS_TMO,
	KO_DISABLE_SQFLOW,
	KO_HDR_DIGEST,
	KO_DATA_DIGEST,
	KO_COUNT
};

/*
 * Transports: the kernel's generic options plus each transport's
 * allowed_opts and required_opts.  min and max: the values the kernel
 * takes for an integer.
 */
static const struct kopt_def {
	const char	*name;
	enum kind	 kind;
	int		 gate;		/* enum nvmf_opt, or ALWAYS */
	unsigned	 transports;
	int		 tun;		/* enum tunable, or NO_TUN */
	int		 min, max;
} kopts[KO_COUNT] = {
	[KO_NQN] = { "nqn", K_STR, ALWAYS, T_ALL, NO_TUN, 0, 0 },
	[KO_TRANSPORT] = { "transport", K_STR, ALWAYS, T_ALL, NO_TUN, 0, 0 },
	[KO_TRADDR] = { "traddr", K_STR, ALWAYS, T_ALL, NO_TUN, 0, 0 },
	[KO_TRSVCID] = { "trsvcid", K_STR, ALWAYS, T_IP, NO_TUN, 0, 0 },
	[KO_HOST_TRADDR] = { "host_traddr", K_STR, ALWAYS, T_IP | T_FC,
	    NO_TUN, 0, 0 },
	[KO_HOST_IFACE] = { "host_iface", K_STR, OPT_HOST_IFACE, T_TCP,
	    NO_TUN, 0, 0 },
	[KO_HOSTNQN] = { "hostnqn", K_STR, ALWAYS, T_ALL, NO_TUN, 0, 0 },
	[KO_HOSTID] = { "hostid", K_STR, ALWAYS, T_ALL, NO_TUN, 0, 0 },
	[KO_DHCHAP_SECRET] = { "dhchap_secret", K_SECRET, OPT_DHCHAP_SECRET,
	    T_ALL, NO_TUN, 0, 0 },
	[KO_DHCHAP_CTRL_SECRET] = { "dhchap_ctrl_secret", K_SECRET,
	    OPT_DHCHAP_CTRL_SECRET, T_ALL, NO_TUN, 0, 0 },
	[KO_NR_IO_QUEUES] = { "nr_io_queues", K_INT, OPT_NR_IO_QUEUES,
	    T_ALL, TUN_NR_IO_QUEUES, 1, INT_MAX },
	[KO_NR_WRITE_QUEUES] = { "nr_write_queues", K_INT,
	    OPT_NR_WRITE_QUEUES, T_IP, TUN_NR_WRITE_QUEUES, 0, INT_MAX },
	[KO_NR_POLL_QUEUES] = { "nr_poll_queues", K_INT, OPT_NR_POLL_QUEUES,
	    T_IP, TUN_NR_POLL_QUEUES, 0, INT_MAX },
	[KO_QUEUE_SIZE] = { "queue_size", K_INT, OPT_QUEUE_SIZE, T_ALL,
	    TUN_QUEUE_SIZE, 16, 1024 },
	[KO_KEEP_ALIVE_TMO] = { "keep_alive_tmo", K_INT, OPT_KEEP_ALIVE_TMO,
	    T_ALL, TUN_KATO, 0, INT_MAX },
	[KO_RECONNECT_DELAY] = { "reconnect_delay", K_INT,
	    OPT_RECONNECT_DELAY, T_IP | T_FC, TUN_RECONNECT_DELAY, 1, INT_MAX },
	[KO_CTRL_LOSS_TMO] = { "ctrl_loss_tmo", K_INT, OPT_CTRL_LOSS_TMO,
	    T_IP | T_FC, TUN_CTRL_LOSS_TMO, INT_MIN, INT_MAX },
	[KO_DISABLE_SQFLOW] = { "disable_sqflow", K_FLAG, OPT_DISABLE_SQFLOW,
	    T_ALL, TUN_DISABLE_SQFLOW, 0, 0 },
	[KO_HDR_DIGEST] = { "hdr_digest", K_FLAG, OPT_HDR_DIGEST, T_TCP,
	    TUN_HDR_DIGEST, 0, 0 },
	[KO_DATA_DIGEST] = { "data_digest", K_FLAG, OPT_DATA_DIGEST, T_TCP,
	    TUN_DATA_DIGEST, 0, 0 },
};

/* The options of one connect, with their values. */
struct expect {
	uint32_t	 present;	/* bits 1 << enum kopt */
	const char	*str[KO_COUNT];
	int		 num[KO_COUNT];
};

static void
expect_str(struct expect *e, enum kopt k, const char *v)
{
	e->present |= 1u << k;
	e->str[k] = v;
}

/* What cc asks for, whatever the kernel supports. */
static void
expect_all(struct expect *e, const struct ctrl_conf *cc,
    const struct conf *c, const struct host_conf *h)
{
	const struct ctrl_id *id = &cc->id;
	unsigned t = 1u << id->transport;
	int k;

	memset(e, 0, sizeof(*e));
	expect_str(e, KO_NQN, id->subsysnqn);
	expect_str(e, KO_TRANSPORT, trtype_name(id->transport));
	if (id->traddr[0])
		expect_str(e, KO_TRADDR, id->traddr);
	if (t & kopts[KO_TRSVCID].transports)
		expect_str(e, KO_TRSVCID, id->trsvcid);
	if (id->host_traddr[0] && (t & kopts[KO_HOST_TRADDR].transports))
		expect_str(e, KO_HOST_TRADDR, id->host_traddr);
	if (id->host_iface[0] && (t & kopts[KO_HOST_IFACE].transports))
		expect_str(e, KO_HOST_IFACE, id->host_iface);
	expect_str(e, KO_HOSTNQN, h->nqn);
	expect_str(e, KO_HOSTID, h->id);
	if (cc->dhchap_secret[0])
		expect_str(e, KO_DHCHAP_SECRET, cc->dhchap_secret);
	else if (h->key[0])
		expect_str(e, KO_DHCHAP_SECRET, h->key);
	if (cc->dhchap_ctrl_secret[0])
		expect_str(e, KO_DHCHAP_CTRL_SECRET, cc->dhchap_ctrl_secret);
	for (k = 0; k < KO_COUNT; k++) {
		int i = kopts[k].tun;
		const struct tunables *src;

		if (i == NO_TUN)
			continue;
		src = cc->tun.set & (1u << i) ? &cc->tun : &c->tun;
		if (!(src->set & (1u << i)) || !(t & kopts[k].transports))
			continue;
		/* 0 (false) leaves it to the kernel; ctrl_loss_tmo 0 is not. */
		if (k != KO_CTRL_LOSS_TMO && src->val[i] <= 0)
			continue;
		e->present |= 1u << k;
		e->num[k] = src->val[i];
	}
}

/* Leave out what supported lacks; return the nvmf_opt bits left out. */
static uint32_t
expect_supported(struct expect *e, uint32_t supported)
{
	uint32_t dropped = 0;
	int k;

	for (k = 0; k < KO_COUNT; k++) {
		int gate = kopts[k].gate;

		if (!(e->present & (1u << k)) || gate == ALWAYS ||
		    (supported & (1u << gate)))
			continue;
		e->present &= ~(1u << k);
		dropped |= 1u << gate;
	}
	return dropped;
}

static int
kopt_lookup(const char *name, size_t n)
{
	int k;

	for (k = 0; k < KO_COUNT; k++)
		if (strlen(kopts[k].name) == n &&
		    memcmp(kopts[k].name, name, n) == 0)
			return k;
	return -1;
}

/* One value: no control character, '=' only in a secret, as expected. */
static void
check_value(enum kopt k, const char *v, size_t n, const struct expect *e)
{
	char num[16];
	size_t i;

	if (n == 0)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f ||
		    (v[i] == '=' && kopts[k].kind != K_SECRET))
			abort();
	/* The kernel's NVMF_NQN_SIZE. */
	if ((k == KO_NQN || k == KO_HOSTNQN) && n > 223)
		abort();
	if (kopts[k].kind == K_INT) {
		if (e->num[k] < kopts[k].min || e->num[k] > kopts[k].max)
			abort();
		snprintf(num, sizeof(num), "%d", e->num[k]);
		if (strlen(num) != n || memcmp(num, v, n) != 0)
			abort();
	} else if (strlen(e->str[k]) != n || memcmp(e->str[k], v, n) != 0)
		abort();
}

/* Split s on ',' and hold every token against e. */
static void
check_string(const char *s, const struct ctrl_conf *cc,
    const struct expect *e)
{
	unsigned t = 1u << cc->id.transport;
	uint32_t seen = 0;
	const char *tok = s, *eq;
	size_t n;
	int k;

	if (strncmp(s, "nqn=", 4) != 0)
		abort();
	for (;;) {
		n = strcspn(tok, ",");
		eq = memchr(tok, '=', n);
		k = kopt_lookup(tok, eq ? (size_t)(eq - tok) : n);
		if (k < 0 || (seen & (1u << k)) || !(t & kopts[k].transports) ||
		    (kopts[k].kind == K_FLAG) != (eq == NULL))
			abort();
		seen |= 1u << k;
		if (eq)
			check_value(k, eq + 1, n - (size_t)(eq + 1 - tok), e);
		if (tok[n] == '\0')
			break;
		tok += n + 1;
	}
	if (seen != e->present)
		abort();
	/* What the transports require. */
	if ((t & (T_IP | T_FC)) && !(seen & (1u << KO_TRADDR)))
		abort();
	if ((t & T_FC) && !(seen & (1u << KO_HOST_TRADDR)))
		abort();
}

static void
check_build(const struct ctrl_conf *cc, const struct conf *c,
    const struct host_conf *h, uint32_t supported)
{
	char buf[NVMF_OPTS_MAX], again[NVMF_OPTS_MAX];
	struct expect e;
	uint32_t dropped = ~0u, dropped2, want_dropped;
	int n;

	expect_all(&e, cc, c, h);
	want_dropped = expect_supported(&e, supported);
	n = nvmf_build_options(buf, sizeof(buf), cc, c, h, supported,
	    &dropped);
	if (n < 0 || (size_t)n != strlen(buf) || dropped != want_dropped)
		abort();
	check_string(buf, cc, &e);
	/* Exactly n + 1 bytes are needed. */
	if (nvmf_build_options(again, (size_t)n + 1, cc, c, h, supported,
	    &dropped2) != n || dropped2 != dropped || strcmp(again, buf) != 0)
		abort();
	if (nvmf_build_options(again, (size_t)n, cc, c, h, supported,
	    &dropped2) != -ENOSPC || again[0] != '\0')
		abort();
}

/* FNV-1a: a supported-option mask that varies with the input. */
static uint32_t
hash(const uint8_t *data, size_t size)
{
	uint32_t x = 2166136261u;
	size_t i;

	for (i = 0; i < size; i++)
		x = (x ^ data[i]) * 16777619u;
	return x;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct host_conf hosts[2] = {
		{
			.nqn = "nqn.2014-08.org.nvmexpress:uuid:"
			    "3a1c9e2f-6b7d-4e8a-9c0b-1d2e3f4a5b6c",
			.id = "3a1c9e2f-6b7d-4e8a-9c0b-1d2e3f4a5b6c",
			.key = "DHHC-1:00:c3RhY2QgZnV6ejogaG9zdCBrZXksIG5v"
			    "IHJlYWwgc2VjcmV0:",
		},
		{
			.nqn = "nqn.2014-08.org.nvmexpress:uuid:"
			    "3a1c9e2f-6b7d-4e8a-9c0b-1d2e3f4a5b6c",
			.id = "3a1c9e2f-6b7d-4e8a-9c0b-1d2e3f4a5b6c",
		},
	};
	/* host_traddr and hostid are sent whatever the kernel reports. */
	const uint32_t all = (1u << OPT_COUNT) - 1;
	const uint32_t base = 1u << OPT_HOSTID | 1u << OPT_HOST_TRADDR;
	const uint32_t masks[] = {
		all, nvmf_legacy_supported(), base, (hash(data, size) & all) |
		    base,
	};
	struct ctrl_conf cc;
	struct conf c;
	uint32_t dropped;
	size_t i, j, m;
	char one;

	log_init(LOG_DISCARD);
	conf_init(&c);
	if (conf_parse(&c, (const char *)data, size, "fuzz") != 0)
		abort();
	for (i = 0; i < c.n_ctrls; i++) {
		rec_unpack(c.ctrls[i], &cc);
		if (nvmf_build_options(&one, 0, &cc, &c, &hosts[0], all,
		    &dropped) != -ENOSPC)
			abort();
		for (j = 0; j < 2; j++)
			for (m = 0; m < sizeof(masks) / sizeof(masks[0]); m++)
				check_build(&cc, &c, &hosts[j], masks[m]);
	}
	conf_fini(&c);
	return 0;
}

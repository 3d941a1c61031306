/*
 * conf.c - parse stacd.conf and sys.conf (nvme-stas's INI dialect) and
 * resolve the host identity.
 *
 * The dialect is Python configparser's as nvme-stas configures it:
 * case-sensitive [Sections], case-insensitive keys, '=' as the only
 * delimiter, full-line '#'/';' comments and no inline comments, repeated
 * keys accumulate (a scalar uses the last one), and an indented line
 * continues the previous value as one more list element.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "ctrl_rec.h"
#include "ini.h"
#include "field.h"
#include "log.h"
#include "util.h"


#define CONF_FILE_MAX	(64u << 20)	/* 64 MiB: far above 100k entries */

/* ------------------------------------------------------------------ */
/* Values                                                              */

/*
 * Python int(): optional sign, decimal digits, single '_' between digits.
 * Return: 0 with *out, or -EINVAL / -ERANGE (outside int).
 */
static int
parse_int(const char *s, int *out)
{
	long long v = 0;
	bool neg = false, digit_before = false;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; *s; s++) {
		if (*s == '_' && digit_before && isdigit((unsigned char)s[1])) {
			digit_before = false;
			continue;
		}
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		v = v * 10 + (*s - '0');
		if (v > (long long)INT_MAX + 1)
			return -ERANGE;
		digit_before = true;
	}
	if (neg)
		v = -v;
	if (v > INT_MAX || v < INT_MIN)
		return -ERANGE;
	*out = (int)v;
	return 0;
}

static int
parse_bool(const char *s, int *out)
{
	if (strcasecmp(s, "true") == 0)
		*out = 1;
	else if (strcasecmp(s, "false") == 0)
		*out = 0;
	else
		return -EINVAL;
	return 0;
}

static const struct tunable_def {
	const char	*name;
	bool		 is_bool;
	int		 min, max;
} tunable_defs[TUN_COUNT] = {
	[TUN_HDR_DIGEST]	= { "hdr-digest", true, 0, 1 },
	[TUN_DATA_DIGEST]	= { "data-digest", true, 0, 1 },
	[TUN_DISABLE_SQFLOW]	= { "disable-sqflow", true, 0, 1 },
	[TUN_KATO]		= { "kato", false, 0, INT_MAX },
	[TUN_NR_IO_QUEUES]	= { "nr-io-queues", false, 0, INT_MAX },
	[TUN_NR_WRITE_QUEUES]	= { "nr-write-queues", false, 0, INT_MAX },
	[TUN_NR_POLL_QUEUES]	= { "nr-poll-queues", false, 0, INT_MAX },
	[TUN_QUEUE_SIZE]	= { "queue-size", false, 16, 1024 },
	[TUN_RECONNECT_DELAY]	= { "reconnect-delay", false, 0, INT_MAX },
	[TUN_CTRL_LOSS_TMO]	= { "ctrl-loss-tmo", false, -1, INT_MAX },
};

const char *
tunable_name(enum tunable t)
{
	return tunable_defs[t].name;
}

bool
tunable_is_bool(enum tunable t)
{
	return tunable_defs[t].is_bool;
}

static int
tunable_lookup(const char *name)
{
	int t;

	for (t = 0; t < TUN_COUNT; t++)
		if (strcmp(name, tunable_defs[t].name) == 0)
			return t;
	return -1;
}

/*
 * Parse a tunable's text.  Return: NULL and *out, or why it is invalid
 * (the buffer holds range messages).
 */
static const char *
tunable_parse(enum tunable t, const char *s, int *out, char *why, size_t n)
{
	const struct tunable_def *d = &tunable_defs[t];

	if (d->is_bool)
		return parse_bool(s, out) ? "not true or false" : NULL;
	switch (parse_int(s, out)) {
	case 0:
		break;
	case -ERANGE:
		return "out of range";
	default:
		return "not an integer";
	}
	if (*out < d->min || *out > d->max) {
		if (d->max == INT_MAX)
			snprintf(why, n, "not %d or more", d->min);
		else
			snprintf(why, n, "not within %d..%d", d->min, d->max);
		return why;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* stacd.conf                                                          */

#define SEC_GLOBAL	"Global"
#define SEC_IOC		"I/O controller connection management"
#define SEC_CTRLS	"Controllers"

enum scalar_key {
	SK_TRON,
	SK_IGNORE_IFACE,
	SK_IP_FAMILY,
	SK_DISCOVERY,
	SK_DISCONNECT_SCOPE,
	SK_DISCONNECT_TRTYPES,
	SK_NCC_ATTEMPTS,
	SK_TUNABLE0,		/* SK_TUNABLE0 + enum tunable */
	SK_COUNT = SK_TUNABLE0 + TUN_COUNT
};

static const struct scalar_def {
	const char	*section;
	const char	*name;
} scalar_defs[SK_TUNABLE0] = {
	[SK_TRON]		= { SEC_GLOBAL, "tron" },
	[SK_IGNORE_IFACE]	= { SEC_GLOBAL, "ignore-iface" },
	[SK_IP_FAMILY]		= { SEC_GLOBAL, "ip-family" },
	[SK_DISCOVERY]		= { SEC_GLOBAL, "discovery" },
	[SK_DISCONNECT_SCOPE]	= { SEC_IOC, "disconnect-scope" },
	[SK_DISCONNECT_TRTYPES]	= { SEC_IOC, "disconnect-trtypes" },
	[SK_NCC_ATTEMPTS]	= { SEC_IOC, "connect-attempts-on-ncc" },
};

static const char *
scalar_section(int k)
{
	return k < SK_TUNABLE0 ? scalar_defs[k].section : SEC_GLOBAL;
}

static const char *
scalar_name(int k)
{
	return k < SK_TUNABLE0 ? scalar_defs[k].name :
	    tunable_defs[k - SK_TUNABLE0].name;
}

/* The last value seen for each scalar key; validated after the parse. */
struct conf_parser {
	struct conf	*conf;
	const char	*fname;
	char		*last[SK_COUNT];
	unsigned	 last_line[SK_COUNT];
};

static const char *const dm_names[] = {
	[DM_AUTO] = "auto",
	[DM_OWN] = "own",
	[DM_STAFD] = "stafd",
};

static const char *const ds_names[] = {
	[DS_ONLY_STAS_CONNECTIONS] = "only-stas-connections",
	[DS_ALL_MATCHING_TRTYPES] = "all-connections-matching-disconnect-trtypes",
	[DS_NO_DISCONNECT] = "no-disconnect",
};

void
conf_init(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->ip_family = IPF_V4 | IPF_V6;
	c->disconnect_scope = DS_ONLY_STAS_CONNECTIONS;
	c->disconnect_trtypes = 1u << TRTYPE_TCP;
	/* nvme-stas's defaults table sets both digests to False. */
	c->tun.set = 1u << TUN_HDR_DIGEST | 1u << TUN_DATA_DIGEST;
}

void
conf_fini(struct conf *c)
{
	size_t i;

	for (i = 0; i < c->n_ctrls; i++)
		rec_unref(c->ctrls[i]);
	free(c->ctrls);
	free(c->excludes);
	conf_init(c);
}

static void
warn_invalid(struct conf_parser *p, int k, const char *value,
    const char *why, const char *dflt)
{
	log_warnx("%s:%u: [%s] %s: invalid value \"%s\" (%s), using the "
	    "default (%s)", p->fname, p->last_line[k], scalar_section(k),
	    scalar_name(k), log_redact(value), why, dflt);
}

static void
resolve_tunable(struct conf_parser *p, int k)
{
	enum tunable t = (enum tunable)(k - SK_TUNABLE0);
	const char *v = p->last[k];
	char buf[64];
	const char *why;
	int val;

	why = tunable_parse(t, v, &val, buf, sizeof(buf));
	if (why == NULL) {
		p->conf->tun.set |= 1u << t;
		p->conf->tun.val[t] = val;
		return;
	}
	warn_invalid(p, k, v, why, p->conf->tun.set & (1u << t) ? "false" :
	    "not set");
}

static void
resolve_trtypes(struct conf_parser *p, int k)
{
	char *copy = strdup(p->last[k]);
	char *item, *save = NULL;
	unsigned mask = 0;

	if (copy == NULL)
		return;		/* keep the default; nothing to say */
	for (item = strtok_r(copy, "+", &save); item;
	    item = strtok_r(NULL, "+", &save)) {
		enum trtype t = trtype_from_name(item);

		if (t == TRTYPE_TCP || t == TRTYPE_RDMA || t == TRTYPE_FC)
			mask |= 1u << t;
		else
			log_warnx("%s:%u: [%s] %s: invalid item \"%s\" "
			    "ignored", p->fname, p->last_line[k],
			    scalar_section(k), scalar_name(k), log_redact(item));
	}
	free(copy);
	if (mask)
		p->conf->disconnect_trtypes = mask;
	else
		warn_invalid(p, k, p->last[k], "no tcp, rdma or fc", "tcp");
}

static void
resolve_scalar(struct conf_parser *p, int k)
{
	struct conf *c = p->conf;
	const char *v = p->last[k];
	int val;
	size_t i;

	switch ((enum scalar_key)k) {
	case SK_TRON:
	case SK_IGNORE_IFACE:
		if (parse_bool(v, &val) != 0) {
			warn_invalid(p, k, v, "not true or false", "false");
			return;
		}
		*(k == SK_TRON ? &c->tron : &c->ignore_iface) = val;
		return;
	case SK_IP_FAMILY:
		if (strcmp(v, "ipv4") == 0)
			c->ip_family = IPF_V4;
		else if (strcmp(v, "ipv6") == 0)
			c->ip_family = IPF_V6;
		else if (strcmp(v, "ipv4+ipv6") == 0 ||
		    strcmp(v, "ipv6+ipv4") == 0) {
			c->ip_family = IPF_V4 | IPF_V6;
			c->ip_family_v6_first = v[3] == '6';
		} else
			warn_invalid(p, k, v, "not ipv4, ipv6, ipv4+ipv6 or "
			    "ipv6+ipv4", "ipv4+ipv6");
		return;
	case SK_DISCOVERY:
		for (i = 0; i < sizeof(dm_names) / sizeof(dm_names[0]); i++)
			if (strcmp(v, dm_names[i]) == 0) {
				c->discovery = (enum discovery_mode)i;
				return;
			}
		warn_invalid(p, k, v, "not auto, own or stafd", "auto");
		return;
	case SK_DISCONNECT_SCOPE:
		for (i = 0; i < sizeof(ds_names) / sizeof(ds_names[0]); i++)
			if (strcmp(v, ds_names[i]) == 0) {
				c->disconnect_scope = (enum disconnect_scope)i;
				return;
			}
		warn_invalid(p, k, v, "unknown scope", "only-stas-connections");
		return;
	case SK_DISCONNECT_TRTYPES:
		resolve_trtypes(p, k);
		return;
	case SK_NCC_ATTEMPTS:
		if (parse_int(v, &val) != 0 || val < 0) {
			warn_invalid(p, k, v, "not an integer 0 or more", "0");
			return;
		}
		/* One attempt cannot tell a flaky link from a gone one. */
		c->ncc_attempts = val == 1 ? 2 : val;
		return;
	case SK_TUNABLE0:
	case SK_COUNT:
		break;
	}
	resolve_tunable(p, k);
}

/* ---- controller= and exclude= entries ---- */

struct entry_ctx {
	struct conf_parser	*p;
	unsigned		 line;
	const char		*what;	/* "controller" or "exclude" */
	const char		*section;	/* for messages; NULL: ours */
};

static void
entry_warn(const struct entry_ctx *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
entry_warn(const struct entry_ctx *e, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (e->section && e->section[0] == '\0')	/* not an INI file */
		log_warnx("%s:%u: %s", e->p->fname, e->line, msg);
	else
		log_warnx("%s:%u: [%s] %s: %s", e->p->fname, e->line,
		    e->section ? e->section : SEC_CTRLS, e->what, msg);
}

/* The identity keys of an entry: name, field bit, struct offset, size. */
static const struct id_key {
	const char	*name;
	uint32_t	 bit;
	enum field	 field;
	size_t		 off, size;
} id_keys[] = {
	{ "traddr", IDF_TRADDR, FIELD_TRADDR,
	    offsetof(struct ctrl_id, traddr), TRADDR_MAX + 1 },
	{ "trsvcid", IDF_TRSVCID, FIELD_TRSVCID,
	    offsetof(struct ctrl_id, trsvcid), TRSVCID_MAX + 1 },
	{ "nqn", IDF_SUBSYSNQN, FIELD_NQN,
	    offsetof(struct ctrl_id, subsysnqn), NQN_MAX + 1 },
	{ "subsysnqn", IDF_SUBSYSNQN, FIELD_NQN,
	    offsetof(struct ctrl_id, subsysnqn), NQN_MAX + 1 },
	{ "host-traddr", IDF_HOST_TRADDR, FIELD_HOST_TRADDR,
	    offsetof(struct ctrl_id, host_traddr), TRADDR_MAX + 1 },
	{ "host-iface", IDF_HOST_IFACE, FIELD_HOST_IFACE,
	    offsetof(struct ctrl_id, host_iface), HOST_IFACE_MAX + 1 },
	{ "host-nqn", IDF_HOST_NQN, FIELD_HOST_NQN,
	    offsetof(struct ctrl_id, host_nqn), NQN_MAX + 1 },
};

static const struct id_key *
id_key_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(id_keys) / sizeof(id_keys[0]); i++)
		if (strcmp(name, id_keys[i].name) == 0)
			return &id_keys[i];
	return NULL;
}

/*
 * Split "k=v; k=v" into tokens, calling fn(ctx, key, value) for each.
 * Unlike nvme-stas, the value runs from the first '=' to the end of the
 * token, so base64 secrets ending in "=" survive.  Malformed tokens are
 * reported by position, not echoed: they may be a mistyped secret.
 * Return: the number of malformed tokens.
 */
static int
entry_tokens(const struct entry_ctx *e, char *text,
    void (*fn)(const struct entry_ctx *, void *, const char *, char *),
    void *ctx)
{
	char *tok, *save = NULL, *eq, *key;
	int pos = 0, bad = 0;

	for (tok = strtok_r(text, ";", &save); tok;
	    tok = strtok_r(NULL, ";", &save)) {
		tok = ini_trim(tok);
		if (*tok == '\0')
			continue;
		pos++;
		eq = strchr(tok, '=');
		if (eq == NULL) {
			entry_warn(e, "field %d is not key=value, ignored", pos);
			bad++;
			continue;
		}
		*eq = '\0';
		key = ini_trim(tok);
		if (*key == '\0') {
			entry_warn(e, "field %d has no key, ignored", pos);
			bad++;
			continue;
		}
		fn(e, ctx, key, ini_trim(eq + 1));
	}
	return bad;
}

struct ctrl_build {
	struct ctrl_conf cc;
	uint32_t	 fields;	/* identity keys given */
	bool		 bad;		/* an identity field was invalid */
	char		 transport[16];
	bool		 nqn_given;	/* "nqn" wins over "subsysnqn" */
};

static void
ctrl_token(const struct entry_ctx *e, void *ctx, const char *key, char *value)
{
	struct ctrl_build *b = ctx;
	const struct id_key *k;
	char why[64];
	const char *problem;
	int t, val;

	if (strcmp(key, "transport") == 0) {
		snprintf(b->transport, sizeof(b->transport), "%s", value);
		b->fields |= IDF_TRANSPORT;
		if (trtype_from_name(value) == TRTYPE_NONE) {
			entry_warn(e, "transport \"%s\" is not tcp, rdma, fc "
			    "or loop, entry dropped", log_redact(value));
			b->bad = true;
		}
		b->cc.id.transport = trtype_from_name(value);
		return;
	}
	if ((k = id_key_lookup(key)) != NULL) {
		if (k->bit == IDF_SUBSYSNQN && b->nqn_given &&
		    strcmp(key, "subsysnqn") == 0)
			return;
		if (strlen(value) >= k->size) {
			entry_warn(e, "%s is too long (%zu chars, max %zu)",
			    key, strlen(value), k->size - 1);
			b->bad = true;
			return;
		}
		memcpy((char *)&b->cc.id + k->off, value, strlen(value) + 1);
		b->fields |= k->bit;
		if (strcmp(key, "nqn") == 0)
			b->nqn_given = true;
		return;
	}
	if (strcmp(key, "dhchap-secret") == 0 ||
	    strcmp(key, "dhchap-ctrl-secret") == 0) {
		char *dst = key[7] == 's' ? b->cc.dhchap_secret :
		    b->cc.dhchap_ctrl_secret;

		/* Never echo a secret into the logs. */
		if ((problem = field_problem(FIELD_DHCHAP_SECRET, TRTYPE_NONE,
		    value)) != NULL) {
			entry_warn(e, "%s is invalid (%s), entry dropped", key,
			    problem);
			b->bad = true;
			return;
		}
		memcpy(dst, value, strlen(value) + 1);
		return;
	}
	if ((t = tunable_lookup(key)) >= 0) {
		problem = tunable_parse((enum tunable)t, value, &val, why,
		    sizeof(why));
		if (problem) {
			entry_warn(e, "%s: invalid value \"%s\" (%s), the "
			    "[Global] value applies", key, log_redact(value), problem);
			return;
		}
		b->cc.tun.set |= 1u << t;
		b->cc.tun.val[t] = val;
		return;
	}
	entry_warn(e, "unknown key \"%s\" ignored", log_redact(key));
}

/* Check the identity fields against the transport; default trsvcid. */
static bool
ctrl_validate(const struct entry_ctx *e, struct ctrl_build *b)
{
	struct ctrl_id *id = &b->cc.id;
	enum trtype t = id->transport;
	const char *problem;
	size_t i;

	if (b->bad)
		return false;
	if (!(b->fields & IDF_TRANSPORT)) {
		entry_warn(e, "no transport, entry dropped");
		return false;
	}
	if (id->subsysnqn[0] == '\0') {
		entry_warn(e, "no nqn, entry dropped");
		return false;
	}
	if (id->traddr[0] == '\0' && t != TRTYPE_LOOP) {
		entry_warn(e, "no traddr, entry dropped");
		return false;
	}
	if (t == TRTYPE_FC && id->host_traddr[0] == '\0') {
		entry_warn(e, "fc needs host-traddr, entry dropped");
		return false;
	}
	if (t == TRTYPE_FC || t == TRTYPE_LOOP) {
		if (id->trsvcid[0])
			entry_warn(e, "trsvcid is meaningless for %s, ignored",
			    trtype_name(t));
		id->trsvcid[0] = '\0';
	} else if (id->trsvcid[0] == '\0')
		strcpy(id->trsvcid, "4420");	/* the NVMe I/O port */
	if (id->host_iface[0] && t != TRTYPE_TCP) {
		entry_warn(e, "host-iface is only for tcp, ignored");
		id->host_iface[0] = '\0';
	}
	if (id->host_traddr[0] && t == TRTYPE_LOOP) {
		entry_warn(e, "host-traddr is meaningless for loop, ignored");
		id->host_traddr[0] = '\0';
	}
	for (i = 0; i < sizeof(id_keys) / sizeof(id_keys[0]); i++) {
		const char *v = (const char *)id + id_keys[i].off;

		if (*v == '\0')
			continue;
		if ((problem = field_problem(id_keys[i].field, t, v)) != NULL) {
			entry_warn(e, "%s \"%s\" is invalid (%s), entry "
			    "dropped", id_keys[i].name, log_redact(v), problem);
			return false;
		}
	}
	return true;
}

static int
add_controller(struct conf_parser *p, unsigned line, const char *value,
    const char *section)
{
	struct entry_ctx e = { .p = p, .line = line, .what = "controller",
	    .section = section };
	struct conf *c = p->conf;
	struct ctrl_build *b;
	char *text = strdup(value);
	struct ctrl_rec **arr;
	int r = 0;

	b = calloc(1, sizeof(*b));
	if (text == NULL || b == NULL) {
		r = -ENOMEM;
		goto out;
	}
	b->cc.line = line;
	entry_tokens(&e, text, ctrl_token, b);
	if (!ctrl_validate(&e, b))
		goto out;
	arr = array_grow(c->ctrls, &c->cap_ctrls, c->n_ctrls + 1,
	    sizeof(*arr));
	if (arr == NULL) {
		r = -ENOMEM;
		goto out;
	}
	c->ctrls = arr;
	if ((c->ctrls[c->n_ctrls] = rec_pack(&b->cc)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	c->n_ctrls++;
out:
	free(b);
	free(text);
	return r;
}

struct excl_build {
	struct exclude_conf ex;
	bool		 nqn_given;
	bool		 bad;
};

/*
 * An exclusion that cannot be understood is dropped whole: ignoring only
 * the bad key would make it match more than the admin wrote.
 */
static void
excl_token(const struct entry_ctx *e, void *ctx, const char *key, char *value)
{
	struct excl_build *b = ctx;
	const struct id_key *k;

	if (strcmp(key, "transport") == 0) {
		b->ex.id.transport = trtype_from_name(value);
		if (b->ex.id.transport == TRTYPE_NONE) {
			entry_warn(e, "transport \"%s\" is not tcp, rdma, fc "
			    "or loop", log_redact(value));
			b->bad = true;
		}
		b->ex.fields |= IDF_TRANSPORT;
		return;
	}
	if ((k = id_key_lookup(key)) == NULL) {
		entry_warn(e, "key \"%s\" cannot be matched", log_redact(key));
		b->bad = true;
		return;
	}
	if (k->bit == IDF_SUBSYSNQN && b->nqn_given &&
	    strcmp(key, "subsysnqn") == 0)
		return;
	if (strlen(value) >= k->size || *value == '\0') {
		entry_warn(e, "%s \"%s\" is %s", key, log_redact(value),
		    *value ? "too long" : "empty");
		b->bad = true;
		return;
	}
	memcpy((char *)&b->ex.id + k->off, value, strlen(value) + 1);
	b->ex.fields |= k->bit;
	if (strcmp(key, "nqn") == 0)
		b->nqn_given = true;
}

static int
add_exclude(struct conf_parser *p, unsigned line, const char *value)
{
	struct entry_ctx e = { .p = p, .line = line, .what = "exclude" };
	struct conf *c = p->conf;
	struct excl_build *b;
	char *text = strdup(value);
	struct exclude_conf *arr;
	int r = 0;

	b = calloc(1, sizeof(*b));
	if (text == NULL || b == NULL) {
		r = -ENOMEM;
		goto out;
	}
	b->ex.line = line;
	if (entry_tokens(&e, text, excl_token, b) > 0)
		b->bad = true;
	if (b->bad) {
		entry_warn(&e, "entry ignored");
		goto out;
	}
	if (b->ex.fields == 0) {
		/* nvme-stas would exclude everything here. */
		entry_warn(&e, "names no field, so it matches nothing");
		goto out;
	}
	arr = array_grow(c->excludes, &c->cap_excludes, c->n_excludes + 1,
	    sizeof(*arr));
	if (arr == NULL) {
		r = -ENOMEM;
		goto out;
	}
	c->excludes = arr;
	c->excludes[c->n_excludes++] = b->ex;
out:
	free(b);
	free(text);
	return r;
}

bool
conf_keeps(const struct conf *c, const struct ctrl_id *id)
{
	/* Canonical: an IPv6 literal, and only one, has a ':'. */
	unsigned fam = strchr(id->traddr, ':') ? IPF_V6 : IPF_V4;

	if (conf_excluded(c, id))
		return false;
	return !(id->transport == TRTYPE_TCP || id->transport == TRTYPE_RDMA) ||
	    (fam & c->ip_family);
}

int
conf_parse_controller(const char *value, const char *fname, unsigned line,
    const char *section, struct ctrl_conf *out)
{
	struct conf tmp;
	struct conf_parser p = { .conf = &tmp, .fname = fname };
	int r;

	conf_init(&tmp);
	r = add_controller(&p, line, value, section);
	if (r == 0 && tmp.n_ctrls != 1)
		r = -EINVAL;
	if (r == 0)
		rec_unpack(tmp.ctrls[0], out);
	conf_fini(&tmp);
	return r;
}

static int
scalar_lookup(const char *section, const char *key)
{
	int k;

	for (k = 0; k < SK_COUNT; k++)
		if (strcmp(section, scalar_section(k)) == 0 &&
		    strcmp(key, scalar_name(k)) == 0)
			return k;
	return -1;
}

static bool
section_known(const char *s)
{
	return strcmp(s, SEC_GLOBAL) == 0 || strcmp(s, SEC_IOC) == 0 ||
	    strcmp(s, SEC_CTRLS) == 0;
}

static int
conf_item(void *ctx, const struct ini_item *it)
{
	struct conf_parser *p = ctx;
	char *copy;
	int k;

	if (it->key == NULL) {
		if (!section_known(it->section))
			log_err("%s:%u: unknown section [%s] ignored",
			    it->fname, it->line, it->section);
		return 0;
	}
	if (!section_known(it->section))
		return 0;
	if (strcmp(it->section, SEC_CTRLS) == 0) {
		if (strcmp(it->key, "controller") == 0)
			return add_controller(p, it->line, it->value, NULL);
		if (strcmp(it->key, "exclude") == 0)
			return add_exclude(p, it->line, it->value);
	}
	if ((k = scalar_lookup(it->section, it->key)) < 0) {
		log_err("%s:%u: [%s] unknown key \"%s\" ignored", it->fname,
		    it->line, it->section, log_redact(it->key));
		return 0;
	}
	if ((copy = strdup(it->value)) == NULL)
		return -ENOMEM;
	free(p->last[k]);
	p->last[k] = copy;
	p->last_line[k] = it->line;
	return 0;
}

static int
ctrl_slot_cmp(const void *a, const void *b)
{
	const struct ctrl_rec *x = **(struct ctrl_rec **const *)a;
	const struct ctrl_rec *y = **(struct ctrl_rec **const *)b;
	int r = rec_id_compare(x, y);

	return r ? r : (x->line > y->line) - (x->line < y->line);
}

/*
 * Drop repeated identities, keeping the first entry (sort a pointer
 * array: O(n log n) for configurations with thousands of entries).
 */
static int
drop_duplicates(struct conf_parser *p)
{
	struct conf *c = p->conf;
	struct ctrl_rec ***v;
	size_t i, n = 0, first = 0;

	if (c->n_ctrls < 2)
		return 0;
	if ((v = calloc(c->n_ctrls, sizeof(*v))) == NULL)
		return -ENOMEM;
	for (i = 0; i < c->n_ctrls; i++)
		v[i] = &c->ctrls[i];
	/* Slots, not records, are sorted: a repeat is emptied in place. */
	qsort(v, c->n_ctrls, sizeof(*v), ctrl_slot_cmp);
	for (i = 1; i < c->n_ctrls; i++) {
		if (rec_id_compare(*v[first], *v[i]) != 0) {
			first = i;
			continue;
		}
		log_warnx("%s:%u: [Controllers] controller: same controller "
		    "as line %u, ignored", p->fname, (*v[i])->line,
		    (*v[first])->line);
		rec_unref(*v[i]);
		*v[i] = NULL;
	}
	free(v);
	for (i = 0; i < c->n_ctrls; i++)
		if (c->ctrls[i] != NULL)
			c->ctrls[n++] = c->ctrls[i];
	c->n_ctrls = n;
	return 0;
}

/* ignore-iface: the entries' host-iface is not used (repacked without). */
static int
drop_host_ifaces(struct conf *c)
{
	struct ctrl_conf cc;
	struct ctrl_rec *r;
	size_t i;

	for (i = 0; i < c->n_ctrls; i++) {
		if (rec_str(c->ctrls[i], RS_HOST_IFACE)[0] == '\0')
			continue;
		rec_unpack(c->ctrls[i], &cc);
		cc.id.host_iface[0] = '\0';
		if ((r = rec_pack(&cc)) == NULL)
			return -ENOMEM;
		rec_unref(c->ctrls[i]);
		c->ctrls[i] = r;
	}
	return 0;
}

/* Validate the scalars given, in file order so warnings read naturally. */
static void
resolve_scalars(struct conf_parser *p)
{
	bool done[SK_COUNT] = { false };
	int k, next;

	for (;;) {
		next = -1;
		for (k = 0; k < SK_COUNT; k++)
			if (p->last[k] && !done[k] && (next < 0 ||
			    p->last_line[k] < p->last_line[next]))
				next = k;
		if (next < 0)
			return;
		done[next] = true;
		resolve_scalar(p, next);
	}
}

int
conf_parse(struct conf *c, const char *buf, size_t len, const char *fname)
{
	struct conf_parser p = { .conf = c, .fname = fname };
	int k, r;

	r = ini_parse(buf, len, fname, conf_item, &p, &c->bad_lines);
	if (r == 0)
		resolve_scalars(&p);
	for (k = 0; k < SK_COUNT; k++)
		free(p.last[k]);
	if (r == 0 && c->ignore_iface)
		r = drop_host_ifaces(c);
	if (r == 0)
		r = drop_duplicates(&p);
	return r;
}

int
conf_load(struct conf *c, const char *path)
{
	char *buf;
	size_t len;
	int r;

	r = read_file(path, CONF_FILE_MAX, &buf, &len);
	if (r == -ENOENT) {
		log_debug("%s does not exist, using defaults", path);
		return 0;
	}
	if (r < 0) {
		log_err("%s: %s", path, read_file_strerror(r));
		return r;
	}
	r = conf_parse(c, buf, len, path);
	free(buf);
	return r;
}

/* ------------------------------------------------------------------ */
/* Printing (--check) and matching                                     */

static void
print_ctrl_id(FILE *out, const struct ctrl_id *id, uint32_t fields)
{
	const char *sep = "";
	size_t i;

	if (fields & IDF_TRANSPORT) {
		fprintf(out, "transport=%s", trtype_name(id->transport));
		sep = ";";
	}
	for (i = 0; i < sizeof(id_keys) / sizeof(id_keys[0]); i++) {
		const char *v = (const char *)id + id_keys[i].off;

		if (strcmp(id_keys[i].name, "subsysnqn") == 0 ||
		    !(fields & id_keys[i].bit) || *v == '\0')
			continue;
		fprintf(out, "%s%s=%s", sep, id_keys[i].name, v);
		sep = ";";
	}
}

/* Print " <before>name=value<after>" for one set tunable. */
static void
print_tunable(FILE *out, const char *before, const char *after,
    enum tunable t, const struct tunables *tun)
{
	int v = tun->val[t];

	if (tunable_defs[t].is_bool)
		fprintf(out, "%s%s=%s%s", before, tunable_defs[t].name,
		    v ? "true" : "false", after);
	else
		fprintf(out, "%s%s=%d%s", before, tunable_defs[t].name, v,
		    after);
}

void
conf_print_id(FILE *out, const struct ctrl_id *id)
{
	print_ctrl_id(out, id, ~0u);
}

void
conf_print_ctrl(FILE *out, const struct ctrl_conf *cc, bool secrets)
{
	int t;

	print_ctrl_id(out, &cc->id, ~0u);
	if (cc->dhchap_secret[0])
		fprintf(out, ";dhchap-secret=%s", secrets ? cc->dhchap_secret :
		    "<redacted>");
	if (cc->dhchap_ctrl_secret[0])
		fprintf(out, ";dhchap-ctrl-secret=%s", secrets ?
		    cc->dhchap_ctrl_secret : "<redacted>");
	for (t = 0; t < TUN_COUNT; t++)
		if (cc->tun.set & (1u << t))
			print_tunable(out, ";", "", (enum tunable)t, &cc->tun);
}

static const char *
ip_family_name(const struct conf *c)
{
	if (c->ip_family == IPF_V4)
		return "ipv4";
	if (c->ip_family == IPF_V6)
		return "ipv6";
	return c->ip_family_v6_first ? "ipv6+ipv4" : "ipv4+ipv6";
}

void
conf_print(FILE *out, const struct conf *c, bool secrets)
{
	const char *sep = "";
	size_t i;
	int t;

	fprintf(out, "[Global]\ntron=%s\n", c->tron ? "true" : "false");
	for (t = 0; t < TUN_COUNT; t++) {
		if (c->tun.set & (1u << t))
			print_tunable(out, "", "\n", (enum tunable)t, &c->tun);
		else
			fprintf(out, "#%s= (not set: kernel default)\n",
			    tunable_defs[t].name);
	}
	fprintf(out, "ignore-iface=%s\nip-family=%s\ndiscovery=%s\n",
	    c->ignore_iface ? "true" : "false", ip_family_name(c),
	    dm_names[c->discovery]);

	fprintf(out, "\n[%s]\ndisconnect-scope=%s\ndisconnect-trtypes=", SEC_IOC,
	    ds_names[c->disconnect_scope]);
	for (t = TRTYPE_TCP; t <= TRTYPE_FC; t++)
		if (c->disconnect_trtypes & (1u << t)) {
			fprintf(out, "%s%s", sep, trtype_name((enum trtype)t));
			sep = "+";
		}
	fprintf(out, "\nconnect-attempts-on-ncc=%d\n", c->ncc_attempts);

	fprintf(out, "\n[%s]\n", SEC_CTRLS);
	for (i = 0; i < c->n_ctrls; i++) {
		struct ctrl_conf cc;

		rec_unpack(c->ctrls[i], &cc);
		fputs("controller=", out);
		conf_print_ctrl(out, &cc, secrets);
		fputc('\n', out);
	}
	for (i = 0; i < c->n_excludes; i++) {
		fputs("exclude=", out);
		print_ctrl_id(out, &c->excludes[i].id, c->excludes[i].fields);
		fputc('\n', out);
	}
}

static bool
exclude_matches(const struct exclude_conf *ex, const struct ctrl_id *id)
{
	size_t i;

	if ((ex->fields & IDF_TRANSPORT) && ex->id.transport != id->transport)
		return false;
	for (i = 0; i < sizeof(id_keys) / sizeof(id_keys[0]); i++)
		if ((ex->fields & id_keys[i].bit) &&
		    strcmp((const char *)&ex->id + id_keys[i].off,
		    (const char *)id + id_keys[i].off) != 0)
			return false;
	return true;
}

bool
conf_excluded(const struct conf *c, const struct ctrl_id *id)
{
	size_t i;

	for (i = 0; i < c->n_excludes; i++)
		if (exclude_matches(&c->excludes[i], id))
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* sys.conf [Host] and /etc/nvme/host*                                 */

enum host_key { HK_NQN, HK_ID, HK_KEY, HK_SYMNAME, HK_COUNT };

static const char *const host_key_names[HK_COUNT] = {
	"nqn", "id", "key", "symname"
};

/* nvme-stas's defaults when sys.conf does not say. */
static const char *const host_key_defaults[HK_COUNT] = {
	"file:///etc/nvme/hostnqn", "file:///etc/nvme/hostid",
	"file:///etc/nvme/hostkey", NULL
};

struct host_parser {
	char		*value[HK_COUNT];
};

static int
host_item(void *ctx, const struct ini_item *it)
{
	struct host_parser *p = ctx;
	char *copy;
	int k;

	if (it->key == NULL) {
		if (strcmp(it->section, "Host") != 0)
			log_err("%s:%u: unknown section [%s] ignored",
			    it->fname, it->line, it->section);
		return 0;
	}
	if (strcmp(it->section, "Host") != 0)
		return 0;
	for (k = 0; k < HK_COUNT; k++)
		if (strcmp(it->key, host_key_names[k]) == 0)
			break;
	if (k == HK_COUNT) {
		log_err("%s:%u: [Host] unknown key \"%s\" ignored",
		    it->fname, it->line, log_redact(it->key));
		return 0;
	}
	if ((copy = strdup(it->value)) == NULL)
		return -ENOMEM;
	free(p->value[k]);
	p->value[k] = copy;
	return 0;
}

/*
 * A sys.conf value: literal, or file://PATH (under root) whose first
 * whitespace-delimited token of the first line is the value; an empty
 * file gives "".  Values longer than the buffer are cut, which the
 * callers' length checks then report.
 * Return: 0, or -errno from reading the file; path_out names the file.
 */
static int
host_value(const char *spec, const char *root, char *out, size_t outsz,
    char *path_out, size_t pathsz)
{
	char *buf, *start;
	size_t len;
	int r;

	path_out[0] = '\0';
	if (strncmp(spec, "file://", 7) != 0) {
		snprintf(out, outsz, "%s", spec);
		return 0;
	}
	if ((r = path_under(path_out, pathsz, root, "%s", spec + 7)) < 0 ||
	    (r = read_file(path_out, 4096, &buf, &len)) < 0)
		return r;
	buf[strcspn(buf, "\n")] = '\0';
	start = buf + strspn(buf, " \t\r");
	start[strcspn(start, " \t\r")] = '\0';
	snprintf(out, outsz, "%s", start);
	free(buf);
	return 0;
}

static const char *
host_spec(const struct host_parser *p, enum host_key k)
{
	return p->value[k] ? p->value[k] : host_key_defaults[k];
}

static int
host_nqn(struct host_conf *h, const struct host_parser *p, const char *root)
{
	char path[PATH_BUF], val[PATH_BUF];
	const char *problem;
	int r;

	r = host_value(host_spec(p, HK_NQN), root, val, sizeof(val), path,
	    sizeof(path));
	if (r < 0) {
		log_err("Error reading mandatory Host NQN (see stasadm "
		    "--help): %s: %s", path, read_file_strerror(r));
		return -1;
	}
	if (val[0] == '\0') {
		log_err("Error Host NQN is empty (%s)", path[0] ? path :
		    "sys.conf");
		return -1;
	}
	if (strncmp(val, "nqn.", 4) != 0) {
		log_err("Error Host NQN \"%s\" should start with \"nqn.\"",
		    val);
		return -1;
	}
	if (strlen(val) > NQN_MAX) {
		log_err("Error Host NQN is too long (%zu chars, max %d per "
		    "NVMe spec)", strlen(val), NQN_MAX);
		return -1;
	}
	if ((problem = field_problem(FIELD_HOST_NQN, TRTYPE_NONE, val))) {
		log_err("Error Host NQN \"%s\" is invalid: %s", val, problem);
		return -1;
	}
	memcpy(h->nqn, val, strlen(val) + 1);
	return 0;
}

static int
host_id(struct host_conf *h, const struct host_parser *p, const char *root)
{
	char path[PATH_BUF], val[PATH_BUF];
	int r;

	r = host_value(host_spec(p, HK_ID), root, val, sizeof(val), path,
	    sizeof(path));
	if (r < 0) {
		log_err("Error reading mandatory Host ID (see stasadm "
		    "--help): %s: %s", path, read_file_strerror(r));
		return -1;
	}
	/* The kernel refuses a hostid that is not a UUID (EINVAL). */
	if (field_problem(FIELD_HOSTID, TRTYPE_NONE, val) != NULL) {
		log_err("Error Host ID \"%s\" is not a UUID "
		    "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", val);
		return -1;
	}
	memcpy(h->id, val, strlen(val) + 1);
	return 0;
}

/* The optional fields: a problem is a warning, never fatal. */
static void
host_optional(struct host_conf *h, const struct host_parser *p,
    const char *root)
{
	char path[PATH_BUF];
	int r;

	r = host_value(host_spec(p, HK_KEY), root, h->key, sizeof(h->key),
	    path, sizeof(path));
	if (r < 0) {
		h->key[0] = '\0';
		if (r == -ENOENT)
			log_debug("no host key: %s does not exist", path);
		else
			log_warnx("Host key %s unusable (%s), ignored",
			    path[0] ? path : "in sys.conf", read_file_strerror(r));
	} else if (h->key[0] && field_problem(FIELD_DHCHAP_SECRET,
	    TRTYPE_NONE, h->key) != NULL) {
		log_warnx("Host key is not a DH-HMAC-CHAP secret "
		    "(DHHC-1:NN:<base64>:), ignored");
		h->key[0] = '\0';
	}
	if (p->value[HK_SYMNAME] == NULL)
		return;
	r = host_value(p->value[HK_SYMNAME], root, h->symname,
	    sizeof(h->symname), path, sizeof(path));
	if (r < 0) {
		log_warnx("Host symname %s unusable (%s), ignored",
		    path[0] ? path : "in sys.conf", read_file_strerror(r));
		h->symname[0] = '\0';
	}
}

int
host_parse(struct host_conf *h, const char *buf, size_t len,
    const char *fname, const char *root)
{
	struct host_parser p;
	unsigned bad;	/* the file's lines were told; sys.conf is read once */
	int k, r = -1;

	memset(&p, 0, sizeof(p));
	memset(h, 0, sizeof(*h));
	if (ini_parse(buf, len, fname, host_item, &p, &bad) != 0) {
		log_err("%s: out of memory", fname);
		goto out;
	}
	if (host_nqn(h, &p, root) < 0 || host_id(h, &p, root) < 0)
		goto out;
	host_optional(h, &p, root);
	r = 0;
out:
	for (k = 0; k < HK_COUNT; k++)
		free(p.value[k]);
	return r;
}

int
host_load(struct host_conf *h, const char *root)
{
	char path[PATH_BUF];
	char *buf = NULL;
	size_t len = 0;
	int r;

	if ((r = path_under(path, sizeof(path), root, "/etc/stas/sys.conf")) == 0)
		r = read_file(path, CONF_FILE_MAX, &buf, &len);
	if (r < 0 && r != -ENOENT) {
		log_err("%s: %s", path, read_file_strerror(r));
		return -1;
	}
	r = host_parse(h, buf ? buf : "", len, path, root);
	free(buf);
	return r;
}

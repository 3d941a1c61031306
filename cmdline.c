/*
 * cmdline.c - dracut's rd.nvmf.* kernel command line keys.
 *
 * The text is read in passes over the same words (it is at most
 * CMDLINE_TEXT_MAX bytes): first the single-valued keys, since rd.nonvmf
 * anywhere turns everything off; then rd.nvmf.discover in order; then
 * the deprecated nvmf.discover, which dracut lists after them.  Words are
 * spans of the text: quote removal only ever shortens a word at its ends,
 * so nothing is copied until a value is taken.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "field.h"
#include "log.h"
#include "util.h"

#define CMDLINE_FILE_MAX	(1u << 20)
#define VALUE_MAX		1024	/* a discover value; a composed one */
#define SHOW_MAX		64	/* what a message quotes of a value */
#define N_FIELDS		4	/* TRANSPORT,TRADDR,HOST_TRADDR,TRSVCID */
#define UUID_NQN_PREFIX		"nqn.2014-08.org.nvmexpress:uuid:"

/* A word of the command line: spans of the text. */
struct word {
	const char	*key, *val;	/* val NULL: no '=' */
	size_t		 klen, vlen;
	unsigned	 pos;		/* from 1 */
	bool		 cut;		/* runs into the end of what is read */
};

struct cursor {
	const char	*p, *end;
	bool		 more;		/* the text goes on past end */
	unsigned	 pos;
};

/* The keys that take one value: the last one on the line counts. */
enum scalar {
	SC_HOSTNQN, SC_HOSTID, SC_OLD_HOSTNQN, SC_OLD_HOSTID,
	SC_NONBFT, SC_NOSTATIC, SC_NONVMF, SC_COUNT
};

static const char *const scalar_keys[SC_COUNT] = {
	"rd.nvmf.hostnqn", "rd.nvmf.hostid", "nvmf.hostnqn", "nvmf.hostid",
	"rd.nvmf.nonbft", "rd.nvmf.nostatic", "rd.nonvmf"
};

#define KEY_DISCOVER		"rd.nvmf.discover"
#define KEY_OLD_DISCOVER	"nvmf.discover"

struct scalar_seen {
	struct word	 last;
	unsigned	 n;
	bool		 differs;	/* two occurrences disagree */
};

struct parser {
	struct boot_cmdline	*out;
	const char		*text;
	size_t			 len;
	bool			 more;
	struct scalar_seen	 sc[SC_COUNT];
	size_t			 n_unused;	/* entries fc,auto made unused */
	size_t			 n_old;		/* nvmf.discover words */
	int			 dropped;
	int			 err;
};

/* ---- words ---- */

/* The kernel's isspace(): its ctype is Latin-1, so NBSP separates too. */
static bool
is_blank(char ch)
{
	unsigned char c = (unsigned char)ch;

	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

/*
 * The next word, split as the kernel's next_arg() does: blanks outside
 * double quotes end it, the first '=' ends the key, a value opening
 * with '"' loses it and a closing one, a word opening with '"' loses
 * its closing one.  An unterminated quote runs to the end of the text.
 */
static bool
next_word(struct cursor *c, struct word *w)
{
	const char *s, *q, *eq = NULL, *vend;
	bool quoted, inq;

	while (c->p < c->end && is_blank(*c->p))
		c->p++;
	if (c->p == c->end)
		return false;
	s = c->p;
	quoted = inq = *s == '"';
	s += quoted;
	for (q = s; q < c->end && (inq || !is_blank(*q)); q++) {
		if (eq == NULL && *q == '=')
			eq = q;
		if (*q == '"')
			inq = !inq;
	}
	memset(w, 0, sizeof(*w));
	w->pos = ++c->pos;
	w->cut = q == c->end && c->more;
	w->key = s;
	vend = q;
	if (eq) {
		w->val = eq + 1;
		if (w->val < q && *w->val == '"') {
			w->val++;
			if (q > w->val && q[-1] == '"') {
				vend = q - 1;
				quoted = false;		/* stripped once */
			}
		}
	}
	if (quoted && vend > (eq ? w->val : s) && vend[-1] == '"')
		vend--;
	if (eq) {
		w->klen = (size_t)(eq - s);
		w->vlen = (size_t)(vend - w->val);
	} else
		w->klen = (size_t)(vend - s);
	c->p = q;
	return true;
}

static bool
key_is(const struct word *w, const char *key)
{
	return w->klen == strlen(key) && memcmp(w->key, key, w->klen) == 0;
}

static void
cursor_start(const struct parser *p, struct cursor *c)
{
	c->p = p->text;
	c->end = p->text + p->len;
	c->more = p->more;
	c->pos = 0;
}

/*
 * A value as a message may quote it: at most SHOW_MAX bytes, anything
 * not printable ASCII as \xNN (a control byte must not reach a
 * terminal or syslog raw), a secret typed in the wrong place redacted.
 */
static const char *
show(const char *v, size_t n, char *buf, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < n && i < SHOW_MAX && o + 5 < size; i++) {
		unsigned char ch = (unsigned char)v[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			buf[o++] = (char)ch;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", ch);
	}
	buf[o] = '\0';
	if (i < n && o + 4 < size)
		strcpy(buf + o, "...");
	return log_redact(buf);
}

/* One message about a word: "NAME:POS: KEY=VALUE: why". */
static void
word_warn(struct parser *p, const struct word *w, const char *why)
{
	char key[SHOW_MAX * 4 + 8], val[SHOW_MAX * 4 + 8];

	show(w->key, w->klen, key, sizeof(key));
	if (w->val)
		log_warnx("%s:%u: %s=\"%s\": %s", p->out->name, w->pos, key,
		    show(w->val, w->vlen, val, sizeof(val)), why);
	else
		log_warnx("%s:%u: %s: %s", p->out->name, w->pos, key, why);
	p->dropped++;
}

/* ---- the checks ---- */

/* dracut's getargbool: "0", "no", "off" are false; all else true. */
static bool
dracut_bool(const struct word *w)
{
	static const char *const no[] = { "0", "no", "off" };
	size_t i;

	for (i = 0; w->val && i < 3; i++)
		if (w->vlen == strlen(no[i]) && memcmp(w->val, no[i], w->vlen)
		    == 0)
			return false;
	return true;
}

/*
 * A host NQN the NVMe Base spec would call one: "nqn.yyyy-mm." and a
 * reverse domain name, or the UUID form with a real UUID; nothing a
 * quoting slip leaves behind (blanks, '"').
 */
static const char *
hostnqn_problem(const char *v)
{
	const char *why = field_problem(FIELD_HOST_NQN, TRTYPE_NONE, v);
	size_t i;

	if (why)
		return why;
	if (strncmp(v, "nqn.", 4) != 0)
		return "does not start with \"nqn.\"";
	for (i = 4; i < 11; i++)
		if (i == 8 ? v[i] != '-' : !isdigit((unsigned char)v[i]))
			break;
	if (i < 11 || v[11] != '.' || v[12] == '\0')
		return "not nqn.yyyy-mm.<reverse domain>[:<name>]";
	if (strpbrk(v, " \"\xa0"))
		return "contains a blank or '\"'";
	if (strncmp(v, UUID_NQN_PREFIX, strlen(UUID_NQN_PREFIX)) == 0 &&
	    field_problem(FIELD_HOSTID, TRTYPE_NONE, v +
	    strlen(UUID_NQN_PREFIX)) != NULL)
		return "not a UUID after \":uuid:\"";
	return NULL;
}

/*
 * dash's field splitting with IFS=",": each ',' ends a field, so a
 * trailing one adds no empty field.  Return: the number of fields, or
 * N_FIELDS + 1 when there are more.
 */
static size_t
split_fields(char *v, char *f[N_FIELDS])
{
	size_t n = 0;
	char *comma;

	while (*v) {
		if (n == N_FIELDS)
			return N_FIELDS + 1;
		f[n++] = v;
		if ((comma = strchr(v, ',')) == NULL)
			break;
		*comma = '\0';
		v = comma + 1;
	}
	return n;
}

/* "" and "none" are dracut's (and nvme-cli's) "not given". */
static const char *
given(const char *f)
{
	return f == NULL || *f == '\0' || strcmp(f, "none") == 0 ? NULL : f;
}

/* Check one field before it goes into a composed controller value. */
static bool
field_ok(char *why, size_t size, const char *name, enum field f,
    enum trtype t, const char *v)
{
	const char *problem = strchr(v, ';') ? "contains ';'" :
	    field_problem(f, t, v);
	char buf[SHOW_MAX * 4 + 8];

	if (problem == NULL)
		return true;
	snprintf(why, size, "%s \"%s\" is invalid (%s); entry dropped", name,
	    show(v, strlen(v), buf, sizeof(buf)), problem);
	return false;
}

/*
 * A discover value's fields into d.  Return: 1 when d is an entry, 2 for
 * fc,auto, 0 with the reason in why.
 */
static int
discover_fields(char *v, struct cmdline_discover *d, char *why, size_t size)
{
	char *f[N_FIELDS] = { NULL, NULL, NULL, NULL };
	const char *tr, *addr, *host, *port;
	size_t n = split_fields(v, f);

	if (n < 2 || n > N_FIELDS) {
		snprintf(why, size, "not TRANSPORT,TRADDR[,HOST_TRADDR"
		    "[,TRSVCID]] (%s%zu field%s); entry dropped",
		    n > N_FIELDS ? "more than " : "", n > N_FIELDS ?
		    (size_t)N_FIELDS : n, n == 1 ? "" : "s");
		return 0;
	}
	tr = given(f[0]);
	addr = given(f[1]);
	host = given(f[2]);
	port = given(f[3]);
	if (tr == NULL || (strcmp(tr, "tcp") && strcmp(tr, "rdma") &&
	    strcmp(tr, "fc"))) {
		snprintf(why, size, "TRANSPORT is not tcp, rdma or fc; entry "
		    "dropped");
		return 0;
	}
	d->transport = trtype_from_name(tr);
	if (addr == NULL) {
		snprintf(why, size, "no TRADDR (it is required); entry "
		    "dropped");
		return 0;
	}
	if (d->transport == TRTYPE_FC && strcmp(addr, "auto") == 0)
		return 2;
	if (d->transport == TRTYPE_FC && host == NULL) {
		snprintf(why, size, "fc needs HOST_TRADDR; entry dropped");
		return 0;
	}
	/* dracut writes no --trsvcid for fc, and 4420 when none is given. */
	if (d->transport == TRTYPE_FC)
		port = NULL;
	else if (port == NULL)
		port = "4420";
	if (!field_ok(why, size, "TRADDR", FIELD_TRADDR, d->transport, addr) ||
	    (host && !field_ok(why, size, "HOST_TRADDR", FIELD_HOST_TRADDR,
	    d->transport, host)) || (port && !field_ok(why, size, "TRSVCID",
	    FIELD_TRSVCID, d->transport, port)))
		return 0;
	/* field_problem() bounded each by its array. */
	snprintf(d->traddr, sizeof(d->traddr), "%s", addr);
	snprintf(d->host_traddr, sizeof(d->host_traddr), "%s", host ? host :
	    "");
	snprintf(d->trsvcid, sizeof(d->trsvcid), "%s", port ? port : "");
	return 1;
}

/* The stacd.conf controller value of d, as fabconf.c composes its own. */
static void
compose(const struct cmdline_discover *d, char *buf, size_t size)
{
	snprintf(buf, size, "transport=%s;traddr=%s%s%s%s%s;nqn=%s",
	    trtype_name(d->transport), d->traddr,
	    d->trsvcid[0] ? ";trsvcid=" : "", d->trsvcid,
	    d->host_traddr[0] ? ";host-traddr=" : "", d->host_traddr,
	    DISCOVERY_NQN);
}

static int
convert(const struct cmdline_discover *d, const char *name,
    struct ctrl_conf *out)
{
	char value[VALUE_MAX];
	int r;

	compose(d, value, sizeof(value));
	if ((r = conf_parse_controller(value, name, d->pos, "", out)) < 0)
		return r;
	out->discovery_ctrl = true;
	out->own_tunables = true;
	out->origin = ORIGIN_CMDLINE;
	return 0;
}

/* ---- the keys ---- */

static void
discover_word(struct parser *p, const struct word *w)
{
	struct boot_cmdline *c = p->out;
	struct cmdline_discover d;
	struct ctrl_conf cc;
	char v[VALUE_MAX], why[SHOW_MAX * 4 + 128];
	int r;

	if (c->fc_auto)
		return;		/* dracut stops reading at fc,auto */
	if (w->val == NULL || w->vlen == 0) {
		word_warn(p, w, "no value; entry dropped");
		return;
	}
	if (w->vlen >= sizeof(v)) {
		word_warn(p, w, "too long; entry dropped");
		return;
	}
	memcpy(v, w->val, w->vlen);
	v[w->vlen] = '\0';
	/* Only quotes put a blank here; dracut would split the value. */
	if (strpbrk(v, " \t\n\v\f\r\xa0")) {
		word_warn(p, w, "contains a blank; entry dropped");
		return;
	}
	memset(&d, 0, sizeof(d));
	d.pos = w->pos;
	if ((r = discover_fields(v, &d, why, sizeof(why))) == 0) {
		word_warn(p, w, why);
		return;
	}
	if (r == 2) {
		c->fc_auto = true;
		c->fc_auto_pos = w->pos;
		p->n_unused = c->n_discover + c->n_over;
		return;
	}
	/* The checks stacd.conf's entries get, told as NAME:POS. */
	if ((r = convert(&d, c->name, &cc)) < 0) {
		if (r == -ENOMEM)
			p->err = r;
		p->dropped++;
		return;
	}
	if (c->n_discover < CMDLINE_DISCOVER_MAX)
		c->discover[c->n_discover++] = d;
	else
		c->n_over++;
}

/* First pass: the single-valued keys, and rd.nvmf.* typos. */
static void
scalar_word(struct parser *p, const struct word *w)
{
	struct scalar_seen *s;
	size_t k;

	for (k = 0; k < SC_COUNT && !key_is(w, scalar_keys[k]); k++)
		;
	if (k == SC_COUNT) {
		if (w->klen > 8 && memcmp(w->key, "rd.nvmf.", 8) == 0 &&
		    !key_is(w, KEY_DISCOVER))
			word_warn(p, w, "not a key of dracut's nvmf module; "
			    "ignored");
		return;
	}
	s = &p->sc[k];
	if (s->n++ && (s->last.vlen != w->vlen || (w->vlen &&
	    memcmp(s->last.val, w->val, w->vlen) != 0)))
		s->differs = true;
	s->last = *w;
}

/* A host NQN or ID override: rd.nvmf.KEY, else the deprecated nvmf.KEY. */
static void
take_identity(struct parser *p, enum scalar k, enum scalar old, char *dst,
    size_t size, unsigned *pos)
{
	enum scalar used = p->sc[k].n == 0 && p->sc[old].n ? old : k;
	const struct scalar_seen *s = &p->sc[used];
	char v[NQN_MAX + 2], why[128];
	const char *problem;

	if (s->n == 0)
		return;
	if (used == old)
		log_warnx("%s:%u: %s is deprecated (dracut), use %s",
		    p->out->name, s->last.pos, scalar_keys[old],
		    scalar_keys[k]);
	if (s->differs)
		log_warnx("%s:%u: %s is given %u times; the last one counts",
		    p->out->name, s->last.pos, scalar_keys[used], s->n);
	if (s->last.vlen == 0) {
		word_warn(p, &s->last, "no value; nothing is overridden");
		return;
	}
	if (s->last.vlen >= sizeof(v))
		problem = "too long";
	else {
		memcpy(v, s->last.val, s->last.vlen);
		v[s->last.vlen] = '\0';
		problem = k == SC_HOSTNQN ? hostnqn_problem(v) :
		    field_problem(FIELD_HOSTID, TRTYPE_NONE, v);
		if (problem == NULL && strlen(v) >= size)
			problem = "too long";
	}
	if (problem) {
		snprintf(why, sizeof(why), "%s; nothing is overridden",
		    problem);
		word_warn(p, &s->last, why);
		return;
	}
	memcpy(dst, v, strlen(v) + 1);
	*pos = s->last.pos;
}

static void
take_flag(const struct parser *p, enum scalar k, bool *flag, unsigned *pos)
{
	if (p->sc[k].n && dracut_bool(&p->sc[k].last)) {
		*flag = true;
		*pos = p->sc[k].last.pos;
	}
}

/* One pass over the words: fn for those of key (NULL: every word). */
static void
pass(struct parser *p, const char *key,
    void (*fn)(struct parser *, const struct word *))
{
	struct cursor c;
	struct word w;

	cursor_start(p, &c);
	while (p->err == 0 && next_word(&c, &w))
		if (!w.cut && (key == NULL || key_is(&w, key)))
			fn(p, &w);
		else if (w.cut && key == NULL)
			word_warn(p, &w, "cut at the end of what is read; "
			    "ignored");
}

/* The deprecated nvmf.discover: told once, then read as the other. */
static void
old_discover_word(struct parser *p, const struct word *w)
{
	if (p->n_old++ == 0 && !p->out->fc_auto)
		log_warnx("%s:%u: %s is deprecated (dracut), use %s",
		    p->out->name, w->pos, KEY_OLD_DISCOVER, KEY_DISCOVER);
	discover_word(p, w);
}

/* The bounds, and where the text ends: at a NUL, as the kernel's. */
static void
text_bounds(struct parser *p, const char *text, size_t len)
{
	size_t n;

	if (text == NULL)
		len = 0;
	n = strnlen(text ? text : "", len);
	p->text = text ? text : "";
	if (n < len) {
		log_warnx("%s: a NUL byte at offset %zu; what follows is not "
		    "read", p->out->name, n);
		p->dropped++;
	}
	if (n > CMDLINE_TEXT_MAX) {
		log_warnx("%s: %zu bytes; only the first %d are read",
		    p->out->name, n, CMDLINE_TEXT_MAX);
		p->dropped++;
		n = CMDLINE_TEXT_MAX;
		p->more = true;
	}
	p->len = n;
}

int
cmdline_parse(const char *text, size_t len, const char *name,
    struct boot_cmdline *out)
{
	struct boot_cmdline *c = out;
	struct parser p;

	memset(c, 0, sizeof(*c));
	memset(&p, 0, sizeof(p));
	snprintf(c->name, sizeof(c->name), "%s", name ? name : "cmdline");
	p.out = c;
	text_bounds(&p, text, len);
	pass(&p, NULL, scalar_word);
	take_flag(&p, SC_NONVMF, &c->nonvmf, &c->nonvmf_pos);
	if (c->nonvmf) {
		/* dracut's module returns before it reads anything else. */
		log_info("%s:%u: rd.nonvmf: no rd.nvmf.* key is used",
		    c->name, c->nonvmf_pos);
		goto out;
	}
	take_flag(&p, SC_NONBFT, &c->nonbft, &c->nonbft_pos);
	take_flag(&p, SC_NOSTATIC, &c->nostatic, &c->nostatic_pos);
	take_identity(&p, SC_HOSTNQN, SC_OLD_HOSTNQN, c->hostnqn,
	    sizeof(c->hostnqn), &c->hostnqn_pos);
	take_identity(&p, SC_HOSTID, SC_OLD_HOSTID, c->hostid,
	    sizeof(c->hostid), &c->hostid_pos);
	pass(&p, KEY_DISCOVER, discover_word);
	pass(&p, KEY_OLD_DISCOVER, old_discover_word);
	if (c->fc_auto) {
		if (p.n_unused)
			log_info("%s:%u: rd.nvmf.discover=fc,auto: FC "
			    "autodiscovery; %zu other entr%s not used",
			    c->name, c->fc_auto_pos, p.n_unused,
			    p.n_unused == 1 ? "y is" : "ies are");
		c->n_discover = c->n_over = 0;
	}
	if (c->n_over)
		log_warnx("%s: %zu more rd.nvmf.discover entries than %d; "
		    "they are not used", c->name, c->n_over,
		    CMDLINE_DISCOVER_MAX);
out:
	return p.err ? p.err : p.dropped + (int)c->n_over;
}

int
cmdline_load(const char *root, struct boot_cmdline *out)
{
	char path[PATH_BUF], *buf = NULL;
	size_t len = 0;
	int r;

	if (path_under(path, sizeof(path), root, "/proc/cmdline") < 0)
		log_warnx("%s/proc/cmdline: path too long; no rd.nvmf.* key "
		    "is used", root);
	else if ((r = read_file(path, CMDLINE_FILE_MAX, &buf, &len)) < 0 &&
	    r != -ENOENT)
		log_warnx("%s: %s; no rd.nvmf.* key is used", path,
		    read_file_strerror(r));
	r = cmdline_parse(buf, buf ? len : 0, "cmdline", out);
	free(buf);
	return r;
}

int
cmdline_ctrl(const struct boot_cmdline *c, size_t i, struct ctrl_conf *out)
{
	if (i >= c->n_discover)
		return -EINVAL;
	return convert(&c->discover[i], c->name, out);
}

int
cmdline_fabconf(const struct boot_cmdline *c, struct fabconf *f)
{
	struct ctrl_conf cc;
	char origin[FABCONF_ORIGIN_MAX];
	size_t i;
	int r = 0;

	for (i = 0; i < c->n_discover && r == 0; i++) {
		if ((r = cmdline_ctrl(c, i, &cc)) == -EINVAL) {
			r = 0;		/* told; cmdline_parse() checked it */
			continue;
		}
		snprintf(origin, sizeof(origin), "%s:%u", c->name,
		    c->discover[i].pos);
		if (r == 0)
			r = fabconf_push(f, &cc, origin);
	}
	return r;
}

bool
cmdline_host(const struct boot_cmdline *c, struct host_conf *h)
{
	bool changed = false;

	if (c->hostnqn[0] && strcmp(c->hostnqn, h->nqn) != 0) {
		log_info("%s:%u: rd.nvmf.hostnqn: host NQN %s (instead of "
		    "%s)", c->name, c->hostnqn_pos, c->hostnqn,
		    h->nqn[0] ? h->nqn : "none");
		snprintf(h->nqn, sizeof(h->nqn), "%s", c->hostnqn);
		changed = true;
	}
	if (c->hostid[0] && strcmp(c->hostid, h->id) != 0) {
		log_info("%s:%u: rd.nvmf.hostid: host ID %s (instead of %s)",
		    c->name, c->hostid_pos, c->hostid, h->id[0] ? h->id :
		    "none");
		snprintf(h->id, sizeof(h->id), "%s", c->hostid);
		changed = true;
	}
	return changed;
}

void
cmdline_print(FILE *out, const struct boot_cmdline *c)
{
	if (c->n_over)
		fprintf(out, "# %s: %zu more rd.nvmf.discover entries than "
		    "%d, not used\n", c->name, c->n_over, CMDLINE_DISCOVER_MAX);
	if (c->fc_auto)
		fprintf(out, "# %s:%u: rd.nvmf.discover=fc,auto: FC "
		    "autodiscovery, no other discover entry is used\n",
		    c->name, c->fc_auto_pos);
	if (c->hostnqn[0])
		fprintf(out, "# %s:%u: rd.nvmf.hostnqn: host nqn %s\n",
		    c->name, c->hostnqn_pos, c->hostnqn);
	if (c->hostid[0])
		fprintf(out, "# %s:%u: rd.nvmf.hostid: host id %s\n", c->name,
		    c->hostid_pos, c->hostid);
	if (c->nonbft)
		fprintf(out, "# %s:%u: rd.nvmf.nonbft: the NBFT is not "
		    "used\n", c->name, c->nonbft_pos);
	if (c->nostatic)
		fprintf(out, "# %s:%u: rd.nvmf.nostatic: "
		    "/etc/nvme/discovery.conf is not read\n",
		    c->name, c->nostatic_pos);
	if (c->nonvmf)
		fprintf(out, "# %s:%u: rd.nonvmf: dracut's nvmf module is "
		    "off, no rd.nvmf.* key is used\n", c->name,
		    c->nonvmf_pos);
}

/*
 * fabconf.c - the connection files of nvme-cli and nvme-stas that stacd
 * reads besides its own: nvme-fabrics.conf's [Subsystem] and [Discovery
 * Controller] sections, nvme-cli 2.x's discovery.conf lines and stafd.conf's
 * [Controllers].  Each entry is turned into a stacd.conf controller
 * value (the other tool's names mapped to stacd's, the cascade resolved)
 * and checked by conf.c exactly as stacd.conf's own entries are.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctrl_rec.h"
#include "fabconf.h"
#include "field.h"
#include "ini.h"
#include "log.h"
#include "util.h"

#define FABCONF_FILE_MAX	(16u << 20)
#define ENTRY_MAX		4096	/* a composed controller value */

/* The tunables nvme-cli names, and stacd.conf's name for each. */
static const struct {
	const char	*nvme;
	const char	*stacd;		/* NULL: stacd has no such option */
	bool		 is_bool;
} tun_keys[] = {
	{ "nr-io-queues", "nr-io-queues", false },
	{ "nr-write-queues", "nr-write-queues", false },
	{ "nr-poll-queues", "nr-poll-queues", false },
	{ "queue-size", "queue-size", false },
	{ "keep-alive-tmo", "kato", false },
	{ "reconnect-delay", "reconnect-delay", false },
	{ "ctrl-loss-tmo", "ctrl-loss-tmo", false },
	{ "disable-sqflow", "disable-sqflow", true },
	{ "hdr-digest", "hdr-digest", true },
	{ "data-digest", "data-digest", true },
	{ "fast-io-fail-tmo", NULL, false },
	{ "tos", NULL, false },
	{ "duplicate-connect", NULL, true },
};
#define N_TUN	(sizeof(tun_keys) / sizeof(tun_keys[0]))

/* The path keys a controller line may carry besides tunables. */
static const char *const path_keys[] = {
	"transport", "traddr", "trsvcid", "host-traddr", "host-iface"
};
#define N_PATH	(sizeof(path_keys) / sizeof(path_keys[0]))

enum sec_key { SK_SECRET, SK_CTRL_SECRET, SK_TLS, SK_COUNT };

/* One level of the cascade: a value per tunable, NULL when not given. */
struct level {
	char		*tun[N_TUN];	/* "" resets to the kernel default */
	char		*key[SK_COUNT];
};

/* What one file (and the main file under it) says at file level. */
struct file_scope {
	struct level	 defaults;	/* [I/O Controller Defaults] */
	struct level	 dc_defaults;	/* [Discovery Controller Defaults] */
	struct level	 host;		/* [Host] keys */
	char		*hostnqn, *hostid;
	unsigned	 host_line;
	bool		 own_host;	/* this file has a [Host] */
};

/* A [Subsystem] or [Discovery Controller] section being read. */
struct section {
	unsigned	 line;
	bool		 dc;		/* [Discovery Controller] */
	char		*nqn;
	struct level	 own;
	char		**paths;	/* controller = values */
	unsigned	*path_lines;
	size_t		 n_paths, cap_paths, cap_lines;
};

struct parser {
	struct fabconf		*f;
	const struct host_conf	*h;
	const struct file_scope	*base;	/* the main file's, for a drop-in */
	const char		*fname;
	struct file_scope	 scope;
	struct section		 sec;		/* being read */
	bool			 in_sec;
	struct section		*done;		/* read, emitted at the end */
	size_t			 n_done, cap_done;
	bool			 foreign;	/* another host personality */
	int			 err;
};

static void
level_fini(struct level *l)
{
	size_t i;

	for (i = 0; i < N_TUN; i++)
		free(l->tun[i]);
	for (i = 0; i < SK_COUNT; i++)
		free(l->key[i]);
	memset(l, 0, sizeof(*l));
}

static void
section_fini(struct section *s)
{
	size_t i;

	level_fini(&s->own);
	free(s->nqn);
	for (i = 0; i < s->n_paths; i++)
		free(s->paths[i]);
	free(s->paths);
	free(s->path_lines);
	memset(s, 0, sizeof(*s));
}

static int
set_str(char **slot, const char *v)
{
	char *c = strdup(v);

	if (c == NULL)
		return -ENOMEM;
	free(*slot);
	*slot = c;
	return 0;
}

static int
tun_index(const char *key)
{
	size_t i;

	for (i = 0; i < N_TUN; i++)
		if (strcmp(key, tun_keys[i].nvme) == 0)
			return (int)i;
	return -1;
}

/* A key of a level (section, defaults, [Host]); false when unknown. */
static int
level_set(struct level *l, const struct ini_item *it, bool keys_allowed)
{
	static const char *const sec_names[SK_COUNT] = {
		"kxchap-secret", "kxchap-ctrl-secret", "tls"
	};
	int k;

	if ((k = tun_index(it->key)) >= 0)
		return set_str(&l->tun[k], it->value);
	for (k = 0; k < SK_COUNT; k++)
		if (strcmp(it->key, sec_names[k]) == 0) {
			if (!keys_allowed)
				break;
			return set_str(&l->key[k], it->value);
		}
	if (strcmp(it->key, "tls-key") == 0 ||
	    strcmp(it->key, "tls-key-identity") == 0 ||
	    strcmp(it->key, "keyring") == 0 || strcmp(it->key, "concat") == 0)
		log_warnx("%s:%u: %s: TLS is not supported by stacd, ignored",
		    it->fname, it->line, it->key);
	else
		log_warnx("%s:%u: [%s] unknown key \"%s\" ignored", it->fname,
		    it->line, it->section, log_redact(it->key));
	return 0;
}

/* nvme-cli's booleans: 1/yes/y/true/t/on and 0/no/n/false/f/off. */
static const char *
bool_text(const char *v)
{
	static const char *const yes[] = { "1", "yes", "y", "true", "t", "on" };
	static const char *const no[] = { "0", "no", "n", "false", "f", "off" };
	size_t i;

	for (i = 0; i < 6; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return "true";
		if (strcasecmp(v, no[i]) == 0)
			return "false";
	}
	return NULL;
}

/* The value in force: the first level that gives one; NULL: none. */
static const char *
cascade(const char *const *vals, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (vals[i])
			return *vals[i] ? vals[i] : NULL;	/* "" resets */
	return NULL;
}

/* Append ";name=value" to buf; false when it does not fit. */
static bool
append(char *buf, size_t size, const char *name, const char *value)
{
	size_t n = strlen(buf);
	int r = snprintf(buf + n, size - n, "%s%s=%s", n ? ";" : "", name,
	    value);

	return r >= 0 && (size_t)r < size - n;
}

int
fabconf_push(struct fabconf *f, const struct ctrl_conf *cc,
    const char *origin)
{
	struct ctrl_rec **cv;
	char (*ov)[FABCONF_ORIGIN_MAX];

	if ((cv = array_grow(f->ctrls, &f->cap_ctrls, f->n + 1,
	    sizeof(*cv))) == NULL)
		return -ENOMEM;
	f->ctrls = cv;
	if ((ov = array_grow(f->origins, &f->cap_origins, f->n + 1,
	    sizeof(*ov))) == NULL)
		return -ENOMEM;
	f->origins = ov;
	if ((f->ctrls[f->n] = rec_pack(cc)) == NULL)
		return -ENOMEM;
	snprintf(f->origins[f->n], sizeof(f->origins[f->n]), "%s", origin);
	f->n++;
	return 0;
}

/* One composed controller value, checked as stacd.conf's are. */
static int
fabconf_add(struct fabconf *f, const char *value, const char *fname,
    unsigned line, bool dc, const char *section)
{
	char origin[FABCONF_ORIGIN_MAX];
	struct ctrl_conf cc;
	int r;

	if ((r = conf_parse_controller(value, fname, line, section, &cc)) < 0)
		return r;
	cc.own_tunables = true;
	cc.discovery_ctrl = dc;
	snprintf(origin, sizeof(origin), "%s:%u", fname, line);
	return fabconf_push(f, &cc, origin);
}

/* One path of a section, composed into a stacd.conf controller value. */
static int
add_path(struct parser *p, const struct section *s, const char *line_text,
    unsigned line)
{
	struct file_scope *fs = &p->scope;
	struct level path;
	char *text = strdup(line_text), *tok, *save = NULL, *eq, *buf = NULL;
	const char *vals[4], *v;
	size_t i, k;
	bool trsvcid_given = false;
	int r = 0, t;

	memset(&path, 0, sizeof(path));
	if (text == NULL || (buf = calloc(1, ENTRY_MAX)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	append(buf, ENTRY_MAX, "nqn", s->nqn);
	for (tok = strtok_r(text, ";", &save); tok;
	    tok = strtok_r(NULL, ";", &save)) {
		tok = ini_trim(tok);
		if (*tok == '\0')
			continue;
		if ((eq = strchr(tok, '=')) == NULL) {
			log_warnx("%s:%u: [Subsystem] controller: a field is "
			    "not key=value, ignored", p->fname, line);
			continue;
		}
		*eq++ = '\0';
		tok = ini_trim(tok);
		eq = ini_trim(eq);
		if ((t = tun_index(tok)) >= 0) {
			if (set_str(&path.tun[t], eq) < 0) {
				r = -ENOMEM;
				goto out;
			}
			continue;
		}
		for (k = 0; k < N_PATH && strcmp(tok, path_keys[k]); k++)
			;
		trsvcid_given |= k == 2;
		if (k == N_PATH) {
			log_warnx("%s:%u: [Subsystem] controller: key \"%s\" "
			    "does not belong on a controller line, ignored",
			    p->fname, line, log_redact(tok));
			continue;
		}
		if (!append(buf, ENTRY_MAX, tok, eq))
			goto toolong;
	}
	/* controller line > section > this file's defaults > main's */
	for (i = 0; i < N_TUN; i++) {
		vals[0] = path.tun[i];
		vals[1] = s->own.tun[i];
		vals[2] = s->dc ? fs->dc_defaults.tun[i] : fs->defaults.tun[i];
		if ((v = cascade(vals, 3)) == NULL)
			continue;
		if (tun_keys[i].stacd == NULL) {
			log_warnx("%s:%u: %s is not supported by stacd, "
			    "ignored", p->fname, line, tun_keys[i].nvme);
			continue;
		}
		if (tun_keys[i].is_bool && bool_text(v) == NULL) {
			log_warnx("%s:%u: %s: invalid value \"%s\" (not a "
			    "boolean), the kernel default applies", p->fname,
			    line, tun_keys[i].nvme, log_redact(v));
			continue;
		}
		if (!append(buf, ENTRY_MAX, tun_keys[i].stacd,
		    tun_keys[i].is_bool ? bool_text(v) : v))
			goto toolong;
	}
	vals[0] = s->own.key[SK_TLS];
	vals[1] = fs->host.key[SK_TLS];
	if ((v = cascade(vals, 2)) != NULL && bool_text(v) &&
	    strcmp(bool_text(v), "true") == 0) {
		log_warnx("%s:%u: tls is required but stacd has no TLS; this "
		    "path is skipped", p->fname, line);
		goto out;
	}
	for (k = SK_SECRET; k <= SK_CTRL_SECRET; k++) {
		vals[0] = s->own.key[k];
		vals[1] = fs->host.key[k];
		if ((v = cascade(vals, 2)) != NULL && !append(buf, ENTRY_MAX,
		    k == SK_SECRET ? "dhchap-secret" : "dhchap-ctrl-secret", v))
			goto toolong;
	}
	/* The discovery port, not the I/O one, unless one is given. */
	if (s->dc && !trsvcid_given && strstr(buf, "transport=tcp") &&
	    !append(buf, ENTRY_MAX, "trsvcid", "8009"))
		goto toolong;
	if ((r = fabconf_add(p->f, buf, p->fname, line, s->dc, s->dc ?
	    "Discovery Controller" : "Subsystem")) == -EINVAL)
		r = 0;		/* told; the other paths stay */
	goto out;
toolong:
	log_warnx("%s:%u: [Subsystem] controller: too long, skipped", p->fname,
	    line);
out:
	level_fini(&path);
	free(text);
	free(buf);
	return r;
}

/* A [Subsystem] section read: its paths become controllers. */
static int
emit_section(struct parser *p, struct section *s)
{
	size_t i;
	int r = 0;

	/* A discovery controller's NQN is the well-known one by default. */
	if (s->dc && s->nqn == NULL && set_str(&s->nqn, DISCOVERY_NQN) < 0)
		return -ENOMEM;
	if (s->nqn == NULL || *s->nqn == '\0')
		log_warnx("%s:%u: [Subsystem] without nqn: its %zu "
		    "controllers are skipped", p->fname, s->line, s->n_paths);
	else if (s->n_paths == 0)
		log_warnx("%s:%u: [Subsystem] %s has no controller line",
		    p->fname, s->line, s->nqn);
	else if (!p->foreign)
		for (i = 0; i < s->n_paths && r == 0; i++)
			r = add_path(p, s, s->paths[i], s->path_lines[i]);
	return r;
}

/*
 * The end of a [Subsystem] section: kept until the whole file is read,
 * since the file's defaults and [Host] may come after it.
 */
static int
end_section(struct parser *p)
{
	struct section *v;

	if (!p->in_sec)
		return 0;
	p->in_sec = false;
	if ((v = array_grow(p->done, &p->cap_done, p->n_done + 1,
	    sizeof(*v))) == NULL) {
		section_fini(&p->sec);
		return -ENOMEM;
	}
	p->done = v;
	p->done[p->n_done++] = p->sec;
	memset(&p->sec, 0, sizeof(p->sec));
	return 0;
}

static int
add_path_line(struct section *s, const char *value, unsigned line)
{
	char **pv;
	unsigned *lv;

	if ((pv = array_grow(s->paths, &s->cap_paths, s->n_paths + 1,
	    sizeof(*pv))) == NULL)
		return -ENOMEM;
	s->paths = pv;
	if ((lv = array_grow(s->path_lines, &s->cap_lines, s->n_paths + 1,
	    sizeof(*lv))) == NULL)
		return -ENOMEM;
	s->path_lines = lv;
	if ((s->paths[s->n_paths] = strdup(value)) == NULL)
		return -ENOMEM;
	s->path_lines[s->n_paths++] = line;
	return 0;
}

/* What a file says at file level ([Host], defaults). */
static int
scope_item(void *ctx, const struct ini_item *it)
{
	struct parser *p = ctx;
	struct file_scope *fs = &p->scope;
	int r = 0;

	if (it->section == NULL)
		return 0;
	if (it->key == NULL) {
		/*
		 * A [Host] of its own is a personality of its own: nothing
		 * is inherited from the main file's.
		 */
		if (strcmp(it->section, "Host") == 0 && !fs->own_host) {
			level_fini(&fs->host);
			free(fs->hostnqn);
			free(fs->hostid);
			fs->hostnqn = fs->hostid = NULL;
			fs->own_host = true;
			fs->host_line = it->line;
		}
		return 0;
	}
	if (strcmp(it->section, "I/O Controller Defaults") == 0)
		r = level_set(&fs->defaults, it, false);
	else if (strcmp(it->section, "Discovery Controller Defaults") == 0)
		r = level_set(&fs->dc_defaults, it, false);
	else if (strcmp(it->section, "Host") == 0) {
		if (strcmp(it->key, "hostnqn") == 0)
			r = set_str(&fs->hostnqn, it->value);
		else if (strcmp(it->key, "hostid") == 0)
			r = set_str(&fs->hostid, it->value);
		else if (strcmp(it->key, "hostsymname") != 0)
			r = level_set(&fs->host, it, true);
	}
	if (r < 0)
		p->err = r;
	return r;
}

/* Every item: file level to the scope, [Subsystem] sections kept. */
static int
file_item(void *ctx, const struct ini_item *it)
{
	struct parser *p = ctx;
	int r = 0;

	bool endpoint = it->section && (strcmp(it->section, "Subsystem") == 0 ||
	    strcmp(it->section, "Discovery Controller") == 0);

	if (it->section && !endpoint &&
	    (it->key || strcmp(it->section, "Host") == 0) &&
	    (r = scope_item(ctx, it)) < 0)
		return r;
	if (it->key == NULL) {
		if ((r = end_section(p)) == 0 && endpoint) {
			p->in_sec = true;
			p->sec.line = it->line;
			p->sec.dc = strcmp(it->section, "Subsystem") != 0;
		} else if (r == 0 && it->section &&
		    strcmp(it->section, "Host") != 0 &&
		    strcmp(it->section, "I/O Controller Defaults") != 0 &&
		    strcmp(it->section, "Discovery Controller Defaults") != 0)
			log_warnx("%s:%u: unknown section [%s] ignored",
			    it->fname, it->line, it->section);
	} else if (p->in_sec) {
		if (strcmp(it->key, "nqn") == 0)
			r = set_str(&p->sec.nqn, it->value);
		else if (strcmp(it->key, "controller") == 0)
			r = add_path_line(&p->sec, it->value, it->line);
		else
			r = level_set(&p->sec.own, it, true);
	}
	if (r < 0)
		p->err = r;
	return r;
}

/* The file's [Host], checked against stacd's own identity. */
static void
check_host(struct parser *p)
{
	struct file_scope *fs = &p->scope;

	if (fs->own_host && fs->hostnqn == NULL && p->base) {
		log_warnx("%s:%u: a drop-in's [Host] must set hostnqn; the "
		    "file's subsystems are skipped", p->fname, fs->host_line);
		p->foreign = true;
	} else if ((fs->hostnqn && strcmp(fs->hostnqn, p->h->nqn) != 0) ||
	    (fs->hostid && strcasecmp(fs->hostid, p->h->id) != 0)) {
		log_warnx("%s:%u: [Host] is another host personality (host "
		    "NQN or host ID other than stacd's); stacd connects with "
		    "one identity only, the file's subsystems are skipped",
		    p->fname, fs->host_line);
		p->foreign = true;
	}
}

static void
scope_fini(struct file_scope *fs)
{
	level_fini(&fs->defaults);
	level_fini(&fs->dc_defaults);
	level_fini(&fs->host);
	free(fs->hostnqn);
	free(fs->hostid);
	memset(fs, 0, sizeof(*fs));
}

void
fabconf_init(struct fabconf *f)
{
	memset(f, 0, sizeof(*f));
}

void
fabconf_fini(struct fabconf *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		rec_unref(f->ctrls[i]);
	free(f->ctrls);
	free(f->origins);
	fabconf_init(f);
}

static int
level_copy(struct level *to, const struct level *from)
{
	size_t i;

	for (i = 0; i < N_TUN; i++)
		if (from->tun[i] && set_str(&to->tun[i], from->tun[i]) < 0)
			return -ENOMEM;
	for (i = 0; i < SK_COUNT; i++)
		if (from->key[i] && set_str(&to->key[i], from->key[i]) < 0)
			return -ENOMEM;
	return 0;
}

/* What a drop-in starts from: the main file's defaults and [Host]. */
static int
scope_copy(struct file_scope *to, const struct file_scope *from)
{
	if (level_copy(&to->defaults, &from->defaults) < 0 ||
	    level_copy(&to->dc_defaults, &from->dc_defaults) < 0 ||
	    level_copy(&to->host, &from->host) < 0 ||
	    (from->hostnqn && set_str(&to->hostnqn, from->hostnqn) < 0) ||
	    (from->hostid && set_str(&to->hostid, from->hostid) < 0))
		return -ENOMEM;
	to->host_line = from->host_line;
	return 0;
}

/*
 * One file: its scope (over base's, for a drop-in) first, then its
 * [Subsystem] sections.  *scope (if not NULL) gets the file's scope.
 */
static int
parse_file(struct fabconf *f, const char *buf, size_t len, const char *fname,
    const struct file_scope *base, const struct host_conf *h,
    struct file_scope *scope)
{
	struct parser p = { .f = f, .h = h, .base = base, .fname = fname };
	unsigned bad;
	size_t i;

	if (base && scope_copy(&p.scope, base) < 0)
		p.err = -ENOMEM;
	if (p.err == 0 && ini_parse(buf, len, fname, file_item, &p,
	    &bad) != 0 && p.err == 0)
		p.err = -ENOMEM;
	if (p.err == 0)
		p.err = end_section(&p);
	if (p.err == 0)
		check_host(&p);
	for (i = 0; i < p.n_done; i++) {
		if (p.err == 0)
			p.err = emit_section(&p, &p.done[i]);
		section_fini(&p.done[i]);
	}
	free(p.done);
	section_fini(&p.sec);
	if (scope && p.err == 0)
		*scope = p.scope;
	else
		scope_fini(&p.scope);
	return p.err;
}

int
fabconf_parse(struct fabconf *f, const char *buf, size_t len,
    const char *fname, const struct host_conf *h)
{
	return parse_file(f, buf, len, fname, NULL, h, NULL);
}

/* ---- nvme-cli 2.x's discovery.conf ---- */

/* The `nvme discover` options a line may carry, and stacd.conf's names. */
static const struct {
	const char	*lng, *shrt;
	const char	*stacd;		/* NULL: accepted, not used */
	bool		 flag;		/* takes no value */
} disc_opts[] = {
	{ "transport", "t", "transport", false },
	{ "traddr", "a", "traddr", false },
	{ "trsvcid", "s", "trsvcid", false },
	{ "host-traddr", "w", "host-traddr", false },
	{ "host-iface", "f", "host-iface", false },
	{ "hostnqn", "q", "host-nqn", false },	/* ours, or skipped */
	{ "hostid", "I", NULL, false },		/* checked: ours or skipped */
	{ "nqn", "n", "nqn", false },
	{ "keep-alive-tmo", "k", "kato", false },
	{ "reconnect-delay", "c", "reconnect-delay", false },
	{ "ctrl-loss-tmo", "l", "ctrl-loss-tmo", false },
	{ "nr-io-queues", "i", "nr-io-queues", false },
	{ "nr-write-queues", "W", "nr-write-queues", false },
	{ "nr-poll-queues", "P", "nr-poll-queues", false },
	{ "queue-size", "Q", "queue-size", false },
	{ "dhchap-secret", "S", "dhchap-secret", false },
	{ "dhchap-ctrl-secret", "C", "dhchap-ctrl-secret", false },
	{ "hdr-digest", "g", "hdr-digest", true },
	{ "data-digest", "G", "data-digest", true },
	{ "disable-sqflow", NULL, "disable-sqflow", true },
	/* What only changes nvme discover's own behaviour or output. */
	{ "persistent", "p", NULL, true },
	{ "quiet", NULL, NULL, true },
	{ "verbose", "v", NULL, true },
	{ "raw", "r", NULL, false },
	{ "output-format", "o", NULL, false },
	{ "device", "d", NULL, false },
	{ "tos", "T", NULL, false },
	{ "duplicate-connect", "D", NULL, true },
};
#define N_DISC_OPTS	(sizeof(disc_opts) / sizeof(disc_opts[0]))

static int
disc_opt(const char *tok)
{
	size_t i;

	for (i = 0; i < N_DISC_OPTS; i++)
		if ((tok[1] == '-' && strcmp(tok + 2, disc_opts[i].lng) == 0) ||
		    (tok[1] != '-' && disc_opts[i].shrt &&
		    strcmp(tok + 1, disc_opts[i].shrt) == 0))
			return (int)i;
	return -1;
}

/*
 * One line of discovery.conf as a stacd.conf controller value in buf.
 * nvme-cli splits a line on blanks and '=', so "--traddr=a" and
 * "--traddr a" are the same.  "none" means not given.
 * Return: true, or false with the reason logged (the line is skipped).
 */
static bool
disc_line_value(char *line, const char *fname, unsigned ln,
    const struct host_conf *h, char *buf, size_t size)
{
	char *tok, *save = NULL;
	const char *val;
	bool nqn = false, port = false, tcp = false;
	int k;

	buf[0] = '\0';
	for (tok = strtok_r(line, " \t=\r", &save); tok;
	    tok = strtok_r(NULL, " \t=\r", &save)) {
		if (tok[0] != '-' || (k = disc_opt(tok)) < 0) {
			log_warnx("%s:%u: \"%s\" is not an option of nvme "
			    "discover stacd knows; line skipped", fname, ln,
			    log_redact(tok));
			return false;
		}
		val = disc_opts[k].flag ? "true" :
		    strtok_r(NULL, " \t=\r", &save);
		if (val == NULL) {
			log_warnx("%s:%u: --%s without a value; line skipped",
			    fname, ln, disc_opts[k].lng);
			return false;
		}
		/* ';' would end the value in the composed entry. */
		if (strchr(val, ';')) {
			log_warnx("%s:%u: --%s: invalid value (contains ';'); "
			    "line skipped", fname, ln, disc_opts[k].lng);
			return false;
		}
		if (strcmp(val, "none") && ((strcmp(disc_opts[k].lng,
		    "hostid") == 0 && strcasecmp(val, h->id) != 0) ||
		    (strcmp(disc_opts[k].lng, "hostnqn") == 0 &&
		    strcmp(val, h->nqn) != 0))) {
			log_warnx("%s:%u: --%s is another host's; stacd "
			    "connects with one identity only, line skipped",
			    fname, ln, disc_opts[k].lng);
			return false;
		}
		if (disc_opts[k].stacd == NULL || strcmp(val, "none") == 0)
			continue;
		nqn |= strcmp(disc_opts[k].stacd, "nqn") == 0;
		port |= strcmp(disc_opts[k].stacd, "trsvcid") == 0;
		tcp |= strcmp(disc_opts[k].stacd, "transport") == 0 &&
		    strcmp(val, "tcp") == 0;
		if (!append(buf, size, disc_opts[k].stacd, val))
			goto toolong;
	}
	if (buf[0] == '\0')
		return false;		/* a blank line */
	if ((!nqn && !append(buf, size, "nqn", DISCOVERY_NQN)) ||
	    (tcp && !port && !append(buf, size, "trsvcid", "8009")))
		goto toolong;
	return true;
toolong:
	log_warnx("%s:%u: too long; line skipped", fname, ln);
	return false;
}

int
fabconf_parse_discovery(struct fabconf *f, const char *buf, size_t len,
    const char *fname, const struct host_conf *h)
{
	char *text, *line, *next, *value = NULL;
	unsigned ln = 0;
	int r = 0;

	if ((text = malloc(len + 1)) == NULL ||
	    (value = malloc(ENTRY_MAX)) == NULL) {
		free(text);
		return -ENOMEM;
	}
	memcpy(text, buf, len);
	text[len] = '\0';
	for (line = text; line && r == 0; line = next) {
		if ((next = memchr(line, '\n', (size_t)(text + len - line))))
			*next++ = '\0';
		ln++;
		if (strlen(line) != (size_t)((next ? next - 1 : text + len) -
		    line)) {
			log_warnx("%s:%u: a NUL byte; line skipped", fname, ln);
			continue;
		}
		line = ini_trim(line);
		if (*line == '#' || *line == '\0' || !disc_line_value(line,
		    fname, ln, h, value, ENTRY_MAX))
			continue;
		if ((r = fabconf_add(f, value, fname, ln, true, ""))
		    == -EINVAL)
			r = 0;		/* told; the other lines stay */
	}
	free(value);
	free(text);
	return r;
}

/* ---- nvme-stas's stafd.conf [Controllers] ---- */

struct stafd_parser {
	struct fabconf	*f;
	int		 err;
};

/* The value key has in the controller value v ("k=v;k=v"), or NULL. */
static const char *
key_value(const char *v, const char *key)
{
	size_t n = strlen(key), sp;

	while (*v) {
		v += strspn(v, " \t;");
		sp = strspn(v + n, " \t");
		if (strncmp(v, key, n) == 0 && v[n + sp] == '=')
			return v + n + sp + 1 + strspn(v + n + sp + 1, " \t");
		v += strcspn(v, ";");
	}
	return NULL;
}

static bool
is_tcp(const char *v)
{
	return v && strncmp(v, "tcp", 3) == 0 && strchr("; \t", v[3]);
}

static int
stafd_item(void *ctx, const struct ini_item *it)
{
	struct stafd_parser *p = ctx;
	char *value;
	int r;

	if (it->key == NULL || it->section == NULL ||
	    strcmp(it->section, "Controllers") != 0 ||
	    strcmp(it->key, "controller") != 0)
		return 0;	/* stafd's own settings: not stacd's */
	/* stafd's default port for tcp is the discovery port. */
	if ((value = malloc(ENTRY_MAX)) == NULL)
		return p->err = -ENOMEM;
	snprintf(value, ENTRY_MAX, "%s", it->value);
	if (!key_value(value, "nqn") && !key_value(value, "subsysnqn") &&
	    !append(value, ENTRY_MAX, "nqn", DISCOVERY_NQN))
		value[0] = '\0';
	if (is_tcp(key_value(value, "transport")) &&
	    !key_value(value, "trsvcid") && !append(value, ENTRY_MAX,
	    "trsvcid", "8009"))
		value[0] = '\0';
	if (value[0] == '\0')
		log_warnx("%s:%u: [Controllers] controller: too long, "
		    "skipped", it->fname, it->line);
	else if ((r = fabconf_add(p->f, value, it->fname, it->line, true,
	    "Controllers")) == -ENOMEM)
		p->err = r;
	free(value);
	return p->err;
}

int
fabconf_parse_stafd(struct fabconf *f, const char *buf, size_t len,
    const char *fname)
{
	struct stafd_parser p = { .f = f };
	unsigned bad;

	if (ini_parse(buf, len, fname, stafd_item, &p, &bad) != 0 &&
	    p.err == 0)
		p.err = -ENOMEM;
	return p.err;
}

/* Read one file; a missing one is no connections. */
static int
load_file(struct fabconf *f, const char *path, const struct file_scope *base,
    const struct host_conf *h, struct file_scope *scope)
{
	char *buf;
	size_t len;
	int r;

	if ((r = read_file(path, FABCONF_FILE_MAX, &buf, &len)) < 0) {
		if (r != -ENOENT)
			log_warnx("%s: %s", path, read_file_strerror(r));
		return parse_file(f, "", 0, path, base, h, scope);
	}
	r = parse_file(f, buf, len, path, base, h, scope);
	free(buf);
	return r;
}

/* discovery.conf or stafd.conf under root; a missing one names none. */
static int
load_dc_file(struct fabconf *f, const char *root, const char *name,
    const struct host_conf *h)
{
	char path[PATH_BUF], *buf;
	size_t len;
	int r;

	if (path_under(path, sizeof(path), root, "%s", name) < 0)
		return 0;
	if ((r = read_file(path, FABCONF_FILE_MAX, &buf, &len)) < 0) {
		if (r != -ENOENT)
			log_warnx("%s: %s", path, read_file_strerror(r));
		return 0;
	}
	r = strstr(name, "stafd") ? fabconf_parse_stafd(f, buf, len, path) :
	    fabconf_parse_discovery(f, buf, len, path, h);
	free(buf);
	return r;
}

int
fabconf_load(struct fabconf *f, const char *root, const struct host_conf *h,
    unsigned flags)
{
	char top[PATH_BUF], dir[PATH_BUF], path[PATH_BUF];
	char **names = calloc(FABCONF_FILES_MAX, sizeof(*names));
	struct file_scope main_scope;
	size_t n, i;
	int r;

	memset(&main_scope, 0, sizeof(main_scope));
	if (names == NULL)
		return -ENOMEM;
	if (path_under(top, sizeof(top), root, "/etc/nvme/nvme-fabrics.conf") ||
	    path_under(dir, sizeof(dir), root,
	    "/etc/nvme/nvme-fabrics.conf.d")) {
		free(names);
		return 0;
	}
	r = load_file(f, top, NULL, h, &main_scope);
	n = dropin_names(dir, names, FABCONF_FILES_MAX);
	for (i = 0; i < n; i++) {
		if (r == 0 && path_under(path, sizeof(path), dir, "/%s",
		    names[i]) == 0)
			r = load_file(f, path, &main_scope, h, NULL);
		free(names[i]);
	}
	free(names);
	scope_fini(&main_scope);
	if (r == 0 && !(flags & FABCONF_NO_DISCOVERY_CONF))
		r = load_dc_file(f, root, FABCONF_DISCOVERY_CONF, h);
	if (r == 0)
		r = load_dc_file(f, root, FABCONF_STAFD_CONF, h);
	return r;
}

/*
 * excl.c - the host-wide exclusion list of nvme-cli 3.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "excl.h"
#include "field.h"
#include "ini.h"
#include "log.h"

#define EXCL_FILE_MAX	(1u << 20)

enum excl_field {
	EF_TRANSPORT, EF_TRADDR, EF_TRSVCID, EF_NQN, EF_HOST_TRADDR,
	EF_HOST_IFACE, EF_HOSTNQN, EF_HOSTID, EF_COUNT
};

static const char *const field_names[EF_COUNT] = {
	"transport", "traddr", "trsvcid", "nqn", "host-traddr", "host-iface",
	"hostnqn", "hostid"
};

void
excl_init(struct excl_list *l)
{
	memset(l, 0, sizeof(*l));
}

void
excl_fini(struct excl_list *l)
{
	free(l->v);
	excl_init(l);
}

/* Where each field's value goes, and how long it may be. */
static char *
field_slot(struct excl_entry *e, int f, size_t *size)
{
	switch (f) {
	case EF_TRADDR:
		*size = sizeof(e->id.traddr);
		return e->id.traddr;
	case EF_TRSVCID:
		*size = sizeof(e->id.trsvcid);
		return e->id.trsvcid;
	case EF_NQN:
		*size = sizeof(e->id.subsysnqn);
		return e->id.subsysnqn;
	case EF_HOST_TRADDR:
		*size = sizeof(e->id.host_traddr);
		return e->id.host_traddr;
	case EF_HOST_IFACE:
		*size = sizeof(e->id.host_iface);
		return e->id.host_iface;
	case EF_HOSTNQN:
		*size = sizeof(e->id.host_nqn);
		return e->id.host_nqn;
	case EF_HOSTID:
		*size = sizeof(e->hostid);
		return e->hostid;
	default:
		*size = 0;
		return NULL;
	}
}

/* One "k=v;k=v" value; a problem makes the entry match nothing. */
static void
parse_entry(struct excl_entry *e, char *text, const char *where)
{
	char *tok, *save = NULL, *eq, *slot;
	size_t size;
	int f;

	for (tok = strtok_r(text, ";", &save); tok;
	    tok = strtok_r(NULL, ";", &save)) {
		tok = ini_trim(tok);
		if (*tok == '\0')
			continue;
		if ((eq = strchr(tok, '=')) == NULL) {
			log_warnx("%s: \"%s\" is not key=value: the entry "
			    "excludes nothing", where, log_redact(tok));
			e->never = true;
			continue;
		}
		*eq++ = '\0';
		tok = ini_trim(tok);
		eq = ini_trim(eq);
		for (f = 0; f < EF_COUNT; f++)
			if (strcmp(tok, field_names[f]) == 0)
				break;
		if (f == EF_COUNT) {
			log_warnx("%s: unknown key \"%s\": the entry excludes "
			    "nothing", where, log_redact(tok));
			e->never = true;
			continue;
		}
		e->fields |= 1u << f;
		if (f == EF_TRANSPORT) {
			if ((e->id.transport = trtype_from_name(eq)) ==
			    TRTYPE_NONE)
				e->never = true;	/* matches no transport */
			continue;
		}
		slot = field_slot(e, f, &size);
		if (strlen(eq) >= size) {
			log_warnx("%s: %s is too long: the entry excludes "
			    "nothing", where, tok);
			e->never = true;
			continue;
		}
		memcpy(slot, eq, strlen(eq) + 1);
	}
	if (e->fields == 0) {
		log_warnx("%s: an entry with no field excludes nothing", where);
		e->never = true;
	}
}

struct excl_parser {
	struct excl_list	*l;
	int			 err;
};

static int
excl_item(void *ctx, const struct ini_item *it)
{
	struct excl_parser *p = ctx;
	struct excl_list *l = p->l;
	struct excl_entry *v;
	char *text;

	if (it->key == NULL || strcmp(it->section, "exclusions") != 0 ||
	    strcmp(it->key, "exclusion") != 0)
		return 0;		/* only these count (nvme-cli-3.md) */
	if ((v = array_grow(l->v, &l->cap, l->n + 1, sizeof(*v))) == NULL ||
	    (text = strdup(it->value)) == NULL) {
		if (v)
			l->v = v;
		p->err = -ENOMEM;
		return -ENOMEM;
	}
	l->v = v;
	v = &l->v[l->n++];
	memset(v, 0, sizeof(*v));
	snprintf(v->origin, sizeof(v->origin), "%s:%u", it->fname, it->line);
	parse_entry(v, text, v->origin);
	free(text);
	return 0;
}

int
excl_parse(struct excl_list *l, const char *buf, size_t len,
    const char *fname)
{
	struct excl_parser p = { .l = l };
	unsigned bad;

	/* Lines that are not INI syntax are told; they exclude nothing. */
	if (ini_parse(buf, len, fname, excl_item, &p, &bad) != 0 && !p.err)
		p.err = -ENOMEM;
	return p.err;
}

/* ---- the files ---- */

/* stamp = a hash of what identifies each file's content. */
static void
stamp_file(uint64_t *stamp, const char *path)
{
	struct stat st;
	uint64_t v[4] = { 0, 0, 0, 0 };
	size_t i;

	if (stat(path, &st) == 0) {
		v[0] = (uint64_t)st.st_ino;
		v[1] = (uint64_t)st.st_size;
		v[2] = (uint64_t)st.st_mtim.tv_sec;
		v[3] = (uint64_t)st.st_mtim.tv_nsec;
	}
	for (; *path; path++)
		*stamp = (*stamp ^ (uint8_t)*path) * 1099511628211u;
	for (i = 0; i < 4; i++)
		*stamp = (*stamp ^ v[i]) * 1099511628211u;
}

static void
load_file(struct excl_list *l, const char *path)
{
	char *buf;
	size_t len;
	int r;

	if ((r = read_file(path, EXCL_FILE_MAX, &buf, &len)) < 0) {
		if (r != -ENOENT)
			log_warnx("%s: %s: nothing excluded by it", path,
			    read_file_strerror(r));
		return;
	}
	if (excl_parse(l, buf, len, path) < 0)
		log_err("%s: out of memory", path);
	free(buf);
}

bool
excl_refresh(struct excl_list *l, const char *root)
{
	char top[PATH_BUF], dir[PATH_BUF], path[PATH_BUF];
	char **names = calloc(EXCL_FILES_MAX, sizeof(*names));
	uint64_t stamp = 14695981039346656037u;
	struct excl_list fresh;
	size_t i, n;
	bool changed = false;

	if (names == NULL ||
	    path_under(top, sizeof(top), root, "/etc/nvme/exclusions.conf") ||
	    path_under(dir, sizeof(dir), root, "/etc/nvme/exclusions.conf.d")) {
		free(names);
		return false;
	}
	n = dropin_names(dir, names, EXCL_FILES_MAX);
	stamp_file(&stamp, top);
	for (i = 0; i < n; i++)
		if (path_under(path, sizeof(path), dir, "/%s", names[i]) == 0)
			stamp_file(&stamp, path);
	if (stamp != l->stamp) {
		excl_init(&fresh);
		load_file(&fresh, top);
		for (i = 0; i < n; i++)
			if (path_under(path, sizeof(path), dir, "/%s",
			    names[i]) == 0)
				load_file(&fresh, path);
		fresh.stamp = stamp;
		/* From nothing to nothing is no change. */
		changed = fresh.n || l->n;
		if (changed)
			log_info("exclusions.conf: %zu entries", fresh.n);
		excl_fini(l);
		*l = fresh;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return changed;
}

/* ---- matching ---- */

static bool
addr_equal(enum trtype t, const char *want, const char *have)
{
	if (t == TRTYPE_FC)
		return strcasecmp(want, have) == 0;
	return ip_equal(want, have) || strcmp(want, have) == 0;
}

static bool
entry_matches(const struct excl_entry *e, const struct ctrl_id *id,
    const char *hostnqn, const char *hostid)
{
	unsigned f = e->fields;

	if (e->never)
		return false;
	/* A field named that the controller lacks does not match. */
	if ((f & 1u << EF_TRANSPORT) && e->id.transport != id->transport)
		return false;
	if ((f & 1u << EF_TRADDR) && (!id->traddr[0] ||
	    !addr_equal(id->transport, e->id.traddr, id->traddr)))
		return false;
	if ((f & 1u << EF_TRSVCID) && (!id->trsvcid[0] ||
	    strcmp(e->id.trsvcid, id->trsvcid) != 0))
		return false;
	if ((f & 1u << EF_NQN) && strcmp(e->id.subsysnqn, id->subsysnqn) != 0)
		return false;
	if ((f & 1u << EF_HOST_TRADDR) && (!id->host_traddr[0] ||
	    !addr_equal(id->transport, e->id.host_traddr, id->host_traddr)))
		return false;
	if ((f & 1u << EF_HOST_IFACE) && (!id->host_iface[0] ||
	    strcmp(e->id.host_iface, id->host_iface) != 0))
		return false;
	if ((f & 1u << EF_HOSTNQN) && strcmp(e->id.host_nqn, hostnqn) != 0)
		return false;
	if ((f & 1u << EF_HOSTID) && strcasecmp(e->hostid, hostid) != 0)
		return false;
	return true;
}

const struct excl_entry *
excl_match(const struct excl_list *l, const struct ctrl_id *id,
    const char *hostnqn, const char *hostid)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (entry_matches(&l->v[i], id, hostnqn, hostid))
			return &l->v[i];
	return NULL;
}

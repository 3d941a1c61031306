/*
 * lkc.c - the last-known-config file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lkc.h"
#include "log.h"

#define TAG_LEN	11	/* "configured " and "discovered " */

char *
lkc_render(const struct recon *r)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	fputs("# stacd last-known-config: the controllers stacd connected or "
	    "adopted\n", f);
	for (i = 0; i < r->n; i++) {
		const struct tracked *t = &r->v[i];
		struct ctrl_id id;

		if (t->state != CS_LIVE && t->state != CS_DISCONNECTING)
			continue;
		fputs(t->discovered ? "discovered " : "configured ", f);
		rec_unpack_id(t->rec, &id);
		conf_print_id(f, &id);
		fputc('\n', f);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

size_t
lkc_parse(char *text, const char *fname, struct recon *r)
{
	struct ctrl_conf cc;
	char *line, *next;
	unsigned lineno = 0;
	size_t n = 0;

	for (line = text; line && *line; line = next) {
		bool discovered;

		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		discovered = strncmp(line, "discovered ", TAG_LEN) == 0;
		if (!discovered && strncmp(line, "configured ", TAG_LEN) != 0)
			continue;	/* comments, and anything unknown */
		/* Validated exactly like a controller= line of stacd.conf. */
		if (conf_parse_controller(line + TAG_LEN, fname, lineno, NULL,
		    &cc) == 0 && recon_seed_owned(r, &cc.id, discovered) == 0)
			n++;
	}
	return n;
}

int
lkc_write(const char *path, const char *text)
{
	char tmp[PATH_MAX + 8];
	size_t len = strlen(text);
	int fd, r = 0;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	/* rename() makes a crash leave the old file or the new, never half. */
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

/* mkdir -p, the last component private to root. */
static int
mkdir_p(char *path)
{
	char *p;

	for (p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	return mkdir(path, 0700) < 0 && errno != EEXIST ? -errno : 0;
}

/* mkdir -p of the directory path is in. */
static int
make_parent(const char *path)
{
	char dir[PATH_BUF];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return -EINVAL;
	*slash = '\0';
	return mkdir_p(dir);
}

int
lkc_locate(const char *root, const char *runtime_dir, char *path,
    size_t size)
{
	const char *rd = runtime_dir && *runtime_dir == '/' ? runtime_dir :
	    "/run/stacd";
	char dir[PATH_BUF];
	int r;

	/* systemd may pass several directories, separated by ':'. */
	if ((r = path_under(dir, sizeof(dir), root, "%.*s",
	    (int)strcspn(rd, ":"), rd)) < 0 ||
	    (r = path_under(path, size, dir, "/%s", LKC_FILE)) < 0)
		return r;
	return mkdir_p(dir);
}

void
lkc_load(struct lkc *l, const char *root, const char *runtime_dir,
    struct recon *r)
{
	char *buf;
	size_t len, n;
	int err;

	if ((err = lkc_locate(root, runtime_dir, l->path, sizeof(l->path))) < 0)
		log_warnx("cannot create the directory of %s: %s", l->path,
		    strerror(-err));
	if ((err = read_file(l->path, 64u << 20, &buf, &len)) < 0) {
		if (err != -ENOENT)
			log_warnx("%s: %s", l->path, read_file_strerror(err));
		return;
	}
	n = lkc_parse(buf, l->path, r);
	free(buf);
	if (n)
		log_info("%zu controller%s owned before the restart (%s)", n,
		    n == 1 ? "" : "s", l->path);
}

void
lkc_save(struct lkc *l, const struct recon *r)
{
	char *text = lkc_render(r);
	int err;

	if (text == NULL)
		return;
	if (l->written && strcmp(text, l->written) == 0) {
		free(text);
		return;
	}
	err = lkc_write(l->path, text);
	/* Its directory could not be made at start-up (or was removed). */
	if (err == -ENOENT && make_parent(l->path) == 0)
		err = lkc_write(l->path, text);
	if (err < 0) {
		if (!l->failing)
			log_warnx("cannot save %s: %s; trying again at every "
			    "pass (until then a restart forgets which "
			    "connections are stacd's)", l->path, strerror(-err));
		l->failing = true;
		free(text);
		return;
	}
	if (l->failing)
		log_info("saved %s", l->path);
	l->failing = false;
	free(l->written);
	l->written = text;
}

void
lkc_fini(struct lkc *l)
{
	free(l->written);
	l->written = NULL;
}

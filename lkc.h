/*
 * lkc.h - the last-known-config: which live connections stacd owns, kept
 * across restarts (not reboots) in its runtime directory.
 *
 * Our own text format, one controller a line, identities only (never a
 * secret or tunable), each tagged with where it came from:
 *	configured transport=tcp;traddr=...;trsvcid=...;nqn=...;host-nqn=...
 *	discovered transport=tcp;...
 */
#ifndef STACD_LKC_H
#define STACD_LKC_H

#include <stdbool.h>
#include <stddef.h>

#include "reconcile.h"
#include "util.h"

#define LKC_FILE	"last-known-config"

/* The daemon's state file: where it is and what it holds. */
struct lkc {
	char		 path[PATH_BUF];
	char		*written;	/* the text the file holds, or NULL */
	bool		 failing;	/* the last write failed (said once) */
};

/*
 * lkc_load - locate the file (lkc_locate()) and seed r with the
 * identities it lists: what stacd owned before a restart.  Problems are
 * logged; none is fatal.
 */
void	 lkc_load(struct lkc *l, const char *root, const char *runtime_dir,
	    struct recon *r);

/*
 * lkc_save - write what r owns when it changed since the last good write,
 * or when that write failed: every pass tries again.  A failure is said
 * once, and so is the recovery (a read-only /run is not fatal, but a
 * restart then forgets which connections are stacd's).
 */
void	 lkc_save(struct lkc *l, const struct recon *r);

void	 lkc_fini(struct lkc *l);

/* The file's text for what r owns now (free it), or NULL on ENOMEM. */
char	*lkc_render(const struct recon *r);

/*
 * lkc_parse - seed r with the owned identities of an LKC text; bad lines
 * are reported as fname:line and skipped.
 * Return: the number of identities seeded.
 */
size_t	 lkc_parse(char *text, const char *fname, struct recon *r);

/*
 * lkc_write - replace path with text atomically, mode 0600.
 * Return: 0, or -errno.
 */
int	 lkc_write(const char *path, const char *text);

/*
 * lkc_locate - the LKC file path under root in runtime_dir (systemd's
 * $RUNTIME_DIRECTORY, or /run/stacd when NULL), creating the directory.
 * Return: 0, or -errno (the path is set all the same).
 */
int	 lkc_locate(const char *root, const char *runtime_dir, char *path,
	    size_t size);

#endif

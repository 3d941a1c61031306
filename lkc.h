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

#include <stddef.h>

#include "reconcile.h"

#define LKC_FILE	"last-known-config"

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

/*
 * ini.h - the INI lexer shared by stacd.conf, sys.conf and the nvme-cli
 * files: it hands every (section, key, value) to a callback with the
 * file name and line for messages.
 */
#ifndef STACD_INI_H
#define STACD_INI_H

#include <stddef.h>

#define INI_LINE_MAX	8192		/* longer lines are refused */

struct ini_item {
	const char	*fname;
	unsigned	 line;
	const char	*section;	/* NULL before the first header */
	const char	*key;		/* NULL for a section header item */
	const char	*value;
};

typedef int (*ini_fn)(void *ctx, const struct ini_item *it);

/*
 * ini_parse - feed each item of buf to fn.  Lines with a NUL byte or of
 * more than INI_LINE_MAX bytes are refused with a warning.
 * *bad gets the number of lines that are not INI syntax (each told).
 * Return: 0, or the first non-zero value fn returned.
 */
int	ini_parse(const char *buf, size_t len, const char *fname, ini_fn fn,
	    void *ctx, unsigned *bad);

/* s without its leading and trailing blanks (in place). */
char	*ini_trim(char *s);

#endif

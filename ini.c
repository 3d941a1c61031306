/*
 * ini.c - the INI dialect of nvme-stas and nvme-cli files: lines to
 * (section, key, value, line) items.  Continuation lines, comments,
 * CRLF; lines that are not INI syntax are told and counted.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"
#include "log.h"

struct ini_lexer {
	const char	*fname;
	char		 section[INI_LINE_MAX];
	bool		 in_section;
	char		 cont_key[INI_LINE_MAX];	/* key being continued */
	size_t		 cont_indent;
	bool		 cont_active;
	unsigned	 bad_lines;	/* not INI syntax at all */
};

char *
ini_trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\f' || *s == '\v')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r' || end[-1] == '\f' || end[-1] == '\v'))
		*--end = '\0';
	return s;
}

static int
ini_section_line(struct ini_lexer *lx, char *content, unsigned line,
    ini_fn fn, void *ctx)
{
	struct ini_item it = { .fname = lx->fname, .line = line };
	char *close = strrchr(content, ']');
	char *name;

	if (close == NULL || close == content + 1) {
		/* Its keys are ignored too: they belong to no known section. */
		log_warnx("%s:%u: malformed section header \"%s\", the "
		    "lines up to the next section are ignored", lx->fname,
		    line, log_redact(content));
		lx->bad_lines++;
		lx->section[0] = '\0';
		lx->in_section = true;
		return 0;
	}
	if (close[1] != '\0')
		log_warnx("%s:%u: text after \"]\" ignored: \"%s\"",
		    lx->fname, line, log_redact(close + 1));
	*close = '\0';
	name = content + 1;
	snprintf(lx->section, sizeof(lx->section), "%s", name);
	lx->in_section = true;
	it.section = lx->section;
	return fn(ctx, &it);
}

static int
ini_key_line(struct ini_lexer *lx, char *content, size_t indent,
    unsigned line, ini_fn fn, void *ctx)
{
	struct ini_item it = { .fname = lx->fname, .line = line };
	char *eq = strchr(content, '=');
	char *key, *p;

	if (eq == NULL) {
		log_warnx("%s:%u: no \"=\" in \"%s\", line ignored",
		    lx->fname, line, log_redact(content));
		lx->bad_lines++;
		return 0;
	}
	*eq = '\0';
	key = ini_trim(content);
	if (*key == '\0') {
		log_warnx("%s:%u: empty key, line ignored", lx->fname, line);
		lx->bad_lines++;
		return 0;
	}
	if (!lx->in_section) {
		log_warnx("%s:%u: \"%s\" is outside any [section], ignored",
		    lx->fname, line, log_redact(key));
		lx->bad_lines++;
		return 0;
	}
	for (p = key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	snprintf(lx->cont_key, sizeof(lx->cont_key), "%s", key);
	lx->cont_indent = indent;
	lx->cont_active = true;
	it.section = lx->section;
	it.key = key;
	it.value = ini_trim(eq + 1);
	return fn(ctx, &it);
}

static int
ini_line(struct ini_lexer *lx, char *text, unsigned line, ini_fn fn,
    void *ctx)
{
	struct ini_item it = { .fname = lx->fname, .line = line,
	    .section = lx->section };
	size_t indent = strspn(text, " \t");
	char *content = ini_trim(text);

	if (*content == '\0' || *content == '#' || *content == ';')
		return 0;	/* blank lines and comments keep a continuation */
	if (indent > 0 && lx->cont_active && indent > lx->cont_indent) {
		it.key = lx->cont_key;
		it.value = content;
		return fn(ctx, &it);
	}
	lx->cont_active = false;
	if (*content == '[')
		return ini_section_line(lx, content, line, fn, ctx);
	return ini_key_line(lx, content, indent, line, fn, ctx);
}

int
ini_parse(const char *buf, size_t len, const char *fname, ini_fn fn,
    void *ctx, unsigned *bad)
{
	struct ini_lexer *lx;
	char *text;
	size_t pos = 0;
	unsigned line = 0;
	int r = 0;

	lx = calloc(1, sizeof(*lx));
	text = malloc(INI_LINE_MAX + 1);
	if (lx == NULL || text == NULL) {
		r = -ENOMEM;
		goto out;
	}
	lx->fname = fname;
	while (pos < len && r == 0) {
		const char *start = buf + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;

		pos += n + (nl != NULL);
		line++;
		if (n > INI_LINE_MAX) {
			log_warnx("%s:%u: line too long (%zu bytes, max %d), "
			    "ignored", fname, line, n, INI_LINE_MAX);
			lx->cont_active = false;
			lx->bad_lines++;
			continue;
		}
		if (memchr(start, '\0', n) != NULL) {
			log_warnx("%s:%u: line contains a NUL byte, ignored",
			    fname, line);
			lx->cont_active = false;
			lx->bad_lines++;
			continue;
		}
		memcpy(text, start, n);
		text[n] = '\0';
		r = ini_line(lx, text, line, fn, ctx);
	}
out:
	*bad = lx ? lx->bad_lines : 0;
	free(text);
	free(lx);
	return r;
}

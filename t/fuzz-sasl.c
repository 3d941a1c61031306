/*
 * t/fuzz-sasl.c - bus_sasl_reply(), the bus's answer to AUTH EXTERNAL,
 * on arbitrary bytes.
 *
 * The result is known from the bytes alone, so every input is checked
 * against it, abort()ing on any difference:
 *	0	the first line (up to the first '\n', within 512 bytes) is
 *		"OK " and a GUID of at least one byte; *used is its length
 *	1	no '\n' yet and fewer than 512 bytes: wait for more
 *	-EPROTO	512 bytes and no '\n' among them
 *	-EACCES	a complete first line that is anything else
 * *used is left alone unless the result is 0.  The answer must also not
 * depend on how the bytes arrive: a prefix that stops short of the '\n'
 * waits (or fails with -EPROTO), and the prefix that ends on it decides
 * as the whole input does.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"

#define SASL_LINE	512	/* bus.h: "no line within 512 bytes" */
#define UNSET		((size_t)-1)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The result the bytes call for, and the line length when it is 0. */
static int
expected(const uint8_t *buf, size_t len, size_t *line)
{
	const uint8_t *nl = memchr(buf, '\n', len < SASL_LINE ? len :
	    SASL_LINE);

	if (nl == NULL)
		return len >= SASL_LINE ? -EPROTO : 1;
	*line = (size_t)(nl - buf) + 1;
	/* "OK ", a GUID of one byte or more, then the newline. */
	if (*line < 5 || memcmp(buf, "OK ", 3) != 0)
		return -EACCES;
	return 0;
}

static int
check(const uint8_t *buf, size_t len, size_t *usedp)
{
	size_t used = UNSET, line = UNSET;
	int want = expected(buf, len, &line);
	int r = bus_sasl_reply(buf, len, &used);

	if (r != want)
		abort();
	switch (r) {
	case 0:
		if (used != line || used > len || used > SASL_LINE ||
		    buf[used - 1] != '\n' || memcmp(buf, "OK ", 3) != 0 ||
		    memchr(buf, '\n', used - 1) != NULL)
			abort();
		break;
	case 1:
		if (used != UNSET || len >= SASL_LINE ||
		    memchr(buf, '\n', len) != NULL)
			abort();
		break;
	case -EPROTO:
	case -EACCES:
		if (used != UNSET)
			abort();
		break;
	default:
		abort();
	}
	*usedp = used;
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl;
	size_t lim = size < SASL_LINE ? size : SASL_LINE, used, used2;
	int r = check(data, size, &used);

	if ((nl = memchr(data, '\n', lim)) == NULL)
		return 0;
	/* Up to the newline: not decided yet; with it: decided for good. */
	if (check(data, (size_t)(nl - data), &used2) != 1 ||
	    check(data, (size_t)(nl - data) + 1, &used2) != r || used2 != used)
		abort();
	return 0;
}

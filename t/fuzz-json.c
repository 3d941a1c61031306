/*
 * t/fuzz-json.c - the JSON reader on arbitrary bytes.
 * Invariant: whatever parses is written back by the writer, and that
 * text parses to an equal tree and writes back to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The writer's text for a tree; abort() if it cannot write it. */
static char *
dump(const struct json_node *n, size_t *len)
{
	struct jw w;
	char *out;

	jw_init(&w);
	jw_node(&w, n);
	if (jw_finish(&w, &out, len) != 0)
		abort();
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_doc a, b;
	char *t1, *t2;
	size_t n1, n2;

	if (json_parse((const char *)data, size, &a, NULL) != 0)
		return 0;
	t1 = dump(json_root(&a), &n1);
	/* Escapes and ", " make the text longer; past the limit, stop. */
	if (n1 <= JSON_INPUT_MAX) {
		if (json_parse(t1, n1, &b, NULL) != 0 ||
		    !json_equal(json_root(&a), json_root(&b)))
			abort();
		t2 = dump(json_root(&b), &n2);
		if (n1 != n2 || memcmp(t1, t2, n1) != 0)
			abort();
		free(t2);
		json_fini(&b);
	}
	free(t1);
	json_fini(&a);
	return 0;
}

/*
 * t/fuzz-conf.c - stacd.conf and sys.conf parsers on arbitrary bytes.
 * Invariant: whatever parses prints, and the printout parses to the same
 * printout (the --check round trip).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"

static char *
print_conf(const struct conf *c, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (f == NULL)
		abort();
	conf_print(f, c, true);
	fclose(f);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf a, b;
	struct host_conf h;
	char *p1, *p2;
	size_t n1, n2;

	log_init(LOG_DISCARD);
	conf_init(&a);
	if (conf_parse(&a, (const char *)data, size, "fuzz") != 0)
		abort();
	p1 = print_conf(&a, &n1);
	conf_init(&b);
	if (conf_parse(&b, p1, n1, "fuzz-again") != 0)
		abort();
	p2 = print_conf(&b, &n2);
	if (n1 != n2 || memcmp(p1, p2, n1) != 0)
		abort();
	free(p1);
	free(p2);
	conf_fini(&a);
	conf_fini(&b);
	(void)host_parse(&h, (const char *)data, size, "fuzz",
	    "/nonexistent-fuzz-root");
	return 0;
}

/*
 * t/mknbft.c - write a binary NBFT made from a text description (see
 * t/nbft-gen.h) to stdout:
 *
 *	build/mknbft [FILE] > NBFT.bin
 *	qemu-system-x86_64 ... -acpitable file=NBFT.bin
 *
 * FILE defaults to stdin.  Exit status: 0, 1 on a bad description, 2 on
 * a usage or I/O error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nbft-gen.h"

#define DESC_MAX	(1u << 20)

static int
read_all(FILE *f, char **buf, size_t *len)
{
	char *b = malloc(DESC_MAX + 1);
	size_t n;

	if (b == NULL)
		return -ENOMEM;
	n = fread(b, 1, DESC_MAX + 1, f);
	if (ferror(f) || n > DESC_MAX) {
		free(b);
		return ferror(f) ? -EIO : -EFBIG;
	}
	*buf = b;
	*len = n;
	return 0;
}

int
main(int argc, char **argv)
{
	FILE *in = stdin;
	uint8_t *table;
	size_t len, table_len;
	char *text, err[512];
	int r;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1])) {
		fprintf(stderr, "usage: mknbft [FILE] > NBFT.bin\n");
		return 2;
	}
	if (argc == 2 && strcmp(argv[1], "-") != 0 &&
	    (in = fopen(argv[1], "r")) == NULL) {
		perror(argv[1]);
		return 2;
	}
	r = read_all(in, &text, &len);
	if (in != stdin)
		fclose(in);
	if (r < 0) {
		fprintf(stderr, "mknbft: %s\n", strerror(-r));
		return 2;
	}
	r = nbft_gen(text, len, &table, &table_len, err, sizeof(err));
	free(text);
	if (r < 0) {
		fprintf(stderr, "mknbft: %s\n", r == -EINVAL ? err :
		    strerror(-r));
		return 1;
	}
	if (err[0])
		fprintf(stderr, "mknbft: warning: %s\n", err);
	if (isatty(STDOUT_FILENO)) {
		fprintf(stderr, "mknbft: not writing a binary table to a "
		    "terminal\n");
		free(table);
		return 2;
	}
	if (fwrite(table, 1, table_len, stdout) != table_len ||
	    fflush(stdout) != 0) {
		perror("mknbft: stdout");
		free(table);
		return 2;
	}
	free(table);
	return 0;
}

/*
 * t/fuzz-main.c - run a libFuzzer target without libFuzzer.
 *
 * make check links every t/fuzz-*.c with this file under ASan+UBSan and
 * feeds it each file named on the command line (the saved corpus in
 * t/corpus/NAME/), so crashes found once stay fixed.  `make fuzz`
 * builds the same targets with clang's real libFuzzer instead.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long size;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		perror(path);
		if (f)
			fclose(f);
		return -1;
	}
	/* malloc(0) may return NULL; the target must still see a valid pointer. */
	buf = malloc(size ? (size_t)size : 1);
	if (buf == NULL || fread(buf, 1, (size_t)size, f) != (size_t)size) {
		perror(path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)size);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	int i, bad = 0;

	for (i = 1; i < argc; i++)
		if (replay(argv[i]) < 0)
			bad++;
	printf("%d inputs replayed, %d unreadable\n", argc - 1 - bad, bad);
	return bad ? 1 : 0;
}

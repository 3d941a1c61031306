/*
 * t/test-util.c - the shared helpers: paths under the root that do not
 * fit are refused (never opened cut short), arrays grow or say no, and
 * only regular files (and /dev/null) are read.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "test.h"

static void
paths_under_the_root(void)
{
	char buf[32], longroot[64];

	CHECK_INT(path_under(buf, sizeof(buf), "", "/dev/%s", "nvme-fabrics"),
	    0);
	CHECK_STR(buf, "/dev/nvme-fabrics");
	CHECK_INT(path_under(buf, sizeof(buf), "/t", "/sys/class/nvme/%s",
	    "nvme1"), 0);
	CHECK_STR(buf, "/t/sys/class/nvme/nvme1");
	/* 31 characters fit in 32 bytes, 32 do not */
	CHECK_INT(path_under(buf, sizeof(buf), "/r", "/%028d", 0), 0);
	CHECK_INT(strlen(buf), 31);
	CHECK_INT(path_under(buf, sizeof(buf), "/r", "/%029d", 0),
	    -ENAMETOOLONG);
	CHECK_STR(buf, "");
	memset(longroot, 'x', sizeof(longroot) - 1);
	longroot[sizeof(longroot) - 1] = '\0';
	CHECK_INT(path_under(buf, sizeof(buf), longroot, "/a"), -ENAMETOOLONG);
	CHECK_STR(buf, "");
}

static void
arrays_grow(void)
{
	size_t cap = 0;
	int *v = NULL, *p;
	int i;

	for (i = 0; i < 1000; i++) {
		p = array_grow(v, &cap, (size_t)i + 1, sizeof(*v));
		CHECK(p != NULL);
		if (p == NULL)
			break;
		v = p;
		v[i] = i;
	}
	CHECK(cap >= 1000 && cap < 2048);
	CHECK_INT(v[999], 999);
	/* A size that overflows is refused; the array stays as it was. */
	CHECK(array_grow(v, &cap, SIZE_MAX / 2, sizeof(*v)) == NULL);
	CHECK(cap >= 1000 && cap < 2048);
	CHECK_INT(v[500], 500);
	free(v);
}

static void
only_regular_files(void)
{
	char dir[] = "/tmp/stacd-util-XXXXXX", path[256], *buf;
	size_t len;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/f", dir);
	f = fopen(path, "w");
	fputs("hello\n", f);
	fclose(f);
	CHECK_INT(read_file(path, 100, &buf, &len), 0);
	CHECK_INT(len, 6);
	free(buf);
	CHECK_INT(read_file(path, 3, &buf, &len), -EFBIG);
	CHECK_INT(read_file(dir, 100, &buf, &len), -EISDIR);
	CHECK_INT(read_file("/dev/null", 100, &buf, &len), 0);
	CHECK_INT(len, 0);
	free(buf);
	unlink(path);
	CHECK_INT(mkfifo(path, 0600), 0);
	CHECK_INT(read_file(path, 100, &buf, &len), -EINVAL);
	CHECK_STR(read_file_strerror(-EINVAL), "not a regular file");
	CHECK_INT(read_file("/dev/zero", 100, &buf, &len), -EINVAL);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	TEST(paths_under_the_root);
	TEST(arrays_grow);
	TEST(only_regular_files);
	return TEST_EXIT();
}

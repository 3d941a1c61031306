/*
 * util.c - whole-file reads, root-prefixed paths and growable arrays,
 * written once.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

int
read_file(const char *path, size_t max, char **bufp, size_t *lenp)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, r = 0;

	/* O_NONBLOCK: opening a FIFO must not wait for its writer. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		goto out;
	}
	if (!S_ISREG(st.st_mode) && !(S_ISCHR(st.st_mode) &&
	    st.st_rdev == makedev(1, 3))) {	/* /dev/null */
		r = -EINVAL;
		goto out;
	}
	if ((buf = malloc(max + 1)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	while ((n = read(fd, buf + len, max + 1 - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto out;
		}
		len += (size_t)n;
		if (len > max) {
			r = -EFBIG;
			goto out;
		}
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return r;
}

const char *
read_file_strerror(int err)
{
	return err == -EINVAL ? "not a regular file" : strerror(-err);
}

int
path_under(char *buf, size_t size, const char *root, const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(root);
	int r;

	if (n >= size)
		goto toolong;
	memcpy(buf, root, n);
	va_start(ap, fmt);
	r = vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
	if (r >= 0 && (size_t)r < size - n)
		return 0;
toolong:
	if (size)
		buf[0] = '\0';
	return -ENAMETOOLONG;
}

void *
array_grow(void *v, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return v;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return NULL;
		ncap *= 2;
	}
	if (elem && ncap > SIZE_MAX / elem)
		return NULL;
	if ((p = realloc(v, ncap * elem)) == NULL)
		return NULL;
	*cap = ncap;
	return p;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t
dropin_names(const char *dir, char **names, size_t max)
{
	struct dirent *de;
	size_t n = 0, len;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d)) != NULL && n < max) {
		len = strlen(de->d_name);
		if (len > 5 && de->d_name[0] != '.' &&
		    strcmp(de->d_name + len - 5, ".conf") == 0 &&
		    (names[n] = strdup(de->d_name)) != NULL)
			n++;
	}
	if (d)
		closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	return n;
}

uint32_t
fnv1a_field(uint32_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return (h ^ 0xff) * 16777619u;
}

uint64_t
le_uint(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

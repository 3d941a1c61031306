/*
 * util.h - the small things every module does the same way: read a
 * whole file, build a path under the --root prefix, grow an array.
 */
#ifndef STACD_UTIL_H
#define STACD_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define PATH_BUF	4096	/* any path stacd builds */

/*
 * read_file - read a whole (small) regular file into a NUL-terminated
 * buffer.  Anything else is refused before a byte is read: a FIFO or a
 * terminal would block the daemon's loop.  /dev/null reads as empty.
 * Return: 0 with *buf (free it) and *len, or -errno; -EFBIG over max,
 * -EISDIR, -EINVAL when it is not a regular file.
 */
int	read_file(const char *path, size_t max, char **buf, size_t *len);

/* read_file()'s error as text: "not a regular file" for -EINVAL. */
const char *read_file_strerror(int err);

/*
 * path_under - root ("" for the real system) followed by the formatted
 * rest, in buf.
 * Return: 0, or -ENAMETOOLONG (buf is then "", so nothing is opened).
 */
int	path_under(char *buf, size_t size, const char *root, const char *fmt,
	    ...) __attribute__((format(printf, 4, 5)));

/*
 * array_grow - room for need elements of elem bytes in v, whose capacity
 * is *cap (doubled as needed, from 16).
 * Return: the array (perhaps moved; *cap updated), or NULL when out of
 * memory or the size would overflow (v is then unchanged).
 */
void	*array_grow(void *v, size_t *cap, size_t need, size_t elem);

/*
 * dropin_names - the names of the *.conf files of dir (not hidden ones),
 * sorted, at most max, in names (free each).  Return: how many; 0 when
 * dir cannot be read.
 */
size_t	dropin_names(const char *dir, char **names, size_t max);

/*
 * fnv1a_field - FNV-1a over the string s (NULL hashes as ""), then a
 * separator byte, on from h (FNV1A_SEED to start): a key over several
 * fields in which "ab","c" and "a","bc" differ.
 */
#define FNV1A_SEED	2166136261u
uint32_t fnv1a_field(uint32_t h, const char *s);

/* The n (at most 8) bytes at p as a little-endian number (wire formats). */
uint64_t le_uint(const uint8_t *p, size_t n);

#endif

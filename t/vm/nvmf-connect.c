/*
 * nvmf-connect.c - create one NVMe-oF controller "behind stacd's back".
 *
 * usage: nvmf-connect OPTION-STRING
 *
 * Opens /dev/nvme-fabrics, writes OPTION-STRING in a single write() (the
 * kernel does not gather partial writes) and reads the reply from the same
 * fd, which is the only place the new instance number can be learned.
 * Prints "instance=N,cntlid=M" and exits 0.  On failure prints
 * "nvmf-connect: write: <strerror> (errno=N NAME)" to stderr and exits 1,
 * so scenario scripts can match the symbolic NAME: strerror() texts differ
 * between musl and glibc.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* O_CLOEXEC, EKEYREJECTED under -std=c11 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define FABRICS_DEV	"/dev/nvme-fabrics"

static const char *
errno_name(int err)
{
	/* Only what a connect can plausibly return. */
	switch (err) {
	case EALREADY:		return "EALREADY";
	case EIO:		return "EIO";
	case ECONNREFUSED:	return "ECONNREFUSED";
	case ECONNRESET:	return "ECONNRESET";
	case EINVAL:		return "EINVAL";
	case ENOMEM:		return "ENOMEM";
	case ETIMEDOUT:		return "ETIMEDOUT";
	case EHOSTUNREACH:	return "EHOSTUNREACH";
	case ENETUNREACH:	return "ENETUNREACH";
	case EADDRNOTAVAIL:	return "EADDRNOTAVAIL";
	case EPROTONOSUPPORT:	return "EPROTONOSUPPORT";
	case ENODEV:		return "ENODEV";
	case ENOENT:		return "ENOENT";
	case EBUSY:		return "EBUSY";
	case EPERM:		return "EPERM";
	case EACCES:		return "EACCES";
	case EAGAIN:		return "EAGAIN";
	case EINTR:		return "EINTR";
	case EKEYREJECTED:	return "EKEYREJECTED";
	default:		return "?";
	}
}

static int
fail(const char *what, int err)
{
	fprintf(stderr, "nvmf-connect: %s: %s (errno=%d %s)\n",
	    what, strerror(err), err, errno_name(err));
	return 1;
}

int
main(int argc, char **argv)
{
	char reply[256];
	size_t len;
	ssize_t n;
	int fd;

	if (argc != 2 || argv[1][0] == '\0') {
		fprintf(stderr, "usage: nvmf-connect OPTION-STRING\n");
		return 2;
	}
	fd = open(FABRICS_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fail("open " FABRICS_DEV, errno);

	len = strlen(argv[1]);
	n = write(fd, argv[1], len);
	if (n < 0 || (size_t)n != len) {
		int err = n < 0 ? errno : EIO;

		close(fd);
		return fail("write", err);
	}
	/* The write does not move the file position: read from offset 0. */
	n = read(fd, reply, sizeof(reply) - 1);
	if (n < 0) {
		int err = errno;

		close(fd);
		return fail("read", err);
	}
	close(fd);	/* the controller outlives the fd */
	reply[n] = '\0';
	reply[strcspn(reply, "\n")] = '\0';
	printf("%s\n", reply);
	return 0;
}

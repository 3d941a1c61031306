/*
 * registry.c - entries of the ownership registry, made and removed.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "registry.h"
#include "util.h"

#define REGISTRY_DIR	"/run/nvme/registry"

/* dev must be a controller name: it becomes a path component. */
static bool
dev_ok(const char *dev)
{
	size_t i;

	if (strncmp(dev, "nvme", 4) != 0 || dev[4] == '\0' || strlen(dev) > 31)
		return false;
	for (i = 4; dev[i]; i++)
		if (dev[i] < '0' || dev[i] > '9')
			return false;
	return true;
}

/* The first line of a small file, without its newline. */
static int
read_line(const char *path, char *out, size_t size)
{
	char *buf;
	size_t len;
	int r;

	if ((r = read_file(path, 4096, &buf, &len)) < 0)
		return r;
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(out, size, "%s", buf);
	free(buf);
	return 0;
}

int
registry_owner(const char *root, const char *dev, char *owner, size_t size)
{
	char path[PATH_BUF];
	int r;

	owner[0] = '\0';
	if (!dev_ok(dev))
		return -EINVAL;
	if ((r = path_under(path, sizeof(path), root, REGISTRY_DIR "/%s/owner",
	    dev)) < 0)
		return r;
	return read_line(path, owner, size);
}

static int
write_text(const char *dir, const char *name, const char *text)
{
	char path[PATH_BUF];
	size_t len = strlen(text);
	int fd, r = 0;

	if ((r = path_under(path, sizeof(path), dir, "/%s", name)) < 0)
		return r;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

/* mkdir -p of ROOT/run/nvme/registry, 0755 as the registry says. */
static int
make_registry(const char *root, char *dir, size_t size)
{
	static const char *const parts[] = { "/run", "/run/nvme",
	    REGISTRY_DIR };
	struct stat st;
	size_t i;
	int r;

	/* Made already, nearly always: one stat, not three mkdirs. */
	if ((r = path_under(dir, size, root, "%s", REGISTRY_DIR)) < 0)
		return r;
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if ((r = path_under(dir, size, root, "%s", parts[i])) < 0)
			return r;
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	return 0;
}

/* Remove an entry directory: its two files, then itself. */
static int
remove_entry(const char *dir)
{
	char path[PATH_BUF];

	if (path_under(path, sizeof(path), dir, "/owner") == 0)
		unlink(path);
	if (path_under(path, sizeof(path), dir, "/seqnum") == 0)
		unlink(path);
	return rmdir(dir) < 0 && errno != ENOENT ? -errno : 0;
}

int
registry_claim(const char *root, const char *dev, const char *as)
{
	char reg[PATH_BUF], tmp[PATH_BUF], entry[PATH_BUF], seq[32] = "0";
	char owner[REGISTRY_OWNER_MAX + 1], path[PATH_BUF];
	int r;

	if (!dev_ok(dev))
		return -EINVAL;
	if ((r = registry_owner(root, dev, owner, sizeof(owner))) == 0)
		return strcmp(owner, as) == 0 ? 0 : -EBUSY;
	if (r != -ENOENT)
		return r;
	if ((r = make_registry(root, reg, sizeof(reg))) < 0 ||
	    (r = path_under(tmp, sizeof(tmp), reg, "/.%s.XXXXXX", dev)) < 0 ||
	    (r = path_under(entry, sizeof(entry), reg, "/%s", dev)) < 0)
		return r;
	if (mkdtemp(tmp) == NULL)
		return -errno;
	chmod(tmp, 0755);
	if (path_under(path, sizeof(path), root, "/sys/kernel/uevent_seqnum")
	    == 0)
		read_line(path, seq, sizeof(seq));
	strncat(seq, "\n", sizeof(seq) - strlen(seq) - 1);
	snprintf(owner, sizeof(owner), "%s\n", as);
	if ((r = write_text(tmp, "owner", owner)) < 0 ||
	    (r = write_text(tmp, "seqnum", seq)) < 0)
		goto fail;
	if (rename(tmp, entry) == 0)
		return 0;
	/* Somebody was faster: theirs it is, unless it is ours. */
	r = errno == EEXIST || errno == ENOTEMPTY ? -EBUSY : -errno;
	if (r == -EBUSY && registry_owner(root, dev, owner, sizeof(owner)) ==
	    0 && strcmp(owner, as) == 0)
		r = 0;
fail:
	remove_entry(tmp);
	return r;
}

int
registry_release(const char *root, const char *dev)
{
	char owner[REGISTRY_OWNER_MAX + 1], entry[PATH_BUF];
	int r;

	if ((r = registry_owner(root, dev, owner, sizeof(owner))) < 0)
		return r == -ENOENT ? 0 : r;
	if (strcmp(owner, REGISTRY_OWNER) != 0)
		return 0;
	if ((r = path_under(entry, sizeof(entry), root, REGISTRY_DIR "/%s",
	    dev)) < 0)
		return r;
	return remove_entry(entry);
}

int
registry_forget(const char *root, const char *dev, unsigned long long seqnum)
{
	char path[PATH_BUF], entry[PATH_BUF], seq[32];
	struct stat st;
	int r;

	if (!dev_ok(dev))
		return -EINVAL;
	if ((r = path_under(path, sizeof(path), root, "/dev/%s", dev)) < 0 ||
	    (r = path_under(entry, sizeof(entry), root, REGISTRY_DIR "/%s",
	    dev)) < 0)
		return r;
	if (stat(path, &st) == 0)
		return 0;		/* a new controller has the name */
	if (path_under(path, sizeof(path), entry, "/seqnum") < 0 ||
	    read_line(path, seq, sizeof(seq)) < 0)
		return 0;		/* no entry, or not one of the registry */
	if (strtoull(seq, NULL, 10) >= seqnum)
		return 0;		/* made after this removal */
	return remove_entry(entry);
}

const char *
registry_name(enum ctrl_origin origin)
{
	switch (origin) {
	case ORIGIN_NBFT:
		return REGISTRY_NBFT;
	case ORIGIN_CMDLINE:
		return REGISTRY_CMDLINE;
	case ORIGIN_CONF:
		break;
	}
	return REGISTRY_OWNER;
}

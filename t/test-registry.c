/*
 * t/test-registry.c - the ownership registry under a temporary root:
 * claims (atomic, with the kernel's uevent seqnum, never over another
 * owner's), releases of our own entries only, and the removal rule for
 * entries of controllers the kernel deleted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry.h"
#include "test.h"

static char root[] = "/tmp/stacd-registry-XXXXXX";

static void
put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void
get(const char *rel, char *buf, size_t size)
{
	char path[512];
	FILE *f;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	if ((f = fopen(path, "r")) != NULL) {
		n = fread(buf, 1, size - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
}

static mode_t
mode_of(const char *rel)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	return stat(path, &st) == 0 ? st.st_mode & 07777 : 0;
}

static void
claims_and_releases(void)
{
	char buf[64], owner[64];

	put("/sys/kernel/uevent_seqnum", "1234\n");
	CHECK_INT(registry_owner(root, "nvme3", owner, sizeof(owner)),
	    -ENOENT);
	CHECK_INT(registry_claim(root, "nvme3", REGISTRY_OWNER), 0);
	get("/run/nvme/registry/nvme3/owner", buf, sizeof(buf));
	CHECK_STR(buf, "stas\n");
	get("/run/nvme/registry/nvme3/seqnum", buf, sizeof(buf));
	CHECK_STR(buf, "1234\n");
	CHECK_INT(mode_of("/run/nvme/registry/nvme3"), 0755);
	CHECK_INT(mode_of("/run/nvme/registry/nvme3/owner"), 0644);
	CHECK_INT(registry_claim(root, "nvme3", REGISTRY_OWNER), 0);	/* ours already */
	CHECK_INT(registry_owner(root, "nvme3", owner, sizeof(owner)), 0);
	CHECK_STR(owner, "stas");
	CHECK_INT(registry_release(root, "nvme3"), 0);
	CHECK_INT(mode_of("/run/nvme/registry/nvme3"), 0);
	CHECK_INT(registry_release(root, "nvme3"), 0);	/* nothing left */
	/* no temporary directories left behind */
	snprintf(buf, sizeof(buf), "test -z \"$(ls -A %s/run/nvme/registry)\"",
	    root);
	CHECK_INT(system(buf), 0);
}

static void
another_owner_is_left_alone(void)
{
	char path[512], owner[64];

	snprintf(path, sizeof(path), "%s/run/nvme/registry/nvme4", root);
	CHECK_INT(mkdir(path, 0755), 0);
	put("/run/nvme/registry/nvme4/owner", "nbft\n");
	put("/run/nvme/registry/nvme4/seqnum", "77\n");
	CHECK_INT(registry_claim(root, "nvme4", REGISTRY_OWNER), -EBUSY);
	CHECK_INT(registry_owner(root, "nvme4", owner, sizeof(owner)), 0);
	CHECK_STR(owner, "nbft");
	CHECK_INT(registry_claim(root, "nvme4", REGISTRY_NBFT), 0);
	/* a boot controller is claimed for nbft */
	CHECK_INT(registry_claim(root, "nvme5", REGISTRY_NBFT), 0);
	CHECK_INT(registry_owner(root, "nvme5", owner, sizeof(owner)), 0);
	CHECK_STR(owner, "nbft");
	CHECK_INT(registry_claim(root, "nvme5", REGISTRY_OWNER), -EBUSY);
	CHECK_STR(registry_name(ORIGIN_CONF), "stas");
	CHECK_STR(registry_name(ORIGIN_NBFT), "nbft");
	CHECK_STR(registry_name(ORIGIN_CMDLINE), "rd.nvmf");
	CHECK_INT(registry_release(root, "nvme4"), 0);
	CHECK_INT(registry_owner(root, "nvme4", owner, sizeof(owner)), 0);
	CHECK_STR(owner, "nbft");
	/* names that are not controllers never become paths */
	CHECK_INT(registry_claim(root, "../nvme4", REGISTRY_OWNER), -EINVAL);
	CHECK_INT(registry_claim(root, "nvme4x", REGISTRY_OWNER), -EINVAL);
	CHECK_INT(registry_forget(root, "nvme", 1), -EINVAL);
}

/* libnvme's rule: gone from /dev, and the removal newer than the entry. */
static void
removed_controllers_are_forgotten(void)
{
	char path[512], owner[64];

	/* older removal event than the entry: a reused instance, kept */
	CHECK_INT(registry_forget(root, "nvme4", 76), 0);
	CHECK_INT(registry_owner(root, "nvme4", owner, sizeof(owner)), 0);
	/* the device node is back: kept */
	snprintf(path, sizeof(path), "%s/dev", root);
	mkdir(path, 0755);
	put("/dev/nvme4", "");
	CHECK_INT(registry_forget(root, "nvme4", 78), 0);
	CHECK_INT(registry_owner(root, "nvme4", owner, sizeof(owner)), 0);
	/* gone, and removed after the entry was made: forgotten */
	snprintf(path, sizeof(path), "%s/dev/nvme4", root);
	unlink(path);
	CHECK_INT(registry_forget(root, "nvme4", 78), 0);
	CHECK_INT(registry_owner(root, "nvme4", owner, sizeof(owner)),
	    -ENOENT);
	CHECK_INT(registry_forget(root, "nvme9", 78), 0);	/* none */
}

int
main(void)
{
	char path[512];

	CHECK(mkdtemp(root) != NULL);
	snprintf(path, sizeof(path), "%s/sys", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sys/kernel", root);
	mkdir(path, 0755);
	TEST(claims_and_releases);
	TEST(another_owner_is_left_alone);
	TEST(removed_controllers_are_forgotten);
	snprintf(path, sizeof(path), "rm -rf %s", root);
	CHECK_INT(system(path), 0);
	return TEST_EXIT();
}

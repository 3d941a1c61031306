/*
 * t/test-netlink.c - uevent parsing, the sender filter, and the real
 * NETLINK_KOBJECT_UEVENT socket.  The socket tests only ever unicast to
 * our own port, never to a multicast group; sending needs CAP_NET_ADMIN,
 * so unprivileged runs skip that part.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <unistd.h>

#include "netlink.h"
#include "test.h"

/* A datagram from a string literal that spells out its final "\0". */
struct dgram {
	const char	*buf;
	size_t		 len;
};
#define DGRAM(s)	{ s, sizeof(s) - 1 }

#define CTL0	"/devices/virtual/nvme-fabrics/ctl/nvme0"
#define TR_KEYS	"NVME_TRTYPE=tcp\0NVME_TRADDR=127.0.0.1\0NVME_TRSVCID=4420\0" \
		"NVME_HOST_TRADDR=none\0NVME_HOST_IFACE=none\0"

/* t/vm's qemu lab, docs/qemu-lab.md */
static const struct dgram ctrl_add = DGRAM(
	"add@" CTL0 "\0ACTION=add\0DEVPATH=" CTL0 "\0SUBSYSTEM=nvme\0"
	"MAJOR=246\0MINOR=0\0DEVNAME=nvme0\0" TR_KEYS "SEQNUM=4709\0");

/* docs/kernel-nvmf.md section 3.3, verbatim */
static const struct dgram ctrl_connected = DGRAM(
	"change@/devices/virtual/nvme-fabrics/ctl/nvme3\0ACTION=change\0"
	"DEVPATH=/devices/virtual/nvme-fabrics/ctl/nvme3\0SUBSYSTEM=nvme\0"
	"NVME_EVENT=connected\0MAJOR=239\0MINOR=3\0DEVNAME=nvme3\0"
	"NVME_TRTYPE=tcp\0NVME_TRADDR=127.0.0.1\0NVME_TRSVCID=4420\0"
	"NVME_HOST_TRADDR=none\0NVME_HOST_IFACE=none\0SEQNUM=4711\0");

static const struct dgram ctrl_aen = DGRAM(
	"change@/devices/virtual/nvme-fabrics/ctl/nvme2\0ACTION=change\0"
	"DEVPATH=/devices/virtual/nvme-fabrics/ctl/nvme2\0SUBSYSTEM=nvme\0"
	"NVME_AEN=0x70f002\0MAJOR=246\0MINOR=2\0DEVNAME=nvme2\0" TR_KEYS
	"SEQNUM=4800\0");

static const struct dgram ctrl_remove = DGRAM(
	"remove@" CTL0 "\0ACTION=remove\0DEVPATH=" CTL0 "\0SUBSYSTEM=nvme\0"
	"MAJOR=246\0MINOR=0\0DEVNAME=nvme0\0" TR_KEYS
	"SEQNUM=18446744073709551615\0");

static const struct dgram ns_add = DGRAM(
	"add@/devices/virtual/nvme-subsystem/nvme-subsys0/nvme0n1\0ACTION=add\0"
	"DEVPATH=/devices/virtual/nvme-subsystem/nvme-subsys0/nvme0n1\0"
	"SUBSYSTEM=block\0MAJOR=259\0MINOR=0\0DEVNAME=nvme0n1\0DEVTYPE=disk\0"
	"DISKSEQ=9\0SEQNUM=4712\0");

/* keys in another order than the kernel's: they are a set */
static const struct dgram ctrl_rediscover = DGRAM(
	"change@/devices/virtual/nvme-fabrics/ctl/nvme1\0SEQNUM=1\0"
	"NVME_EVENT=rediscover\0SUBSYSTEM=nvme\0DEVNAME=nvme1\0"
	"DEVPATH=/devices/virtual/nvme-fabrics/ctl/nvme1\0ACTION=change\0");

static bool
parses(const struct dgram *d, struct uevent *ev)
{
	const char *why = "(none)";
	int r = uevent_parse(d->buf, d->len, ev, &why);

	if (r != 0)
		printf("#   rejected: %s\n", why);
	return r == 0;
}

static void
parse_add(void)
{
	struct uevent ev;

	CHECK(parses(&ctrl_add, &ev));
	CHECK_STR(ev.action, "add");
	CHECK_STR(ev.devpath, CTL0);
	CHECK_STR(ev.subsystem, "nvme");
	CHECK_STR(ev.devname, "nvme0");
	CHECK_STR(ev.nvme_event, "");
	CHECK_STR(ev.nvme_aen, "");
	CHECK_INT(ev.seqnum, 4709);
	CHECK(uevent_is_nvme_ctrl(&ev));
}

static void
parse_connected(void)
{
	struct uevent ev;

	CHECK(parses(&ctrl_connected, &ev));
	CHECK_STR(ev.action, "change");
	CHECK_STR(ev.devpath, "/devices/virtual/nvme-fabrics/ctl/nvme3");
	CHECK_STR(ev.subsystem, "nvme");
	CHECK_STR(ev.devname, "nvme3");
	CHECK_STR(ev.nvme_event, "connected");
	CHECK_STR(ev.nvme_aen, "");
	CHECK_INT(ev.seqnum, 4711);
	CHECK(uevent_is_nvme_ctrl(&ev));
}

static void
parse_aen(void)
{
	struct uevent ev;

	CHECK(parses(&ctrl_aen, &ev));
	CHECK_STR(ev.action, "change");
	CHECK_STR(ev.devpath, "/devices/virtual/nvme-fabrics/ctl/nvme2");
	CHECK_STR(ev.subsystem, "nvme");
	CHECK_STR(ev.devname, "nvme2");
	CHECK_STR(ev.nvme_event, "");
	CHECK_STR(ev.nvme_aen, "0x70f002");
	CHECK_INT(ev.seqnum, 4800);
	CHECK(uevent_is_nvme_ctrl(&ev));
}

static void
parse_remove(void)
{
	struct uevent ev;

	CHECK(parses(&ctrl_remove, &ev));
	CHECK_STR(ev.action, "remove");
	CHECK_STR(ev.devpath, CTL0);
	CHECK_STR(ev.subsystem, "nvme");
	CHECK_STR(ev.devname, "nvme0");
	CHECK_STR(ev.nvme_event, "");
	CHECK_STR(ev.nvme_aen, "");
	CHECK(ev.seqnum == 18446744073709551615ull);
	CHECK(uevent_is_nvme_ctrl(&ev));
}

static void
parse_namespace(void)
{
	struct uevent ev;

	CHECK(parses(&ns_add, &ev));
	CHECK_STR(ev.action, "add");
	CHECK_STR(ev.devpath,
	    "/devices/virtual/nvme-subsystem/nvme-subsys0/nvme0n1");
	CHECK_STR(ev.subsystem, "block");
	CHECK_STR(ev.devname, "nvme0n1");
	CHECK_STR(ev.nvme_event, "");
	CHECK_STR(ev.nvme_aen, "");
	CHECK_INT(ev.seqnum, 4712);
	CHECK(!uevent_is_nvme_ctrl(&ev));
}

static void
parse_any_key_order(void)
{
	struct uevent ev;

	CHECK(parses(&ctrl_rediscover, &ev));
	CHECK_STR(ev.action, "change");
	CHECK_STR(ev.devpath, "/devices/virtual/nvme-fabrics/ctl/nvme1");
	CHECK_STR(ev.subsystem, "nvme");
	CHECK_STR(ev.devname, "nvme1");
	CHECK_STR(ev.nvme_event, "rediscover");
	CHECK_INT(ev.seqnum, 1);
}

static void
parse_limits(void)
{
	/* 31 and 32 characters: DEVNAME_MAX fits, one more does not */
	static const struct dgram fits = DGRAM(
	    "add@/d\0ACTION=add\0DEVPATH=/d\0SUBSYSTEM=x\0"
	    "DEVNAME=abcdefghijklmnopqrstuvwxyz01234\0SEQNUM=1\0");
	static const struct dgram minimal = DGRAM(
	    "a@/\0ACTION=a\0DEVPATH=/\0SUBSYSTEM=s\0SEQNUM=0\0");
	static const struct dgram empty_values = DGRAM(
	    "add@/d\0ACTION=add\0DEVPATH=/d\0SUBSYSTEM=x\0DEVNAME=\0"
	    "NVME_EVENT=\0X=\0SEQNUM=7\0");
	struct uevent ev;

	CHECK(parses(&fits, &ev));
	CHECK_STR(ev.devname, "abcdefghijklmnopqrstuvwxyz01234");
	CHECK(parses(&minimal, &ev));
	CHECK_STR(ev.action, "a");
	CHECK_STR(ev.devpath, "/");
	CHECK(parses(&empty_values, &ev));
	CHECK_STR(ev.devname, "");
	CHECK_STR(ev.nvme_event, "");
	CHECK_INT(ev.seqnum, 7);
}

struct bad_case {
	const char	*name;
	struct dgram	 d;
	const char	*why;		/* a substring of the reason */
};

#define HDR	"add@/d\0ACTION=add\0DEVPATH=/d\0SUBSYSTEM=nvme\0"

static const struct bad_case bad_cases[] = {
	{ "empty", { "", 0 }, "empty" },
	{ "no '@'", DGRAM("add/d\0ACTION=add\0DEVPATH=/d\0SUBSYSTEM=nvme\0"
	    "SEQNUM=1\0"), "header" },
	{ "no '/' after '@'", DGRAM("add@d\0ACTION=add\0DEVPATH=d\0"
	    "SUBSYSTEM=nvme\0SEQNUM=1\0"), "header" },
	{ "no action", DGRAM("@/d\0ACTION=\0DEVPATH=/d\0SUBSYSTEM=nvme\0"
	    "SEQNUM=1\0"), "header" },
	{ "header only '@'", DGRAM("add@\0"), "header" },
	{ "action differs", DGRAM("add@/d\0ACTION=remove\0DEVPATH=/d\0"
	    "SUBSYSTEM=nvme\0SEQNUM=1\0"), "ACTION" },
	{ "action prefix", DGRAM("add@/d\0ACTION=ad\0DEVPATH=/d\0"
	    "SUBSYSTEM=nvme\0SEQNUM=1\0"), "ACTION" },
	{ "devpath differs", DGRAM("add@/d\0ACTION=add\0DEVPATH=/e\0"
	    "SUBSYSTEM=nvme\0SEQNUM=1\0"), "DEVPATH" },
	{ "oversize devname", DGRAM(HDR
	    "DEVNAME=abcdefghijklmnopqrstuvwxyz012345\0SEQNUM=1\0"), "long" },
	{ "oversize action", DGRAM("abcdefghijklmnop@/d\0"
	    "ACTION=abcdefghijklmnop\0DEVPATH=/d\0SUBSYSTEM=nvme\0SEQNUM=1\0"),
	    "long" },
	{ "oversize aen", DGRAM(HDR "NVME_AEN=0x0123456789abcdef\0SEQNUM=1\0"),
	    "long" },
	{ "no NUL terminator", DGRAM(HDR "SEQNUM=1"), "NUL" },
	{ "header without NUL", DGRAM("add@/d"), "NUL" },
	{ "libudev", DGRAM("libudev\0\xfe\xed\xca\xfe\x28\0\0\0\x28\0\0\0"
	    "\x10\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0ACTION=add\0SEQNUM=1\0"),
	    "libudev" },
	{ "key without '='", DGRAM(HDR "MAJOR\0SEQNUM=1\0"), "'='" },
	{ "empty string", DGRAM(HDR "\0SEQNUM=1\0"), "'='" },
	{ "empty key", DGRAM(HDR "=x\0SEQNUM=1\0"), "empty key" },
	{ "duplicate key", DGRAM(HDR "DEVNAME=nvme0\0DEVNAME=nvme1\0"
	    "SEQNUM=1\0"), "duplicate" },
	{ "duplicate ACTION", DGRAM(HDR "ACTION=add\0SEQNUM=1\0"),
	    "duplicate" },
	{ "no SEQNUM", DGRAM(HDR), "missing" },
	{ "no SUBSYSTEM", DGRAM("add@/d\0ACTION=add\0DEVPATH=/d\0SEQNUM=1\0"),
	    "missing" },
	{ "no ACTION", DGRAM("add@/d\0DEVPATH=/d\0SUBSYSTEM=nvme\0SEQNUM=1\0"),
	    "missing" },
	{ "empty SUBSYSTEM", DGRAM("add@/d\0ACTION=add\0DEVPATH=/d\0"
	    "SUBSYSTEM=\0SEQNUM=1\0"), "SUBSYSTEM" },
	{ "SEQNUM sign", DGRAM(HDR "SEQNUM=+1\0"), "SEQNUM" },
	{ "SEQNUM empty", DGRAM(HDR "SEQNUM=\0"), "SEQNUM" },
	{ "SEQNUM junk", DGRAM(HDR "SEQNUM=12 \0"), "SEQNUM" },
	{ "SEQNUM overflow", DGRAM(HDR "SEQNUM=18446744073709551616\0"),
	    "SEQNUM" },
};

static void
parse_rejects(void)
{
	struct uevent ev;
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		const char *why = NULL;
		int r = uevent_parse(c->d.buf, c->d.len, &ev, &why);

		if (r != -EBADMSG || why == NULL || strstr(why, c->why) == NULL) {
			printf("#   %s: r=%d why=\"%s\", want -EBADMSG \"%s\"\n",
			    c->name, r, why ? why : "(null)", c->why);
			CHECK(0);
		}
	}
	/* why may be NULL */
	CHECK_INT(uevent_parse("x", 1, &ev, NULL), -EBADMSG);
}

static void
parse_too_many_keys(void)
{
	char buf[4096], *p = buf;
	struct uevent ev;
	const char *why = NULL;
	int i;

	memcpy(p, HDR, sizeof(HDR) - 1);
	p += sizeof(HDR) - 1;
	for (i = 0; i < 200; i++)
		p += sprintf(p, "K%d=v", i) + 1;
	p += sprintf(p, "SEQNUM=1") + 1;
	CHECK_INT(uevent_parse(buf, (size_t)(p - buf), &ev, &why), -EBADMSG);
	CHECK(why != NULL && strstr(why, "too many") != NULL);
}

static void
set_ctrl(struct uevent *ev, const char *subsystem, const char *devname)
{
	memset(ev, 0, sizeof(*ev));
	snprintf(ev->subsystem, sizeof(ev->subsystem), "%s", subsystem);
	snprintf(ev->devname, sizeof(ev->devname), "%s", devname);
}

static void
nvme_ctrl_table(void)
{
	static const struct {
		const char	*subsystem, *devname;
		bool		 yes;
	} t[] = {
		{ "nvme", "nvme0", true },
		{ "nvme", "nvme12", true },
		{ "block", "nvme0n1", false },
		{ "nvme", "nvme0n1", false },
		{ "nvme-subsystem", "", false },
		{ "nvme-subsystem", "nvme-subsys0", false },
		{ "nvme-generic", "ng0n1", false },
		{ "hwmon", "", false },
		{ "hwmon", "nvme0", false },
		{ "nvme", "", false },
		{ "nvme", "nvme", false },
		{ "nvme", "nvme-fabrics", false },
		{ "nvme", "nvme01", false },
		{ "nvme", "nvme-1", false },
		{ "nvme", "nvme0 ", false },
		{ "NVME", "nvme0", false },
		{ "nvme", "NVME0", false },
	};
	struct uevent ev;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		set_ctrl(&ev, t[i].subsystem, t[i].devname);
		if (uevent_is_nvme_ctrl(&ev) != t[i].yes) {
			printf("#   SUBSYSTEM=%s DEVNAME=%s: want %s\n",
			    t[i].subsystem, t[i].devname,
			    t[i].yes ? "yes" : "no");
			CHECK(0);
		}
	}
}

static void
sender_filter(void)
{
	struct netlink_addr kernel = { .nl_family = AF_NETLINK };
	struct netlink_addr proc = { .nl_family = AF_NETLINK, .nl_pid = 4242 };
	struct netlink_addr wrong = { .nl_family = AF_UNIX };
	struct ucred root = { .pid = 0, .uid = 0, .gid = 0 };
	struct ucred user = { .pid = 0, .uid = 1000, .gid = 1000 };

	CHECK(uevent_reject(&kernel, &root, 0) == NULL);
	CHECK(uevent_reject(&kernel, NULL, 0) == NULL);
	CHECK(uevent_reject(&kernel, &root, MSG_TRUNC) != NULL);
	CHECK(uevent_reject(&kernel, &root, MSG_CTRUNC) != NULL);
	CHECK(uevent_reject(&kernel, &user, 0) != NULL);
	CHECK(uevent_reject(&proc, &root, 0) != NULL);
	CHECK(uevent_reject(&proc, NULL, 0) != NULL);
	CHECK(uevent_reject(&wrong, &root, 0) != NULL);
	CHECK(uevent_reject(NULL, &root, 0) != NULL);
}

/* ---- the real socket ---- */

struct seen {
	int	calls;
	int	spoofed;	/* events with our fake devpath: must stay 0 */
};

#define SPOOF_PATH	"/devices/stacd-test/spoof"

static void
on_event(void *ctx, const struct uevent *ev)
{
	struct seen *s = ctx;

	s->calls++;	/* real kernel events may arrive during the test */
	if (strcmp(ev->devpath, SPOOF_PATH) == 0)
		s->spoofed++;
}

/* A second uevent socket to unicast to fd's port: a process, not the kernel. */
static int
spoofer(int fd, struct netlink_addr *dst)
{
	socklen_t len = sizeof(*dst);

	memset(dst, 0, sizeof(*dst));
	if (getsockname(fd, (struct sockaddr *)dst, &len) < 0)
		return -1;
	dst->nl_groups = 0;	/* unicast only: never fake a multicast */
	return netlink_open();
}

static bool
spoof_pending(int fd)
{
	char buf[256];
	ssize_t n;

	/* skip real kernel events that may have come in meanwhile */
	while ((n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) >= 0) {
		buf[n] = '\0';
		if (strstr(buf, SPOOF_PATH) != NULL)
			return true;
	}
	return false;
}

static void
socket_basics(void)
{
	struct netlink_addr sa;
	socklen_t len = sizeof(sa);
	struct seen s = { 0, 0 };
	int fd, on = 0, fl;

	fd = netlink_open();
	CHECK(fd >= 0);
	if (fd < 0) {
		printf("#   netlink_open: %s\n", strerror(-fd));
		return;
	}
	fl = fcntl(fd, F_GETFL);
	CHECK(fl >= 0 && (fl & O_NONBLOCK));
	fl = fcntl(fd, F_GETFD);
	CHECK(fl >= 0 && (fl & FD_CLOEXEC));
	len = sizeof(on);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, &len) == 0 && on);
	len = sizeof(sa);
	CHECK(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
	CHECK(sa.nl_family == AF_NETLINK && sa.nl_groups == 1);
	CHECK_INT(netlink_drain(fd, on_event, &s), 0);
	CHECK_INT(s.spoofed, 0);
	close(fd);
}

static void
socket_drops_foreign(void)
{
	static const char spoof[] = "add@" SPOOF_PATH "\0ACTION=add\0"
	    "DEVPATH=" SPOOF_PATH "\0SUBSYSTEM=nvme\0DEVNAME=nvme9\0SEQNUM=1";
	struct netlink_addr dst;
	struct seen s = { 0, 0 };
	int fd, sp;

	if ((fd = netlink_open()) < 0) {
		CHECK(fd >= 0);
		return;
	}
	sp = spoofer(fd, &dst);
	CHECK(sp >= 0);
	if (sp < 0)
		goto out;
	if (sendto(sp, spoof, sizeof(spoof), 0, (struct sockaddr *)&dst,
	    sizeof(dst)) < 0) {
		CHECK(errno == EPERM);
		printf("#   sending needs CAP_NET_ADMIN: %s, skipped\n",
		    strerror(errno));
		goto out;
	}
	CHECK_INT(netlink_drain(fd, on_event, &s), 0);
	CHECK_INT(s.spoofed, 0);
	CHECK(!spoof_pending(fd));	/* consumed, not left behind */
out:
	if (sp >= 0)
		close(sp);
	close(fd);
}

static void
socket_batch(void)
{
	static const char spoof[] = "add@" SPOOF_PATH "\0ACTION=add\0"
	    "DEVPATH=" SPOOF_PATH "\0SUBSYSTEM=nvme\0SEQNUM=1";
	struct netlink_addr dst;
	struct seen s = { 0, 0 };
	int fd, sp, i, sent = 0;

	if ((fd = netlink_open()) < 0) {
		CHECK(fd >= 0);
		return;
	}
	if ((sp = spoofer(fd, &dst)) < 0) {
		CHECK(sp >= 0);
		close(fd);
		return;
	}
	for (i = 0; i < 300; i++)
		if (sendto(sp, spoof, sizeof(spoof), MSG_DONTWAIT,
		    (struct sockaddr *)&dst, sizeof(dst)) > 0)
			sent++;
		else if (errno == EPERM)
			break;		/* unprivileged */
	CHECK_INT(netlink_drain(fd, on_event, &s), 0);
	if (sent > 256) {
		/* one call reads at most a batch; the rest waits for poll() */
		char c;

		CHECK(recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK) >= 0);
	} else
		printf("#   only %d datagrams queued (EPERM or rmem_max), "
		    "batch limit not exercised\n", sent);
	CHECK_INT(netlink_drain(fd, on_event, &s), 0);
	CHECK(!spoof_pending(fd));
	CHECK_INT(s.spoofed, 0);
	close(sp);
	close(fd);
}

static void
drain_errors(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	struct seen s = { 0, 0 };

	CHECK(fd >= 0);
	CHECK_INT(netlink_drain(fd, on_event, &s), -ENOTSOCK);
	close(fd);
	CHECK_INT(netlink_drain(-1, on_event, &s), -EBADF);
	CHECK_INT(s.calls, 0);
}

int
main(void)
{
	TEST(parse_add);
	TEST(parse_connected);
	TEST(parse_aen);
	TEST(parse_remove);
	TEST(parse_namespace);
	TEST(parse_any_key_order);
	TEST(parse_limits);
	TEST(parse_rejects);
	TEST(parse_too_many_keys);
	TEST(nvme_ctrl_table);
	TEST(sender_filter);
	TEST(socket_basics);
	TEST(socket_drops_foreign);
	TEST(socket_batch);
	TEST(drain_errors);
	return TEST_EXIT();
}

/*
 * netlink.c - kernel uevents: parse group-1 datagrams, open and drain the
 * NETLINK_KOBJECT_UEVENT socket.
 *
 * A datagram is "action@devpath\0" followed by "KEY=VALUE\0" pairs in no
 * particular order and with no netlink header (kernel lib/kobject_uevent.c;
 * docs/kernel-nvmf.md section 3.3).  Only the kernel (sender port 0) is
 * believed: any process with CAP_NET_ADMIN may send to our port, and udevd
 * re-sends events on group 2 in its own "libudev" format, which we never
 * subscribe to.
 */
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "netlink.h"

#define NETLINK_KOBJECT_UEVENT	15	/* <linux/netlink.h> */
_Static_assert(sizeof(struct netlink_addr) == 12, "struct netlink_addr ABI");

#define UEVENT_RCVBUF	(8 << 20)	/* busybox mdev found 2 MiB too small */
#define UEVENT_BUF	8192		/* kernel: 2 KiB of env + the header */
#define UEVENT_KEYS_MAX	128		/* kernel: UEVENT_NUM_ENVP = 64 */
#define UEVENT_BATCH	256		/* datagrams per netlink_drain() */

/* The keys we keep; the rest are skipped. */
enum ukey {
	UKEY_ACTION,
	UKEY_DEVPATH,
	UKEY_SUBSYSTEM,
	UKEY_DEVNAME,
	UKEY_NVME_EVENT,
	UKEY_NVME_AEN,
	UKEY_SEQNUM,
	UKEY_COUNT
};

static const char *const ukey_names[UKEY_COUNT] = {
	[UKEY_ACTION] = "ACTION",
	[UKEY_DEVPATH] = "DEVPATH",
	[UKEY_SUBSYSTEM] = "SUBSYSTEM",
	[UKEY_DEVNAME] = "DEVNAME",
	[UKEY_NVME_EVENT] = "NVME_EVENT",
	[UKEY_NVME_AEN] = "NVME_AEN",
	[UKEY_SEQNUM] = "SEQNUM",
};

/* Keys every kernel uevent carries (kobject_uevent_env). */
#define UKEYS_REQUIRED	((1u << UKEY_ACTION) | (1u << UKEY_DEVPATH) | \
			 (1u << UKEY_SUBSYSTEM) | (1u << UKEY_SEQNUM))

static int
bad(const char **why, const char *reason)
{
	if (why != NULL)
		*why = reason;
	return -EBADMSG;
}

static enum ukey
ukey_lookup(const char *key, size_t n)
{
	int k;

	for (k = 0; k < UKEY_COUNT; k++)
		if (strlen(ukey_names[k]) == n &&
		    memcmp(ukey_names[k], key, n) == 0)
			return (enum ukey)k;
	return UKEY_COUNT;
}

/* Copy n bytes and a NUL into dst[size]; refuse rather than truncate. */
static int
copy_value(char *dst, size_t size, const char *val, size_t n,
    const char **why)
{
	if (n >= size)
		return bad(why, "value too long");
	memcpy(dst, val, n);
	dst[n] = '\0';
	return 0;
}

/* SEQNUM=: plain decimal (the kernel prints %llu), no sign, no overflow. */
static int
parse_seqnum(const char *val, size_t n, unsigned long long *out,
    const char **why)
{
	unsigned long long v = 0;
	size_t i;

	if (n == 0)
		return bad(why, "empty SEQNUM");
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned)(val[i] - '0');

		if (d > 9)
			return bad(why, "SEQNUM is not a decimal number");
		if (v > (ULLONG_MAX - d) / 10)
			return bad(why, "SEQNUM overflows");
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int
set_key(struct uevent *ev, enum ukey k, const char *val, size_t n,
    const char **why)
{
	switch (k) {
	case UKEY_ACTION:
		/* the header was parsed first; the two must agree */
		if (strlen(ev->action) != n || memcmp(ev->action, val, n) != 0)
			return bad(why, "ACTION= differs from the header");
		return 0;
	case UKEY_DEVPATH:
		if (strlen(ev->devpath) != n || memcmp(ev->devpath, val, n) != 0)
			return bad(why, "DEVPATH= differs from the header");
		return 0;
	case UKEY_SUBSYSTEM:
		if (n == 0)
			return bad(why, "empty SUBSYSTEM");
		return copy_value(ev->subsystem, sizeof(ev->subsystem), val, n,
		    why);
	case UKEY_DEVNAME:
		return copy_value(ev->devname, sizeof(ev->devname), val, n, why);
	case UKEY_NVME_EVENT:
		return copy_value(ev->nvme_event, sizeof(ev->nvme_event), val, n,
		    why);
	case UKEY_NVME_AEN:
		return copy_value(ev->nvme_aen, sizeof(ev->nvme_aen), val, n,
		    why);
	case UKEY_SEQNUM:
		return parse_seqnum(val, n, &ev->seqnum, why);
	case UKEY_COUNT:
		break;
	}
	return 0;	/* a key we do not keep */
}

/* "action@/devpath": the action cannot hold '@', the devpath may. */
static int
parse_header(struct uevent *ev, const char *hdr, size_t n, const char **why)
{
	const char *at = memchr(hdr, '@', n);
	size_t alen;

	if (at == NULL || at == hdr || at + 1 == hdr + n || at[1] != '/')
		return bad(why, "no action@/devpath header");
	alen = (size_t)(at - hdr);
	if (copy_value(ev->action, sizeof(ev->action), hdr, alen, why) < 0)
		return bad(why, "action too long");
	if (copy_value(ev->devpath, sizeof(ev->devpath), at + 1,
	    n - alen - 1, why) < 0)
		return bad(why, "devpath too long");
	return 0;
}

int
uevent_parse(const char *buf, size_t len, struct uevent *ev,
    const char **why)
{
	const char *p, *end = buf + len;
	unsigned seen = 0, nkeys = 0;
	size_t n;
	int r;

	memset(ev, 0, sizeof(*ev));
	if (len == 0)
		return bad(why, "empty datagram");
	/* udevd's group-2 format; a group-1 socket should never see it */
	if (len >= 8 && memcmp(buf, "libudev", 8) == 0)
		return bad(why, "libudev (group 2) message");
	if (buf[len - 1] != '\0')
		return bad(why, "last string not NUL-terminated");
	/* from here on every strlen() stops at or before end - 1 */
	n = strlen(buf);
	if ((r = parse_header(ev, buf, n, why)) < 0)
		return r;

	for (p = buf + n + 1; p < end; p += n + 1) {
		const char *eq;
		enum ukey k;

		n = strlen(p);
		eq = memchr(p, '=', n);
		if (++nkeys > UEVENT_KEYS_MAX)
			return bad(why, "too many keys");
		if (eq == NULL)
			return bad(why, "no '=' in a KEY=VALUE string");
		if (eq == p)
			return bad(why, "empty key");
		k = ukey_lookup(p, (size_t)(eq - p));
		if (k == UKEY_COUNT)
			continue;
		if (seen & (1u << k))
			return bad(why, "duplicate key");
		seen |= 1u << k;
		if ((r = set_key(ev, k, eq + 1, n - (size_t)(eq + 1 - p),
		    why)) < 0)
			return r;
	}
	if ((seen & UKEYS_REQUIRED) != UKEYS_REQUIRED)
		return bad(why, "ACTION, DEVPATH, SUBSYSTEM or SEQNUM missing");
	return 0;
}

bool
uevent_is_nvme_ctrl(const struct uevent *ev)
{
	const char *d = ev->devname;

	if (strcmp(ev->subsystem, "nvme") != 0 || strncmp(d, "nvme", 4) != 0)
		return false;
	d += 4;
	/* the kernel names controllers "nvme%d": no sign, no leading zero */
	if (!isdigit((unsigned char)d[0]) || (d[0] == '0' && d[1] != '\0'))
		return false;
	while (isdigit((unsigned char)*d))
		d++;
	return *d == '\0';
}

const char *
uevent_reject(const struct netlink_addr *sa, const struct ucred *cred,
    int flags)
{
	if (flags & MSG_TRUNC)
		return "truncated datagram";
	if (flags & MSG_CTRUNC)
		return "truncated credentials";
	if (sa == NULL || sa->nl_family != AF_NETLINK)
		return "no netlink sender address";
	/* port 0 is the kernel; a privileged process may unicast to us */
	if (sa->nl_pid != 0)
		return "sent by a process, not the kernel";
	if (cred != NULL && cred->uid != 0)
		return "sender uid is not 0";
	return NULL;
}

int
netlink_open(void)
{
	struct netlink_addr sa;
	int fd, size = UEVENT_RCVBUF, on = 1, r;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	/* FORCE needs CAP_NET_ADMIN; otherwise rmem_max caps the size */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
	    sizeof(size)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0)
		log_debug("%s: SO_RCVBUF: %s", __func__, strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) < 0)
		goto fail;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = 1;	/* raw kernel events; 2 would be udevd's */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	return fd;
fail:
	r = -errno;
	close(fd);
	return r;
}

/* Up to 48 bytes of the header, safe for a log line. */
static void
header_excerpt(char *out, size_t size, const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < size && i < len && buf[i] != '\0'; i++)
		out[i] = isprint((unsigned char)buf[i]) ? buf[i] : '?';
	out[i] = '\0';
}

/* Read one datagram and hand it on.  Return: 1 read, 0 empty, -errno. */
static int
drain_one(int fd, char *buf, size_t size,
    void (*fn)(void *ctx, const struct uevent *ev), void *ctx)
{
	union {
		struct cmsghdr	align;
		char		buf[CMSG_SPACE(sizeof(struct ucred))];
	} control;
	struct netlink_addr sa;
	struct iovec iov = { buf, size - 1 };
	struct msghdr msg;
	struct cmsghdr *c;
	struct ucred cred, *credp = NULL;
	struct uevent ev;
	const char *why;
	char excerpt[49];
	ssize_t n;

	memset(&sa, 0, sizeof(sa));
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &sa;
	msg.msg_namelen = sizeof(sa);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = &control;
	msg.msg_controllen = sizeof(control);
	n = recvmsg(fd, &msg, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	buf[n] = '\0';

	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(cred))) {
			memcpy(&cred, CMSG_DATA(c), sizeof(cred));
			credp = &cred;
		}
	why = uevent_reject(msg.msg_namelen == sizeof(sa) ? &sa : NULL,
	    credp, msg.msg_flags);
	if (why != NULL) {
		/* only the kernel's own trouble deserves a warning */
		if (msg.msg_namelen == sizeof(sa) && sa.nl_pid == 0)
			log_warnx("%s: uevent dropped: %s", __func__, why);
		else
			log_debug("%s: datagram from port %u dropped: %s",
			    __func__, (unsigned)sa.nl_pid, why);
		return 1;
	}
	if (uevent_parse(buf, (size_t)n, &ev, &why) < 0) {
		header_excerpt(excerpt, sizeof(excerpt), buf, (size_t)n);
		log_warnx("%s: malformed uevent \"%s\" dropped: %s", __func__,
		    excerpt, why);
		return 1;
	}
	fn(ctx, &ev);
	return 1;
}

int
netlink_drain(int fd, void (*fn)(void *ctx, const struct uevent *ev),
    void *ctx)
{
	char buf[UEVENT_BUF];
	bool overrun = false;
	int i, r;

	/*
	 * Stop after a batch so a burst (udevadm trigger, thousands of
	 * devices at boot, a privileged process flooding our port) cannot
	 * hold the loop.  poll() reports the fd readable again while
	 * datagrams remain.
	 */
	for (i = 0; i < UEVENT_BATCH; i++) {
		r = drain_one(fd, buf, sizeof(buf), fn, ctx);
		if (r == 0)
			break;
		if (r == -EINTR)
			continue;
		if (r == -ENOBUFS) {
			/*
			 * Reported once; the queue behind it is still good.
			 * The caller logs it along with its rescan.
			 */
			overrun = true;
			continue;
		}
		if (r < 0)
			return r;
	}
	return overrun ? NETLINK_OVERRUN : 0;
}

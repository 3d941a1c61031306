/*
 * netlink.h - kernel uevents (NETLINK_KOBJECT_UEVENT, multicast group 1).
 *
 * The parser is pure and takes one raw datagram; the socket half opens the
 * listening socket and drains it, keeping only datagrams the kernel sent.
 */
#ifndef STACD_NETLINK_H
#define STACD_NETLINK_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stacd.h"

struct ucred;

/*
 * struct sockaddr_nl, the kernel ABI, under our own name: musl-gcc (make
 * static) ships no <linux/netlink.h>, and this way no file can see two
 * definitions.
 */
struct netlink_addr {
	sa_family_t	nl_family;	/* AF_NETLINK */
	unsigned short	nl_pad;
	uint32_t	nl_pid;		/* port; the kernel's is 0 */
	uint32_t	nl_groups;	/* multicast group mask */
};

/* One parsed kernel uevent.  Strings are NUL-terminated, "" when absent. */
struct uevent {
	char			action[16];	/* add, remove, change, ... */
	char			devpath[256];	/* /devices/virtual/... */
	char			subsystem[32];	/* nvme, block, ... */
	char			devname[DEVNAME_MAX + 1]; /* DEVNAME=nvme3 */
	char			nvme_event[32];	/* NVME_EVENT=connected */
	char			nvme_aen[16];	/* NVME_AEN=0x70f002 */
	unsigned long long	seqnum;		/* SEQNUM= */
};

/*
 * netlink_drain() result: the kernel dropped uevents because our receive
 * buffer was full (ENOBUFS).  The caller must rescan sysfs.
 */
#define NETLINK_OVERRUN	1

/*
 * uevent_parse - parse one group-1 datagram, "action@devpath\0KEY=VAL\0...",
 * into ev.  Pure.  The header, ACTION=, DEVPATH=, SUBSYSTEM= and SEQNUM=
 * are required and must agree; unknown keys are ignored; a value too long
 * for its field is an error, never truncated.  On failure *why (when why
 * is not NULL) gets a short static explanation.
 * Return: 0, or -EBADMSG.
 */
int	uevent_parse(const char *buf, size_t len, struct uevent *ev,
	    const char **why);

/*
 * uevent_is_nvme_ctrl - does ev concern an NVMe controller character
 * device (SUBSYSTEM=nvme, DEVNAME=nvme<N>)?  Namespaces (block),
 * nvme-subsystem and nvme-generic devices do not.
 */
bool	uevent_is_nvme_ctrl(const struct uevent *ev);

/*
 * uevent_reject - the per-datagram sender check of netlink_drain(): sa is
 * the recvmsg() source address (NULL if it had the wrong size), cred the
 * SCM_CREDENTIALS (NULL if none came), flags recvmsg()'s msg_flags.
 * Return: NULL to accept, else why the datagram must be dropped.
 */
const char *uevent_reject(const struct netlink_addr *sa,
	    const struct ucred *cred, int flags);

/*
 * netlink_open - a non-blocking, close-on-exec uevent socket bound to
 * group 1, with SO_PASSCRED and a big receive buffer.  Works unprivileged
 * (the buffer is then capped by net.core.rmem_max).
 * Return: the fd, or -errno.
 */
int	netlink_open(void);

/*
 * netlink_drain - read every pending datagram and call fn(ctx, ev) for each
 * well-formed uevent the kernel sent.  Foreign, truncated and malformed
 * datagrams are logged and dropped.  At most 256 datagrams are read per
 * call, so a burst cannot starve the caller's loop; the fd then stays
 * readable.
 * Return: 0 once drained (or the batch is done), NETLINK_OVERRUN when
 * events were lost (the queue is still drained first), or -errno on a
 * socket error.
 */
int	netlink_drain(int fd, void (*fn)(void *ctx, const struct uevent *ev),
	    void *ctx);

#endif

/*
 * t/fuzz-uevent.c - uevent_parse() on arbitrary datagrams.
 * Invariants: a rejection is always -EBADMSG with a reason; an accepted
 * event has NUL-terminated fields and the kernel's required shape, and the
 * canonical datagram rebuilt from it parses back to the same event.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netlink.h"

#define TERMINATED(f)	(memchr((f), '\0', sizeof(f)) != NULL)

/* Append "KEY=value\0" (or, with key NULL, "value\0"). */
static size_t
put(char *buf, size_t size, size_t off, const char *key, const char *val)
{
	int n;

	n = key ? snprintf(buf + off, size - off, "%s=%s", key, val) :
	    snprintf(buf + off, size - off, "%s", val);
	if (n < 0 || (size_t)n + 1 > size - off)
		abort();	/* the buffer is sized for the largest event */
	return off + (size_t)n + 1;
}

/* The kernel's layout: header, ACTION, DEVPATH, SUBSYSTEM, ..., SEQNUM. */
static size_t
build(char *buf, size_t size, const struct uevent *ev)
{
	char hdr[sizeof(ev->action) + sizeof(ev->devpath) + 1];
	char seq[24];
	size_t off = 0;

	snprintf(hdr, sizeof(hdr), "%s@%s", ev->action, ev->devpath);
	snprintf(seq, sizeof(seq), "%llu", ev->seqnum);
	off = put(buf, size, off, NULL, hdr);
	off = put(buf, size, off, "ACTION", ev->action);
	off = put(buf, size, off, "DEVPATH", ev->devpath);
	off = put(buf, size, off, "SUBSYSTEM", ev->subsystem);
	if (ev->nvme_event[0])
		off = put(buf, size, off, "NVME_EVENT", ev->nvme_event);
	if (ev->nvme_aen[0])
		off = put(buf, size, off, "NVME_AEN", ev->nvme_aen);
	if (ev->devname[0])
		off = put(buf, size, off, "DEVNAME", ev->devname);
	return put(buf, size, off, "SEQNUM", seq);
}

static int
same(const struct uevent *a, const struct uevent *b)
{
	return strcmp(a->action, b->action) == 0 &&
	    strcmp(a->devpath, b->devpath) == 0 &&
	    strcmp(a->subsystem, b->subsystem) == 0 &&
	    strcmp(a->devname, b->devname) == 0 &&
	    strcmp(a->nvme_event, b->nvme_event) == 0 &&
	    strcmp(a->nvme_aen, b->nvme_aen) == 0 &&
	    a->seqnum == b->seqnum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[1024];
	struct uevent a, b;
	const char *why = NULL;
	size_t n;
	int r;

	r = uevent_parse((const char *)data, size, &a, &why);
	if (r != 0) {
		if (r != -EBADMSG || why == NULL)
			abort();
		return 0;
	}
	if (!TERMINATED(a.action) || !TERMINATED(a.devpath) ||
	    !TERMINATED(a.subsystem) || !TERMINATED(a.devname) ||
	    !TERMINATED(a.nvme_event) || !TERMINATED(a.nvme_aen))
		abort();
	if (a.action[0] == '\0' || strchr(a.action, '@') != NULL ||
	    a.devpath[0] != '/' || a.subsystem[0] == '\0')
		abort();
	(void)uevent_is_nvme_ctrl(&a);

	n = build(buf, sizeof(buf), &a);
	if (uevent_parse(buf, n, &b, &why) != 0 || !same(&a, &b))
		abort();
	return 0;
}

/*
 * dlp.h - the NVMe discovery log page (Get Log Page 0x70) as the kernel
 * hands it over from a discovery controller: a 1024-byte header and
 * 1024-byte entries (kernel-nvmf.md §4.3).  Pure code: the bytes come
 * from the network, so every field is checked before anything is taken.
 */
#ifndef STACD_DLP_H
#define STACD_DLP_H

#include <stddef.h>
#include <stdint.h>

#include "ctrl_id.h"

#define DLP_HDR_SIZE		1024
#define DLP_ENTRY_SIZE		1024
#define DLP_RECORDS_MAX		1024	/* entries taken from one page */
#define DLP_GENCTR_RETRIES	10	/* as nvme-cli */
#define DLP_AEN_CHANGE		"0x70f002"	/* NVME_AEN= of a change */

enum dlp_subtype {
	DLP_REFERRAL = 1,	/* another discovery controller */
	DLP_NVM = 2,		/* an NVM subsystem: an I/O controller */
	DLP_CURRENT = 3,	/* the discovery controller itself (TP 8013) */
};

#define DLP_EFLAGS_DUPRETINFO	0x1	/* returns what another one does */
#define DLP_EFLAGS_EPCSD	0x2	/* explicit persistent connection */
#define DLP_EFLAGS_NCC		0x4	/* no CDC connectivity */
#define DLP_TREQ_NO_SQFLOW	0x4	/* SQ flow control may be disabled */

/* One usable entry. */
struct dlp_entry {
	enum dlp_subtype subtype;
	struct ctrl_id	 id;		/* host fields: the DC's */
	uint16_t	 eflags;
	uint8_t		 treq;
	uint16_t	 portid;
};

/*
 * dlp_parse - the entries of the log page buf[0..len) read from the
 * discovery controller dc (named name in log lines).
 *
 * NUMREC is believed only as far as the bytes go (and DLP_RECORDS_MAX).
 * An entry is dropped, with a warning naming the discovery controller
 * and the entry's index, when: its subtype or transport is unknown, its
 * transport is not the DC's, its address family does not fit the
 * transport or its address, TRADDR or TRSVCID fills its field with no
 * NUL or space after it, SUBNQN is not NUL-terminated, or any value is
 * refused by field_problem() (',' '=' or control characters...).
 * TRADDR and TRSVCID lose their trailing spaces; IP addresses are put in
 * canonical form; an fc address "nn-0x..,pn-0x.." gets its ':' back.
 * Entries inherit the DC's host-traddr, host-iface and host-nqn.
 *
 * Return: 0 with *out (free it), *n and *genctr; -EBADMSG when buf is
 * shorter than the header; -ENOMEM.
 */
int	dlp_parse(const uint8_t *buf, size_t len, const struct ctrl_id *dc,
	    const char *name, struct dlp_entry **out, size_t *n,
	    uint64_t *genctr);

/*
 * Reads len bytes of the log page at byte offset off into buf; rae set
 * keeps the discovery-change event armed (every read but the last).
 * Return: 0, or -errno.
 */
typedef int (*dlp_read_fn)(void *ctx, void *buf, size_t len, uint64_t off,
    int rae);

/*
 * dlp_fetch - the whole log page through read, with nvme-cli's
 * generation-counter loop: header, entries, header again, repeated while
 * GENCTR moves, at most DLP_GENCTR_RETRIES times.  At most
 * DLP_RECORDS_MAX entries are read.
 * Return: 0 with *buf (free it) and *len (header included); -EAGAIN when
 * the page kept changing; -EBADMSG when NUMREC changed under a stable
 * GENCTR; the reader's -errno; -ENOMEM.
 */
int	dlp_fetch(dlp_read_fn read, void *ctx, uint8_t **buf, size_t *len);

#endif

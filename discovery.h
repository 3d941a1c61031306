/*
 * discovery.h - the controllers stafd discovered: its get_all_log_pages
 * JSON text turned into desired controllers.  Pure code: no I/O.
 */
#ifndef STACD_DISCOVERY_H
#define STACD_DISCOVERY_H

#include <stddef.h>

#include "conf.h"
#include "reconcile.h"

/*
 * The budget for what stafd may make us hold: every discovered I/O
 * controller costs a few kB here and in the reconciler.
 */
#define DISCOVERY_WANTS_MAX	10000	/* controllers taken from stafd */

/*
 * discovery_parse - the desired I/O controllers in stafd's
 * get_all_log_pages(true) answer: a list with one object per discovery
 * controller, {"discovery-controller": {...}, "log-pages": [DLPE, ...]}.
 *
 * Each log page entry of subtype "nvme" becomes one want (discovered,
 * ncc = EFLAGS bit 2) inheriting the discovery controller's host-traddr,
 * host-iface (blank with ignore-iface) and host-nqn (h->nqn when blank).
 * The rules of want_from_conf() (want.h) apply: every field is validated
 * with field_problem(), tcp/rdma addresses must be IP literals of an enabled
 * ip-family and are put in canonical form, exclusions apply, a host-nqn
 * other than the host's is refused.  An unusable entry is logged and
 * skipped; the others stay.  Repeated identities appear once (the first
 * wins), in document order; at most DISCOVERY_WANTS_MAX are taken.
 *
 * A discovery controller that is not connected and lists no entries
 * says nothing about its subsystems (stafd restarted and cannot reach it
 * yet): the wants of prev[0..n_prev) that it listed before are kept,
 * with the exclusions and ip-family applied again.
 *
 * Return: 0 with *out (want_free() it) and *n, possibly 0; or, when the
 * text as a whole is unusable (not JSON, not a list of such objects),
 * -EBADMSG or -E2BIG (logged) or -ENOMEM, and the caller should keep what
 * it had.
 */
int	discovery_parse(const char *json, size_t len, const struct conf *c,
	    const struct host_conf *h, const struct want *prev, size_t n_prev,
	    struct want **out, size_t *n);

#endif

/*
 * owndisc.h - stacd's own discovery: what the log pages of the discovery
 * controllers it connects itself list, as desired controllers.  Pure
 * code: the daemon reads the pages (a worker job) and hands the entries
 * over; this keeps the set and the referral rules.
 *
 * Every want here has dc set to the ctrl_id_hash() of the discovery
 * controller that listed it.  I/O controllers are plain wants; referrals
 * are wants with rec->discovery_ctrl set and dc_depth the hops from a
 * configured discovery controller (which is depth 0).
 */
#ifndef STACD_OWNDISC_H
#define STACD_OWNDISC_H

#include <stddef.h>

#include "conf.h"
#include "dlp.h"
#include "want.h"

#define REFERRAL_DEPTH_MAX	4	/* hops from a configured DC */

struct owndisc {
	struct want	*v;
	size_t		 n, cap;
};

void	owndisc_init(struct owndisc *o);
void	owndisc_fini(struct owndisc *o);

/*
 * owndisc_page - the entries e[0..n) of the log page of discovery
 * controller dc (depth hops from a configured one; named name in log
 * lines) replace what it listed before; they take dc's origin.  NVM subsystem entries are
 * kept when conf_keeps() lets them (exclusions, ip-family) and get the
 * host NQN host_nqn when the entry has none.  A referral is followed
 * unless it is marked DUPRETINFO, lies more than REFERRAL_DEPTH_MAX hops
 * away, or names a discovery controller already known (configured in
 * conf[0..n_conf), or listed here): a loop ends there.  Entries of
 * other subtypes (the DC itself) are not connected.
 * Return: the number of entries taken, or -ENOMEM (the set unchanged).
 */
int	owndisc_page(struct owndisc *o, const struct ctrl_conf *dc, int depth,
	    const struct dlp_entry *e, size_t n, const struct want *conf,
	    size_t n_conf, const struct conf *c, const char *host_nqn,
	    const char *name);

/*
 * owndisc_forget_orphans - drop what a discovery controller that is
 * neither configured (in conf[0..n_conf), with rec->discovery_ctrl) nor
 * a kept referral listed, level by level: a referral that went takes
 * what it listed with it.  Return: the number dropped.
 */
size_t	owndisc_forget_orphans(struct owndisc *o, const struct want *conf,
	    size_t n_conf);

#endif

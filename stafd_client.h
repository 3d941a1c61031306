/*
 * stafd_client.h - stacd's side of stafd (org.nvmexpress.staf): watch
 * the name, collect its signals, ask for the discovery log pages, and
 * keep the I/O controllers they list as part of the desired set.
 *
 * It only records work: `changed` tells the loop to reconcile.
 */
#ifndef STACD_STAFD_CLIENT_H
#define STACD_STAFD_CLIENT_H

#include <stdint.h>

#include "bus.h"
#include "conf.h"
#include "reconcile.h"

#define STAF_BUS_NAME		"org.nvmexpress.staf"
#define STAF_SOAK_MS		1500	/* collect bursts of its signals */
#define STAF_SOAK_MAX_MS	5000	/* ... but a burst never delays more */
#define STAF_BACK_SOAK_MS	10000	/* it came back: let it rediscover */
#define STAF_RETRY_MS		10000	/* its answer failed: ask again */

/*
 * Who stafd is: the unique name owning org.nvmexpress.staf, learned from
 * the bus itself (GetNameOwner, NameOwnerChanged sent by the bus).  Its
 * signals count only when they come from that name: anyone on the
 * system bus may send us a unicast signal.
 */
struct staf_client {
	const struct conf	*conf;		/* the daemon's, for exclusions */
	const struct host_conf	*host;
	char		 owner[DW_NAME_MAX + 1];	/* "" when absent */
	bool		 answered;	/* since start-up: its set is known */
	bool		 looked;	/* the bus told whether it is there */
	bool		 call_pending;
	bool		 changed;	/* new discovered set: reconcile */
	int		 soak_ms;	/* the next debounce interval */
	int64_t		 due;		/* ask for log pages then; 0: no */
	int64_t		 burst_start;	/* the first signal of this burst */
	struct want	*disc;		/* from its last good answer */
	size_t		 n_disc;
};

void	staf_init(struct staf_client *c, const struct conf *conf,
	    const struct host_conf *host);
void	staf_fini(struct staf_client *c);

/* The bus is up: subscribe to stafd's signals and look for it. */
void	staf_watch(struct staf_client *c, struct bus *b, int64_t now);

/*
 * The bus connection is gone: stafd is unknown until the bus is back
 * (then staf_watch() looks for it again).  What it listed is kept.
 */
void	staf_bus_lost(struct staf_client *c);

/* Is stafd on the bus (as far as the bus told us)? */
bool	staf_present(const struct staf_client *c);

/*
 * staf_signal - a signal from the bus; NameOwnerChanged of stafd (from
 * the bus) and log_pages_changed / dc_removed (from stafd's unique name)
 * are ours.  Return: true if taken (also when dropped as spoofed).
 */
bool	staf_signal(struct staf_client *c, const struct dw_msg *m,
	    int64_t now);

/* Reload: exclusions or ip-family may have changed, ask again soon. */
void	staf_poke(struct staf_client *c, int64_t now);

/* Ask for the log pages when c->due has come (0: nothing due). */
void	staf_run(struct staf_client *c, struct bus *b, int64_t now);

/* nvme-stas's "config soak timer" text: "1.5s [off]" or "1.5s [0.8s]". */
void	staf_timer_str(const struct staf_client *c, int64_t now, char *buf,
	    size_t size);

#endif

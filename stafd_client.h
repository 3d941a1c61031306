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
#define STAF_BACK_SOAK_MS	10000	/* it came back: let it rediscover */

struct staf_client {
	const struct conf	*conf;		/* the daemon's, for exclusions */
	const struct host_conf	*host;
	bool		 present;	/* owns its name on the bus */
	bool		 answered;	/* since start-up: its set is known */
	bool		 call_pending;
	bool		 changed;	/* new discovered set: reconcile */
	int		 soak_ms;	/* the next debounce interval */
	int64_t		 due;		/* ask for log pages then; 0: no */
	struct want	*disc;		/* from its last good answer */
	size_t		 n_disc;
};

void	staf_init(struct staf_client *c, const struct conf *conf,
	    const struct host_conf *host);
void	staf_fini(struct staf_client *c);

/* The bus is up: subscribe to stafd's signals and look for it. */
void	staf_watch(struct staf_client *c, struct bus *b, int64_t now);

/*
 * staf_signal - a signal from the bus; NameOwnerChanged of stafd and
 * its log_pages_changed / dc_removed are ours.  Return: true if taken.
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

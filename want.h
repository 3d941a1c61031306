/*
 * want.h - the desired set: the controllers stacd should have connected,
 * from stacd.conf (here) and from discovery (discovery.c), merged into
 * one list for the reconciler.  Pure code: the host names stacd.conf
 * gives are collected first (want_names_sync()); the daemon resolves them
 * and the builder only reads the answers.
 */
#ifndef STACD_WANT_H
#define STACD_WANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "ctrl_id.h"
#include "ctrl_rec.h"

/*
 * One controller that should be connected.  The want holds a reference
 * to rec; a copy of a want that is kept takes one of its own (rec_ref()).
 */
struct want {
	struct ctrl_rec	*rec;		/* identity and parameters */
	bool		 discovered;	/* from a discovery log page */
	bool		 ncc;		/* its entry has EFLAGS.NCC set */
	uint32_t	 dc;		/* discovered: which discovery
					   controller listed it (a hash) */
	int		 dc_depth;	/* a referral: hops from stacd's own */
};

/*
 * A host name from stacd.conf and what it resolved to.  A known address
 * is kept while the name is resolved again (reload, failure), so that a
 * DNS hiccup never takes a controller out of the desired set.
 */
struct want_name {
	char		 name[TRADDR_MAX + 1];
	char		 addr[64];	/* "" until first resolved */
	bool		 pending;	/* a resolve job is running */
	int64_t		 retry_at;	/* after a failure; 0 = none due */
};

struct want_names {
	struct want_name *v;
	size_t		 n, cap;
};

/*
 * want_pack - w (zeroed) with a record of cc.
 * Return: 0, or -ENOMEM.
 */
int	want_pack(struct want *w, const struct ctrl_conf *cc);

/* Release the records of v[0..n) and free v. */
void	want_free(struct want *v, size_t n);

void	want_names_fini(struct want_names *names);

/* The entry for name, or NULL. */
struct want_name *want_names_find(const struct want_names *names,
	    const char *name);

/*
 * want_names_sync - add the host names c's controllers need resolving
 * (want_needs_resolving()) that names does not hold yet, with no address:
 * the caller resolves every entry that is neither pending, known nor
 * waiting for a retry.
 * Return: the number added, or -ENOMEM.
 */
int	want_names_sync(struct want_names *names, const struct conf *c);

/* The same for the controllers ctrls[0..n) (nvme-fabrics.conf's). */
int	want_names_add(struct want_names *names, struct ctrl_rec *const *ctrls,
	    size_t n);

/* Does this entry need a host name resolved (tcp/rdma, not an IP)? */
bool	want_needs_resolving(const struct ctrl_id *id);

/*
 * want_from_conf - the desired set from stacd.conf: exclusions (on the
 * written and on the resolved address), ip-family, host names replaced by
 * their address from names (entries whose name has none yet are left
 * out), IP literals in canonical form, host-nqn defaulted to the host's
 * NQN.  *incomplete is set when an entry was left out because its name
 * is still being resolved for the first time.  Problems are logged.
 * Return: 0 with *out (want_free() it) and *n, or -ENOMEM.
 */
int	want_from_conf(const struct conf *c, const struct host_conf *h,
	    const struct want_names *names, struct want **out, size_t *n,
	    bool *incomplete);

/*
 * want_from_ctrls - the same for the controllers ctrls[0..n_ctrls) with
 * c's rules (nvme-fabrics.conf's [Subsystem] paths), appended to *out
 * (*n entries already there; *incomplete is only ever set).
 * Return: 0, or -ENOMEM (*out may have moved; its *n entries stay).
 */
int	want_from_ctrls(const struct conf *c, struct ctrl_rec *const *ctrls,
	    size_t n_ctrls, const struct host_conf *h,
	    const struct want_names *names, struct want **out, size_t *n,
	    bool *incomplete);

/*
 * want_merge - the desired set as pointers into the two parts (8 bytes
 * an entry, nothing copied): configured wants, then discovered ones.
 * The pointers are good until either part is rebuilt.
 * Return: 0 with *out (free it, not what it points to) and *n, or
 * -ENOMEM.
 */
int	want_merge(const struct want *conf, size_t n_conf,
	    const struct want *disc, size_t n_disc, const struct want ***out,
	    size_t *n);

/*
 * want_sort_unique - sort pointers to wants by identity and keep one of
 * each identity: a configured one before a discovered one, else the
 * first in memory.  Return: how many are left.
 */
size_t	want_sort_unique(const struct want **p, size_t n);

/*
 * want_drop_repeats - keep the first of wants with equal identities, in
 * their order (O(n log n)).  Return: 0, or -ENOMEM (v unchanged).
 */
int	want_drop_repeats(struct want *v, size_t *n);

#endif

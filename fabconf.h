/*
 * fabconf.h - nvme-cli 3's shared connection configuration: the
 * [Subsystem] sections of /etc/nvme/nvme-fabrics.conf and of the *.conf
 * files in /etc/nvme/nvme-fabrics.conf.d are I/O controllers to connect,
 * like stacd.conf's controller= lines (nvme-cli-3.md §1).
 *
 *	[I/O Controller Defaults]
 *	ctrl-loss-tmo = 600
 *	[Subsystem]
 *	nqn = nqn.2014-08.org.example:vol1
 *	kxchap-secret = DHHC-1:00:...:
 *	controller = transport=tcp;traddr=10.0.0.9;host-iface=eth0
 *	controller = transport=tcp;traddr=10.0.1.9;keep-alive-tmo=15
 *
 * Tunables cascade: the controller line, then its section, then the
 * file's [I/O Controller Defaults] (a drop-in's over the main file's),
 * then the kernel's default; stacd.conf's [Global] does not apply.  An
 * empty value ("key =") resets a tunable to the kernel's default.
 * Secrets (kxchap-secret, kxchap-ctrl-secret) come from the section,
 * else the file's [Host].  A [Host] with another host NQN or host ID
 * than stacd's is another host personality: its file's connections are
 * skipped with a warning (the kernel pairs one host NQN with one ID).
 */
#ifndef STACD_FABCONF_H
#define STACD_FABCONF_H

#include <stddef.h>

#include "conf.h"

#define FABCONF_FILES_MAX	256	/* drop-ins read */

#define FABCONF_ORIGIN_MAX	96

/* The controllers found (own_tunables set), and where each was written. */
struct fabconf {
	struct ctrl_conf *ctrls;
	char		(*origins)[FABCONF_ORIGIN_MAX];	/* "FILE:LINE" */
	size_t		 n, cap_ctrls, cap_origins;
};

void	fabconf_init(struct fabconf *f);
void	fabconf_fini(struct fabconf *f);

/*
 * fabconf_parse - add the [Subsystem] controllers of one file's text
 * (named fname), read as the main file.  h is stacd's host identity.
 * Problems are logged with fname:line.  Return: 0, or -ENOMEM.
 */
int	fabconf_parse(struct fabconf *f, const char *buf, size_t len,
	    const char *fname, const struct host_conf *h);

/*
 * fabconf_load - ROOT/etc/nvme/nvme-fabrics.conf, then its drop-ins in
 * name order, each over the main file's [I/O Controller Defaults] and
 * [Host].  Missing files are no connections.
 * Return: 0, or -ENOMEM.
 */
int	fabconf_load(struct fabconf *f, const char *root,
	    const struct host_conf *h);

#endif

/*
 * fabconf.h - the connection files stacd shares with nvme-cli and
 * nvme-stas.  nvme-cli 3's shared connection configuration: the
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

/*
 * The controllers found (own_tunables set), packed (ctrl_rec.h), and
 * where each was written.
 */
struct fabconf {
	struct ctrl_rec	**ctrls;
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
 * fabconf_push - append cc, written at origin ("FILE:LINE",
 * "cmdline:3", "NBFT:subsystem 1"...), as it is.
 * Return: 0, or -ENOMEM.
 */
int	fabconf_push(struct fabconf *f, const struct ctrl_conf *cc,
	    const char *origin);

#define FABCONF_DISCOVERY_CONF	"/etc/nvme/discovery.conf"
#define FABCONF_STAFD_CONF	"/etc/stas/stafd.conf"

/*
 * fabconf_parse_discovery - nvme-cli 2.x's discovery.conf: one `nvme
 * discover` argument set per line ("--transport=tcp --traddr=10.0.0.5
 * -s 8009 --host-iface=eth0"; '=' or a blank between an option and its
 * value; '#' starts a comment line).  Each line is a discovery
 * controller: the well-known discovery NQN unless --nqn gives one, tcp
 * port 8009 unless --trsvcid does, "none" meaning not given.  A line
 * with an option stacd does not know, a --hostid other than stacd's, or
 * a value with ';' is skipped with a warning naming fname:line; options
 * that only change nvme discover's output (--persistent, --raw, --tos,
 * ...) are accepted and not used.  Return: 0, or -ENOMEM.
 */
int	fabconf_parse_discovery(struct fabconf *f, const char *buf, size_t len,
	    const char *fname, const struct host_conf *h);

/*
 * fabconf_parse_stafd - the discovery controllers of nvme-stas's
 * stafd.conf: its [Controllers] controller= entries, in stacd.conf's
 * syntax, with stafd's defaults (the well-known discovery NQN, tcp port
 * 8009).  Everything else in the file is stafd's and is not read (its
 * exclude= lines, zeroconf).  Return: 0, or -ENOMEM.
 */
int	fabconf_parse_stafd(struct fabconf *f, const char *buf, size_t len,
	    const char *fname);

/*
 * fabconf_load - ROOT/etc/nvme/nvme-fabrics.conf, then its drop-ins in
 * name order, each over the main file's [I/O Controller Defaults] and
 * [Host]; then ROOT/etc/nvme/discovery.conf and ROOT/etc/stas/stafd.conf
 * (discovery controllers; discovery.conf not with
 * FABCONF_NO_DISCOVERY_CONF in flags: rd.nvmf.nostatic).  Missing files
 * are no connections.  The same controller from two files is kept twice
 * here; the desired set takes the first (this order).
 * Return: 0, or -ENOMEM.
 */
#define FABCONF_NO_DISCOVERY_CONF	0x1
int	fabconf_load(struct fabconf *f, const char *root,
	    const struct host_conf *h, unsigned flags);

#endif

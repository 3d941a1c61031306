/*
 * registry.h - nvme-cli 3's ownership registry: /run/nvme/registry/nvmeN
 * holds "owner" (the orchestrator that made or claimed the controller)
 * and "seqnum" (/sys/kernel/uevent_seqnum then), so that orchestrators
 * do not disconnect each other's controllers (nvme-cli-3.md §3).  stacd
 * is nvme-stas's stacd: its name there is "stas".
 */
#ifndef STACD_REGISTRY_H
#define STACD_REGISTRY_H

#include <stddef.h>

#include "conf.h"

#define REGISTRY_OWNER		"stas"
#define REGISTRY_NBFT		"nbft"	/* nvme-cli 3's name for NBFT's */
#define REGISTRY_OWNER_MAX	63

#define REGISTRY_CMDLINE	"rd.nvmf"	/* stacd's name for rd.nvmf.*'s */

/* The owner name a controller of this origin is registered under. */
const char *registry_name(enum ctrl_origin origin);

/*
 * registry_owner - the owner of dev's entry under root.
 * Return: 0 with owner ("" for an empty file), -ENOENT when dev has no
 * entry, or -errno.
 */
int	registry_owner(const char *root, const char *dev, char *owner,
	    size_t size);

/*
 * registry_claim - make as (REGISTRY_OWNER, or REGISTRY_NBFT for a boot
 * controller of the firmware's table) the owner of dev: a new entry is
 * built in a temporary directory and renamed into place, so no reader
 * sees half of one.  An entry that names another owner is left alone.
 * as must be at most REGISTRY_OWNER_MAX - 1 bytes.
 * Return: 0 (as's now, or already), -EBUSY (another's), or -errno.
 */
int	registry_claim(const char *root, const char *dev, const char *as);

/* registry_release - remove dev's entry if it is ours.  Return: 0, -errno. */
int	registry_release(const char *root, const char *dev);

/*
 * registry_forget - the kernel removed dev (a remove uevent with seqnum):
 * its entry, whoever owns it, goes if /dev/dev no longer exists and
 * seqnum is newer than the entry's (instance numbers are reused), as
 * libnvme's udev rule does on hosts that have udevd.
 * Return: 0 (removed or nothing to do), or -errno.
 */
int	registry_forget(const char *root, const char *dev,
	    unsigned long long seqnum);

#endif

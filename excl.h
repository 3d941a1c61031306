/*
 * excl.h - nvme-cli 3's host-wide exclusion list: /etc/nvme/exclusions.conf
 * and the *.conf files of /etc/nvme/exclusions.conf.d, entries
 *	[exclusions]
 *	exclusion = transport=tcp;traddr=192.0.2.10;nqn=nqn...:vol1
 * that no orchestrator connects on its own (nvme-cli-3.md §2).
 *
 * Only the fields an entry names are compared; a field named that the
 * controller lacks does not match; an entry with an unknown key or no
 * field never matches; addresses compare as addresses, fc addresses
 * without regard to case.  A file that cannot be read excludes nothing.
 */
#ifndef STACD_EXCL_H
#define STACD_EXCL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctrl_id.h"
#include "util.h"

#define EXCL_FILES_MAX	256	/* drop-ins read */

struct excl_entry {
	struct ctrl_id	 id;		/* the named fields' values */
	char		 hostid[HOSTID_LEN + 1];
	unsigned	 fields;	/* bits of the fields named */
	bool		 never;		/* unknown key or no field */
	char		 origin[64];	/* "exclusions.conf:12", for logs */
};

struct excl_list {
	struct excl_entry *v;
	size_t		 n, cap;
	uint64_t	 stamp;		/* of the files read, see excl_stamp() */
};

void	excl_init(struct excl_list *l);
void	excl_fini(struct excl_list *l);

/*
 * excl_parse - add the entries of one file's text (named fname).
 * Problems are logged with fname:line.  Return: 0, or -ENOMEM.
 */
int	excl_parse(struct excl_list *l, const char *buf, size_t len,
	    const char *fname);

/*
 * excl_refresh - (re)read the files under root when they changed since
 * the last read (name, size, modification time and inode of each, and
 * the drop-ins present).  Return: true when the list changed.
 */
bool	excl_refresh(struct excl_list *l, const char *root);

/*
 * excl_match - the entry that excludes controller id, connected as host
 * hostnqn/hostid, or NULL.
 */
const struct excl_entry *excl_match(const struct excl_list *l,
	    const struct ctrl_id *id, const char *hostnqn, const char *hostid);

#endif

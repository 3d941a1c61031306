/*
 * conf.h - stacd.conf, sys.conf and the host identity.
 *
 * Everything parses from a (buffer, length) pair so that tests and
 * fuzzers need no files; the *_load() functions are thin wrappers that
 * read a file under the daemon's root prefix.  Problems in the input are
 * logged as warnings naming file:line and never stop the parse: an
 * invalid value falls back to its default, an invalid controller entry is
 * dropped.
 */
#ifndef STACD_CONF_H
#define STACD_CONF_H

#include <stdint.h>
#include <stdio.h>

#include "ctrl_id.h"

struct ctrl_rec;

/* Connection tunables: [Global] values and per-controller overrides. */
enum tunable {
	TUN_HDR_DIGEST,
	TUN_DATA_DIGEST,
	TUN_DISABLE_SQFLOW,
	TUN_KATO,
	TUN_NR_IO_QUEUES,
	TUN_NR_WRITE_QUEUES,
	TUN_NR_POLL_QUEUES,
	TUN_QUEUE_SIZE,
	TUN_RECONNECT_DELAY,
	TUN_CTRL_LOSS_TMO,
	TUN_COUNT
};

struct tunables {
	uint32_t	set;		/* bit (1 << tunable) when given */
	int		val[TUN_COUNT];	/* booleans are 0/1 */
};

const char	*tunable_name(enum tunable t);	/* "hdr-digest", ... */
bool		 tunable_is_bool(enum tunable t);

enum ip_family {
	IPF_V4 = 1,
	IPF_V6 = 2,
};

enum disconnect_scope {
	DS_ONLY_STAS_CONNECTIONS,
	DS_ALL_MATCHING_TRTYPES,
	DS_NO_DISCONNECT,
};

/* Who reads the discovery log pages ([Global] discovery=). */
enum discovery_mode {
	DM_AUTO,		/* stafd when it is on the bus, else stacd */
	DM_OWN,			/* stacd always; stafd is not asked */
	DM_STAFD,		/* stafd only; stacd never discovers */
};

/*
 * Where a controller comes from, as far as ownership goes: the boot
 * sources' controllers (and what their discovery controllers list) are
 * registered under another owner than stacd's, so that no stacd ever
 * disconnects a root disk (registry.h).
 */
enum ctrl_origin {
	ORIGIN_CONF,		/* stacd.conf, nvme-cli's files, stafd */
	ORIGIN_NBFT,		/* the firmware's boot table */
	ORIGIN_CMDLINE,		/* rd.nvmf.* on the kernel command line */
};

/* A `controller =` entry, validated and defaulted. */
struct ctrl_conf {
	struct ctrl_id	id;
	char		dhchap_secret[SECRET_MAX + 1];
	char		dhchap_ctrl_secret[SECRET_MAX + 1];
	struct tunables	tun;		/* overrides of [Global] */
	bool		own_tunables;	/* tun is all: no [Global] (from
					   nvme-fabrics.conf) */
	bool		discovery_ctrl;	/* a discovery controller */
	enum ctrl_origin origin;
	unsigned	line;		/* where it was written */
};

/* Which identity fields an `exclude =` entry names. */
enum id_field_bit {
	IDF_TRANSPORT	= 1 << 0,
	IDF_TRADDR	= 1 << 1,
	IDF_TRSVCID	= 1 << 2,
	IDF_SUBSYSNQN	= 1 << 3,
	IDF_HOST_TRADDR	= 1 << 4,
	IDF_HOST_IFACE	= 1 << 5,
	IDF_HOST_NQN	= 1 << 6,
};

struct exclude_conf {
	uint32_t	fields;		/* enum id_field_bit; never 0 */
	struct ctrl_id	id;		/* values of the named fields */
	unsigned	line;
};

struct conf {
	bool		tron;
	bool		ignore_iface;
	unsigned	ip_family;		/* IPF_V4 | IPF_V6 */
	bool		ip_family_v6_first;	/* "ipv6+ipv4" was written */
	enum discovery_mode discovery;
	struct tunables	tun;
	enum disconnect_scope disconnect_scope;
	unsigned	disconnect_trtypes;	/* bits 1 << enum trtype */
	int		ncc_attempts;		/* connect-attempts-on-ncc */

	/* The `controller =` entries, packed (ctrl_rec.h), in file order. */
	struct ctrl_rec	**ctrls;
	size_t		n_ctrls, cap_ctrls;
	struct exclude_conf *excludes;
	size_t		n_excludes, cap_excludes;
	/*
	 * Lines that are not INI syntax (no "=", a broken section header,
	 * a NUL byte...): a reload refuses such a file whole, since what
	 * is left of it may be far less than the administrator meant.
	 */
	unsigned	bad_lines;
};

/* The host's identity, from sys.conf [Host] or /etc/nvme/host*. */
struct host_conf {
	char		nqn[NQN_MAX + 1];
	char		id[HOSTID_LEN + 1];
	char		key[SECRET_MAX + 1];	/* "" when none */
	char		symname[256];		/* "" when none */
};

void	conf_init(struct conf *c);
void	conf_fini(struct conf *c);

/*
 * conf_parse - parse stacd.conf text into c (which conf_init() set up).
 * fname only names the source in messages.
 * Return: 0, or -ENOMEM.
 */
int	conf_parse(struct conf *c, const char *buf, size_t len,
	    const char *fname);

/*
 * conf_parse_controller - one `controller =` value on its own, validated
 * and defaulted as in stacd.conf; problems are logged as fname:line
 * [section] ([Controllers] when section is NULL, nothing when it is "",
 * for a file that is not INI).
 * Return: 0 with *out, -EINVAL when the entry is dropped, or -ENOMEM.
 */
int	conf_parse_controller(const char *value, const char *fname,
	    unsigned line, const char *section, struct ctrl_conf *out);

/*
 * conf_load - read and parse a stacd.conf.  A file that does not exist
 * gives all defaults (like nvme-stas).
 * Return: 0, or -errno when the file exists but cannot be read (logged).
 */
int	conf_load(struct conf *c, const char *path);

/*
 * Print the effective configuration in stacd.conf syntax (--check).
 * DH-HMAC-CHAP secrets are printed as "<redacted>" unless secrets is set:
 * the output is pasted into tickets.
 */
void	conf_print(FILE *out, const struct conf *c, bool secrets);

/* Print an identity as a controller entry value, without parameters. */
void	conf_print_id(FILE *out, const struct ctrl_id *id);

/* Print one controller entry's value ("transport=tcp;traddr=..."). */
void	conf_print_ctrl(FILE *out, const struct ctrl_conf *cc, bool secrets);

/*
 * conf_keeps - may id (its address already canonical) be connected: no
 * `exclude =` entry matches it, and a tcp/rdma address is of an enabled
 * ip-family.
 */
bool	conf_keeps(const struct conf *c, const struct ctrl_id *id);

/* True when some `exclude =` entry matches id (nvme-stas "minimal match"). */
bool	conf_excluded(const struct conf *c, const struct ctrl_id *id);

/*
 * host_parse - resolve the host identity from sys.conf text (may be
 * empty) with file:// values and /etc/nvme fall-backs read under root.
 * Return: 0; -1 when the identity is unusable (the reason is logged with
 * nvme-stas's wording).
 */
int	host_parse(struct host_conf *h, const char *buf, size_t len,
	    const char *fname, const char *root);

/* host_load - host_parse() of ROOT/etc/stas/sys.conf (may not exist). */
int	host_load(struct host_conf *h, const char *root);

#endif

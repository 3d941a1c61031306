/*
 * cmdline.h - the kernel command line's rd.nvmf.* keys, in the syntax of
 * dracut's nvmf module (dracut-ng 74nvmf, formerly 95nvmf), for hosts
 * that boot from NVMe-oF with boot entries written for dracut
 * (kernel-nvmf.md §5.3):
 *
 *	rd.nvmf.discover=TRANSPORT,TRADDR[,HOST_TRADDR[,TRSVCID]]
 *	rd.nvmf.discover=fc,auto
 *	rd.nvmf.hostnqn=NQN  rd.nvmf.hostid=UUID
 *	rd.nvmf.nonbft  rd.nvmf.nostatic  rd.nonvmf
 *
 * The text is split into words as the kernel does (blanks separate,
 * double quotes group, "key=value"; keys compare exactly, as dracut's
 * getarg does).  What dracut does with each key:
 *
 *  - rd.nvmf.discover may be repeated; each is a discovery controller.
 *    The fields are split on ',' as dash splits them (a trailing ','
 *    adds no field), 2 to 4 fields.  An empty field or "none" is not
 *    given.  TRANSPORT is tcp, rdma or fc (exactly); TRADDR is required;
 *    TRSVCID defaults to 4420 (dracut writes --trsvcid=4420 even for
 *    discovery); fc needs HOST_TRADDR and takes no TRSVCID (dropped).
 *    "fc,auto" asks for FC autodiscovery instead: every other discover
 *    entry is then unused, and those after it are not even read.
 *  - rd.nvmf.hostnqn, rd.nvmf.hostid: the last one on the line counts;
 *    one with no value overrides nothing (dracut writes no file), nor
 *    does a malformed one (an earlier one is not taken instead).
 *  - the flags are dracut booleans: the last one counts; "0", "no" and
 *    "off" are false, anything else (and no value) true.
 *  - rd.nonvmf turns the module off: no other key is used.
 *  - nvmf.discover, nvmf.hostnqn, nvmf.hostid: dracut's deprecated
 *    aliases, with a warning; nvmf.discover entries come after all
 *    rd.nvmf.discover ones, and nvmf.hostnqn/hostid count only when no
 *    rd.nvmf.hostnqn/hostid is given.
 *
 * Every value that would reach /dev/nvme-fabrics is checked (field.h);
 * a bad entry is dropped with a warning naming the key and "NAME:N", N
 * the word's position on the command line (from 1), and the rest are
 * kept.  Pure code but for cmdline_load().
 */
#ifndef STACD_CMDLINE_H
#define STACD_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "conf.h"
#include "fabconf.h"

/*
 * Bounds: the kernel keeps at most COMMAND_LINE_SIZE bytes (2 KiB on
 * x86 and arm64, more where configured); what lies past
 * CMDLINE_TEXT_MAX is not read, and a word cut there is dropped.  At
 * most CMDLINE_DISCOVER_MAX discover entries are kept (dracut's
 * generator writes one per path of the root device); the rest are
 * counted and told in one warning.
 */
#define CMDLINE_TEXT_MAX	16384
#define CMDLINE_DISCOVER_MAX	32
#define CMDLINE_NAME_MAX	32

/* One rd.nvmf.discover entry, checked and defaulted. */
struct cmdline_discover {
	enum trtype	 transport;	/* tcp, rdma or fc */
	char		 traddr[TRADDR_MAX + 1];
	char		 host_traddr[TRADDR_MAX + 1];	/* "": not given */
	char		 trsvcid[TRSVCID_MAX + 1];	/* "" for fc */
	unsigned	 pos;		/* word on the command line, from 1 */
};

/* What the command line asks of NVMe-oF; pos 0: the key is not given. */
struct boot_cmdline {
	char		 name[CMDLINE_NAME_MAX];	/* for messages, origins */
	struct cmdline_discover discover[CMDLINE_DISCOVER_MAX];
	size_t		 n_discover;
	char		 hostnqn[NQN_MAX + 1];	/* "": no override */
	char		 hostid[HOSTID_LEN + 1];	/* "": no override */
	unsigned	 hostnqn_pos, hostid_pos;
	bool		 fc_auto;	/* rd.nvmf.discover=fc,auto */
	bool		 nonbft;	/* rd.nvmf.nonbft: the NBFT is not used */
	bool		 nostatic;	/* rd.nvmf.nostatic: no baked-in
					   discovery.conf, config.json */
	bool		 nonvmf;	/* rd.nonvmf: nothing here is used */
	unsigned	 fc_auto_pos, nonbft_pos, nostatic_pos, nonvmf_pos;
	size_t		 n_over;	/* good discover entries over the max */
};

/*
 * cmdline_parse - the rd.nvmf.* keys of the text of /proc/cmdline (len
 * bytes; the text ends at a NUL byte, as the kernel's does) into *out.
 * name ("cmdline" when NULL) names the source in messages and origins.
 * Other keys are not read; an unknown rd.nvmf.* key is told (a typo).
 * Return: how many values were dropped (each told; discover entries
 * over CMDLINE_DISCOVER_MAX count), or -ENOMEM.
 */
int	cmdline_parse(const char *text, size_t len, const char *name,
	    struct boot_cmdline *out);

/*
 * cmdline_load - cmdline_parse() of ROOT/proc/cmdline, named "cmdline".
 * A missing file is an empty command line; one that cannot be read is
 * told and read as empty.  Return: as cmdline_parse().
 */
int	cmdline_load(const char *root, struct boot_cmdline *out);

/*
 * cmdline_ctrl - discover entry i of c as a discovery controller: the
 * stacd.conf controller value composed from it, checked by
 * conf_parse_controller() (origin NAME:pos), the well-known discovery
 * NQN, discovery_ctrl and own_tunables set (no [Global] tunables apply,
 * as for nvme-cli's files).  Return: 0, -EINVAL when refused (told), or
 * -ENOMEM.
 */
int	cmdline_ctrl(const struct boot_cmdline *c, size_t i,
	    struct ctrl_conf *out);

/*
 * cmdline_fabconf - append every discover entry of c to f, with origin
 * "NAME:pos", after what f holds.  Return: 0, or -ENOMEM.
 */
int	cmdline_fabconf(const struct boot_cmdline *c, struct fabconf *f);

/*
 * cmdline_host - apply the host NQN and host ID overrides of c to h (each
 * told).  Return: true when h changed.
 */
bool	cmdline_host(const struct boot_cmdline *c, struct host_conf *h);

/*
 * cmdline_print - for --check, as comments: the host identity
 * overrides and the flags given (the discover entries are listed with
 * the other sources' controllers).  Nothing when the line has no key.
 */
void	cmdline_print(FILE *out, const struct boot_cmdline *c);

#endif

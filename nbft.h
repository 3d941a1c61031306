/*
 * nbft.h - the NBFT, the ACPI table in which UEFI firmware that booted
 * over NVMe/TCP tells the OS what it did (NVMe Boot Specification 1.0,
 * kernel-nvmf.md §5): the host identity, the host fabric interfaces
 * (HFIs: MAC, VLAN, IP configuration), the subsystem namespaces it
 * connected and the discovery controllers it used.  The kernel shows it
 * as /sys/firmware/acpi/tables/NBFT (NBFT1, NBFT2... for more tables).
 *
 * Pure code but for nbft_load(): the bytes are the firmware's, so every
 * offset, length and string is checked before anything is taken.  A table
 * whose ACPI header is wrong is refused whole; a descriptor that is wrong
 * costs only itself.
 *
 * What stacd takes and what it refuses (nbft_ctrls()):
 *  - tcp only: the only transport the specification defines.  A descriptor
 *    of any other transport is dropped with a warning.
 *  - Subsystem namespaces flagged not valid or unavailable, and those
 *    carrying the well-known discovery NQN (as nvme-cli), are not
 *    connected; one is connected through each HFI that reaches it.
 *  - A security profile that requires in-band authentication or a secure
 *    channel (TLS) is refused: stacd has neither from the firmware.
 *  - VLAN, DHCP, gateway, DNS and host name are recorded, not acted on:
 *    the caller brings up the network (nbft_hfi.ipconf).
 *  - The header and data digest flags become hdr-digest / data-digest.
 *  - ASQSZ, NID, NSID and the controller ID are recorded only: the kernel
 *    takes none of them.
 */
#ifndef STACD_NBFT_H
#define STACD_NBFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"

/* What one table holds at most; descriptors past these are dropped. */
#define NBFT_HFI_MAX		16
#define NBFT_SSNS_MAX		64
#define NBFT_DISC_MAX		16
#define NBFT_SEC_MAX		16
#define NBFT_SSNS_HFI_MAX	8	/* HFIs of one namespace, primary first */
#define NBFT_TABLES_MAX		8	/* NBFT, NBFT1... read by nbft_load() */
#define NBFT_SIZE_MAX		(1u << 20)	/* bytes of one table */

#define NBFT_IP_MAX		46	/* INET6_ADDRSTRLEN */
#define NBFT_NAME_MAX		64	/* "NBFT", "NBFT12", a --nbft path
					   (its end, after "...") */
#define NBFT_URI_MAX		512
#define NBFT_HOSTNAME_MAX	255

/* How the OS should configure an HFI's address. */
enum nbft_ipconf {
	NBFT_IP_STATIC,		/* ip/prefix/gateway as given */
	NBFT_IP_DHCP,		/* DHCP override flag, or IP origin DHCP (3) */
	NBFT_IP_SLAAC,		/* IP origin router advertisement (4) */
};

/* A host fabric interface: a NIC the firmware used. */
struct nbft_hfi {
	uint8_t		 index;		/* referenced by SSNS and discovery */
	uint8_t		 mac[6];
	char		 mac_str[18];	/* "52:54:00:12:34:56" */
	uint16_t	 vlan;		/* 0: none */
	uint8_t		 ip_origin;	/* NL_PREFIX_ORIGIN as written */
	enum nbft_ipconf ipconf;
	bool		 default_route;	/* the global route flag */
	unsigned	 family;	/* IPF_V4 or IPF_V6; 0: no address */
	char		 ip[NBFT_IP_MAX];	/* "" when the field is zero */
	uint8_t		 prefix;
	char		 gateway[NBFT_IP_MAX];
	char		 dns1[NBFT_IP_MAX];
	char		 dns2[NBFT_IP_MAX];
	char		 dhcp_server[NBFT_IP_MAX];	/* with DHCP only */
	uint16_t	 route_metric;
	uint32_t	 pci_sbdf;
	char		 host_name[NBFT_HOSTNAME_MAX + 1];
};

/* SSNS flags, as the table has them. */
#define NBFT_SSNS_F_VALID	0x0001
#define NBFT_SSNS_F_NONBOOT	0x0002
#define NBFT_SSNS_F_SECURITY	0x0004
#define NBFT_SSNS_F_EXT_INFO	0x0010
#define NBFT_SSNS_F_DISCOVERED	0x0040
#define NBFT_SSNS_F_UNAVAIL_MASK 0x0180
#define NBFT_SSNS_F_UNAVAIL	0x0100

/* A subsystem namespace the firmware was configured for. */
struct nbft_ssns {
	uint16_t	 index;
	uint16_t	 flags;		/* NBFT_SSNS_F_* */
	bool		 valid;		/* else only index and flags are set */
	bool		 unavailable;
	bool		 discovered;
	bool		 hdr_digest, data_digest;
	char		 traddr[TRADDR_MAX + 1];	/* canonical IP */
	char		 trsvcid[TRSVCID_MAX + 1];
	char		 nqn[NQN_MAX + 1];
	uint16_t	 port_id;
	uint32_t	 nsid;
	uint8_t		 nidt;
	uint8_t		 nid[16];
	uint8_t		 hfi[NBFT_SSNS_HFI_MAX];	/* indexes that reach it */
	size_t		 n_hfi;				/* >= 1 */
	uint8_t		 disc_index;	/* 0: none */
	uint8_t		 sec_index;	/* 0: none (use-security flag clear) */
	bool		 ext_info;	/* cntlid and asqsz were given */
	uint16_t	 cntlid;
	uint16_t	 asqsz;
};

/* A discovery controller the firmware used, from its URI. */
struct nbft_disc {
	uint8_t		 index;
	uint8_t		 hfi_index;	/* 0: none named */
	uint8_t		 sec_index;	/* 0: none */
	char		 uri[NBFT_URI_MAX];	/* nvme+tcp://10.0.0.5:8009/ */
	char		 traddr[TRADDR_MAX + 1];
	char		 trsvcid[TRSVCID_MAX + 1];	/* 8009 when not given */
	char		 nqn[NQN_MAX + 1];	/* the well-known one if none */
};

/* A security profile: recorded, so that its users can be refused. */
#define NBFT_SEC_F_VALID	0x0001
#define NBFT_SEC_AUTH_MASK	0x0006
#define NBFT_SEC_AUTH_REQUIRED	0x0004
#define NBFT_SEC_CHAN_MASK	0x0060
#define NBFT_SEC_CHAN_REQUIRED	0x0040

struct nbft_sec {
	uint8_t		 index;
	uint16_t	 flags;		/* NBFT_SEC_* */
	uint8_t		 secret_type;
};

struct nbft {
	char		 name[NBFT_NAME_MAX];	/* for messages */
	uint8_t		 major, minor;		/* revision */
	char		 oem_id[7];
	char		 oem_table_id[9];
	bool		 control_valid;	/* else the table describes nothing */
	/* The host descriptor: "" when the table has no (usable) value. */
	char		 host_nqn[NQN_MAX + 1];
	char		 host_id[HOSTID_LEN + 1];
	uint8_t		 host_flags;
	struct nbft_hfi	 hfi[NBFT_HFI_MAX];
	size_t		 n_hfi;
	struct nbft_ssns ssns[NBFT_SSNS_MAX];
	size_t		 n_ssns;
	struct nbft_disc disc[NBFT_DISC_MAX];
	size_t		 n_disc;
	struct nbft_sec	 sec[NBFT_SEC_MAX];
	size_t		 n_sec;
	unsigned	 dropped;	/* descriptors dropped with a warning */
};

/*
 * nbft_parse - the table buf[0..len) (the file's contents), named name in
 * log lines ("NBFT", or a path).
 *
 * Refused whole, with a warning naming the table: shorter than its
 * header and control descriptor, signature not "NBFT", length field
 * larger than len (bytes past it are ignored), bytes 0..length not
 * summing to 0, major revision not 1, heap past the table, control
 * descriptor's structure ID not 1.  A control descriptor without its
 * valid flag gives an empty table.
 *
 * Dropped alone, with a warning naming it and its index: a descriptor
 * list past the table or with entries shorter than their fields (the
 * whole list); a descriptor with a wrong structure ID, a non-tcp
 * transport, a heap reference outside the heap, a heap object shorter
 * than what is read from it, a string with no NUL at its end or after it
 * (the firmware's record separator), a value refused by field_problem()
 * or with a ';', a space or a control character, a subsystem namespace
 * whose primary HFI is not in the table, a discovery descriptor naming an
 * HFI that is not, or a URI that is not nvme+tcp://IP[:PORT][/...].
 * Past the maxima above, descriptors are dropped with one warning.  The
 * host descriptor's NQN, when unusable, is left "" with a warning (the
 * system's is used).
 * Descriptors without their valid flag are left out quietly, except
 * subsystem namespaces, kept with valid false.
 *
 * Return: 0 with *out; -EBADMSG when the table is refused.
 */
int	nbft_parse(const uint8_t *buf, size_t len, const char *name,
	    struct nbft *out);

/*
 * nbft_load - parse ROOT/sys/firmware/acpi/tables/NBFT* in name order
 * (NBFT, NBFT1, NBFT2, ...), at most NBFT_TABLES_MAX; a table that cannot
 * be read or is refused is logged and left out.
 * Return: 0 with *tables (free it) and *n (0 when there is none), or
 * -ENOMEM.
 */
int	nbft_load(const char *root, struct nbft **tables, size_t *n);

/*
 * Print t as key=value lines for --check: the table, the host, then one
 * line per HFI, security profile, discovery descriptor and subsystem
 * namespace, in table order.
 */
void	nbft_print(FILE *out, const struct nbft *t);

/*
 * The interface name of the HFI with this MAC address and VLAN (0: none)
 * in ifname (size bytes).  Return: 0, or -ENOENT when there is none.
 */
typedef int (*nbft_ifname_fn)(void *ctx, const uint8_t mac[6],
    uint16_t vlan, char *ifname, size_t size);

/*
 * nbft_ctrls - the controllers t asks for, as stacd.conf entries would
 * give them (composed and checked by conf_parse_controller()): one I/O
 * controller per usable subsystem namespace and HFI that reaches it, and
 * one discovery controller (discovery_ctrl set) per discovery descriptor,
 * in table order.  host-iface is ifname()'s answer for the HFI; a path
 * whose HFI has no interface is skipped with a warning, a discovery
 * descriptor naming no HFI gets none.  host-nqn is the table's host NQN
 * when it has one.  What is refused is logged (see the top of this file).
 * Return: 0 with *out (free it) and *n, or -ENOMEM.
 */
int	nbft_ctrls(const struct nbft *t, nbft_ifname_fn ifname, void *ctx,
	    struct ctrl_conf **out, size_t *n);

/*
 * nbft_ip_setting - the kernel command line's ip= value that brings up
 * HFI h on interface ifname as the firmware had it, in dracut's syntax,
 * which initramfs-tools' ipconfig also reads for IPv4:
 *	static IPv4	ip=ADDR::GATEWAY:NETMASK:HOSTNAME:IFACE:none[:DNS1[:DNS2]]
 *	static IPv6	the same with [ADDR], [GATEWAY], the prefix length
 *			for NETMASK and [DNS]
 *	DHCP		ip=:::::IFACE:dhcp (dhcp6 for an IPv6 HFI)
 *	router adv.	ip=:::::IFACE:auto6
 * Empty fields (no gateway, host name or DNS) stay empty.  ifname is the
 * interface that carries the address (the VLAN device for an HFI on one).
 * Return: 0 with buf; -ENOENT for a static HFI without an address;
 * -ENOSPC when buf is too small.
 */
int	nbft_ip_setting(const struct nbft_hfi *h, const char *ifname, char *buf,
	    size_t size);

#endif

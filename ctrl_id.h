/*
 * ctrl_id.h - what makes two controllers the same: the identity that the
 * configuration, the discovery data and the reconciler speak about, the
 * kernel's view of a controller, and the rules that match one with the
 * other.  Pure code: no I/O.
 */
#ifndef STACD_CTRL_ID_H
#define STACD_CTRL_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stacd.h"

enum trtype {
	TRTYPE_NONE,
	TRTYPE_TCP,
	TRTYPE_RDMA,
	TRTYPE_FC,
	TRTYPE_LOOP,
	TRTYPE_COUNT
};

/*
 * A controller's identity: the 7-tuple nvme-stas keys everything on.
 * Empty strings mean "not given".  host_nqn empty means "the host's NQN".
 */
struct ctrl_id {
	enum trtype	transport;
	char		traddr[TRADDR_MAX + 1];
	char		trsvcid[TRSVCID_MAX + 1];
	char		subsysnqn[NQN_MAX + 1];
	char		host_traddr[TRADDR_MAX + 1];
	char		host_iface[HOST_IFACE_MAX + 1];
	char		host_nqn[NQN_MAX + 1];
};

/*
 * The same 7 fields as pointers, into a ctrl_id or a packed record
 * (ctrl_rec.h): what the order, the names and the matching read, so that
 * neither form is converted to the other on a hot path.
 */
struct ctrl_view {
	enum trtype	 transport;
	const char	*traddr, *trsvcid, *subsysnqn, *host_traddr,
			*host_iface, *host_nqn;
};

/* id's fields as a view (good while id is). */
void		 ctrl_id_view(const struct ctrl_id *id, struct ctrl_view *v);

/* A total order over the 7 identity fields (exact strings). */
int		 ctrl_id_compare(const struct ctrl_id *a, const struct ctrl_id *b);
int		 ctrl_view_compare(const struct ctrl_view *a,
		    const struct ctrl_view *b);

/*
 * nvme-stas's printable form, for log lines:
 * "(tcp, 10.0.0.1, 4420, nqn..., eth0, 10.0.0.5)", empty parts left out.
 */
#define CTRL_ID_STR_MAX	1024
const char	*ctrl_id_str(const struct ctrl_id *id, char *buf, size_t size);
const char	*ctrl_view_str(const struct ctrl_view *v, char *buf,
		    size_t size);

/* A 32-bit key of all 7 fields (FNV-1a): which controller listed what. */
uint32_t	 ctrl_id_hash(const struct ctrl_id *id);
uint32_t	 ctrl_view_hash(const struct ctrl_view *v);


const char	*trtype_name(enum trtype t);
enum trtype	 trtype_from_name(const char *name);

/* A controller as the kernel shows it in /sys/class/nvme/nvmeN. */
struct kctrl {
	char		name[DEVNAME_MAX + 1];	/* "nvme3" */
	int		instance;		/* 3 */
	char		transport[16];		/* tcp rdma fc loop pcie ... */
	char		traddr[TRADDR_MAX + 1];
	char		trsvcid[TRSVCID_MAX + 1];
	char		host_traddr[TRADDR_MAX + 1];
	char		host_iface[HOST_IFACE_MAX + 1];
	char		src_addr[64];		/* tcp, kernel >= 6.1, while live */
	char		src_iface[HOST_IFACE_MAX + 1];	/* owner of src_addr */
	/*
	 * For kernels without src_addr (before 6.1), from the host's
	 * interface addresses: the interface owning host_traddr, and the
	 * first IPv4 and IPv6 address of host_iface (its source address).
	 */
	char		host_traddr_iface[HOST_IFACE_MAX + 1];
	char		host_iface_v4[64], host_iface_v6[64];
	char		subsysnqn[NQN_MAX + 1];
	char		hostnqn[NQN_MAX + 1];
	char		state[32];		/* live, connecting, ... */
	char		cntrltype[16];		/* io, discovery, "" (old kernel) */
	bool		has_ns;			/* no cntrltype: has namespaces */
	/*
	 * Another orchestrator's name when the ownership registry says it
	 * owns the controller ("" when nobody or stacd does): never ours
	 * to disconnect.
	 */
	char		foreign_owner[64];
};

/*
 * IP literals compare as addresses ("::ffff:10.0.0.1" equals "10.0.0.1",
 * a %scope is ignored); false when either is not an IP literal.
 */
bool		 ip_equal(const char *a, const char *b);

/* True for an I/O controller of a fabrics transport. */
bool		 kctrl_is_io(const struct kctrl *k);

/* True for a discovery controller of a fabrics transport. */
bool		 kctrl_is_discovery(const struct kctrl *k);

/*
 * ctrl_id_matches - may the kernel controller k serve identity id (for a
 * host whose NQN is host_nqn)?  nvme-stas's adoption rules (transport,
 * trsvcid, subsystem, host NQN; IP addresses compared as addresses,
 * host-traddr/host-iface checked when the kernel shows them).
 */
bool		 ctrl_id_matches(const struct kctrl *k, const struct ctrl_id *id,
		    const char *host_nqn);
bool		 ctrl_view_matches(const struct kctrl *k,
		    const struct ctrl_view *id, const char *host_nqn);

#endif

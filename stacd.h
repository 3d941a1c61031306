/*
 * stacd.h - types shared by every module: the controller identity that
 * the configuration, the discovery data, the kernel scan and the
 * reconciler all speak about.
 */
#ifndef STACD_H
#define STACD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifndef STACD_VERSION
#define STACD_VERSION "unknown"
#endif

/* NVMe-oF field limits (NVMe Base spec; kernel NVMF_NQN_SIZE is 223 + NUL). */
#define NQN_MAX		223
#define TRADDR_MAX	255
#define TRSVCID_MAX	31
#define HOST_IFACE_MAX	15	/* IFNAMSIZ - 1 */
#define SECRET_MAX	255
#define HOSTID_LEN	36	/* xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx */

#define DISCOVERY_NQN	"nqn.2014-08.org.nvmexpress.discovery"

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

/* A total order over the 7 identity fields (exact strings). */
int		 ctrl_id_compare(const struct ctrl_id *a, const struct ctrl_id *b);

/*
 * nvme-stas's printable form, for log lines:
 * "(tcp, 10.0.0.1, 4420, nqn..., eth0, 10.0.0.5)", empty parts left out.
 */
#define CTRL_ID_STR_MAX	1024
const char	*ctrl_id_str(const struct ctrl_id *id, char *buf, size_t size);

const char	*trtype_name(enum trtype t);

/* Milliseconds on CLOCK_MONOTONIC: every deadline of the daemon. */
static inline int64_t
monotime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
enum trtype	 trtype_from_name(const char *name);

#endif

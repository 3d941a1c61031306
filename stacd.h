/*
 * stacd.h - what every module shares: the NVMe-oF field limits, the
 * version, and the daemon's clock.  The controller identity is in
 * ctrl_id.h.
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
#define DEVNAME_MAX	31	/* "nvme12345" */

/* Milliseconds on CLOCK_MONOTONIC: every deadline of the daemon. */
static inline int64_t
monotime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif

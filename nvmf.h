/*
 * nvmf.h - the kernel side: /dev/nvme-fabrics and /sys/class/nvme.
 *
 * Pure helpers (option strings, the supported-option list, sysfs text
 * parsing) are separate from the functions that touch the
 * system, which all take the daemon's root prefix.
 */
#ifndef STACD_NVMF_H
#define STACD_NVMF_H

#include <stdint.h>

#include "conf.h"
#include "ctrl_id.h"

#define NVMF_OPTS_MAX	4096	/* the kernel reads at most a page */
#define NVMF_DC_KATO	30	/* keep-alive of a persistent DC (nvme-cli) */

/* Kernel options stacd may send; bits of nvmf_supported(). */
enum nvmf_opt {
	OPT_HOST_TRADDR,
	OPT_HOST_IFACE,
	OPT_HOSTID,
	OPT_NR_IO_QUEUES,
	OPT_NR_WRITE_QUEUES,
	OPT_NR_POLL_QUEUES,
	OPT_QUEUE_SIZE,
	OPT_KEEP_ALIVE_TMO,
	OPT_RECONNECT_DELAY,
	OPT_CTRL_LOSS_TMO,
	OPT_DISABLE_SQFLOW,
	OPT_HDR_DIGEST,
	OPT_DATA_DIGEST,
	OPT_DHCHAP_SECRET,
	OPT_DHCHAP_CTRL_SECRET,
	OPT_DISCOVERY,		/* TP 8013; only reported, never sent */
	OPT_COUNT
};

const char	*nvmf_opt_name(enum nvmf_opt o);

/*
 * nvmf_parse_supported - the option list a fresh /dev/nvme-fabrics fd
 * reads back ("instance=-1,cntlid=-1,transport=%s,..."), as a bit mask.
 */
uint32_t	 nvmf_parse_supported(const char *text);

/* What kernels older than 5.17 (no readable option list) accept. */
uint32_t	 nvmf_legacy_supported(void);

/*
 * nvmf_build_options - the option string for connecting cc with the
 * [Global] tunables of c (unless cc->own_tunables) and the host identity
 * h, leaving out the optional options the kernel does not support (bit
 * mask from nvmf_parse_supported()); host_traddr and hostid, which every
 * kernel stacd runs on has, are always sent.  Every string field is
 * validated again here.
 * Return: length written, -EINVAL for a value that must not reach the
 * kernel, -ENOSPC when buf is too small.  *dropped gets the bit mask of
 * configured options left out for lack of kernel support.
 */
int		 nvmf_build_options(char *buf, size_t size,
		    const struct ctrl_conf *cc, const struct conf *c,
		    const struct host_conf *h, uint32_t supported,
		    uint32_t *dropped);

/*
 * nvmf_parse_reply - "instance=N,cntlid=M\n" as read back after a
 * successful connect.  Return: N >= 0, or -EBADMSG.
 */
int		 nvmf_parse_reply(const char *text);

/*
 * nvmf_parse_address - split the sysfs "address" attribute into k's
 * traddr, trsvcid, host_traddr, host_iface and src_addr ("none" and
 * oversized values become "").
 */
void		 nvmf_parse_address(struct kctrl *k, const char *text);

/* ---- system access (root is the --root prefix, "" normally) ---- */

/*
 * nvmf_scan - read every /sys/class/nvme/nvme* controller.
 * Return: number of controllers with *out (free it), or -errno.
 * A missing /sys/class/nvme is an empty list.
 */
int		 nvmf_scan(const char *root, struct kctrl **out);

/*
 * nvmf_scan_one - re-read one controller, /sys/class/nvme/NAME, as
 * nvmf_scan() reads each (a uevent or a job's end concerns only it).
 * Return: 1 with *k, 0 when it is not there (removed), or -errno
 * (-EINVAL for a name that is not nvmeN).
 */
int		 nvmf_scan_one(const char *root, const char *name,
		    struct kctrl *k);

/*
 * nvmf_read_attrs - the attributes attrs[0..n) of /sys/class/nvme/DEVICE,
 * each without its trailing newline ("" when unreadable), into bufs + i *
 * size.  Return: 0, or -errno when the device cannot be opened.
 */
int		 nvmf_read_attrs(const char *root, const char *device,
		    const char *const *attrs, size_t n, char *bufs,
		    size_t size);

/*
 * nvmf_read_attr - one attribute of /sys/class/nvme/DEVICE, without its
 * trailing newline ("" when unreadable).  Return: 0, or -errno.
 */
int		 nvmf_read_attr(const char *root, const char *device,
		    const char *attr, char *buf, size_t size);

/* Read the supported options from a fresh fd.  Return: mask. */
uint32_t	 nvmf_read_supported(const char *root);

/*
 * nvmf_connect - write opts to /dev/nvme-fabrics and read the instance
 * back.  Blocks for as long as the kernel takes (up to a minute): call it
 * from a worker, never from the loop.
 * Return: instance >= 0, or -errno (EALREADY: already connected).
 */
int		 nvmf_connect(const char *root, const char *opts);

/*
 * nvmf_disconnect - write to /sys/class/nvme/NAME/delete_controller.
 * Synchronous in the kernel; call it from a worker.
 * Return: 0, or -errno.
 */
int		 nvmf_disconnect(const char *root, const char *name);

/*
 * nvmf_in_use - is a namespace of controller name (or a partition of
 * it) mounted, a swap, or held by another block device (device mapper,
 * md)?  Then disconnecting it would take a file system away, perhaps
 * the root.  why gets the reason.  Unreadable means not in use.
 */
bool		 nvmf_in_use(const char *root, const char *name, char *why,
		    size_t size);

/*
 * nvmf_log_page_read - a dlp_read_fn: len bytes of the discovery log page
 * at off from the controller whose /dev/nvmeN is open as *(int *)ctx
 * (Get Log Page 0x70 through the admin passthru ioctl; rae keeps the
 * discovery-change event armed).
 * Return: 0, -EIO for an NVMe error status, or -errno.
 */
int		 nvmf_log_page_read(void *ctx, void *buf, size_t len,
		    uint64_t off, int rae);

/* A one-line explanation of a connect errno for the log. */
const char	*nvmf_strerror(int err);

#endif

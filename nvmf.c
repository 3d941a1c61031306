/*
 * nvmf.c - talk to the kernel's NVMe over Fabrics host: build and write
 * option strings to /dev/nvme-fabrics, read /sys/class/nvme, delete
 * controllers.  See kernel drivers/nvme/host/fabrics.c for the grammar.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "field.h"
#include "log.h"
#include "nvmf.h"
#include "util.h"

#define ATTR_MAX	4096

static const char *const opt_names[OPT_COUNT] = {
	[OPT_HOST_TRADDR] = "host_traddr",
	[OPT_HOST_IFACE] = "host_iface",
	[OPT_HOSTID] = "hostid",
	[OPT_NR_IO_QUEUES] = "nr_io_queues",
	[OPT_NR_WRITE_QUEUES] = "nr_write_queues",
	[OPT_NR_POLL_QUEUES] = "nr_poll_queues",
	[OPT_QUEUE_SIZE] = "queue_size",
	[OPT_KEEP_ALIVE_TMO] = "keep_alive_tmo",
	[OPT_RECONNECT_DELAY] = "reconnect_delay",
	[OPT_CTRL_LOSS_TMO] = "ctrl_loss_tmo",
	[OPT_DISABLE_SQFLOW] = "disable_sqflow",
	[OPT_HDR_DIGEST] = "hdr_digest",
	[OPT_DATA_DIGEST] = "data_digest",
	[OPT_DHCHAP_SECRET] = "dhchap_secret",
	[OPT_DHCHAP_CTRL_SECRET] = "dhchap_ctrl_secret",
	[OPT_DISCOVERY] = "discovery",
};

/* The kernel option each tunable becomes. */
static const enum nvmf_opt tunable_opt[TUN_COUNT] = {
	[TUN_HDR_DIGEST] = OPT_HDR_DIGEST,
	[TUN_DATA_DIGEST] = OPT_DATA_DIGEST,
	[TUN_DISABLE_SQFLOW] = OPT_DISABLE_SQFLOW,
	[TUN_KATO] = OPT_KEEP_ALIVE_TMO,
	[TUN_NR_IO_QUEUES] = OPT_NR_IO_QUEUES,
	[TUN_NR_WRITE_QUEUES] = OPT_NR_WRITE_QUEUES,
	[TUN_NR_POLL_QUEUES] = OPT_NR_POLL_QUEUES,
	[TUN_QUEUE_SIZE] = OPT_QUEUE_SIZE,
	[TUN_RECONNECT_DELAY] = OPT_RECONNECT_DELAY,
	[TUN_CTRL_LOSS_TMO] = OPT_CTRL_LOSS_TMO,
};

const char *
nvmf_opt_name(enum nvmf_opt o)
{
	return opt_names[o];
}

uint32_t
nvmf_parse_supported(const char *text)
{
	char name[64];
	uint32_t mask = 0;
	size_t n;
	int o;

	while (*text) {
		n = strcspn(text, ",\n");
		if (n < sizeof(name)) {
			memcpy(name, text, n);
			name[n] = '\0';
			name[strcspn(name, "=")] = '\0';
			for (o = 0; o < OPT_COUNT; o++)
				if (strcmp(name, opt_names[o]) == 0)
					mask |= 1u << o;
		}
		text += n;
		text += strspn(text, ",\n");
	}
	return mask;
}

uint32_t
nvmf_legacy_supported(void)
{
	uint32_t all = (1u << OPT_COUNT) - 1;

	/* As libnvme assumes: everything but the DH-HMAC-CHAP keys. */
	return all & ~(1u << OPT_DHCHAP_SECRET | 1u << OPT_DHCHAP_CTRL_SECRET);
}

/* ---- the option string ---- */

struct optbuf {
	char	*buf;
	size_t	 size, len;
	int	 err;		/* sticky: -EINVAL or -ENOSPC */
};

static void
opt_add(struct optbuf *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
opt_add(struct optbuf *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len)
		o->err = -ENOSPC;
	else
		o->len += (size_t)n;
}

/* A string option, checked once more right before it reaches the kernel. */
static void
opt_str(struct optbuf *o, const char *name, enum field f, enum trtype t,
    const char *value)
{
	const char *why = field_problem(f, t, value);

	if (why) {
		log_warnx("refusing to send %s: %s", name, why);
		o->err = -EINVAL;
		return;
	}
	/* No ',' before the first option. */
	opt_add(o, "%s%s=%s", o->len ? "," : "", name, value);
}

static bool
opt_allowed(enum nvmf_opt opt, enum trtype t)
{
	switch (opt) {
	case OPT_HDR_DIGEST:
	case OPT_DATA_DIGEST:
	case OPT_HOST_IFACE:
		return t == TRTYPE_TCP;
	case OPT_NR_WRITE_QUEUES:
	case OPT_NR_POLL_QUEUES:
		return t == TRTYPE_TCP || t == TRTYPE_RDMA;
	case OPT_RECONNECT_DELAY:
	case OPT_CTRL_LOSS_TMO:
	case OPT_HOST_TRADDR:
		return t != TRTYPE_LOOP;
	case OPT_HOSTID:
	case OPT_NR_IO_QUEUES:
	case OPT_QUEUE_SIZE:
	case OPT_KEEP_ALIVE_TMO:
	case OPT_DISABLE_SQFLOW:
	case OPT_DHCHAP_SECRET:
	case OPT_DHCHAP_CTRL_SECRET:
	case OPT_DISCOVERY:
	case OPT_COUNT:
		break;
	}
	return true;
}

/* Tunables: per-controller value, else [Global], else left to the kernel. */
static void
opt_tunables(struct optbuf *o, const struct ctrl_conf *cc,
    const struct conf *c, uint32_t supported, uint32_t *dropped)
{
	int t;

	for (t = 0; t < TUN_COUNT; t++) {
		enum nvmf_opt opt = tunable_opt[t];
		const struct tunables *src = cc->tun.set & (1u << t) ||
		    cc->own_tunables ? &cc->tun : &c->tun;
		int v = src->val[t];

		if (!(src->set & (1u << t)) || !opt_allowed(opt, cc->id.transport))
			continue;
		/* 0 means "kernel default" for these (as nvme-stas). */
		if (opt != OPT_CTRL_LOSS_TMO && v <= 0)
			continue;
		if (!(supported & (1u << opt))) {
			*dropped |= 1u << opt;
			continue;
		}
		if (tunable_is_bool((enum tunable)t))
			opt_add(o, ",%s", opt_names[opt]);
		else
			opt_add(o, ",%s=%d", opt_names[opt], v);
	}
}

static void
opt_secret(struct optbuf *o, enum nvmf_opt opt, const char *secret,
    uint32_t supported, uint32_t *dropped)
{
	if (secret[0] == '\0')
		return;
	if (!(supported & (1u << opt))) {
		*dropped |= 1u << opt;
		return;
	}
	opt_str(o, opt_names[opt], FIELD_DHCHAP_SECRET, TRTYPE_NONE, secret);
}

/*
 * A persistent discovery controller: keep-alive explicit (the kernel
 * gives a discovery controller none), and the discovery flag where the
 * kernel lists it (TP 8013: a unique discovery NQN needs it).
 */
static void
opt_discovery(struct optbuf *o, const struct ctrl_conf *cc,
    uint32_t supported)
{
	if (!(cc->tun.set & (1u << TUN_KATO)))
		opt_add(o, ",%s=%d", opt_names[OPT_KEEP_ALIVE_TMO],
		    NVMF_DC_KATO);
	if (supported & (1u << OPT_DISCOVERY))
		opt_add(o, ",%s", opt_names[OPT_DISCOVERY]);
}

int
nvmf_build_options(char *buf, size_t size, const struct ctrl_conf *cc,
    const struct conf *c, const struct host_conf *h, uint32_t supported,
    uint32_t *dropped)
{
	struct optbuf o = { .buf = buf, .size = size };
	const struct ctrl_id *id = &cc->id;
	enum trtype t = id->transport;

	*dropped = 0;
	if (size == 0)
		return -ENOSPC;
	buf[0] = '\0';
	if (t == TRTYPE_NONE)
		return -EINVAL;
	/* libnvme's order: nqn first, then transport and addresses. */
	opt_str(&o, "nqn", FIELD_NQN, t, id->subsysnqn);
	opt_add(&o, ",transport=%s", trtype_name(t));
	if (id->traddr[0])
		opt_str(&o, "traddr", FIELD_TRADDR, t, id->traddr);
	if (id->host_traddr[0] && opt_allowed(OPT_HOST_TRADDR, t))
		opt_str(&o, "host_traddr", FIELD_HOST_TRADDR, t,
		    id->host_traddr);
	if (id->host_iface[0] && opt_allowed(OPT_HOST_IFACE, t)) {
		if (supported & (1u << OPT_HOST_IFACE))
			opt_str(&o, "host_iface", FIELD_HOST_IFACE, t,
			    id->host_iface);
		else
			*dropped |= 1u << OPT_HOST_IFACE;
	}
	/* Always explicit: the kernel's tcp default is the discovery port. */
	if (t == TRTYPE_TCP || t == TRTYPE_RDMA)
		opt_str(&o, "trsvcid", FIELD_TRSVCID, t, id->trsvcid);
	/* hostnqn and hostid go together, or the kernel pairs them wrongly. */
	opt_str(&o, "hostnqn", FIELD_HOST_NQN, t, h->nqn);
	opt_str(&o, "hostid", FIELD_HOSTID, t, h->id);
	/* A per-controller secret wins over the host-wide key. */
	opt_secret(&o, OPT_DHCHAP_SECRET, cc->dhchap_secret[0] ?
	    cc->dhchap_secret : h->key, supported, dropped);
	opt_secret(&o, OPT_DHCHAP_CTRL_SECRET, cc->dhchap_ctrl_secret,
	    supported, dropped);
	opt_tunables(&o, cc, c, supported, dropped);
	if (cc->discovery_ctrl)
		opt_discovery(&o, cc, supported);
	if (o.err) {
		buf[0] = '\0';
		return o.err;
	}
	return (int)o.len;
}

int
nvmf_parse_reply(const char *text)
{
	int instance, cntlid, n = 0;

	if (sscanf(text, "instance=%d,cntlid=%d%n", &instance, &cntlid,
	    &n) != 2 || n == 0 || instance < 0 ||
	    (text[n] != '\0' && text[n] != '\n'))
		return -EBADMSG;
	return instance;
}

/* ---- sysfs text ---- */

static void
copy_value(char *dst, size_t size, const char *src, size_t n)
{
	/* "none" is how the kernel prints an unset field. */
	if (n >= size || (n == 4 && strncasecmp(src, "none", 4) == 0))
		n = 0;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void
nvmf_parse_address(struct kctrl *k, const char *text)
{
	static const struct {
		const char	*key;
		size_t		 off, size;
	} keys[] = {
		{ "traddr=", offsetof(struct kctrl, traddr), TRADDR_MAX + 1 },
		{ "trsvcid=", offsetof(struct kctrl, trsvcid), TRSVCID_MAX + 1 },
		{ "host_traddr=", offsetof(struct kctrl, host_traddr),
		    TRADDR_MAX + 1 },
		{ "host_iface=", offsetof(struct kctrl, host_iface),
		    HOST_IFACE_MAX + 1 },
		{ "src_addr=", offsetof(struct kctrl, src_addr), 64 },
	};
	size_t i, n, klen;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		((char *)k + keys[i].off)[0] = '\0';
	while (*text) {
		n = strcspn(text, ",\n");
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			klen = strlen(keys[i].key);
			if (n >= klen && strncmp(text, keys[i].key, klen) == 0)
				copy_value((char *)k + keys[i].off,
				    keys[i].size, text + klen, n - klen);
		}
		text += n;
		text += strspn(text, ",\n");
	}
	/* src_addr may carry an IPv6 %scope; the address is what counts. */
	k->src_addr[strcspn(k->src_addr, "%")] = '\0';
}

/* ---- system access ---- */

/* Read a sysfs attribute, without its trailing newline and blanks. */
static int
read_attr(int dirfd, const char *name, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	buf[0] = '\0';
	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0) {
		buf[0] = '\0';
		return -errno;
	}
	buf[n] = '\0';
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return 0;
}

int
nvmf_read_attrs(const char *root, const char *device,
    const char *const *attrs, size_t n, char *bufs, size_t size)
{
	char path[PATH_BUF];
	size_t i;
	int fd, r;

	for (i = 0; i < n; i++)
		bufs[i * size] = '\0';
	if ((r = path_under(path, sizeof(path), root, "/sys/class/nvme/%s",
	    device)) < 0)
		return r;
	/* One open of the directory for them all: a reply reads thousands. */
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -errno;
	for (i = 0; i < n; i++)
		read_attr(fd, attrs[i], bufs + i * size, size);
	close(fd);
	return 0;
}

int
nvmf_read_attr(const char *root, const char *device, const char *attr,
    char *buf, size_t size)
{
	return nvmf_read_attrs(root, device, &attr, 1, buf, size);
}

static void
attr_into(int dirfd, const char *name, char *dst, size_t size)
{
	char buf[ATTR_MAX];

	read_attr(dirfd, name, buf, sizeof(buf));
	copy_value(dst, size, buf, strlen(buf));
}

/* The interface that owns addr, from one getifaddrs() snapshot. */
static void
iface_of(const struct ifaddrs *ifs, const char *addr, char *out, size_t size)
{
	char host[64];
	const struct ifaddrs *i;

	out[0] = '\0';
	for (i = ifs; i && addr[0]; i = i->ifa_next) {
		if (i->ifa_addr == NULL || (i->ifa_addr->sa_family != AF_INET &&
		    i->ifa_addr->sa_family != AF_INET6))
			continue;
		if (inet_ntop(i->ifa_addr->sa_family,
		    i->ifa_addr->sa_family == AF_INET ?
		    (const void *)&((const struct sockaddr_in *)
		    (const void *)i->ifa_addr)->sin_addr :
		    (const void *)&((const struct sockaddr_in6 *)
		    (const void *)i->ifa_addr)->sin6_addr,
		    host, sizeof(host)) && ip_equal(host, addr)) {
			snprintf(out, size, "%s", i->ifa_name);
			return;
		}
	}
}

/*
 * Has the controller directory fd a namespace (nvmeNnM, or nvmeNcXnM
 * with multipath)?  Only asked on kernels without cntrltype.
 */
static bool
has_namespace(int fd, int instance)
{
	struct dirent *de;
	int dfd, a, b, c, n;
	bool found = false;
	DIR *d;

	if ((dfd = dup(fd)) < 0)
		return false;
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return false;
	}
	while (!found && (de = readdir(d)) != NULL) {
		n = 0;
		found = (sscanf(de->d_name, "nvme%dn%d%n", &a, &b, &n) == 2 &&
		    de->d_name[n] == '\0' && a >= 0 && b > 0) ||
		    (sscanf(de->d_name, "nvme%dc%dn%d%n", &a, &c, &b, &n) ==
		    3 && de->d_name[n] == '\0' && c == instance && b > 0);
	}
	closedir(d);
	return found;
}

static int
read_ctrl_at(int classfd, const char *name, struct kctrl *k)
{
	char addr[ATTR_MAX];
	int fd;

	memset(k, 0, sizeof(*k));
	if (strlen(name) > DEVNAME_MAX || sscanf(name, "nvme%d", &k->instance)
	    != 1 || k->instance < 0)
		return -EINVAL;
	memcpy(k->name, name, strlen(name) + 1);
	if ((fd = openat(classfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -errno;
	attr_into(fd, "transport", k->transport, sizeof(k->transport));
	read_attr(fd, "address", addr, sizeof(addr));
	nvmf_parse_address(k, addr);
	attr_into(fd, "subsysnqn", k->subsysnqn, sizeof(k->subsysnqn));
	attr_into(fd, "hostnqn", k->hostnqn, sizeof(k->hostnqn));
	attr_into(fd, "state", k->state, sizeof(k->state));
	attr_into(fd, "cntrltype", k->cntrltype, sizeof(k->cntrltype));
	if (k->cntrltype[0] == '\0')
		k->has_ns = has_namespace(fd, k->instance);
	close(fd);
	return 0;
}

static int
open_class(const char *root)
{
	char path[PATH_BUF];
	int r;

	if ((r = path_under(path, sizeof(path), root, "/sys/class/nvme")) < 0) {
		errno = -r;
		return -1;
	}
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int
kctrl_cmp(const void *a, const void *b)
{
	const struct kctrl *x = a, *y = b;

	return (x->instance > y->instance) - (x->instance < y->instance);
}

/* The first address of family af that interface name has, as text. */
static void
first_addr(const struct ifaddrs *ifs, const char *name, int af, char *out,
    size_t size)
{
	const struct ifaddrs *i;

	out[0] = '\0';
	for (i = ifs; i && name[0]; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == af &&
		    strcmp(i->ifa_name, name) == 0) {
			inet_ntop(af, af == AF_INET ? (const void *)
			    &((const struct sockaddr_in *)(const void *)
			    i->ifa_addr)->sin_addr : (const void *)
			    &((const struct sockaddr_in6 *)(const void *)
			    i->ifa_addr)->sin6_addr, out, (socklen_t)size);
			return;
		}
}

/* What the host's interfaces say about each tcp controller's source. */
static void
fill_ifaces(struct kctrl *v, size_t n)
{
	struct ifaddrs *ifs = NULL;
	size_t i;

	for (i = 0; i < n && !(strcmp(v[i].transport, "tcp") == 0 &&
	    (v[i].src_addr[0] || v[i].host_traddr[0] || v[i].host_iface[0]));
	    i++)
		;
	if (i == n || getifaddrs(&ifs) < 0)
		return;
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].transport, "tcp") != 0)
			continue;
		iface_of(ifs, v[i].src_addr, v[i].src_iface,
		    sizeof(v[i].src_iface));
		iface_of(ifs, v[i].host_traddr, v[i].host_traddr_iface,
		    sizeof(v[i].host_traddr_iface));
		first_addr(ifs, v[i].host_iface, AF_INET, v[i].host_iface_v4,
		    sizeof(v[i].host_iface_v4));
		first_addr(ifs, v[i].host_iface, AF_INET6, v[i].host_iface_v6,
		    sizeof(v[i].host_iface_v6));
	}
	freeifaddrs(ifs);
}

int
nvmf_scan(const char *root, struct kctrl **out)
{
	struct kctrl *v = NULL, *nv;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dir;
	int classfd, r = 0;

	*out = NULL;
	if ((classfd = open_class(root)) < 0)
		return errno == ENOENT ? 0 : -errno;
	if ((dir = fdopendir(classfd)) == NULL) {
		r = -errno;
		close(classfd);
		return r;
	}
	while ((de = readdir(dir)) != NULL) {
		if (strncmp(de->d_name, "nvme", 4) != 0 ||
		    !isdigit((unsigned char)de->d_name[4]))
			continue;
		if ((nv = array_grow(v, &cap, n + 1, sizeof(*v))) == NULL) {
			r = -ENOMEM;
			goto out;
		}
		v = nv;
		/* A controller may vanish mid-scan: skip it. */
		if (read_ctrl_at(dirfd(dir), de->d_name, &v[n]) == 0)
			n++;
	}
	if (n)
		qsort(v, n, sizeof(*v), kctrl_cmp);
	fill_ifaces(v, n);
	*out = v;
	v = NULL;
	r = (int)n;
out:
	free(v);
	closedir(dir);
	return r;
}

int
nvmf_scan_one(const char *root, const char *name, struct kctrl *k)
{
	int classfd, r;

	if ((classfd = open_class(root)) < 0)
		return errno == ENOENT ? 0 : -errno;
	r = read_ctrl_at(classfd, name, k);
	close(classfd);
	if (r == -ENOENT || r == -ENOTDIR)
		return 0;		/* removed (or never there) */
	if (r < 0)
		return r;
	fill_ifaces(k, 1);
	return 1;
}

static int
open_fabrics(const char *root, int flags)
{
	char path[PATH_BUF];
	int r;

	if ((r = path_under(path, sizeof(path), root, "/dev/nvme-fabrics")) < 0) {
		errno = -r;
		return -1;
	}
	return open(path, flags | O_CLOEXEC);
}

uint32_t
nvmf_read_supported(const char *root)
{
	char buf[ATTR_MAX];
	ssize_t n;
	int fd;

	if ((fd = open_fabrics(root, O_RDONLY)) < 0) {
		log_warnx("cannot read the kernel's NVMe options: %s",
		    strerror(errno));
		return nvmf_legacy_supported();
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		/* Kernels before 5.17 answer EINVAL here. */
		log_debug("no option list from /dev/nvme-fabrics (%s), "
		    "assuming a pre-5.17 kernel", n < 0 ? strerror(errno) :
		    "empty");
		return nvmf_legacy_supported();
	}
	buf[n] = '\0';
	return nvmf_parse_supported(buf);
}

int
nvmf_connect(const char *root, const char *opts)
{
	char line[NVMF_OPTS_MAX + 1], reply[128];
	size_t len = strlen(opts);
	ssize_t n;
	int fd, r;

	/* The kernel takes one page and a trailing newline ends the list. */
	if (len + 1 > NVMF_OPTS_MAX)
		return -ENOMEM;
	memcpy(line, opts, len);
	line[len++] = '\n';

	/*
	 * O_APPEND means nothing to the device; a plain file standing in
	 * for it in tests keeps every option string written.
	 */
	if ((fd = open_fabrics(root, O_RDWR | O_APPEND)) < 0)
		return -errno;
	/* One write: the kernel does not gather partial option strings. */
	n = write(fd, line, len);
	if (n < 0) {
		r = -errno;
		goto out;
	}
	if ((size_t)n != len) {
		r = -EIO;
		goto out;
	}
	(void)lseek(fd, 0, SEEK_SET);
	n = read(fd, reply, sizeof(reply) - 1);
	if (n < 0) {
		r = -errno;
		goto out;
	}
	reply[n] = '\0';
	r = nvmf_parse_reply(reply);
out:
	close(fd);
	return r;
}

/* The admin passthru command of <linux/nvme_ioctl.h>, under our name. */
struct passthru_cmd {
	uint8_t		opcode, flags;
	uint16_t	rsvd1;
	uint32_t	nsid, cdw2, cdw3;
	uint64_t	metadata, addr;
	uint32_t	metadata_len, data_len;
	uint32_t	cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
	uint32_t	timeout_ms, result;
};

#define NVME_IOCTL_ADMIN_CMD	0xC0484E41u	/* _IOWR('N', 0x41, 72) */
#define NVME_ADMIN_GET_LOG_PAGE	0x02
#define NVME_LOG_DISCOVERY	0x70

int
nvmf_log_page_read(void *ctx, void *buf, size_t len, uint64_t off, int rae)
{
	const int *fd = ctx;
	struct passthru_cmd c;
	uint32_t numd;
	int r;

	if (len == 0 || len % 4 || len > UINT32_MAX || off % 4)
		return -EINVAL;
	numd = (uint32_t)(len / 4 - 1);
	memset(&c, 0, sizeof(c));
	c.opcode = NVME_ADMIN_GET_LOG_PAGE;
	c.addr = (uint64_t)(uintptr_t)buf;
	c.data_len = (uint32_t)len;
	c.cdw10 = NVME_LOG_DISCOVERY | (rae ? 1u << 15 : 0) |
	    (numd & 0xffff) << 16;
	c.cdw11 = numd >> 16;
	c.cdw12 = (uint32_t)off;
	c.cdw13 = (uint32_t)(off >> 32);
	if ((r = ioctl(*fd, NVME_IOCTL_ADMIN_CMD, &c)) < 0)
		return -errno;
	return r > 0 ? -EIO : 0;	/* > 0: an NVMe status */
}

static bool
dir_is_empty(const char *path)
{
	struct dirent *de;
	bool empty = true;
	DIR *d;

	if ((d = opendir(path)) == NULL)
		return true;
	while (empty && (de = readdir(d)) != NULL)
		empty = strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0;
	closedir(d);
	return empty;
}

/* Does ROOT/sys/block/DISK (or one of its partitions) have holders? */
static bool
disk_held(const char *root, const char *disk)
{
	char dir[PATH_BUF], path[PATH_BUF];
	struct dirent *de;
	bool held = false;
	DIR *d;
	size_t n = strlen(disk);

	if (path_under(dir, sizeof(dir), root, "/sys/block/%s", disk) < 0 ||
	    (d = opendir(dir)) == NULL)
		return false;
	while (!held && (de = readdir(d)) != NULL) {
		bool self = strcmp(de->d_name, "holders") == 0;

		if (!self && strncmp(de->d_name, disk, n) != 0)
			continue;
		if (path_under(path, sizeof(path), dir, self ? "/holders" :
		    "/%s/holders", de->d_name) == 0)
			held = !dir_is_empty(path);
	}
	closedir(d);
	return held;
}

/*
 * Is /dev/DISK or one of its partitions a mount's source or a swap, or
 * DISK's device number a mount's (a root mounted as /dev/root)?
 */
static bool
disk_mounted(const char *root, const char *disk)
{
	static const char *const files[] = { "/proc/self/mountinfo",
	    "/proc/swaps" };
	char path[PATH_BUF], dev[64], num[40], *buf, *p;
	size_t len, i, n;
	bool found = false;

	num[0] = '\0';
	if (path_under(path, sizeof(path), root, "/sys/block/%s/dev", disk) ==
	    0 && read_file(path, 64, &buf, &len) == 0) {
		/* " 259:0 ": field 3 of a mountinfo line */
		if (buf[0] >= '0' && buf[0] <= '9')
			snprintf(num, sizeof(num), " %.*s ",
			    (int)strspn(buf, "0123456789:"), buf);
		free(buf);
	}
	n = (size_t)snprintf(dev, sizeof(dev), "/dev/%s", disk);
	for (i = 0; i < 2 && !found; i++) {
		if (path_under(path, sizeof(path), root, "%s", files[i]) < 0 ||
		    read_file(path, 4u << 20, &buf, &len) < 0)
			continue;
		for (p = buf; !found && (p = strstr(p, dev)) != NULL; p += n)
			found = strchr(" \t\n", p[n]) ||
			    (p[n] == 'p' && p[n + 1] >= '0' && p[n + 1] <= '9');
		if (i == 0 && num[0])
			found |= strstr(buf, num) != NULL;
		free(buf);
	}
	return found;
}

bool
nvmf_in_use(const char *root, const char *name, char *why, size_t size)
{
	char dir[PATH_BUF], disk[64];
	struct dirent *de;
	int a, b, c, k;
	bool used = false;
	DIR *d;

	if (path_under(dir, sizeof(dir), root, "/sys/class/nvme/%s", name) <
	    0 || (d = opendir(dir)) == NULL)
		return false;
	/* nvmeAnB is the disk itself, nvmeAcCnB a path of disk nvmeAnB. */
	while (!used && (de = readdir(d)) != NULL) {
		k = 0;
		if (sscanf(de->d_name, "nvme%dc%dn%d%n", &a, &c, &b, &k) == 3 &&
		    de->d_name[k] == '\0')
			snprintf(disk, sizeof(disk), "nvme%dn%d", a, b);
		else if (sscanf(de->d_name, "nvme%dn%d%n", &a, &b, &k) == 2 &&
		    de->d_name[k] == '\0')
			snprintf(disk, sizeof(disk), "nvme%dn%d", a, b);
		else
			continue;
		if (disk_mounted(root, disk)) {
			snprintf(why, size, "%s is mounted or a swap", disk);
			used = true;
		} else if (disk_held(root, disk)) {
			snprintf(why, size, "%s is held (device mapper, md...)",
			    disk);
			used = true;
		}
	}
	closedir(d);
	return used;
}

int
nvmf_disconnect(const char *root, const char *name)
{
	char path[PATH_BUF];
	int fd, r;

	if ((r = path_under(path, sizeof(path), root,
	    "/sys/class/nvme/%s/delete_controller", name)) < 0)
		return r;
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return -errno;
	if (write(fd, "1", 1) != 1)
		r = -errno;
	close(fd);
	return r;
}

const char *
nvmf_strerror(int err)
{
	switch (err) {
	case EALREADY:
		return "already connected";
	case ECONNREFUSED:
		return "connection refused: nothing listens on that address "
		    "and port";
	case EIO:
		return "the target refused the connection (unknown "
		    "subsystem NQN, host not allowed, or authentication)";
	case ETIMEDOUT:
		return "timed out";
	case EINVAL:
		return "invalid parameters, see the kernel log (dmesg)";
	case ENODEV:
		return "host-iface does not exist";
	case EADDRNOTAVAIL:
		return "host-traddr is not a local address";
	case EADDRINUSE:
		return "host NQN already in use";
	case EHOSTUNREACH:
	case ENETUNREACH:
		return "no route to the target";
	case ECONNRESET:
		return "connection reset by the target";
	case EKEYREJECTED:
		return "DH-HMAC-CHAP authentication failed";
	case ENOKEY:
		/* 6.12 says so for DH-HMAC-CHAP too ("qid 0: no key"). */
		return "no key: the target requires authentication (DH-HMAC-"
		    "CHAP or TLS) and none was given";
	case EOPNOTSUPP:
		return "operation not supported";
	case ENOENT:
		return "/dev/nvme-fabrics or an FC port is missing";
	case EBADMSG:
		return "unexpected reply from /dev/nvme-fabrics";
	default:
		return strerror(err);
	}
}

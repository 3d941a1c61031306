/*
 * stacd.c - the STorage Appliance Connector daemon: command line,
 * start-up checks, and the one poll() loop that owns all state.
 *
 * Handlers only record work (flags in struct stacd); after each dispatch
 * the loop reloads, reconciles and exits as recorded.  Everything that
 * blocks runs in worker threads (worker.c) and comes back as an event.
 */
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus.h"
#include "boot.h"
#include "conf.h"
#include "discovery.h"
#include "dlp.h"
#include "excl.h"
#include "fabconf.h"
#include "lkc.h"
#include "log.h"
#include "netlink.h"
#include "nvmf.h"
#include "owndisc.h"
#include "reconcile.h"
#include "registry.h"
#include "stac_object.h"
#include "stacd.h"
#include "stafd_client.h"
#include "worker.h"
#include "util.h"

#define EXIT_USAGE	2

struct options {
	const char	*conf_file;	/* NULL: ROOT/etc/stas/stacd.conf */
	const char	*root;		/* "" or a prefix for every system path */
	const char	*idl_file;
	const char	*nbft_file;	/* --nbft: the table from a file */
	bool		 syslog;
	bool		 tron;
	bool		 check;
	bool		 show_secrets;	/* --check prints them */
	bool		 boot_network;	/* print the NBFT's ip= settings */
	bool		 boot_network_dracut;	/* ... as dracut takes them */
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: stacd [-hsv] [-f FILE] [--tron] [--check [--show-secrets]]\n"
	    "             [--idl=FILE] [--root=DIR] [--nbft=FILE]\n"
	    "       stacd --boot-network[=dracut] [--root=DIR] [--nbft=FILE]\n"
	    "STorage Appliance Connector (STAC). Must be root to run this "
	    "program.\n\n"
	    "  -f, --conf-file=FILE  configuration file "
	    "(default /etc/stas/stacd.conf)\n"
	    "  -s, --syslog          log to syslog instead of stdout\n"
	    "      --tron            trace on: debug messages\n"
	    "      --check           print the effective configuration and "
	    "exit\n"
	    "      --show-secrets    with --check: print DH-HMAC-CHAP secrets "
	    "(else <redacted>)\n"
	    "      --idl=FILE        write the D-Bus introspection XML to "
	    "FILE and exit\n"
	    "      --root=DIR        look for /dev, /sys, /etc and /run "
	    "under DIR\n"
	    "      --nbft=FILE       read the NVMe Boot Firmware Table from "
	    "FILE\n"
	    "      --boot-network[=dracut]\n"
	    "                        print the NBFT's network settings as "
	    "kernel parameters\n"
	    "                        (ip=; dracut: with ifname= and vlan=) "
	    "and exit\n"
	    "  -v, --version         print the version and exit\n"
	    "  -h, --help            print this help and exit\n");
}

enum long_only {
	OPT_TRON = 256, OPT_IDL, OPT_CHECK, OPT_ROOT, OPT_SHOW_SECRETS, OPT_NBFT,
	OPT_BOOT_NETWORK
};

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "conf-file", required_argument, NULL, 'f' },
		{ "syslog", no_argument, NULL, 's' },
		{ "tron", no_argument, NULL, OPT_TRON },
		{ "idl", required_argument, NULL, OPT_IDL },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "show-secrets", no_argument, NULL, OPT_SHOW_SECRETS },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "nbft", required_argument, NULL, OPT_NBFT },
		{ "boot-network", optional_argument, NULL, OPT_BOOT_NETWORK },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "f:svh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			o->conf_file = optarg;
			break;
		case 's':
			o->syslog = true;
			break;
		case OPT_TRON:
			o->tron = true;
			break;
		case OPT_IDL:
			o->idl_file = optarg;
			break;
		case OPT_CHECK:
			o->check = true;
			break;
		case OPT_SHOW_SECRETS:
			o->show_secrets = true;
			break;
		case OPT_NBFT:
			o->nbft_file = optarg;
			break;
		case OPT_BOOT_NETWORK:
			o->boot_network = true;
			if (optarg && strcmp(optarg, "dracut") != 0) {
				fprintf(stderr, "stacd: --boot-network=%s: "
				    "only dracut is known\n", optarg);
				return -1;
			}
			o->boot_network_dracut = optarg != NULL;
			break;
		case OPT_ROOT:
			/* "/" and "" both mean the real system. */
			o->root = strcmp(optarg, "/") == 0 ? "" : optarg;
			break;
		case 'v':
			printf("stacd %s (nvme-stas 3.0 D-Bus interface)\n",
			    STACD_VERSION);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "stacd: unexpected argument \"%s\"\n",
		    argv[optind]);
		usage(stderr);
		return -1;
	}
	return 0;
}

static int
write_idl(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");

	if (f == NULL || fputs(stac_introspection_xml, f) == EOF ||
	    (f != stdout && fclose(f) != 0) || (f == stdout && fflush(f))) {
		fprintf(stderr, "stacd: %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

static void
print_host(const struct host_conf *h)
{
	printf("# host nqn: %s\n# host id: %s\n# host key: %s\n"
	    "# host symname: %s\n", h->nqn, h->id, h->key[0] ? "set" : "none",
	    h->symname[0] ? h->symname : "none");
}

/*
 * The controllers of every source besides stacd.conf, in precedence
 * order (of two entries for one controller the first counts): the boot
 * sources first, since a root disk's connection must keep the firmware's
 * or boot loader's settings and owner; then nvme-cli's and stafd's files.
 */
static int
sources_load(const char *root, const struct host_conf *h,
    const struct boot *boot, struct fabconf *f)
{
	int r;

	if ((r = boot_ctrls(boot, root, f)) < 0)
		return r;
	return fabconf_load(f, root, h, boot->cmdline.nostatic ?
	    FABCONF_NO_DISCOVERY_CONF : 0);
}

/* The host identity, then the boot sources that may override it. */
static int
boot_host(const struct options *o, struct host_conf *h, struct boot *boot)
{
	int r;

	memset(boot, 0, sizeof(*boot));
	if ((r = host_load(h, o->root)) < 0)
		return r;
	return boot_load(boot, o->root, o->nbft_file, h);
}

/*
 * --check: the controllers of nvme-fabrics.conf, discovery.conf and
 * stafd.conf, as comments (they are not stacd.conf's to read back), each
 * with where it was written, and who would use the discovery ones.
 */
static void
print_fabrics(const struct fabconf *f, enum discovery_mode mode, bool secrets)
{
	static const char *const used[] = {
		[DM_AUTO] = "by stacd's own discovery when stafd is not on "
		    "the bus (discovery=auto)",
		[DM_OWN] = "by stacd's own discovery (discovery=own)",
		[DM_STAFD] = "never: stafd discovers (discovery=stafd)",
	};
	size_t i, n_dc = 0;

	for (i = 0; i < f->n; i++) {
		struct ctrl_conf cc;

		rec_unpack(f->ctrls[i], &cc);
		n_dc += cc.discovery_ctrl;
		printf("# %s: %scontroller=", f->origins[i],
		    cc.discovery_ctrl ? "discovery " : "");
		conf_print_ctrl(stdout, &cc, secrets);
		putchar('\n');
	}
	if (n_dc)
		printf("# %zu discovery controller%s, used %s\n", n_dc,
		    n_dc == 1 ? "" : "s", used[mode]);
}

/*
 * --check: the warnings the daemon would log building its desired set
 * (a host-nqn that is not the host's, an address of a disabled
 * ip-family).  Host names are not resolved here.
 */
static void
check_wants(const struct conf *c, const struct host_conf *h,
    const struct fabconf *f)
{
	struct want_names names = { 0 };
	struct want *w = NULL;
	size_t n = 0;
	bool incomplete = false;

	if (want_from_conf(c, h, &names, &w, &n, &incomplete) == 0)
		want_from_ctrls(c, f->ctrls, f->n, h, &names, &w, &n,
		    &incomplete);
	want_free(w, n);
}

/* --check: what nvme-cli 3's host-wide exclusion list holds. */
static void
print_exclusions(const char *root)
{
	struct excl_list l;
	size_t i;

	excl_init(&l);
	excl_refresh(&l, root);
	for (i = 0; i < l.n; i++)
		printf("# host-wide exclusion: %s%s\n", l.v[i].origin,
		    l.v[i].never ? " (excludes nothing)" : "");
	excl_fini(&l);
}

/*
 * --check: like bgpd -n.  The configuration goes to stdout in stacd.conf
 * syntax (so it can be fed back), problems to stderr.
 */
static int
check_config(const struct options *o, const char *conf_path)
{
	struct conf conf;
	struct host_conf host;
	struct fabconf fab;
	struct boot boot;
	int usable = 1;

	log_init(LOG_TO_STDERR);
	conf_init(&conf);
	if (conf_load(&conf, conf_path) < 0)
		usable = 0;
	else if (conf.bad_lines)
		log_warnx("%s: %u line%s not INI syntax: stacd would keep "
		    "its running configuration on SIGHUP", conf_path,
		    conf.bad_lines, conf.bad_lines == 1 ? " is" : "s are");
	if (boot_host(o, &host, &boot) < 0)
		usable = 0;
	printf("# stacd %s effective configuration of %s\n", STACD_VERSION,
	    conf_path);
	if (usable)
		print_host(&host);
	print_exclusions(o->root);
	fabconf_init(&fab);
	if (usable && sources_load(o->root, &host, &boot, &fab) == 0) {
		boot_print(stdout, &boot);
		check_wants(&conf, &host, &fab);
		fflush(stderr);
		print_fabrics(&fab, conf.discovery, o->show_secrets);
	}
	fabconf_fini(&fab);
	boot_fini(&boot);
	conf_print(stdout, &conf, o->show_secrets);
	conf_fini(&conf);
	fflush(stdout);
	return usable ? 0 : 1;
}

/*
 * --boot-network: for the initramfs scripts, which bring up the network
 * before stacd starts (without ip= on the command line).  Problems go to
 * stderr; no HFI to bring up is not an error.
 */
static int
print_boot_network(const struct options *o)
{
	struct boot boot;
	int r;

	log_init(LOG_TO_STDERR);
	/* No host identity needed: the HFIs are all it prints. */
	if ((r = boot_load(&boot, o->root, o->nbft_file, NULL)) == 0)
		boot_print_network(stdout, &boot, o->root,
		    o->boot_network_dracut);
	boot_fini(&boot);
	fflush(stdout);
	return r < 0 ? 1 : 0;
}

#define NAME_RETRY_MS	60000	/* a host name that did not resolve */
#define BUS_RETRY_MIN_MS	1000	/* reconnect to the bus: 1 s, 2 s, ... */
#define BUS_RETRY_MAX_MS	30000
/*
 * Events that arrive together cost one pass: one connect makes several
 * uevents, and a connect's end comes with its device's.
 */
#define PASS_SOAK_MS	50
/*
 * A full scan of /sys/class/nvme besides the one at start, on SIGHUP and
 * after a uevent overrun: what no uevent tells (another orchestrator's
 * registry entry, an address of the host's interfaces) is at most this
 * stale.  One minute is the slow retry's period, and with a thousand
 * controllers a scan (~16 ms) every minute is 0.03 % of a core.
 */
#define AUDIT_MS	60000
#define CLAIMS_PER_TURN	64	/* registry claims between two polls */

/* The poll slots, one per event source (bgpd's PFD_*). */
enum {
	PFD_SIGNAL,
	PFD_UEVENT,
	PFD_WORKERS,
	PFD_DBUS,		/* the D-Bus connection, when there is one */
	PFD_MAX
};

/* The daemon's one context: everything it knows lives here. */
struct stacd {
	struct options	 opt;
	char		 conf_path[PATH_MAX];
	struct conf	 conf;
	struct host_conf host;
	uint32_t	 supported;	/* kernel options, bits of nvmf_opt */

	struct recon	 recon;
	struct want	*want;		/* from stacd.conf, rebuilt on change */
	size_t		 n_want;
	bool		 want_dirty;
	/* Pointers into want, then stafd's: rebuilt when either changes. */
	const struct want **desired;
	size_t		 n_desired;
	bool		 desired_dirty;
	bool		 want_incomplete;	/* a name not resolved yet */
	struct want_names names;	/* host names and their addresses */
	struct excl_list excl;		/* nvme-cli 3's exclusions.conf */
	struct fabconf	 fab;		/* nvme-cli 3's nvme-fabrics.conf */
	/* Own discovery: what the discovery controllers' log pages list. */
	struct owndisc	 own;		/* what its own discovery found */
	struct boot	 boot;		/* NBFT, rd.nvmf.* (read at start-up) */
	bool		 own_active;	/* no stafd: stacd reads them itself */
	int64_t		 dlp_next;	/* a log page read to retry; 0: none */
	enum discovery_mode mode_logged;	/* the source logged for it */
	size_t		 n_excluded;	/* by it, at the last rebuild */
	bool		 registry_failing;	/* a claim failed (said once) */
	bool		 claims_due;	/* LIVE controllers may be unclaimed */

	/*
	 * The kernel's controllers as last read, sorted by instance, with
	 * their registry owners.  Read in full at start, on SIGHUP, after
	 * a uevent overrun and every AUDIT_MS (scan_due); in between, a
	 * uevent or a job's end re-reads only the controller it concerns
	 * (the names in reread).
	 */
	struct kctrl	*obs;
	size_t		 n_obs, cap_obs;
	bool		 scan_due;
	int64_t		 audit_at;
	char		(*reread)[DEVNAME_MAX + 1];
	size_t		 n_reread, cap_reread;

	struct worker_pool workers;
	struct pollfd	 pfd[PFD_MAX];

	struct bus	 bus;
	const char	*bus_address;
	int64_t		 bus_retry_at;	/* next connect attempt, when down */
	int		 bus_backoff_ms;
	bool		 bus_said_down;	/* logged once per outage */
	int		 exit_status;

	struct staf_client staf;	/* stafd's log pages: desired too */
	struct log_limit connect_fails;	/* warnings of failed connects */

	bool		 quit;
	bool		 reload;
	bool		 pass_due;	/* reconcile after this dispatch */
	int64_t		 pass_at;	/* reconcile then; 0: no */
	int64_t		 next_pass;	/* deadline asked by the reconciler */
	bool		 ready;		/* READY=1 sent */
	struct lkc	 lkc;		/* the last-known-config file */
};

/*
 * Own discovery: while a discovery controller of the desired set has not
 * been read since start-up (it is not tracked yet, or not reachable),
 * what was discovered is not known, and nothing discovered is
 * disconnected.  It goes by the desired set, not the tracked one: after
 * a restart the first pass runs before any discovery controller is
 * tracked, and must not take the controllers owned before for unwanted.
 */
static bool
dc_unread(const struct stacd *s, const struct want *v, size_t n)
{
	const struct tracked *t;
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].rec->discovery_ctrl && ((t = recon_find_rec(
		    &s->recon, v[i].rec)) == NULL || !t->dlp_read))
			return true;
	return false;
}

static bool
own_unknown(const struct stacd *s)
{
	return dc_unread(s, s->want, s->n_want) ||
	    dc_unread(s, s->own.v, s->own.n);
}

static struct recon_params
params(const struct stacd *s)
{
	struct recon_params p = {
		.conf = &s->conf,
		.host_nqn = s->host.nqn,
		.now = monotime_ms(),
		.names_pending = s->want_incomplete,
		.discovery_unknown = s->own_active ? own_unknown(s) :
		    s->conf.discovery != DM_OWN && !s->staf.answered,
	};

	return p;
}

/* ---- host name resolution ---- */

static struct job *
new_job(struct stacd *s, enum job_kind kind)
{
	return job_new(kind, s->opt.root);
}

static void
resolve_start(struct stacd *s, struct want_name *n)
{
	struct job *j = new_job(s, JOB_RESOLVE);

	if (j == NULL) {
		log_err("cannot resolve %s: out of memory; retrying in %d s",
		    n->name, NAME_RETRY_MS / 1000);
		n->retry_at = monotime_ms() + NAME_RETRY_MS;
		return;
	}
	memcpy(j->name, n->name, sizeof(j->name));
	j->families = s->conf.ip_family;
	n->pending = true;
	n->retry_at = 0;
	worker_submit(&s->workers, j);
}

/*
 * Every host name the configuration needs gets a resolve job, once; the
 * answers come back to resolve_done(), and a failure is retried later.
 */
static int
names_sync(struct stacd *s)
{
	size_t i;
	int r;

	int added;

	if ((r = want_names_sync(&s->names, &s->conf)) < 0 ||
	    (added = want_names_add(&s->names, s->fab.ctrls, s->fab.n)) < 0)
		return -ENOMEM;
	if (r + added == 0)
		return 0;
	for (i = 0; i < s->names.n; i++) {
		struct want_name *n = &s->names.v[i];

		if (!n->pending && n->addr[0] == '\0' && n->retry_at == 0)
			resolve_start(s, n);
	}
	return 0;
}

static void
resolve_done(struct stacd *s, const struct job *j)
{
	struct want_name *n = want_names_find(&s->names, j->name);

	if (n == NULL)
		return;
	n->pending = false;
	if (j->result == 0) {
		if (strcmp(n->addr, j->addr) != 0)
			log_info("%s resolved to %s", n->name, j->addr);
		memcpy(n->addr, j->addr, sizeof(n->addr));
		s->want_dirty = true;
		s->pass_due = true;
		return;
	}
	log_warnx("cannot resolve %s: %s; %sretrying in %d s", n->name,
	    j->result == -ENOENT ? "unknown host" :
	    j->result == -EADDRNOTAVAIL ? "no address of an enabled ip-family" :
	    strerror(-j->result), n->addr[0] ? "keeping the last address, " :
	    "", NAME_RETRY_MS / 1000);
	n->retry_at = monotime_ms() + NAME_RETRY_MS;
}

static void
names_retry_due(struct stacd *s, int64_t now, int64_t *next)
{
	size_t i;

	for (i = 0; i < s->names.n; i++) {
		struct want_name *n = &s->names.v[i];

		if (n->pending || n->retry_at == 0)
			continue;
		if (n->retry_at <= now)
			resolve_start(s, n);
		else if (n->retry_at < *next)
			*next = n->retry_at;
	}
}

/* SIGHUP: resolve every name again (ip-family or DNS may have changed). */
static void
names_refresh(struct stacd *s)
{
	size_t i;

	for (i = 0; i < s->names.n; i++)
		if (!s->names.v[i].pending)
			resolve_start(s, &s->names.v[i]);
}

/* ---- readiness (sd_notify without libsystemd) ---- */

static void
notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len;
	int fd;

	if (path == NULL || (*path != '/' && *path != '@') ||
	    strlen(path) >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, strlen(path));
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	if (*path == '@')
		sa.sun_path[0] = '\0';		/* abstract namespace */
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL,
	    (struct sockaddr *)&sa, len) < 0)
		log_debug("NOTIFY_SOCKET: %s", strerror(errno));
	close(fd);
}

/* ---- the kernel's controllers, as last read ---- */

/*
 * The ownership registry: another orchestrator's name for device goes
 * to out ("" when nobody or stacd owns it).
 */
static void
foreign_owner(const struct stacd *s, const char *device, char *out,
    size_t size)
{
	char owner[REGISTRY_OWNER_MAX + 1];

	out[0] = '\0';
	if (registry_owner(s->opt.root, device, owner, sizeof(owner)) == 0 &&
	    owner[0] && strcmp(owner, REGISTRY_OWNER) != 0)
		snprintf(out, size, "%s", owner);
}

/* A pass PASS_SOAK_MS from the first of the events that ask for one. */
static void
pass_soon(struct stacd *s)
{
	if (s->pass_at == 0)
		s->pass_at = monotime_ms() + PASS_SOAK_MS;
}

/* A uevent or a job's end: device is re-read before the next pass. */
static void
reread_due(struct stacd *s, const char *device)
{
	char (*v)[DEVNAME_MAX + 1];
	size_t i;

	for (i = 0; i < s->n_reread; i++)
		if (strcmp(s->reread[i], device) == 0)
			return;
	if ((v = array_grow(s->reread, &s->cap_reread, s->n_reread + 1,
	    sizeof(*v))) == NULL) {
		s->scan_due = true;	/* the full scan reads it too */
		return;
	}
	s->reread = v;
	snprintf(s->reread[s->n_reread++], sizeof(*v), "%s", device);
}

/* Where the controller of this instance is in obs, or would go. */
static size_t
obs_slot(const struct stacd *s, int instance)
{
	size_t lo = 0, hi = s->n_obs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->obs[mid].instance < instance)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Put *k (read now) in obs, or take device out when it is gone. */
static int
obs_update(struct stacd *s, const char *device, const struct kctrl *k)
{
	struct kctrl *v;
	size_t i;
	int inst;

	if (sscanf(device, "nvme%d", &inst) != 1)
		return 0;
	i = obs_slot(s, inst);
	if (i < s->n_obs && s->obs[i].instance == inst) {
		if (k)
			s->obs[i] = *k;
		else
			memmove(&s->obs[i], &s->obs[i + 1], (s->n_obs - i - 1) *
			    sizeof(*s->obs));
		s->n_obs -= k == NULL;
		return 0;
	}
	if (k == NULL)
		return 0;
	if ((v = array_grow(s->obs, &s->cap_obs, s->n_obs + 1,
	    sizeof(*v))) == NULL)
		return -ENOMEM;
	s->obs = v;
	memmove(&s->obs[i + 1], &s->obs[i], (s->n_obs - i) * sizeof(*s->obs));
	s->obs[i] = *k;
	s->n_obs++;
	return 0;
}

static void
obs_reread(struct stacd *s, const char *device)
{
	struct kctrl k;
	int r = nvmf_scan_one(s->opt.root, device, &k);

	if (r == 1)
		foreign_owner(s, device, k.foreign_owner,
		    sizeof(k.foreign_owner));
	if (r < 0 || obs_update(s, device, r == 1 ? &k : NULL) < 0) {
		log_warnx("%s: cannot read it: %s; reading all of "
		    "/sys/class/nvme", device, strerror(r < 0 ? -r : ENOMEM));
		s->scan_due = true;
		return;
	}
	log_debug("sysfs: %s re-read (%s)", device, r == 1 ? "there" :
	    "gone");
}

static int
obs_scan(struct stacd *s)
{
	struct kctrl *v;
	size_t i;
	int n;

	if ((n = nvmf_scan(s->opt.root, &v)) < 0)
		return n;
	for (i = 0; i < (size_t)n; i++)
		foreign_owner(s, v[i].name, v[i].foreign_owner,
		    sizeof(v[i].foreign_owner));
	free(s->obs);
	s->obs = v;
	s->n_obs = s->cap_obs = (size_t)n;
	s->scan_due = false;
	s->audit_at = monotime_ms() + AUDIT_MS;
	log_debug("sysfs: full scan of /sys/class/nvme, %d controllers", n);
	return 0;
}

/* Bring obs up to date: the full scan if one is due, else the re-reads. */
static int
observe(struct stacd *s)
{
	size_t i;

	for (i = 0; i < s->n_reread && !s->scan_due; i++)
		obs_reread(s, s->reread[i]);
	s->n_reread = 0;
	return s->scan_due ? obs_scan(s) : 0;
}

/* ---- carrying out the reconciler's actions ---- */

static void
start_disconnect(struct stacd *s, const struct action *a)
{
	char why[96], owner[REGISTRY_OWNER_MAX + 1];
	struct ctrl_id id;
	struct job *j;

	memset(&id, 0, sizeof(id));
	if (a->rec)
		rec_unpack_id(a->rec, &id);		/* ours */

	/*
	 * Whatever the scope says, a file system is not taken away, and
	 * another's controller is not ours to take: the registry as it is
	 * now, not as it was when the device was last read.
	 */
	foreign_owner(s, a->device, owner, sizeof(owner));
	if (owner[0])
		snprintf(why, sizeof(why), "the registry says %s owns it",
		    owner);
	if (owner[0] || nvmf_in_use(s->opt.root, a->device, why,
	    sizeof(why))) {
		log_warnx("%s - no longer wanted, connection kept: %s; "
		    "checking again in %d s", a->device, why,
		    RETRY_SLOW_MS / 1000);
		if (!a->audit)
			recon_disconnect_done(&s->recon, &id, -EBUSY,
			    monotime_ms());
		return;
	}
	if ((j = new_job(s, JOB_DISCONNECT)) == NULL) {
		log_err("%s - cannot disconnect: out of memory", a->device);
		if (!a->audit)
			recon_disconnect_done(&s->recon, &id, -ENOMEM,
			    monotime_ms());
		return;
	}
	memcpy(j->device, a->device, sizeof(j->device));
	j->id = id;
	j->ours = !a->audit;
	log_info("%s - Disconnect initiated%s", a->device, a->audit ?
	    " (not configured: disconnect-scope "
	    "all-connections-matching-disconnect-trtypes)" : "");
	worker_submit(&s->workers, j);
}

static void
start_connect(struct stacd *s, const struct ctrl_rec *rec)
{
	const struct tracked *t = recon_find_rec(&s->recon, rec);
	char name[CTRL_ID_STR_MAX];
	struct recon_params p;
	struct action act;
	uint32_t dropped = 0;
	struct job *j = new_job(s, JOB_CONNECT);
	char opts[NVMF_OPTS_MAX];
	struct ctrl_conf wide;
	const struct ctrl_conf *cc = &wide;
	int n, o;

	rec_unpack(rec, &wide);
	ctrl_id_str(&cc->id, name, sizeof(name));
	if (j == NULL) {
		/* Nothing to hand back: ended here, as a failed connect. */
		log_err("%s: cannot connect: out of memory", name);
		p = params(s);		/* not per connect: it walks the set */
		if (recon_connect_done(&s->recon, &cc->id, -ENOMEM, &p,
		    &act)) {
			start_disconnect(s, &act);
			rec_unref(act.rec);
		}
		return;
	}
	j->id = cc->id;
	j->failed_before = t && t->last_err != 0;
	n = nvmf_build_options(opts, sizeof(opts), cc, &s->conf, &s->host,
	    s->supported, &dropped);
	for (o = 0; o < OPT_COUNT; o++)
		if (dropped & (1u << o))
			log_msg(t && t->attempts > 1 ? LOG_DEBUG : LOG_WARNING,
			    "%s: the kernel does not support %s, connecting "
			    "without it", name, nvmf_opt_name((enum nvmf_opt)o));
	if (n >= 0 && (j->opts = strdup(opts)) == NULL)
		n = -ENOMEM;
	if (n < 0) {
		log_err("%s: cannot build the connect options: %s", name,
		    strerror(-n));
		worker_fail(&s->workers, j, n);
		return;
	}
	log_debug("%s: connecting", name);
	worker_submit(&s->workers, j);
}

/*
 * The outcome of a connect, said once per change (not every 60 s), and
 * failures within a budget: a thousand unreachable controllers make one
 * summary line a minute, not a thousand lines.
 */
static void
log_connect_result(struct stacd *s, const struct tracked *t,
    const char *name, int result, int prev_err)
{
	if (result >= 0)
		log_info("nvme%d - Connection established! %s", result, name);
	else if (result == -EALREADY)
		log_info("%s: already connected; adopting it", name);
	else if (!log_limit_allow(&s->connect_fails, monotime_ms()))
		return;
	else if (t && t->state == CS_GAVE_UP)
		log_warnx("%s: connect failed: %s; giving up after %d "
		    "attempts (connect-attempts-on-ncc)", name,
		    nvmf_strerror(-result), t->attempts);
	else if (t && (t->attempts <= 2 || prev_err != -result))
		log_warnx("%s: connect failed: %s; retrying in %d s", name,
		    nvmf_strerror(-result), t->attempts <= 1 ?
		    RETRY_FAST_MS / 1000 : RETRY_SLOW_MS / 1000);
	else
		log_debug("%s: connect failed again: %s", name,
		    nvmf_strerror(-result));
}

/*
 * Which pass a connect's end asks for.  Connected: one soon, with its
 * uevents.  Failed: none of its own (its retry is a deadline), only one
 * to refill the queue when it runs low, and when it is empty; so a
 * thousand failures are a few passes, not a thousand.
 */
static void
connect_pass(struct stacd *s, int result)
{
	int left = worker_connects(&s->workers);

	if (result >= 0) {
		pass_soon(s);
		return;
	}
	/* The last to end always passes: it learns the retry deadlines. */
	if (result == -EALREADY || left == 0 ||
	    left == RECON_CONNECTS_MAX / 4)
		s->pass_due = true;
}

static void
connect_done(struct stacd *s, const struct job *j)
{
	char name[CTRL_ID_STR_MAX];
	struct recon_params p = params(s);
	const struct tracked *t = recon_find(&s->recon, &j->id);
	int prev_err = t ? t->last_err : 0;
	char dev[DEVNAME_MAX + 16];
	struct action act;
	int drop;

	ctrl_id_str(&j->id, name, sizeof(name));
	/* Connected: its device is new.  Already connected: one unseen. */
	if (j->result >= 0) {
		snprintf(dev, sizeof(dev), "nvme%d", j->result);
		reread_due(s, dev);
	} else if (j->result == -EALREADY)
		s->scan_due = true;
	drop = recon_connect_done(&s->recon, &j->id, j->result, &p, &act);
	/* Looked up again: an entry no longer wanted is gone now. */
	t = recon_find(&s->recon, &j->id);
	log_connect_result(s, t, name, j->result, prev_err);
	if (drop) {
		start_disconnect(s, &act);
		rec_unref(act.rec);
	}
	connect_pass(s, j->result);
}

static void
disconnect_done(struct stacd *s, const struct job *j)
{
	if (j->result < 0 && j->result != -ENOENT) {
		log_warnx("%s - disconnect failed: %s%s", j->device,
		    strerror(-j->result), j->ours ? "; still ours, trying "
		    "again later" : "");
	}
	/* Ours until it is gone: the state file keeps it meanwhile. */
	if (j->ours)
		recon_disconnect_done(&s->recon, &j->id, j->result,
		    monotime_ms());
	if (j->ours && (j->result == 0 || j->result == -ENOENT))
		registry_release(s->opt.root, j->device);
	reread_due(s, j->device);
	s->pass_due = true;
}

/*
 * A discovery controller's log page read: its NVM subsystem entries and
 * referrals replace what it listed before.
 */
/*
 * A log page that could not be read (the controller did not answer, the
 * page kept changing, its header was short): what the controller listed
 * before stays, and the page is read again on the connect schedule, 3 s
 * and then every 60 s, until a read works or the controller goes.
 */
static void
log_page_failed(struct stacd *s, struct tracked *t, const char *name,
    int err)
{
	int delay;

	if (t == NULL || t->state != CS_LIVE) {
		log_warnx("%s: cannot read its discovery log page: %s; keeping "
		    "what it listed before", name, strerror(-err));
		return;
	}
	t->dlp_fails++;
	delay = t->dlp_fails == 1 ? RETRY_FAST_MS : RETRY_SLOW_MS;
	t->dlp_retry_at = monotime_ms() + delay;
	s->pass_due = true;	/* start_log_pages() learns the deadline */
	log_warnx("%s: cannot read its discovery log page: %s; keeping what "
	    "it listed before, reading it again in %d s", name,
	    err == -EAGAIN ? "it kept changing while read" :
	    err == -EBADMSG ? "malformed" : strerror(-err), delay / 1000);
}

static void
log_page_done(struct stacd *s, const struct job *j)
{
	struct tracked *t = recon_find(&s->recon, &j->id);
	char id[CTRL_ID_STR_MAX], name[CTRL_ID_STR_MAX + 48];
	struct dlp_entry *e = NULL;
	struct ctrl_conf dc;
	uint64_t gen;
	size_t n = 0;
	int taken;

	if (t)
		t->dlp_busy = false;
	snprintf(name, sizeof(name), "%s %s", j->device, ctrl_id_str(&j->id,
	    id, sizeof(id)));
	if (j->result < 0 || dlp_parse(j->page, j->page_len, &j->id, name, &e,
	    &n, &gen) < 0) {
		log_page_failed(s, t, name, j->result < 0 ? j->result :
		    -EBADMSG);
		free(e);
		return;
	}
	memset(&dc, 0, sizeof(dc));
	dc.id = j->id;
	if (t)
		rec_unpack(t->rec, &dc);
	if ((taken = owndisc_page(&s->own, &dc, t ? t->dc_depth :
	    0, e, n, s->want, s->n_want, &s->conf, s->host.nqn, name)) < 0) {
		log_err("%s: out of memory", name);
		free(e);
		return;
	}
	if (t) {
		t->dlp_read = true;
		t->dlp_fails = 0;
		t->dlp_retry_at = 0;
	}
	log_info("%s: discovery log page (generation %llu): %zu entries, %d "
	    "taken (I/O controllers and referrals)", name,
	    (unsigned long long)gen, n, taken);
	free(e);
	owndisc_forget_orphans(&s->own, s->want, s->n_want);
	s->desired_dirty = true;
	s->pass_due = true;
}

/*
 * Discovery controllers that are live and due a read of their page (an
 * event, or a retry that came due); s->dlp_next is the next retry.
 */
static void
start_log_pages(struct stacd *s)
{
	int64_t now = monotime_ms();
	struct job *j;
	size_t i;

	s->dlp_next = 0;
	for (i = 0; i < s->recon.n; i++) {
		struct tracked *t = &s->recon.v[i];

		if (t->state != CS_LIVE || t->dlp_busy)
			continue;
		if (t->dlp_retry_at && t->dlp_retry_at <= now)
			t->dlp_due = true;
		else if (t->dlp_retry_at && !t->dlp_due) {
			if (s->dlp_next == 0 || t->dlp_retry_at < s->dlp_next)
				s->dlp_next = t->dlp_retry_at;
			continue;
		}
		if (!t->dlp_due || (j = new_job(s, JOB_LOG_PAGE)) == NULL)
			continue;
		memcpy(j->device, t->device, sizeof(j->device));
		rec_unpack_id(t->rec, &j->id);
		t->dlp_due = false;
		t->dlp_retry_at = 0;
		t->dlp_busy = true;
		worker_submit(&s->workers, j);
	}
}

/* The one way a job ends, whether its worker ran or not. */
static void
job_done(struct stacd *s, struct job *j)
{
	switch (j->kind) {
	case JOB_CONNECT:
		connect_done(s, j);
		break;
	case JOB_DISCONNECT:
		disconnect_done(s, j);
		break;
	case JOB_RESOLVE:
		resolve_done(s, j);
		break;
	case JOB_LOG_PAGE:
		log_page_done(s, j);
		break;
	}
	job_free(j);
}

/*
 * Who reads the log pages ([Global] discovery=).  auto: stafd, when it
 * is on the bus; else, when nvme-fabrics.conf (or another source) names
 * discovery controllers, stacd connects them and reads their log pages
 * itself.  Until the bus has said whether stafd is there, neither (no
 * double discovery at start-up).  own: stacd whenever it has discovery
 * controllers, and stafd is never asked.  stafd: never stacd.
 */
static void
check_own_discovery(struct stacd *s)
{
	enum discovery_mode mode = s->conf.discovery;
	const char *why;
	bool on = false;
	size_t i;

	/* Without discovery controllers of its own, stafd's last set stays. */
	for (i = 0; i < s->fab.n && !on; i++)
		on = s->fab.ctrls[i]->discovery_ctrl;
	if (mode == DM_STAFD)
		on = false;
	else if (mode == DM_AUTO)
		on = on && !staf_present(&s->staf) && (s->bus.fd < 0 ||
		    s->staf.looked);

	if (on == s->own_active && mode == s->mode_logged)
		return;
	if (on)
		why = mode == DM_OWN ? "discovery=own" : s->bus.fd < 0 ?
		    "no D-Bus" : "no stafd on the bus";
	else
		why = mode == DM_STAFD ? "discovery=stafd" : mode == DM_OWN ?
		    "discovery=own but no discovery controller is configured" :
		    staf_present(&s->staf) ? "stafd is on the bus" :
		    "no discovery controller is configured";
	s->own_active = on;
	s->mode_logged = mode;
	s->desired_dirty = true;
	log_info("discovery: %s (%s)", on ? "stacd reads the discovery log "
	    "pages itself" : mode == DM_OWN ? "nothing is discovered" :
	    "stafd's log pages are used, stacd's own discovery is idle", why);
}

/* The discovered part of the desired set: own discovery's or stafd's. */
static void
discovered_set(const struct stacd *s, const struct want **v, size_t *n)
{
	*v = NULL;
	*n = 0;
	if (s->own_active) {
		*v = s->own.v;
		*n = s->own.n;
	} else if (s->conf.discovery != DM_OWN) {
		*v = s->staf.disc;
		*n = s->staf.n_disc;
	}
}

/* What the host-wide exclusion list names leaves the desired set. */
static void
drop_excluded(struct stacd *s)
{
	char name[CTRL_ID_STR_MAX];
	const struct excl_entry *e;
	size_t i, n = 0, idle = 0;

	for (i = 0; i < s->n_desired; i++) {
		struct ctrl_id id;

		/* Discovery controllers only for stacd's own discovery. */
		if (s->desired[i]->rec->discovery_ctrl && !s->own_active) {
			idle++;
			continue;
		}

		rec_unpack_id(s->desired[i]->rec, &id);
		if ((e = excl_match(&s->excl, &id, id.host_nqn,
		    s->host.id)) == NULL) {
			s->desired[n++] = s->desired[i];
			continue;
		}
		log_debug("%s: excluded by %s", ctrl_id_str(&id, name,
		    sizeof(name)), e->origin);
	}
	if (s->n_desired - n - idle != s->n_excluded)
		log_info("%zu controller%s excluded by exclusions.conf",
		    s->n_desired - n - idle, s->n_desired - n - idle == 1 ?
		    "" : "s");
	s->n_excluded = s->n_desired - n - idle;
	s->n_desired = n;
}

/*
 * The ownership registry: our claim on every controller we made or
 * adopted that nobody else has.  A bounded number per turn of the loop:
 * a thousand adopted controllers are claimed after READY=1, between
 * polls, not in one stretch that keeps D-Bus waiting.  claims_due stays
 * set until none is left, or one failed (the next pass tries again).
 */
static void
claim_ours(struct stacd *s)
{
	size_t i, made = 0;
	int r;

	s->claims_due = false;
	for (i = 0; i < s->recon.n; i++) {
		struct tracked *t = &s->recon.v[i];

		if (t->state != CS_LIVE || t->claimed || t->foreign_owner[0])
			continue;
		if (made++ == CLAIMS_PER_TURN) {
			s->claims_due = true;
			return;
		}
		if ((r = registry_claim(s->opt.root, t->device,
		    registry_name(t->rec->origin))) == 0 || r == -EBUSY) {
			/* -EBUSY: another orchestrator was faster; its own. */
			t->claimed = true;
			s->registry_failing = false;
			continue;
		}
		if (!s->registry_failing)
			log_warnx("%s: cannot record it in the ownership "
			    "registry: %s; trying again at every pass",
			    t->device, strerror(-r));
		s->registry_failing = true;
		return;		/* the rest would fail alike: next pass */
	}
}

/* One reconciliation pass: bring the kernel's state up to date, plan, act. */
static void
reconcile(struct stacd *s)
{
	struct recon_params p;
	struct action *acts = NULL;
	const struct want *disc;
	size_t n_acts = 0, i, n_disc;
	int r;

	if (s->want_dirty) {
		want_free(s->want, s->n_want);
		s->want = NULL;
		s->n_want = 0;
		s->desired_dirty = true;	/* it pointed into want */
		/* stacd.conf's first: of two entries for one controller, its
		 * own wins (with its tunables). */
		if (names_sync(s) < 0 || want_from_conf(&s->conf, &s->host,
		    &s->names, &s->want, &s->n_want, &s->want_incomplete) < 0 ||
		    want_from_ctrls(&s->conf, s->fab.ctrls, s->fab.n, &s->host,
		    &s->names, &s->want, &s->n_want, &s->want_incomplete) < 0) {
			log_err("out of memory building the desired set");
			return;
		}
		s->want_dirty = false;
		s->desired_dirty = true;
		/* A discovery controller no longer configured: what it and
		 * its referrals listed goes too. */
		owndisc_forget_orphans(&s->own, s->want, s->n_want);
	}
	/* Re-read when the files changed: an edit counts at the next pass. */
	if (excl_refresh(&s->excl, s->opt.root))
		s->desired_dirty = true;
	check_own_discovery(s);
	/* Rebuilt only when either part changed; configured ones first. */
	if (s->desired_dirty) {
		free(s->desired);
		s->desired = NULL;
		s->n_desired = 0;
		discovered_set(s, &disc, &n_disc);
		if (want_merge(s->want, s->n_want, disc, n_disc, &s->desired,
		    &s->n_desired) < 0) {
			log_err("out of memory building the desired set");
			return;
		}
		drop_excluded(s);
		/* Sorted once here, not by every pass (recon_plan()). */
		s->n_desired = want_sort_unique(s->desired, s->n_desired);
		s->desired_dirty = false;
	}
	p = params(s);
	if ((r = observe(s)) < 0) {
		log_err("cannot read /sys/class/nvme: %s", strerror(-r));
		return;
	}
	if (recon_plan(&s->recon, s->desired, s->n_desired, s->obs, s->n_obs,
	    &p, &acts, &n_acts, &s->next_pass) < 0)
		log_err("out of memory planning the pass");
	/*
	 * Up once the first pass knows what it wants and has: starting
	 * its connects, the state file (an fsync) and the registry claims
	 * come after.
	 */
	if (!s->ready) {
		s->ready = true;
		notify("READY=1");
	}
	for (i = 0; i < n_acts; i++) {
		if (acts[i].kind == ACT_CONNECT)
			start_connect(s, acts[i].rec);
		else
			start_disconnect(s, &acts[i]);
	}
	recon_actions_free(acts, n_acts);
	start_log_pages(s);
	lkc_save(&s->lkc, &s->recon);
	s->claims_due = true;		/* see claim_ours() */
}

/* ---- event handlers: they only record work ---- */

static void
on_signal(struct stacd *s)
{
	struct signalfd_siginfo si;

	while (read(s->pfd[PFD_SIGNAL].fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			s->reload = true;
		else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
			s->quit = true;
	}
}

static void
log_page_due(struct stacd *s, const char *device)
{
	size_t i;

	for (i = 0; i < s->recon.n; i++)
		if (s->recon.v[i].state == CS_LIVE &&
		    s->recon.v[i].rec->discovery_ctrl &&
		    strcmp(s->recon.v[i].device, device) == 0)
			s->recon.v[i].dlp_due = true;
}

static void
uevent_poke(void *ctx, const struct uevent *ev)
{
	struct stacd *s = ctx;

	if (!uevent_is_nvme_ctrl(ev))
		return;
	/* With no udevd on the host, somebody has to clean up after it. */
	if (strcmp(ev->action, "remove") == 0)
		registry_forget(s->opt.root, ev->devname, ev->seqnum);
	/* A discovery controller's page changed, or it was away. */
	if (strcmp(ev->nvme_aen, DLP_AEN_CHANGE) == 0 ||
	    strcmp(ev->nvme_event, "rediscover") == 0)
		log_page_due(s, ev->devname);
	log_debug("%s - uevent %s%s%s", ev->devname, ev->action,
	    ev->nvme_event[0] ? " " : "", ev->nvme_event);
	reread_due(s, ev->devname);
	/* A burst (add, change, namespaces...) costs one pass. */
	pass_soon(s);
}

static void
on_uevent(struct stacd *s)
{
	int r = netlink_drain(s->pfd[PFD_UEVENT].fd, uevent_poke, s);

	if (r == NETLINK_OVERRUN) {
		log_warnx("uevent overrun: rescanning /sys/class/nvme");
		s->scan_due = true;
		s->pass_due = true;
		s->pass_at = 0;
	} else if (r < 0)
		log_warnx("uevent socket: %s", strerror(-r));
}

static void
on_workers(struct stacd *s)
{
	struct job *j;

	while ((j = worker_collect(&s->workers)) != NULL)
		job_done(s, j);
}

/* ---- D-Bus: our name, and stafd ---- */

static void
bus_lost(struct stacd *s, int err)
{
	bus_disconnect(&s->bus, s);
	if (!s->bus_said_down)
		log_warnx("D-Bus: %s; running on the configuration alone, "
		    "retrying the bus", strerror(-err));
	s->bus_said_down = true;
	s->bus_backoff_ms = s->bus_backoff_ms ? s->bus_backoff_ms * 2 :
	    BUS_RETRY_MIN_MS;
	if (s->bus_backoff_ms > BUS_RETRY_MAX_MS)
		s->bus_backoff_ms = BUS_RETRY_MAX_MS;
	s->bus_retry_at = monotime_ms() + s->bus_backoff_ms;
	/* Gone with the bus: what stafd knew is kept, nothing is dropped. */
	staf_bus_lost(&s->staf);
	s->pfd[PFD_DBUS].fd = -1;
}

static void
request_name_reply(void *ctx, const struct dw_msg *m, void *arg)
{
	struct stacd *s = ctx;
	struct dw_reader r;
	uint32_t result = 0;

	(void)arg;
	if (m == NULL)
		return;
	if (m->hdr.type == DW_MSG_METHOD_RETURN &&
	    strcmp(m->hdr.signature, "u") == 0) {
		r = m->body;
		result = dw_read_uint32(&r);
	}
	if (result == 1 || result == 4) {
		log_info("D-Bus: %s acquired", STAC_BUS_NAME);
		return;
	}
	if (result == 3) {
		/* Two daemons must not fight over the same connections. */
		log_err("D-Bus: %s is owned by another process; is another "
		    "stacd running?", STAC_BUS_NAME);
		s->exit_status = 1;
		s->quit = true;
		return;
	}
	log_err("D-Bus: cannot own %s: %s", STAC_BUS_NAME,
	    m->hdr.error_name ? m->hdr.error_name : "unexpected answer");
}

/* Hello answered: claim the name, and watch stafd. */
static void
bus_up(void *ctx)
{
	struct stacd *s = ctx;

	s->bus_backoff_ms = 0;
	if (s->bus_said_down)
		log_info("D-Bus: connected again");
	s->bus_said_down = false;
	dw_msg_begin_call(&s->bus.w, bus_serial(&s->bus),
	    "org.freedesktop.DBus", "/org/freedesktop/DBus",
	    "org.freedesktop.DBus", "RequestName", "su");
	dw_write_string(&s->bus.w, STAC_BUS_NAME);
	dw_write_uint32(&s->bus.w, 4);		/* DO_NOT_QUEUE */
	if (bus_call(&s->bus, BUS_DRIVER, request_name_reply, NULL,
	    monotime_ms()) < 0)
		log_err("D-Bus: cannot ask for %s", STAC_BUS_NAME);
	staf_watch(&s->staf, &s->bus, monotime_ms());
}

static void
bus_try_connect(struct stacd *s)
{
	int r;

	s->bus_retry_at = 0;
	if ((r = bus_connect(&s->bus, s->bus_address, bus_up, monotime_ms())) < 0) {
		bus_lost(s, r);
		return;
	}
	s->pfd[PFD_DBUS].fd = s->bus.fd;
}

static void
set_tron(void *ctx, bool on)
{
	struct stacd *s = ctx;

	log_set_debug(on);
	log_info("tron %s (D-Bus)", on ? "on" : "off");
	stac_tron_changed(&s->bus, on);
}

static void
on_signal_msg(struct stacd *s, const struct dw_msg *m)
{
	const struct dw_hdr *h = &m->hdr;

	if (staf_signal(&s->staf, m, monotime_ms()) || h->interface == NULL)
		return;
	/* Only the bus speaks for the bus: anyone may send us a signal. */
	if (strcmp(h->interface, BUS_DRIVER) == 0 &&
	    strcmp(h->member, "NameLost") == 0 && h->sender &&
	    strcmp(h->sender, BUS_DRIVER) == 0)
		log_err("D-Bus: lost %s", STAC_BUS_NAME);
}

static void
on_bus_msg(void *ctx, const struct dw_msg *m)
{
	struct stacd *s = ctx;
	char timer[64];
	struct stac_view v = {
		.recon = &s->recon,
		.conf = &s->conf,
		.host = &s->host,
		.root = s->opt.root,
		.lkc_path = s->lkc.path,
		.supported = s->supported,
		.tron = log_debug_enabled(),
		.soak_timer = timer,
		.now = monotime_ms(),
		.set_tron = set_tron,
	};

	staf_timer_str(&s->staf, v.now, timer, sizeof(timer));
	if (m->hdr.type == DW_MSG_METHOD_CALL)
		stac_handle_call(&s->bus, m, &v);
	else if (m->hdr.type == DW_MSG_SIGNAL)
		on_signal_msg(s, m);
}

static void
on_dbus(struct stacd *s)
{
	int r = bus_io(&s->bus, s->pfd[PFD_DBUS].revents, on_bus_msg, s);

	if (r < 0)
		bus_lost(s, r);
}

static void (*const handlers[PFD_MAX])(struct stacd *) = {
	[PFD_SIGNAL] = on_signal,
	[PFD_UEVENT] = on_uevent,
	[PFD_WORKERS] = on_workers,
	[PFD_DBUS] = on_dbus,
};

/* ---- lifecycle ---- */

static void
apply_tron(const struct stacd *s)
{
	log_set_debug(s->conf.tron || s->opt.tron);
}

/* nvme-cli 3's nvme-fabrics.conf (and .d/): at start and on SIGHUP. */
static void
load_fabrics(struct stacd *s)
{
	struct fabconf fresh;

	fabconf_init(&fresh);
	if (sources_load(s->opt.root, &s->host, &s->boot, &fresh) < 0) {
		log_err("nvme-fabrics.conf: out of memory; keeping what was "
		    "read before");
		fabconf_fini(&fresh);
		return;
	}
	if (fresh.n || s->fab.n)
		log_info("%zu controllers from the boot sources and the other "
		    "tools' files", fresh.n);
	fabconf_fini(&s->fab);
	s->fab = fresh;
}

/*
 * SIGHUP: parse into a fresh configuration and swap only if the file
 * could be read.  Tunables apply to new connections; sys.conf stays.
 */
static void
reload(struct stacd *s)
{
	struct conf fresh;
	size_t i;

	s->reload = false;
	conf_init(&fresh);
	if (conf_load(&fresh, s->conf_path) < 0) {
		log_err("reload: keeping the previous configuration");
		conf_fini(&fresh);
		return;
	}
	/* Half a file (an editor's crash, garbage) must not disconnect. */
	if (fresh.bad_lines) {
		log_err("reload: %s has %u line%s that %s not INI syntax; "
		    "keeping the previous configuration", s->conf_path,
		    fresh.bad_lines, fresh.bad_lines == 1 ? "" : "s",
		    fresh.bad_lines == 1 ? "is" : "are");
		conf_fini(&fresh);
		return;
	}
	conf_fini(&s->conf);
	s->conf = fresh;
	load_fabrics(s);
	/* --tron wins for the life of the process (nvme-stas forgets it). */
	apply_tron(s);
	names_refresh(s);
	/* Exclusions or ip-family may have changed: ask stafd again. */
	staf_poke(&s->staf, monotime_ms());
	s->want_dirty = true;
	s->scan_due = true;
	s->pass_due = true;
	recon_kick(&s->recon, monotime_ms());
	for (i = 0; i < s->recon.n; i++)
		if (s->recon.v[i].rec->discovery_ctrl)
			s->recon.v[i].dlp_due = s->recon.v[i].state == CS_LIVE;
	log_info("configuration reloaded from %s", s->conf_path);
}

/* Deadlines that came due: reconnect the bus, ask stafd. */
static void
timers(struct stacd *s)
{
	int64_t now = monotime_ms();

	if (s->bus.fd < 0 && s->bus_retry_at && s->bus_retry_at <= now)
		bus_try_connect(s);
	if (s->pass_at && s->pass_at <= now) {
		s->pass_at = 0;
		s->pass_due = true;
	}
	if (s->dlp_next && s->dlp_next <= now) {
		s->dlp_next = 0;
		s->pass_due = true;
	}
	if (s->audit_at && s->audit_at <= now) {
		s->audit_at = 0;
		s->scan_due = true;
		s->pass_due = true;
	}
	if (s->conf.discovery != DM_OWN)	/* own: stafd is not asked */
		staf_run(&s->staf, &s->bus, now);
	log_limit_flush(&s->connect_fails, now, NULL);
}

static int
poll_timeout(struct stacd *s)
{
	int64_t now = monotime_ms(), next = s->next_pass;

	names_retry_due(s, now, &next);
	bus_expire(&s->bus, s, now, &next);
	if (s->bus.fd < 0 && s->bus_retry_at && s->bus_retry_at < next)
		next = s->bus_retry_at;
	if (s->conf.discovery != DM_OWN && s->staf.due && s->staf.due < next)
		next = s->staf.due;
	if (s->pass_at && s->pass_at < next)
		next = s->pass_at;
	if (s->dlp_next && s->dlp_next < next)
		next = s->dlp_next;
	if (s->audit_at && s->audit_at < next)
		next = s->audit_at;
	log_limit_flush(&s->connect_fails, now, &next);
	if (s->pass_due || s->claims_due || next <= now ||
	    worker_ready(&s->workers))
		return 0;
	if (next == INT64_MAX)
		return -1;
	return next - now > INT_MAX ? INT_MAX : (int)(next - now);
}

static int
open_signals(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	/* Blocked before any thread starts, so every thread inherits it. */
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
}

static int
daemon_init(struct stacd *s)
{
	int fd, r;

	conf_init(&s->conf);
	recon_init(&s->recon);
	owndisc_init(&s->own);
	excl_init(&s->excl);
	if (conf_load(&s->conf, s->conf_path) < 0 ||
	    boot_host(&s->opt, &s->host, &s->boot) < 0)
		return -1;
	apply_tron(s);
	load_fabrics(s);
	if ((fd = open_signals()) < 0) {
		log_err("signalfd: %s", strerror(errno));
		return -1;
	}
	s->pfd[PFD_SIGNAL].fd = fd;
	/* Subscribe before the first scan so no event falls in between. */
	if ((fd = netlink_open()) < 0) {
		log_err("uevent socket: %s", strerror(-fd));
		return -1;
	}
	s->pfd[PFD_UEVENT].fd = fd;
	if ((r = worker_init(&s->workers)) < 0) {
		log_err("worker pipe: %s", strerror(-r));
		return -1;
	}
	s->pfd[PFD_WORKERS].fd = s->workers.done_fd[0];
	s->pfd[PFD_DBUS].fd = -1;
	bus_init(&s->bus);
	s->bus_address = getenv("DBUS_SYSTEM_BUS_ADDRESS");
	if (s->bus_address == NULL || *s->bus_address == '\0')
		s->bus_address = BUS_DEFAULT_ADDRESS;
	staf_init(&s->staf, &s->conf, &s->host);
	s->connect_fails = (struct log_limit){ .what = "connect failures",
	    .burst = 20, .window_ms = 60000 };
	s->supported = nvmf_read_supported(s->opt.root);
	if (!(s->supported & (1u << OPT_HOST_IFACE)))
		log_warnx("Kernel does not appear to support all the options "
		    "needed to run this program. Consider updating to a later "
		    "kernel version.");
	lkc_load(&s->lkc, s->opt.root, getenv("RUNTIME_DIRECTORY"),
	    &s->recon);
	bus_try_connect(s);
	s->want_dirty = true;
	s->scan_due = true;
	s->pass_due = true;
	s->next_pass = INT64_MAX;
	return 0;
}

static void
daemon_fini(struct stacd *s)
{
	int i;

	/* Connections stay up: stacd never disconnects on exit. */
	lkc_save(&s->lkc, &s->recon);
	for (i = 0; i < PFD_MAX; i++)
		if (s->pfd[i].fd >= 0 && i != PFD_WORKERS && i != PFD_DBUS)
			close(s->pfd[i].fd);
	worker_fini(&s->workers);
	bus_fini(&s->bus);
	recon_fini(&s->recon);
	staf_fini(&s->staf);
	conf_fini(&s->conf);
	want_free(s->want, s->n_want);
	free(s->desired);
	free(s->obs);
	free(s->reread);
	want_names_fini(&s->names);
	excl_fini(&s->excl);
	owndisc_fini(&s->own);
	boot_fini(&s->boot);
	fabconf_fini(&s->fab);
	lkc_fini(&s->lkc);
}

static int
run(struct stacd *s)
{
	int i, n;

	log_info("stacd %s starting (%s)", STACD_VERSION, s->conf_path);
	while (!s->quit) {
		for (i = 0; i < PFD_MAX; i++) {
			s->pfd[i].events = POLLIN;
			s->pfd[i].revents = 0;
		}
		s->pfd[PFD_DBUS].events = bus_events(&s->bus);
		n = poll(s->pfd, PFD_MAX, poll_timeout(s));
		if (n < 0 && errno != EINTR) {
			log_err("poll: %s", strerror(errno));
			return 1;
		}
		for (i = 0; i < PFD_MAX && n > 0; i++)
			if (s->pfd[i].revents)
				handlers[i](s);
		/* Jobs that ended without a worker: no pipe tells of them. */
		if (worker_ready(&s->workers))
			on_workers(s);
		if (s->quit)
			break;
		if (s->reload)
			reload(s);
		if (s->staf.changed) {
			s->staf.changed = false;
			s->desired_dirty = true;
			s->pass_due = true;
		}
		timers(s);
		if (s->pass_due || monotime_ms() >= s->next_pass) {
			s->pass_due = false;
			reconcile(s);
		}
		if (s->claims_due)
			claim_ours(s);
	}
	notify("STOPPING=1");
	log_info("exiting; %d connects still in the kernel, connections "
	    "left as they are", worker_pending(&s->workers));
	return s->exit_status;
}

static int
startup_checks(const struct options *o)
{
	char path[PATH_BUF];

	/* Under a test root the daemon runs unprivileged on a fake tree. */
	if (o->root[0] == '\0' && geteuid() != 0) {
		fprintf(stderr, "Permission denied. You need root privileges "
		    "to run stacd.\n");
		return -1;
	}
	if (path_under(path, sizeof(path), o->root, "/dev/nvme-fabrics") < 0 ||
	    access(path, F_OK) != 0) {
		fprintf(stderr, "Fatal error: missing nvme-tcp kernel module "
		    "(%s: %s)\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
run_daemon(const struct options *o, const char *conf_path)
{
	struct stacd *s = calloc(1, sizeof(*s));
	int i, r = 1;

	if (s == NULL) {
		fprintf(stderr, "stacd: out of memory\n");
		return 1;
	}
	for (i = 0; i < PFD_MAX; i++)
		s->pfd[i].fd = -1;
	s->opt = *o;
	snprintf(s->conf_path, sizeof(s->conf_path), "%s", conf_path);
	log_init(o->syslog ? LOG_TO_SYSLOG : LOG_TO_STDOUT);
	if (daemon_init(s) == 0)
		r = run(s);
	daemon_fini(s);
	free(s);
	return r;
}

int
main(int argc, char **argv)
{
	struct options o = { .root = "" };
	char conf_path[4096];

	if (parse_options(argc, argv, &o) < 0)
		return EXIT_USAGE;
	if (o.idl_file)
		return write_idl(o.idl_file);
	if (o.conf_file)
		snprintf(conf_path, sizeof(conf_path), "%s", o.conf_file);
	else
		snprintf(conf_path, sizeof(conf_path),
		    "%s/etc/stas/stacd.conf", o.root);
	if (o.check)
		return check_config(&o, conf_path);
	if (o.boot_network)
		return print_boot_network(&o);
	if (startup_checks(&o) < 0)
		return 1;
	return run_daemon(&o, conf_path);
}

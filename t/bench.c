/*
 * t/bench.c - `make bench`: how long the daemon's hot paths take, at the
 * scale of a server with thousands of controllers.  Prints numbers; it
 * asserts nothing (timing belongs here, never in tests).
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "dbus_wire.h"
#include "discovery.h"
#include "log.h"
#include "netlink.h"
#include "nvmf.h"
#include "reconcile.h"
#include "want.h"
#include "fixtures.h"


static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
report(const char *what, double seconds, long n, const char *unit)
{
	printf("%-52s %10.3f ms  %12.0f %s/s\n", what, seconds * 1e3,
	    n / seconds, unit);
}

static char *
many_controllers(int n, size_t *len)
{
	size_t cap = (size_t)n * 120 + 64, off = 0;
	char *buf = malloc(cap);
	int i;

	off += (size_t)snprintf(buf, cap, "[Controllers]\n");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(buf + off, cap - off,
		    "controller=transport=tcp;traddr=10.%d.%d.%d;"
		    "nqn=nqn.2014-08.org.example:s%d;kato=30\n",
		    i >> 16, (i >> 8) & 255, i & 255, i);
	*len = off;
	return buf;
}

static void
bench_conf(int n)
{
	struct conf c;
	size_t len;
	char *text = many_controllers(n, &len), what[80];
	double t;

	conf_init(&c);
	t = now_s();
	conf_parse(&c, text, len, "bench");
	t = now_s() - t;
	snprintf(what, sizeof(what), "conf_parse: %d controller entries", n);
	report(what, t, n, "entries");
	conf_fini(&c);
	free(text);
}

static void
make_sets(int n, struct want **w, struct kctrl **k)
{
	int i;

	*w = calloc((size_t)n, sizeof(**w));
	*k = calloc((size_t)n, sizeof(**k));
	for (i = 0; i < n; i++) {
		struct ctrl_conf cc;
		struct ctrl_id *id = &cc.id;
		struct kctrl *kc = &(*k)[n - 1 - i];

		memset(&cc, 0, sizeof(cc));
		id->transport = TRTYPE_TCP;
		snprintf(id->traddr, sizeof(id->traddr), "10.%d.%d.%d",
		    i >> 16, (i >> 8) & 255, i & 255);
		strcpy(id->trsvcid, "4420");
		snprintf(id->subsysnqn, sizeof(id->subsysnqn),
		    "nqn.2014-08.org.example:s%d", i % 97);
		strcpy(id->host_nqn, HOSTNQN);
		(*w)[i] = fx_want_conf(&cc);
		snprintf(kc->name, sizeof(kc->name), "nvme%d", i);
		kc->instance = i;
		strcpy(kc->transport, "tcp");
		strcpy(kc->traddr, id->traddr);
		strcpy(kc->trsvcid, "4420");
		strcpy(kc->subsysnqn, id->subsysnqn);
		strcpy(kc->hostnqn, HOSTNQN);
		strcpy(kc->state, "live");
		strcpy(kc->cntrltype, "io");
	}
}

static double steady_prev;

static void
bench_reconcile(int n)
{
	struct conf c;
	struct recon r;
	struct want *w;
	const struct want **wp;
	struct kctrl *k;
	struct action *a;
	size_t na;
	int64_t next;
	struct recon_params p;
	char what[96];
	double t;
	int i, rounds = n >= 10000 ? 5 : n >= 1000 ? 50 : 500;

	conf_init(&c);
	p.conf = &c;
	p.host_nqn = HOSTNQN;
	p.now = 0;
	p.names_pending = p.discovery_unknown = false;
	make_sets(n, &w, &k);
	wp = fx_ptrs(w, (size_t)n);
	/* As the daemon does when it rebuilds its desired set, not per pass. */
	t = now_s();
	want_sort_unique(wp, (size_t)n);
	t = now_s() - t;
	snprintf(what, sizeof(what), "want_sort_unique: desired set of %d", n);
	report(what, t, n, "ctrls");
	recon_init(&r);
	t = now_s();
	recon_plan(&r, wp, (size_t)n, NULL, 0, &p, &a, &na, &next);
	t = now_s() - t;
	recon_actions_free(a, na);
	snprintf(what, sizeof(what), "recon_plan: first pass, %d wanted", n);
	report(what, t, n, "ctrls");
	recon_fini(&r);
	recon_init(&r);
	recon_plan(&r, wp, (size_t)n, k, (size_t)n, &p, &a, &na, &next);
	recon_actions_free(a, na);
	t = now_s();
	for (i = 0; i < rounds; i++) {
		recon_plan(&r, wp, (size_t)n, k, (size_t)n, &p, &a, &na, &next);
		recon_actions_free(a, na);
	}
	t = (now_s() - t) / rounds;
	snprintf(what, sizeof(what), "recon_plan: steady pass, %d connected", n);
	report(what, t, n, "ctrls");
	if (steady_prev > 0)
		printf("%-52s %10.1f x  (for 10x N)\n", "  (growth of the pass)",
		    t / steady_prev);
	steady_prev = t;
	recon_fini(&r);
	free(wp);
	want_free(w, (size_t)n);
	free(k);
}

static void
bench_uevent(void)
{
	static const char ev[] = "change@/devices/virtual/nvme-fabrics/ctl/nvme3\0"
	    "ACTION=change\0DEVPATH=/devices/virtual/nvme-fabrics/ctl/nvme3\0"
	    "SUBSYSTEM=nvme\0NVME_EVENT=connected\0MAJOR=239\0MINOR=3\0"
	    "DEVNAME=nvme3\0NVME_TRTYPE=tcp\0NVME_TRADDR=127.0.0.1\0"
	    "NVME_TRSVCID=4420\0NVME_HOST_TRADDR=none\0NVME_HOST_IFACE=none\0"
	    "SEQNUM=4711\0";
	struct uevent u;
	int i, n = 1000000;
	double t = now_s();

	for (i = 0; i < n; i++)
		uevent_parse(ev, sizeof(ev) - 1, &u, NULL);
	report("uevent_parse: kernel change event", now_s() - t, n, "events");
}

static void
bench_options(void)
{
	struct conf c;
	struct host_conf h = { HOSTNQN, "11111111-2222-3333-4444-555555555555",
	    "", "" };
	struct ctrl_conf cc;
	char buf[NVMF_OPTS_MAX];
	uint32_t dropped;
	int i, n = 1000000;
	double t;

	conf_init(&c);
	memset(&cc, 0, sizeof(cc));
	cc.id.transport = TRTYPE_TCP;
	strcpy(cc.id.traddr, "192.168.100.200");
	strcpy(cc.id.trsvcid, "4420");
	strcpy(cc.id.subsysnqn, "nqn.2014-08.org.example:storage-array-1");
	cc.tun.set = 1u << TUN_KATO;
	cc.tun.val[TUN_KATO] = 30;
	t = now_s();
	for (i = 0; i < n; i++)
		nvmf_build_options(buf, sizeof(buf), &cc, &c, &h, ~0u, &dropped);
	report("nvmf_build_options: validated option string", now_s() - t, n,
	    "strings");
}

static void
bench_dbus(void)
{
	struct dw_writer w;
	struct dw_msg m;
	const uint8_t *data;
	size_t len;
	int i, j, n = 1000;
	double t;
	char key[16], val[64];

	/* A list_controllers reply for 1000 controllers, 10 keys each. */
	dw_writer_init(&w, 0);
	t = now_s();
	dw_msg_begin_call(&w, 1, "org.nvmexpress.stac", "/org/nvmexpress/stac",
	    "org.nvmexpress.stac", "list_controllers", "aa{ss}");
	dw_open_array(&w);
	for (i = 0; i < n; i++) {
		dw_open_array(&w);
		for (j = 0; j < 10; j++) {
			snprintf(key, sizeof(key), "key%d", j);
			snprintf(val, sizeof(val), "value-%d-%d", i, j);
			dw_open_dict_entry(&w);
			dw_write_string(&w, key);
			dw_write_string(&w, val);
			dw_close(&w);
		}
		dw_close(&w);
	}
	dw_close(&w);
	dw_msg_finish(&w, &data, &len);
	report("dbus_wire: build aa{ss} of 1000 x 10", now_s() - t, n, "dicts");
	t = now_s();
	for (i = 0; i < 100; i++)
		dw_msg_parse(&m, data, len);
	report("dbus_wire: parse+validate it (whole message)",
	    (now_s() - t) / 100, n, "dicts");
	printf("%-52s %10zu bytes\n", "  (message size)", len);
	dw_writer_fini(&w);
}

/* A fake /sys/class/nvme of n controllers in a temporary directory. */
static void
bench_scan(int n)
{
	char root[] = "/tmp/stacd-bench-XXXXXX", path[512], what[80];
	struct kctrl *v;
	FILE *f;
	double t;
	int i, r;

	if (mkdtemp(root) == NULL)
		return;
	/* One shell per 500 directories keeps the set-up quick. */
	for (i = 0; i < n; i += 500) {
		snprintf(path, sizeof(path), "cd %s && mkdir -p "
		    "$(seq -f 'sys/class/nvme/nvme%%.0f' %d %d)", root, i,
		    i + 499 < n ? i + 499 : n - 1);
		if (system(path) != 0)
			return;
	}
	for (i = 0; i < n; i++) {
		static const char *const attrs[][2] = {
			{ "transport", "tcp" }, { "subsysnqn", "nqn.x:y" },
			{ "hostnqn", HOSTNQN }, { "state", "live" },
			{ "cntrltype", "io" },
			{ "address", "traddr=10.0.0.1,trsvcid=4420" },
		};
		size_t a;

		for (a = 0; a < sizeof(attrs) / sizeof(attrs[0]); a++) {
			snprintf(path, sizeof(path), "%s/sys/class/nvme/nvme%d/%s",
			    root, i, attrs[a][0]);
			if ((f = fopen(path, "w")) == NULL)
				return;
			fprintf(f, "%s\n", attrs[a][1]);
			fclose(f);
		}
	}
	t = now_s();
	r = nvmf_scan(root, &v);
	t = now_s() - t;
	free(v);
	snprintf(what, sizeof(what), "nvmf_scan: %d controllers in a fake sysfs", r);
	report(what, t, n, "ctrls");
	snprintf(path, sizeof(path), "rm -rf %s", root);
	if (system(path) != 0)
		fprintf(stderr, "cannot remove %s\n", root);
}

/* stafd's answer for n I/O controllers behind one discovery controller. */
static char *
log_pages(int n, size_t *len)
{
	size_t cap = (size_t)n * 200 + 512, off;
	char *s = malloc(cap);
	int i;

	off = (size_t)snprintf(s, cap, "[{\"discovery-controller\": "
	    "{\"traddr\": \"10.9.9.9\", \"connected\": \"True\"}, "
	    "\"log-pages\": [");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(s + off, cap - off, "%s{\"trtype\": "
		    "\"tcp\", \"subtype\": \"nvme\", \"traddr\": "
		    "\"10.%d.%d.%d\", \"trsvcid\": \"4420\", \"subnqn\": "
		    "\"nqn.2014-08.org.example:s%d\", \"eflags\": \"0\"}",
		    i ? ", " : "", (i >> 16) & 255, (i >> 8) & 255, i & 255, i);
	off += (size_t)snprintf(s + off, cap - off, "]}]");
	*len = off;
	return s;
}

/* VmHWM of this process, in kB (peak resident set). */
static long
peak_rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/*
 * The memory budget for what stafd sends, in a fresh process (bench
 * discovery N, run by bench_discovery()): n entries parsed and the result
 * kept, as the daemon keeps it; the peak RSS it adds is the cost.
 */
static int
discovery_child(int n)
{
	struct conf c;
	struct host_conf h;
	struct want *w = NULL;
	size_t len, got = 0;
	char *text, what[80];
	long base;
	double t0, t1;

	conf_init(&c);
	memset(&h, 0, sizeof(h));
	strcpy(h.nqn, HOSTNQN);
	base = peak_rss_kb();
	text = log_pages(n, &len);
	t0 = now_s();
	discovery_parse(text, len, &c, &h, NULL, 0, &w, &got);
	t1 = now_s();
	snprintf(what, sizeof(what), "discovery: %d entries, %zu kept", n, got);
	report(what, t1 - t0, (long)got, "entry");
	printf("%-52s %10ld kB  (JSON text %zu kB, result %zu kB)\n",
	    "  (peak RSS added, text included)", peak_rss_kb() - base,
	    len / 1024, got * sizeof(*w) / 1024);
	free(w);
	free(text);
	return 0;
}

static void
bench_discovery(int n)
{
	char arg[16];
	pid_t pid;

	snprintf(arg, sizeof(arg), "%d", n);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		execl("/proc/self/exe", "bench", "discovery", arg, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
}


/* The sizes behind the daemon's memory per controller. */
static void
bench_sizes(void)
{
	printf("%-52s %10zu bytes\n", "sizeof(struct ctrl_conf)",
	    sizeof(struct ctrl_conf));
	printf("%-52s %10zu bytes\n", "sizeof(struct ctrl_rec) (+ its strings)",
	    sizeof(struct ctrl_rec));
	printf("%-52s %10zu bytes\n", "sizeof(struct want)", sizeof(struct want));
	printf("%-52s %10zu bytes\n", "sizeof(struct tracked)",
	    sizeof(struct tracked));
	printf("%-52s %10zu bytes\n", "sizeof(struct kctrl)", sizeof(struct kctrl));
	printf("%-52s %10zu bytes\n", "sizeof(struct action)",
	    sizeof(struct action));
	printf("%-52s %10zu bytes\n", "sizeof(struct uevent)",
	    sizeof(struct uevent));
}

static long storm_got;

static void
storm_count(void *ctx, const struct uevent *ev)
{
	(void)ctx;
	(void)ev;
	storm_got++;
}

/*
 * bench storm N [late]: N real kernel uevents ("change" written to
 * /sys/class/net/lo/uevent, run in a private network and mount namespace
 * by t/bench.sh so nobody else hears them) read through netlink_open()
 * and netlink_drain(), the socket and the function the daemon's loop
 * uses.  "late": the reader sleeps until the writer is done, so the
 * burst sits in the receive buffer (what a stalled loop sees).
 */
static int
storm_child(long n, bool late)
{
	int fd = netlink_open(), sfd, r, overruns = 0;
	long i, written = 0;
	pid_t pid;
	double t0, t_w = 0, t_end;
	int pfd[2];

	if (fd < 0) {
		printf("SKIP uevent storm: netlink_open: %s\n", strerror(-fd));
		return 0;
	}
	if (pipe(pfd) < 0)
		return 1;
	t0 = now_s();
	if ((pid = fork()) == 0) {
		sfd = open("/sys/class/net/lo/uevent", O_WRONLY);
		for (i = 0; sfd >= 0 && i < n; i++) {
			if (pwrite(sfd, "change", 6, 0) != 6)
				break;
		}
		if (write(pfd[1], &i, sizeof(i)) < 0)
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	if (late) {
		if (read(pfd[0], &written, sizeof(written)) < 0)
			written = -1;
		t_w = now_s() - t0;
	}
	for (;;) {
		struct pollfd p[2] = { { fd, POLLIN, 0 }, { pfd[0], POLLIN, 0 } };

		if (poll(p, late || t_w ? 1 : 2, t_w ? 200 : -1) == 0)
			break;		/* writer done, 200 ms of quiet */
		if (p[0].revents & POLLIN) {
			r = netlink_drain(fd, storm_count, NULL);
			if (r == NETLINK_OVERRUN)
				overruns++;
		}
		if (!late && !t_w && (p[1].revents & (POLLIN | POLLHUP))) {
			if (read(pfd[0], &written, sizeof(written)) < 0)
				written = -1;
			t_w = now_s() - t0;
		}
	}
	t_end = now_s() - t0 - 0.2;
	waitpid(pid, NULL, 0);
	printf("uevent storm%s: %ld written in %.3f s (%.0f/s), %ld received "
	    "in %.3f s (%.0f events/s), %ld lost, %d overrun report(s)\n",
	    late ? " (reader stalled until the burst ends)" : "",
	    written, t_w, written / t_w, storm_got, t_end, storm_got / t_end,
	    written - storm_got, overruns);
	return 0;
}

int
main(int argc, char **argv)
{
	log_init(LOG_DISCARD);	/* keep parse warnings out of the table */
	if (argc == 3 && strcmp(argv[1], "discovery") == 0)
		return discovery_child(atoi(argv[2]));
	if (argc >= 3 && strcmp(argv[1], "storm") == 0)
		return storm_child(atol(argv[2]), argc == 4 &&
		    strcmp(argv[3], "late") == 0);
	if (argc == 2 && strcmp(argv[1], "reconcile") == 0) {
		bench_sizes();
		bench_reconcile(100);
		bench_reconcile(1000);
		bench_reconcile(10000);
		return 0;
	}
	bench_sizes();
	bench_conf(1000);
	bench_conf(10000);
	bench_reconcile(100);
	bench_reconcile(1000);
	bench_reconcile(10000);
	bench_uevent();
	bench_options();
	bench_dbus();
	bench_scan(1000);
	bench_discovery(1000);
	bench_discovery(10000);
	bench_discovery(60000);
	return 0;
}

/*
 * nvmf-bench.c - the clocks of t/vm/bench-vm.sh (make bench, item 8).
 *
 * usage: nvmf-bench live [-k] [-o FILE] N PREFIX TIMEOUT_S CMD [ARG...]
 *        nvmf-bench raw [-s | -j K] FILE
 *
 * live: starts CMD and prints, as soon as N subsystems whose NQN starts
 * with PREFIX each have a live controller, "live_ms=T": the milliseconds
 * from just before CMD's fork.  The kernel makes a controller live, then
 * emits its "change" uevent with NVME_EVENT=connected (nvme_start_ctrl()),
 * then returns from the write to /dev/nvme-fabrics, so the clock stops at
 * the uevent of the Nth: its resolution is the uevent's delivery, well
 * under a millisecond, not a sysfs poll.  A full sysfs scan
 * backs the events up every second and after a lost uevent ("rescans=").
 * Then, with -k, CMD gets SIGTERM (a daemon); CMD is waited for and
 * "exit=", "user_ms=" and "sys_ms=" (its CPU time, children included)
 * follow.  -o FILE: CMD's stdout and stderr are appended to FILE.  Exits
 * 1 if a matching controller existed before CMD started, or when the N
 * were not all live after TIMEOUT_S ("live_ms=never").
 *
 * raw: one process per line of FILE (an option string each), every one
 * with /dev/nvme-fabrics open and waiting on one gate; the gate opens and
 * each writes its line, reads the reply and records when its write()
 * began and ended.  The kernel creates one controller at a time
 * (nvmf_dev_mutex), so a write that began while another was in the kernel
 * only started its own work when that one ended: its own time is its end
 * minus the later of its start and the previous end.  The sum of the own
 * times is the kernel's serial bound ("bound_ms=", the time some write
 * was in the kernel); "wall_ms=" runs from the gate to the last end.
 * -s: the lines one after another from one process instead, so no writer
 * waits on the mutex (or spins on it) while another is in the kernel.
 * -j K: a process a line, at most K in the kernel at once, each forked as
 * one ends (the shape of stacd's worker pool).
 * Exits 1 if a write failed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FABRICS_DEV	"/dev/nvme-fabrics"
#define SYS_NVME	"/sys/class/nvme"
#define NQN_MAX		224	/* NVMF_NQN_SIZE */
#define SUBSYS_MAX	256
#define LINE_MAX_LEN	4096	/* the kernel takes one page */
#define RESCAN_MS	1000
#define NETLINK_KOBJECT_UEVENT	15	/* <linux/netlink.h> */

/*
 * struct sockaddr_nl, the kernel ABI: musl-gcc ships no <linux/netlink.h>
 * (stacd's netlink.h does the same).
 */
struct uevent_addr {
	sa_family_t	nl_family;	/* AF_NETLINK */
	unsigned short	nl_pad;
	uint32_t	nl_pid;
	uint32_t	nl_groups;	/* 1: the kernel's uevents */
};

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double
ms(int64_t ns)
{
	return (double)ns / 1e6;
}

static double
tv_ms(const struct timeval *tv)
{
	return tv->tv_sec * 1e3 + tv->tv_usec / 1e3;
}

/* ---- live ---- */

/* The subsystems seen live so far: a set of NQNs. */
struct seen {
	char	nqn[SUBSYS_MAX][NQN_MAX];
	size_t	n;
};

/* read_attr CTRL NAME BUF: one sysfs attribute, its newline cut. */
static int
read_attr(const char *ctrl, const char *name, char *buf, size_t size)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), SYS_NVME "/%s/%s", ctrl, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Adds CTRL's subsystem when it matches PREFIX and CTRL is live. */
static void
note_ctrl(struct seen *s, const char *ctrl, const char *prefix)
{
	char nqn[NQN_MAX], state[32];
	size_t i;

	if (read_attr(ctrl, "subsysnqn", nqn, sizeof(nqn)) < 0 ||
	    strncmp(nqn, prefix, strlen(prefix)) != 0 ||
	    read_attr(ctrl, "state", state, sizeof(state)) < 0 ||
	    strcmp(state, "live") != 0)
		return;
	for (i = 0; i < s->n; i++)
		if (strcmp(s->nqn[i], nqn) == 0)
			return;
	if (s->n < SUBSYS_MAX)
		memcpy(s->nqn[s->n++], nqn, sizeof(nqn));
}

/* Every controller in sysfs; returns how many match PREFIX (live or not). */
static int
scan_all(struct seen *s, const char *prefix)
{
	char nqn[NQN_MAX];
	struct dirent *e;
	DIR *d;
	int n = 0;

	if ((d = opendir(SYS_NVME)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "nvme", 4) != 0)
			continue;
		if (read_attr(e->d_name, "subsysnqn", nqn, sizeof(nqn)) == 0 &&
		    strncmp(nqn, prefix, strlen(prefix)) == 0)
			n++;
		if (s)
			note_ctrl(s, e->d_name, prefix);
	}
	closedir(d);
	return n;
}

static int
uevent_open(void)
{
	struct uevent_addr sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd, size = 8 << 20;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	/* A burst must not overrun us; root may go past rmem_max. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* The DEVNAME of a controller's NVME_EVENT=connected uevent, or NULL. */
static const char *
connected_ctrl(const char *msg, size_t len)
{
	const char *p, *end = msg + len, *dev = NULL;
	int is_change = 0, is_nvme = 0, connected = 0;

	for (p = msg; p < end; p += strlen(p) + 1) {
		if (strcmp(p, "ACTION=change") == 0)
			is_change = 1;
		else if (strcmp(p, "SUBSYSTEM=nvme") == 0)
			is_nvme = 1;
		else if (strcmp(p, "NVME_EVENT=connected") == 0)
			connected = 1;
		else if (strncmp(p, "DEVNAME=", 8) == 0)
			dev = p + 8;
	}
	return is_change && is_nvme && connected ? dev : NULL;
}

/*
 * Reads the queued uevents; returns 1 when one was lost (a rescan is
 * due), else 0.
 */
static int
drain_uevents(int fd, struct seen *s, const char *prefix)
{
	char buf[8192];
	const char *dev;
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0)
			return errno == ENOBUFS;
		buf[n] = '\0';
		if ((dev = connected_ctrl(buf, (size_t)n)) != NULL)
			note_ctrl(s, dev, prefix);
	}
}

static pid_t
spawn(char **argv, const char *out)
{
	pid_t pid = fork();
	int fd;

	if (pid != 0)
		return pid;
	if (out) {
		fd = open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "nvmf-bench: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* The command under the clock, and how it ended once it did. */
struct child {
	pid_t		pid;
	bool		done;
	int		status;
	struct rusage	ru;
};

static bool
child_reaped(struct child *c, int flags)
{
	if (!c->done && wait4(c->pid, &c->status, flags, &c->ru) == c->pid)
		c->done = true;
	return c->done;
}

/*
 * Waits until S holds N subsystems, DEADLINE passes or the command ends
 * without them (nothing else would make them); 0 if S has them.
 */
static int
wait_live(int fd, struct seen *s, size_t n, const char *prefix,
    int64_t deadline, struct child *c, int *rescans)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int64_t rescan_at = now_ns() + (int64_t)RESCAN_MS * 1000000;
	int64_t t, left;
	bool lost, ended = false;
	int r;

	while (s->n < n && !ended && (t = now_ns()) < deadline) {
		left = (rescan_at < deadline ? rescan_at : deadline) - t;
		r = poll(&pfd, 1, left > 0 ? (int)(left / 1000000) + 1 : 0);
		lost = r > 0 && drain_uevents(fd, s, prefix);
		ended = child_reaped(c, WNOHANG);
		if (lost || ended || now_ns() >= rescan_at) {
			scan_all(s, prefix);
			(*rescans)++;
			rescan_at = now_ns() + (int64_t)RESCAN_MS * 1000000;
		}
	}
	return s->n >= n ? 0 : -ETIMEDOUT;
}

static int
cmd_live(int argc, char **argv)
{
	struct seen seen = { .n = 0 };
	struct child child = { .done = false };
	const char *out = NULL, *prefix;
	struct rusage *ru = &child.ru;
	int64_t t0;
	int c, fd, rescans = 0;
	bool live, kill_it = false;
	size_t n;

	while ((c = getopt(argc, argv, "+ko:")) != -1) {
		switch (c) {
		case 'k': kill_it = true; break;
		case 'o': out = optarg; break;
		default: return 2;
		}
	}
	if (argc - optind < 4) {
		fprintf(stderr, "usage: nvmf-bench live [-k] [-o FILE] N PREFIX "
		    "TIMEOUT_S CMD [ARG...]\n");
		return 2;
	}
	n = strtoul(argv[optind], NULL, 10);
	prefix = argv[optind + 1];
	if (n == 0 || n > SUBSYS_MAX) {
		fprintf(stderr, "nvmf-bench: N must be 1..%d\n", SUBSYS_MAX);
		return 2;
	}
	if ((fd = uevent_open()) < 0) {
		fprintf(stderr, "nvmf-bench: uevent socket: %s\n", strerror(-fd));
		return 1;
	}
	if ((c = scan_all(NULL, prefix)) > 0) {
		fprintf(stderr, "nvmf-bench: not a clean state: %d controller(s) "
		    "of %s* already\n", c, prefix);
		return 1;
	}
	fflush(stdout);
	t0 = now_ns();
	if ((child.pid = spawn(argv + optind + 3, out)) < 0) {
		fprintf(stderr, "nvmf-bench: fork: %s\n", strerror(errno));
		return 1;
	}
	live = wait_live(fd, &seen, n, prefix,
	    t0 + (int64_t)atoi(argv[optind + 2]) * 1000000000, &child,
	    &rescans) == 0;
	if (live)
		printf("live_ms=%.1f\n", ms(now_ns() - t0));
	else
		printf("live_ms=never\nlive_count=%zu\n", seen.n);
	printf("rescans=%d\n", rescans);
	fflush(stdout);
	if ((kill_it || !live) && !child.done)
		kill(child.pid, SIGTERM);
	if (child_reaped(&child, 0))
		printf("exit=%d\nuser_ms=%.0f\nsys_ms=%.0f\n",
		    WIFEXITED(child.status) ? WEXITSTATUS(child.status) :
		    128 + WTERMSIG(child.status), tv_ms(&ru->ru_utime),
		    tv_ms(&ru->ru_stime));
	close(fd);
	return live ? 0 : 1;
}

/* ---- raw ---- */

struct timing {
	int64_t	start, end;
	int	err;		/* 0, or the errno of the write */
};

static int
by_end(const void *a, const void *b)
{
	const struct timing *x = a, *y = b;

	return (x->end > y->end) - (x->end < y->end);
}

static int
by_value(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Writes OPTS to FD, timed into T, and reads the new instance back. */
static void
timed_write(int fd, const char *opts, struct timing *t)
{
	char reply[256];
	size_t len = strlen(opts);
	ssize_t n;

	t->start = now_ns();
	n = write(fd, opts, len);
	t->end = now_ns();
	t->err = n < 0 ? errno : (size_t)n != len ? EIO : 0;
	if (t->err == 0 && ((n = read(fd, reply, sizeof(reply) - 1)) < 0 ||
	    strncmp(reply, "instance=", 9) != 0))
		t->err = EBADMSG;
}

/* One writer: opens, says so on READY, waits for GATE to close, writes. */
static void
writer(const char *opts, struct timing *t, int ready, int gate)
{
	int fd = open(FABRICS_DEV, O_RDWR | O_CLOEXEC);
	char c = 0;

	if (fd < 0)
		t->err = errno;
	(void)write(ready, &c, 1);
	if (fd < 0)
		_exit(1);
	while (read(gate, &c, 1) < 0 && errno == EINTR)
		;
	timed_write(fd, opts, t);
	_exit(t->err != 0);
}

/* All at once: a process a line, released together. */
static int
write_parallel(char **lines, int n, struct timing *t, int64_t *gate_open)
{
	int i, ready[2], gate[2];
	char c;

	if (pipe(ready) < 0 || pipe(gate) < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return -errno;
		if (pid == 0) {
			close(gate[1]);
			writer(lines[i], &t[i], ready[1], gate[0]);
		}
	}
	/* Every writer has its fd open and waits: open the gate at once. */
	for (i = 0; i < n; i++)
		while (read(ready[0], &c, 1) < 0 && errno == EINTR)
			;
	*gate_open = now_ns();
	close(gate[1]);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}

/*
 * At most K at a time, a process each: as one ends the next is forked
 * (stacd's worker pool keeps up to 8 connects in the kernel this way).
 */
static int
write_window(char **lines, int n, int k, struct timing *t, int64_t *start)
{
	int i, running = 0, fd;

	*start = now_ns();
	for (i = 0; i < n; i++) {
		pid_t pid;

		for (; running >= k; running--)
			while (wait(NULL) < 0 && errno == EINTR)
				;
		if ((pid = fork()) < 0)
			return -errno;
		if (pid == 0) {
			if ((fd = open(FABRICS_DEV, O_RDWR | O_CLOEXEC)) < 0) {
				t[i].err = errno;
				_exit(1);
			}
			timed_write(fd, lines[i], &t[i]);
			_exit(t[i].err != 0);
		}
		running++;
	}
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}

/* One after another, from this process: nothing waits on the mutex. */
static int
write_serial(char **lines, int n, struct timing *t, int64_t *start)
{
	int i, fd;

	*start = now_ns();
	for (i = 0; i < n; i++) {
		if ((fd = open(FABRICS_DEV, O_RDWR | O_CLOEXEC)) < 0)
			return -errno;
		timed_write(fd, lines[i], &t[i]);
		close(fd);
	}
	return 0;
}

/* Reads FILE's lines into a NULL-terminated array; returns the count. */
static int
read_lines(const char *file, char ***lines)
{
	char buf[LINE_MAX_LEN], **v = NULL, **nv;
	FILE *f = fopen(file, "re");
	int n = 0;

	if (f == NULL)
		return -errno;
	while (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (buf[0] == '\0')
			continue;
		if ((nv = realloc(v, sizeof(*v) * (n + 2))) == NULL ||
		    (nv[n] = strdup(buf)) == NULL) {
			n = -ENOMEM;
			v = nv ? nv : v;
			break;
		}
		v = nv;
		v[++n] = NULL;
	}
	fclose(f);
	*lines = v;
	return n;
}

/* Prints the figures of the N timings (sorted here); returns the failures. */
static int
report_raw(struct timing *t, int n, int64_t gate_open)
{
	int64_t *own = calloc(n, sizeof(*own)), prev = INT64_MIN, bound = 0;
	int i, failed = 0;

	if (own == NULL)
		return n;
	qsort(t, n, sizeof(*t), by_end);
	for (i = 0; i < n; i++) {
		if (t[i].err) {
			fprintf(stderr, "nvmf-bench: write %d: %s\n", i,
			    strerror(t[i].err));
			failed++;
		}
		own[i] = t[i].end - (t[i].start > prev ? t[i].start : prev);
		bound += own[i];
		prev = t[i].end;
	}
	qsort(own, n, sizeof(*own), by_value);
	printf("writes=%d\nfailed=%d\nwall_ms=%.1f\nbound_ms=%.1f\n"
	    "own_ms_min=%.1f\nown_ms_median=%.1f\nown_ms_max=%.1f\n",
	    n, failed, ms(t[n - 1].end - gate_open), ms(bound), ms(own[0]),
	    ms(own[n / 2]), ms(own[n - 1]));
	free(own);
	return failed;
}

static int
cmd_raw(int argc, char **argv)
{
	struct timing *t = MAP_FAILED;
	char **lines = NULL;
	int c, n = 0, i, r, failed = 1, window = 0;
	bool serial = false;
	int64_t start = 0;

	while ((c = getopt(argc, argv, "sj:")) != -1) {
		switch (c) {
		case 's': serial = true; break;
		case 'j': window = atoi(optarg); break;
		default: goto usage;
		}
	}
	if (argc - optind != 1 || window < 0 || (serial && window)) {
usage:
		fprintf(stderr, "usage: nvmf-bench raw [-s | -j K] FILE\n");
		return 2;
	}
	if ((n = read_lines(argv[optind], &lines)) <= 0) {
		fprintf(stderr, "nvmf-bench: %s: %s\n", argv[optind],
		    n < 0 ? strerror(-n) : "no option strings");
		goto out;
	}
	t = mmap(NULL, sizeof(*t) * n, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	r = t == MAP_FAILED ? -errno : serial ?
	    write_serial(lines, n, t, &start) : window ?
	    write_window(lines, n, window, t, &start) :
	    write_parallel(lines, n, t, &start);
	if (r < 0)
		fprintf(stderr, "nvmf-bench: %s\n", strerror(-r));
	else
		failed = report_raw(t, n, start);
out:
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return failed ? 1 : 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "live") == 0)
		return cmd_live(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "raw") == 0)
		return cmd_raw(argc - 1, argv + 1);
	fprintf(stderr, "usage: nvmf-bench live [-k] [-o FILE] N PREFIX "
	    "TIMEOUT_S CMD [ARG...]\n       nvmf-bench raw [-s | -j K] FILE\n");
	return 2;
}

/*
 * worker.c - detached threads, kept once started, that take blocking
 * jobs from one pipe and post them back through another.  A pointer
 * write of sizeof(void *) bytes to a pipe is atomic (PIPE_BUF), so no
 * lock is needed anywhere; the loop alone keeps the queues, and hands a
 * thread a job only when one is free, so the order is the loop's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dlp.h"
#include "nvmf.h"
#include "util.h"
#include "worker.h"

#define WORKER_STACK	(256 * 1024)	/* getaddrinfo needs some room */

/* The first job of queue q, taken off it; or NULL. */
static struct job *
take(struct worker_pool *w, enum job_queue q)
{
	struct job *job = w->q[q].head;

	if (job == NULL)
		return NULL;
	if ((w->q[q].head = job->next) == NULL)
		w->q[q].tail = NULL;
	w->queued_connects -= q != JQ_OTHER;
	return job;
}

static void
close_pipe(int fd[2])
{
	if (fd[0] >= 0)
		close(fd[0]);
	if (fd[1] >= 0)
		close(fd[1]);
	fd[0] = fd[1] = -1;
}

int
worker_init(struct worker_pool *w)
{
	memset(w, 0, sizeof(*w));
	w->stack_size = WORKER_STACK;
	w->todo_fd[0] = w->todo_fd[1] = -1;
	if (pipe2(w->done_fd, O_CLOEXEC) < 0) {
		w->done_fd[0] = w->done_fd[1] = -1;
		return -errno;
	}
	if (pipe2(w->todo_fd, O_CLOEXEC) < 0) {
		int r = -errno;

		worker_fini(w);
		return r;
	}
	/* The loop reads until EAGAIN; workers may block on a full pipe. */
	if (fcntl(w->done_fd[0], F_SETFL, O_NONBLOCK) < 0) {
		int r = -errno;

		worker_fini(w);
		return r;
	}
	return 0;
}

void
worker_fini(struct worker_pool *w)
{
	struct job *j;
	int q;

	/*
	 * Running threads may still be in the kernel; exit reaps them.
	 * Closing the todo pipe ends the idle ones (they read its end).
	 */
	for (q = 0; q < JQ_COUNT; q++)
		while ((j = take(w, (enum job_queue)q)) != NULL)
			job_free(j);
	while ((j = w->unrun) != NULL) {
		w->unrun = j->next;
		job_free(j);
	}
	close_pipe(w->done_fd);
	close_pipe(w->todo_fd);
}

struct job *
job_new(enum job_kind kind, const char *root)
{
	struct job *j = calloc(1, sizeof(*j));

	if (j) {
		j->kind = kind;
		j->root = root;
	}
	return j;
}

void
job_free(struct job *job)
{
	if (job) {
		free(job->opts);
		free(job->page);
		free(job);
	}
}

/* Pick the address as nvme-stas does: the first IPv4, else the first IPv6. */
static int
resolve(struct job *job)
{
	struct addrinfo hints, *res = NULL, *ai;
	int pass, r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((r = getaddrinfo(job->name, NULL, &hints, &res)) != 0)
		return r == EAI_NONAME || r == EAI_NODATA ? -ENOENT :
		    r == EAI_AGAIN ? -EAGAIN : -EIO;
	r = -EADDRNOTAVAIL;
	for (pass = 0; pass < 2 && r < 0; pass++) {
		bool v6 = pass == 1;

		if (!(job->families & (v6 ? IPF_V6 : IPF_V4)))
			continue;
		for (ai = res; ai; ai = ai->ai_next) {
			const void *a;

			if (ai->ai_family != (v6 ? AF_INET6 : AF_INET))
				continue;
			a = v6 ? (const void *)&((const struct sockaddr_in6 *)
			    (const void *)ai->ai_addr)->sin6_addr :
			    (const void *)&((const struct sockaddr_in *)
			    (const void *)ai->ai_addr)->sin_addr;
			if (inet_ntop(ai->ai_family, a, job->addr,
			    sizeof(job->addr))) {
				r = 0;
				break;
			}
		}
	}
	freeaddrinfo(res);
	return r;
}

/* The whole discovery log page of job->device (a blocking ioctl). */
static int
read_log_page(struct job *job)
{
	char path[PATH_BUF];
	int fd, r;

	if ((r = path_under(path, sizeof(path), job->root, "/dev/%s",
	    job->device)) < 0)
		return r;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	r = dlp_fetch(nvmf_log_page_read, &fd, &job->page, &job->page_len);
	close(fd);
	return r;
}

static void
worker_run(struct job *job)
{
	switch (job->kind) {
	case JOB_CONNECT:
		job->result = job->opts ? nvmf_connect(job->root, job->opts) :
		    -EINVAL;
		break;
	case JOB_DISCONNECT:
		job->result = nvmf_disconnect(job->root, job->device);
		break;
	case JOB_RESOLVE:
		job->result = resolve(job);
		break;
	case JOB_LOG_PAGE:
		job->result = read_log_page(job);
		break;
	}
}

/*
 * A thread of the pool: takes jobs from the todo pipe until its write
 * end is closed (worker_fini).  A pointer write of sizeof(void *) bytes
 * to a pipe is atomic, so each job reaches exactly one thread, whole.
 * The thread has its own copies of the two ends (fds[0] to read, fds[1]
 * to write), so a pool made after this one closed cannot share them.
 */
static void *
worker_main(void *p)
{
	int *fds = p;
	struct job *job;
	ssize_t n;

	for (;;) {
		do
			n = read(fds[0], &job, sizeof(job));
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)sizeof(job))
			break;			/* the pool is gone */
		worker_run(job);
		do
			n = write(fds[1], &job, sizeof(job));
		while (n < 0 && errno == EINTR);
	}
	close_pipe(fds);
	free(fds);
	return NULL;
}

static int
start_thread(struct worker_pool *w)
{
	int *fds = malloc(2 * sizeof(*fds));
	pthread_attr_t attr;
	pthread_t t;
	int r = -ENOMEM;

	if (fds == NULL)
		return r;
	fds[0] = fcntl(w->todo_fd[0], F_DUPFD_CLOEXEC, 0);
	fds[1] = fcntl(w->done_fd[1], F_DUPFD_CLOEXEC, 0);
	if (fds[0] < 0 || fds[1] < 0) {
		r = -errno;
		goto fail;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, w->stack_size);
	r = -pthread_create(&t, &attr, worker_main, fds);
	pthread_attr_destroy(&attr);
	if (r < 0)
		goto fail;
	w->threads++;
	return 0;
fail:
	close_pipe(fds);
	free(fds);
	return r;
}

void
worker_fail(struct worker_pool *w, struct job *job, int err)
{
	struct job **p;

	job->result = err;
	job->next = NULL;
	for (p = &w->unrun; *p; p = &(*p)->next)
		;
	*p = job;
}

static enum job_queue
queue_of(const struct job *job)
{
	if (job->kind != JOB_CONNECT)
		return JQ_OTHER;
	return job->failed_before ? JQ_RETRY : JQ_CONNECT;
}

/* The next job a free thread may take, off its queue; or NULL. */
static struct job *
next_job(struct worker_pool *w)
{
	struct job *job = NULL;
	int q;

	for (q = 0; q < JQ_COUNT && job == NULL; q++)
		if (q == JQ_OTHER || w->connects < WORKER_CONNECTS)
			job = take(w, (enum job_queue)q);
	return job;
}

/*
 * Hand queued jobs to threads while a thread may take one, starting a
 * thread when none is free.  With no thread at all (none could be
 * started), the job comes back failed: it is never lost.
 */
static void
dispatch(struct worker_pool *w)
{
	struct job *job;
	ssize_t n;
	int r;

	while (w->running < WORKERS_MAX && (job = next_job(w)) != NULL) {
		if (w->running == w->threads && (r = start_thread(w)) < 0 &&
		    w->threads == 0) {
			worker_fail(w, job, r);
			continue;
		}
		/* A busy thread takes it when it is done, if none started. */
		do
			n = write(w->todo_fd[1], &job, sizeof(job));
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)sizeof(job)) {
			worker_fail(w, job, -EIO);
			continue;
		}
		w->running++;
		w->connects += job->kind == JOB_CONNECT;
	}
}

void
worker_submit(struct worker_pool *w, struct job *job)
{
	enum job_queue q = queue_of(job);

	job->next = NULL;
	if (w->q[q].tail)
		w->q[q].tail->next = job;
	else
		w->q[q].head = job;
	w->q[q].tail = job;
	w->queued_connects += q != JQ_OTHER;
	dispatch(w);
}

struct job *
worker_collect(struct worker_pool *w)
{
	struct job *job = w->unrun;
	ssize_t n;

	if (job) {
		w->unrun = job->next;
		return job;
	}
	n = read(w->done_fd[0], &job, sizeof(job));
	if (n != (ssize_t)sizeof(job))
		return NULL;
	w->running--;
	w->connects -= job->kind == JOB_CONNECT;
	dispatch(w);
	return job;
}

bool
worker_ready(const struct worker_pool *w)
{
	return w->unrun != NULL;
}

int
worker_pending(const struct worker_pool *w)
{
	const struct job *j;
	int n = w->running, q;

	for (q = 0; q < JQ_COUNT; q++)
		for (j = w->q[q].head; j; j = j->next)
			n++;
	for (j = w->unrun; j; j = j->next)
		n++;
	return n;
}

int
worker_connects(const struct worker_pool *w)
{
	return w->connects + w->queued_connects;
}

/*
 * worker.c - detached threads that run one blocking job each and post
 * the job back through a pipe.  A pointer write of sizeof(void *) bytes
 * to a pipe is atomic (PIPE_BUF), so no lock is needed anywhere.
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

int
worker_init(struct worker_pool *w)
{
	memset(w, 0, sizeof(*w));
	w->stack_size = WORKER_STACK;
	if (pipe2(w->done_fd, O_CLOEXEC) < 0) {
		w->done_fd[0] = w->done_fd[1] = -1;
		return -errno;
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

	/* Running threads may still be in the kernel; exit reaps them. */
	while ((j = w->head) != NULL) {
		w->head = j->next;
		job_free(j);
	}
	while ((j = w->unrun) != NULL) {
		w->unrun = j->next;
		job_free(j);
	}
	if (w->done_fd[0] >= 0)
		close(w->done_fd[0]);
	if (w->done_fd[1] >= 0)
		close(w->done_fd[1]);
	w->done_fd[0] = w->done_fd[1] = -1;
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

struct thread_arg {
	struct job	*job;
	int		 done_fd;
};

static void *
worker_main(void *p)
{
	struct thread_arg a = *(struct thread_arg *)p;
	ssize_t n;

	free(p);
	worker_run(a.job);
	do
		n = write(a.done_fd, &a.job, sizeof(a.job));
	while (n < 0 && errno == EINTR);
	return NULL;
}

static int
start(struct worker_pool *w, struct job *job)
{
	struct thread_arg *a = malloc(sizeof(*a));
	pthread_attr_t attr;
	pthread_t t;
	int r;

	if (a == NULL)
		return -ENOMEM;
	a->job = job;
	a->done_fd = w->done_fd[1];
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, w->stack_size);
	r = pthread_create(&t, &attr, worker_main, a);
	pthread_attr_destroy(&attr);
	if (r != 0) {
		free(a);
		return -r;
	}
	w->running++;
	return 0;
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

/* Start job, or hand it back as failed: it is never lost. */
static void
start_or_fail(struct worker_pool *w, struct job *job)
{
	int r;

	if ((r = start(w, job)) < 0)
		worker_fail(w, job, r);
}

void
worker_submit(struct worker_pool *w, struct job *job)
{
	job->next = NULL;
	if (w->running < WORKERS_MAX) {
		start_or_fail(w, job);
		return;
	}
	if (w->tail)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
}

struct job *
worker_collect(struct worker_pool *w)
{
	struct job *job = w->unrun, *next;
	ssize_t n;

	if (job) {
		w->unrun = job->next;
		return job;
	}
	n = read(w->done_fd[0], &job, sizeof(job));
	if (n != (ssize_t)sizeof(job))
		return NULL;
	w->running--;
	while ((next = w->head) != NULL && w->running < WORKERS_MAX) {
		w->head = next->next;
		if (w->head == NULL)
			w->tail = NULL;
		start_or_fail(w, next);
	}
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
	int n = w->running;

	for (j = w->head; j; j = j->next)
		n++;
	for (j = w->unrun; j; j = j->next)
		n++;
	return n;
}

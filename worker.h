/*
 * worker.h - a small bounded pool of threads for the calls that block:
 * the connect write to /dev/nvme-fabrics (up to a minute), the
 * delete_controller write, and host name resolution.  The loop submits
 * jobs; the threads, started as needed and kept, take them through one
 * pipe and hand them back through another that the loop polls, so no
 * state is shared while a job runs.
 */
#ifndef STACD_WORKER_H
#define STACD_WORKER_H

#include "conf.h"
#include "ctrl_id.h"

#define WORKERS_MAX	8	/* concurrent blocking calls */
/*
 * Connects handed to threads at once.  The kernel makes controllers one
 * at a time: nvmf_dev_write() holds one host-wide mutex (nvmf_dev_mutex)
 * for the whole creation, so a second connect thread only overlaps its
 * user-space part and a third gains nothing.  Two keep the kernel busy
 * (the second is waiting on the mutex when the first returns) while the
 * order of the rest stays stacd's, in the queue below, not the mutex's:
 * and a connect that hangs holds at most two threads, leaving the other
 * six to resolves, log pages and disconnects.
 */
#define WORKER_CONNECTS	2

enum job_kind {
	JOB_CONNECT,
	JOB_DISCONNECT,
	JOB_RESOLVE,
	JOB_LOG_PAGE,		/* a discovery controller's log page */
};

struct job {
	enum job_kind	 kind;
	const char	*root;
	/* JOB_CONNECT */
	struct ctrl_id	 id;
	char		*opts;		/* malloc'ed, freed by job_free() */
	/* JOB_DISCONNECT (id too, when ours), JOB_LOG_PAGE (id: the DC) */
	char		 device[DEVNAME_MAX + 1];
	uint8_t		*page;		/* JOB_LOG_PAGE: what was read */
	size_t		 page_len;
	bool		 ours;		/* not an audit: ours until gone */
	bool		 failed_before;	/* JOB_CONNECT: the controller's last
					   attempt failed: after the others */
	/* JOB_RESOLVE: name -> its first IPv4 address, else first IPv6 */
	char		 name[TRADDR_MAX + 1];
	unsigned	 families;	/* IPF_V4 | IPF_V6 */
	char		 addr[64];
	/* filled by the worker: instance or 0, or -errno */
	int		 result;
	struct job	*next;		/* queue link, owned by the pool */
};

/* The queues of jobs waiting for a thread, in the order they are taken. */
enum job_queue {
	JQ_OTHER,		/* resolves, disconnects, log pages */
	JQ_CONNECT,		/* first attempts, and reconnects of
				   controllers that were connected */
	JQ_RETRY,		/* connects whose last attempt failed */
	JQ_COUNT
};

struct worker_pool {
	int		 done_fd[2];	/* [0] is polled by the loop */
	int		 todo_fd[2];	/* jobs to the threads, [1] written */
	int		 threads;	/* started (they are kept) */
	int		 running;	/* jobs handed to threads */
	int		 connects;	/* ... of them JOB_CONNECT */
	int		 queued_connects;	/* JQ_CONNECT and JQ_RETRY */
	size_t		 stack_size;	/* of each thread */
	struct {
		struct job *head, *tail;
	}		 q[JQ_COUNT];	/* waiting for a free thread */
	struct job	*unrun;		/* ended without running: failed */
};

/* Return: 0, or -errno. */
int	worker_init(struct worker_pool *w);
void	worker_fini(struct worker_pool *w);

/* A zeroed job of this kind, or NULL; job_free() also frees its opts. */
struct job *job_new(enum job_kind kind, const char *root);
void	job_free(struct job *job);

/*
 * worker_submit - run job now or when a worker is free: connects at most
 * WORKER_CONNECTS at a time, first attempts and reconnects before those
 * that failed_before, each kind in the order submitted.  The pool always
 * takes it: a job that cannot run (no thread could be started) comes back
 * from worker_collect() like any other, with result -EAGAIN or -ENOMEM,
 * so that every job ends in the caller's one completion path.
 */
void	worker_submit(struct worker_pool *w, struct job *job);

/*
 * worker_fail - end job without running it (what it needs could not be
 * made): it comes back from worker_collect() with result err.
 */
void	worker_fail(struct worker_pool *w, struct job *job, int err);

/*
 * worker_collect - the next finished job, or NULL when none is ready.
 * Starts queued jobs as workers become free.
 */
struct job *worker_collect(struct worker_pool *w);

/*
 * True when a job is finished without the pipe saying so (it could not
 * start): the loop collects before it polls.
 */
bool	worker_ready(const struct worker_pool *w);

/* Number of jobs submitted and not yet collected. */
int	worker_pending(const struct worker_pool *w);

/* Connect jobs submitted and not yet finished (queued or running). */
int	worker_connects(const struct worker_pool *w);

#endif

/*
 * t/test-worker.c - the thread pool with real threads: more jobs than
 * workers, completions through the pipe, and the jobs that reach the
 * kernel interface run against a fake /dev/nvme-fabrics.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "worker.h"
#include "test.h"

enum { JOBS = 3 * WORKERS_MAX };

/* Collect n jobs, waiting up to 10 s in all; returns how many came. */
static int
collect(struct worker_pool *w, struct job **got, int n)
{
	struct pollfd p = { w->done_fd[0], POLLIN, 0 };
	int have = 0, rounds = 0;
	struct job *j;

	while (have < n && rounds++ < 100) {
		if (poll(&p, 1, 100) < 0)
			break;
		while ((j = worker_collect(w)) != NULL)
			got[have++] = j;
	}
	return have;
}

static void
more_jobs_than_workers(void)
{
	struct worker_pool w;
	struct job *got[JOBS];
	int i, n;

	CHECK_INT(worker_init(&w), 0);
	for (i = 0; i < JOBS; i++) {
		struct job *j = calloc(1, sizeof(*j));

		j->kind = JOB_RESOLVE;
		j->root = "";
		strcpy(j->name, i % 2 ? "127.0.0.1" : "::1");
		j->families = IPF_V4 | IPF_V6;
		worker_submit(&w, j);
	}
	CHECK_INT(w.running, WORKERS_MAX);	/* the rest wait their turn */
	CHECK_INT(worker_pending(&w), JOBS);
	n = collect(&w, got, JOBS);
	CHECK_INT(n, JOBS);
	for (i = 0; i < n; i++) {
		CHECK_INT(got[i]->result, 0);
		CHECK(strcmp(got[i]->addr, "127.0.0.1") == 0 ||
		    strcmp(got[i]->addr, "::1") == 0);
		free(got[i]);
	}
	CHECK_INT(worker_pending(&w), 0);
	worker_fini(&w);
}

static void
family_choice_and_failure(void)
{
	struct worker_pool w;
	struct job *j[2], *got[2];
	int i;

	CHECK_INT(worker_init(&w), 0);
	for (i = 0; i < 2; i++) {
		j[i] = calloc(1, sizeof(*j[i]));
		j[i]->kind = JOB_RESOLVE;
	}
	strcpy(j[0]->name, "::1");
	j[0]->families = IPF_V4;		/* an IPv6 answer is not usable */
	strcpy(j[1]->name, "no-such-host.invalid");
	j[1]->families = IPF_V4 | IPF_V6;
	for (i = 0; i < 2; i++)
		worker_submit(&w, j[i]);
	CHECK_INT(collect(&w, got, 2), 2);
	for (i = 0; i < 2; i++) {
		if (got[i] == j[0])
			CHECK_INT(got[i]->result, -EADDRNOTAVAIL);
		else
			CHECK(got[i]->result < 0);
		free(got[i]);
	}
	worker_fini(&w);
}

static void
connect_and_disconnect_jobs(void)
{
	char root[] = "/tmp/stacd-worker-XXXXXX", path[256], text[512];
	struct worker_pool w;
	struct job *j[2], *got[2];
	FILE *f;
	int i;

	CHECK(mkdtemp(root) != NULL);
	snprintf(path, sizeof(path), "%s/dev", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/dev/nvme-fabrics", root);
	f = fopen(path, "w");
	fputs("instance=7,cntlid=1\n", f);	/* what the kernel answers */
	fclose(f);
	CHECK_INT(worker_init(&w), 0);
	for (i = 0; i < 2; i++) {
		j[i] = calloc(1, sizeof(*j[i]));
		j[i]->root = root;
	}
	j[0]->kind = JOB_CONNECT;
	j[0]->opts = strdup("nqn=nqn.x:y,transport=tcp,traddr=10.0.0.1,"
	    "trsvcid=4420");
	j[1]->kind = JOB_DISCONNECT;
	strcpy(j[1]->device, "nvme9");		/* no such controller */
	for (i = 0; i < 2; i++)
		worker_submit(&w, j[i]);
	CHECK_INT(collect(&w, got, 2), 2);
	for (i = 0; i < 2; i++) {
		if (got[i] == j[0])
			CHECK_INT(got[i]->result, 7);
		else
			CHECK_INT(got[i]->result, -ENOENT);
		job_free(got[i]);
	}
	/* The option string went out in one write, newline-terminated. */
	f = fopen(path, "r");
	CHECK(fread(text, 1, sizeof(text) - 1, f) > 0);
	fclose(f);
	CHECK(strstr(text, "\nnqn=nqn.x:y,transport=tcp,traddr=10.0.0.1,"
	    "trsvcid=4420\n") != NULL);
	worker_fini(&w);
	snprintf(text, sizeof(text), "rm -rf %s", root);
	CHECK_INT(system(text), 0);
}

/*
 * No thread can be started (here: a stack larger than the address
 * space; in life: a pids limit or no memory).  Every job still comes
 * back, failed, so that its owner never waits for it for ever: a connect
 * is retried, a resolve is not pending for ever, a disconnect is known
 * to have failed.
 */
static void
jobs_that_cannot_start_come_back(void)
{
	struct worker_pool w;
	struct job *got[JOBS];
	int i, n = 0;

	CHECK_INT(worker_init(&w), 0);
	w.stack_size = (size_t)1 << 50;
	for (i = 0; i < JOBS; i++) {
		struct job *j = job_new(i % 2 ? JOB_RESOLVE : JOB_DISCONNECT,
		    "");

		strcpy(j->name, "127.0.0.1");
		strcpy(j->device, "nvme1");
		worker_submit(&w, j);
	}
	CHECK_INT(w.running, 0);
	CHECK_INT(worker_pending(&w), JOBS);
	CHECK(worker_ready(&w));
	while (n < JOBS && (got[n] = worker_collect(&w)) != NULL)
		n++;
	CHECK_INT(n, JOBS);
	CHECK(!worker_ready(&w));
	CHECK_INT(worker_pending(&w), 0);
	for (i = 0; i < n; i++) {
		CHECK(got[i]->result == -EAGAIN || got[i]->result == -ENOMEM);
		job_free(got[i]);
	}
	/* Threads can be had again: the pool works as before. */
	w.stack_size = 256 * 1024;
	got[0] = job_new(JOB_RESOLVE, "");
	strcpy(got[0]->name, "127.0.0.1");
	got[0]->families = IPF_V4;
	worker_submit(&w, got[0]);
	CHECK_INT(collect(&w, got, 1), 1);
	CHECK_INT(got[0]->result, 0);
	job_free(got[0]);
	worker_fini(&w);
}

/*
 * The order a free thread takes queued jobs in: the others first (they
 * do not wait on the kernel's connect mutex), then first attempts and
 * reconnects, then connects whose last attempt failed, each in the order
 * submitted.  No thread can start here, so every job comes back failed
 * in exactly that order.
 */
static void
queued_connects_in_order(void)
{
	static const struct {
		enum job_kind kind;
		bool failed_before;
	} in[] = {
		{ JOB_CONNECT, true }, { JOB_CONNECT, false },
		{ JOB_RESOLVE, false }, { JOB_CONNECT, false },
		{ JOB_CONNECT, true }, { JOB_DISCONNECT, false },
	};
	static const int order[] = { 2, 5, 1, 3, 0, 4 };
	struct job *j[6], *got;
	struct worker_pool w;
	int i;

	CHECK_INT(worker_init(&w), 0);
	w.stack_size = (size_t)1 << 50;
	w.running = WORKERS_MAX;		/* every thread busy: all wait */
	for (i = 0; i < 6; i++) {
		j[i] = job_new(in[i].kind, "");
		j[i]->failed_before = in[i].failed_before;
		worker_submit(&w, j[i]);
		if (i == 4)
			w.running = 0;		/* free now: the last submit
						   hands them out */
	}
	CHECK_INT(worker_connects(&w), 0);
	for (i = 0; i < 6; i++) {
		got = worker_collect(&w);
		CHECK(got == j[order[i]]);
		job_free(got);
	}
	CHECK(worker_collect(&w) == NULL);
	worker_fini(&w);
}

int
main(void)
{
	log_init(LOG_TO_STDERR);
	TEST(more_jobs_than_workers);
	TEST(family_choice_and_failure);
	TEST(connect_and_disconnect_jobs);
	TEST(jobs_that_cannot_start_come_back);
	TEST(queued_connects_in_order);
	return TEST_EXIT();
}

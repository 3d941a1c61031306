/*
 * t/test-log.c - the budget for repeated warnings: a burst is logged,
 * the rest counted, and one summary line closes the window.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "test.h"

/* Run log_limit_flush() with stderr captured into buf. */
static void
flush_captured(struct log_limit *l, int64_t now, int64_t *next, char *buf,
    size_t size)
{
	test_capture_begin();
	log_limit_flush(l, now, next);
	test_capture_end(buf, size);
}

static void
burst_then_summary(void)
{
	struct log_limit l = { .what = "connect failures", .burst = 3,
	    .window_ms = 60000 };
	int64_t next = INT64_MAX;
	char out[256];
	int i, allowed = 0;

	for (i = 0; i < 10; i++)
		allowed += log_limit_allow(&l, 1000 + i);
	CHECK_INT(allowed, 3);
	CHECK_INT(l.suppressed, 7);
	/* Within the window: nothing said, its end is the next deadline. */
	flush_captured(&l, 30000, &next, out, sizeof(out));
	CHECK_STR(out, "");
	CHECK_INT(next, 61000);
	flush_captured(&l, 61000, &next, out, sizeof(out));
	CHECK_STR(out, "warning: 7 more connect failures in the last 60 s "
	    "(not logged one by one)\n");
	/* A new window, a new burst. */
	CHECK(log_limit_allow(&l, 70000));
	CHECK_INT(l.suppressed, 0);
}

static void
quiet_window_says_nothing(void)
{
	struct log_limit l = { .what = "x", .burst = 5, .window_ms = 1000 };
	int64_t next = INT64_MAX;
	char out[256];

	CHECK(log_limit_allow(&l, 5));
	flush_captured(&l, 5000, &next, out, sizeof(out));
	CHECK_STR(out, "");
	CHECK_INT(next, INT64_MAX);
	CHECK_INT(l.start, 0);
}

int
main(void)
{
	log_init(LOG_TO_STDERR);
	TEST(burst_then_summary);
	TEST(quiet_window_says_nothing);
	return TEST_EXIT();
}

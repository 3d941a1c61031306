/*
 * t/test.h - the tiny unit-test harness shared by t/test-*.c.
 *
 * Each test binary links the real sources and calls TEST(name) blocks
 * from main().  Every TEST prints one TAP-like line, "ok - name" or
 * "not ok - name", which t/run-tests.sh counts.  CHECK() records a
 * failure with file:line and keeps going so one run shows every problem.
 */
#ifndef STACD_TEST_H
#define STACD_TEST_H

#undef NDEBUG
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct test_state {
	int	failed_checks;	/* checks failed in the current TEST */
	int	failed_tests;	/* TESTs with at least one failed check */
};

static struct test_state test_state;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		printf("#   %s:%d: CHECK(%s) failed\n",			\
		    __FILE__, __LINE__, #cond);				\
		test_state.failed_checks++;				\
	}								\
} while (0)

#define CHECK_STR(got, want) do {					\
	const char *got_ = (got), *want_ = (want);			\
	if (got_ == NULL || strcmp(got_, want_) != 0) {			\
		printf("#   %s:%d: got \"%s\", want \"%s\"\n",		\
		    __FILE__, __LINE__, got_ ? got_ : "(null)", want_);	\
		test_state.failed_checks++;				\
	}								\
} while (0)

#define CHECK_INT(got, want) do {					\
	long long got_ = (long long)(got), want_ = (long long)(want);	\
	if (got_ != want_) {						\
		printf("#   %s:%d: %s = %lld, want %lld\n",		\
		    __FILE__, __LINE__, #got, got_, want_);		\
		test_state.failed_checks++;				\
	}								\
} while (0)

/* Runs fn() as one test case and reports it. */
#define TEST(fn) do {							\
	test_state.failed_checks = 0;					\
	fn();								\
	if (test_state.failed_checks) {					\
		printf("not ok - %s\n", #fn);				\
		test_state.failed_tests++;				\
	} else								\
		printf("ok - %s\n", #fn);				\
	fflush(stdout);							\
} while (0)

#define TEST_EXIT() (test_state.failed_tests ? 1 : 0)

/*
 * What the code under test logs (stderr, with LOG_TO_STDERR):
 * test_capture_begin(), the call, then test_capture_end(buf, size)
 * puts the text in buf.
 */
struct test_capture {
	FILE	*tmp;
	int	 saved;
};

static struct test_capture test_capture;

static inline void
test_capture_begin(void)
{
	fflush(stderr);
	test_capture.tmp = tmpfile();
	test_capture.saved = dup(STDERR_FILENO);
	dup2(fileno(test_capture.tmp), STDERR_FILENO);
}

static inline void
test_capture_end(char *buf, size_t size)
{
	size_t n;

	fflush(stderr);
	dup2(test_capture.saved, STDERR_FILENO);
	close(test_capture.saved);
	rewind(test_capture.tmp);
	n = fread(buf, 1, size - 1, test_capture.tmp);
	buf[n] = '\0';
	fclose(test_capture.tmp);
}

#endif

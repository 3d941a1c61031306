/*
 * log.h - one logging front end for the daemon, the tests and --check.
 */
#ifndef STACD_LOG_H
#define STACD_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

enum log_target {
	LOG_TO_STDOUT,		/* the daemon in the foreground */
	LOG_TO_STDERR,		/* --check: stdout carries the configuration */
	LOG_TO_SYSLOG,		/* -s, --syslog */
	LOG_DISCARD,		/* fuzzers and benchmarks */
};

void	log_init(enum log_target target);
void	log_set_debug(bool on);
bool	log_debug_enabled(void);
void	log_msg(int prio, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warnx(...)	log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

/*
 * What a warning may quote of untrusted text: "<redacted>" when it looks
 * like a DH-HMAC-CHAP or TLS secret (typed in the wrong place, wrapped
 * onto a line of its own), else the text.
 */
const char *log_redact(const char *text);

/*
 * A budget for a message that anyone outside can make us repeat (a bad
 * D-Bus message, a failing connect): at most `burst` lines per window;
 * the rest are counted and summed up in one line when the window ends.
 */
struct log_limit {
	const char	*what;		/* "connect failures", for the summary */
	int		 burst;
	int		 window_ms;
	int64_t		 start;		/* ms, CLOCK_MONOTONIC; 0: no window */
	int		 n;		/* lines logged in this window */
	unsigned long	 suppressed;	/* and those not logged */
};

/*
 * log_limit_allow - may one more line be logged now?  Closes a window that
 * has ended first (log_limit_flush()).  Return: true to log it.
 */
bool	log_limit_allow(struct log_limit *l, int64_t now);

/*
 * log_limit_flush - at the end of a window, log how many lines were left
 * out, if any.  *next (if not NULL) gets the window's end while one is
 * open with lines left out.
 */
void	log_limit_flush(struct log_limit *l, int64_t now, int64_t *next);

#endif

/*
 * log.h - one logging front end for the daemon, the tests and --check.
 */
#ifndef STACD_LOG_H
#define STACD_LOG_H

#include <stdbool.h>
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

#endif

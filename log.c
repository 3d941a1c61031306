/*
 * log.c - where log lines go: stdout or stderr with a level prefix, or
 * syslog(3).  The logger's two settings are process-wide by nature (like
 * syslog's own openlog state), so they live here rather than in the
 * daemon context.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static struct {
	enum log_target	target;
	bool		debug;
} logger = { LOG_TO_STDOUT, false };

void
log_init(enum log_target target)
{
	logger.target = target;
	if (target == LOG_TO_SYSLOG)
		openlog("stacd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_debug(bool on)
{
	logger.debug = on;
}

bool
log_debug_enabled(void)
{
	return logger.debug;
}

static const char *
level_prefix(int prio)
{
	switch (prio) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return "error";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
	case LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

void
log_msg(int prio, const char *fmt, ...)
{
	FILE *out = logger.target == LOG_TO_STDERR ? stderr : stdout;
	va_list ap;

	if ((prio == LOG_DEBUG && !logger.debug) ||
	    logger.target == LOG_DISCARD)
		return;
	va_start(ap, fmt);
	if (logger.target == LOG_TO_SYSLOG)
		vsyslog(prio, fmt, ap);
	else {
		fprintf(out, "%s: ", level_prefix(prio));
		vfprintf(out, fmt, ap);
		fputc('\n', out);
		fflush(out);
	}
	va_end(ap);
}

void
log_limit_flush(struct log_limit *l, int64_t now, int64_t *next)
{
	int64_t end = l->start + l->window_ms;

	if (l->start == 0)
		return;
	if (now < end) {
		if (next && l->suppressed && end < *next)
			*next = end;
		return;
	}
	if (l->suppressed)
		log_warnx("%lu more %s in the last %d s (not logged one by one)",
		    l->suppressed, l->what, l->window_ms / 1000);
	l->start = 0;
	l->n = 0;
	l->suppressed = 0;
}

bool
log_limit_allow(struct log_limit *l, int64_t now)
{
	log_limit_flush(l, now, NULL);
	if (l->start == 0)
		l->start = now ? now : 1;
	if (l->n < l->burst) {
		l->n++;
		return true;
	}
	l->suppressed++;
	return false;
}

/*
 * What a warning may quote of the text: a DH-HMAC-CHAP or TLS secret
 * typed in the wrong place (no key, wrapped onto its own line) is not
 * repeated into the logs or --check's output.
 */
const char *
log_redact(const char *text)
{
	return strcasestr(text, "DHHC-1:") || strcasestr(text, "NVMeTLSkey-1:") ?
	    "<redacted>" : text;
}

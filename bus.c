/*
 * bus.c - the D-Bus connection of the daemon.
 *
 * Everything is non-blocking: the handshake is pipelined (NUL, AUTH
 * EXTERNAL, BEGIN and Hello in one go, as busctl does), output waits in
 * a queue until the socket is writable, and input is framed by
 * dw_frame_size() and validated whole by dw_msg_parse() before anyone
 * looks at it.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus.h"
#include "log.h"
#include "stacd.h"
#include "util.h"

#define SASL_LINE_MAX	512
#define READ_CHUNK	65536
#define IN_KEEP		(2 * READ_CHUNK)	/* input buffer kept when idle */
#define DROP_BURST	5	/* warnings about dropped messages ... */
#define DROP_WINDOW_MS	60000	/* ... per minute */

int
bus_init(struct bus *b)
{
	memset(b, 0, sizeof(*b));
	b->fd = -1;
	dw_writer_init(&b->w, BUS_MSG_MAX);
	b->dropped = (struct log_limit){ .what = "D-Bus messages dropped",
	    .burst = DROP_BURST, .window_ms = DROP_WINDOW_MS };
	return 0;
}

void
bus_fini(struct bus *b)
{
	bus_disconnect(b, NULL);
	dw_writer_fini(&b->w);
	free(b->in);
	free(b->out);
	free(b->pending);
	b->in = b->out = NULL;
	b->pending = NULL;
	b->in_cap = b->out_cap = b->cap_pending = 0;
}

/* ---- address ---- */

static int
unhex(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* Decode one "%XX"-escaped value into out (at most size - 1 bytes). */
static int
unescape(const char *v, size_t n, char *out, size_t size, size_t *outlen)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		char c = v[i];

		if (c == '%') {
			if (i + 2 >= n ||
			    (hi = unhex((unsigned char)v[i + 1])) < 0 ||
			    (lo = unhex((unsigned char)v[i + 2])) < 0)
				return -EINVAL;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (o + 1 >= size)
			return -ENAMETOOLONG;
		out[o++] = c;
	}
	out[o] = '\0';
	*outlen = o;
	return 0;
}

/* One "unix:key=value,..." entry; -EINVAL when it is not usable. */
static int
parse_unix_entry(const char *e, size_t n, struct sockaddr_un *sa,
    socklen_t *len)
{
	const char *p = e + 5, *end = e + n;
	char path[sizeof(sa->sun_path)];
	size_t plen;
	bool abstract;
	int found = 0, r;

	if (n < 5 || strncmp(e, "unix:", 5) != 0)
		return -EINVAL;
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *kv_end = comma ? comma : end;
		const char *eq = memchr(p, '=', (size_t)(kv_end - p));

		if (eq && ((eq - p == 4 && strncmp(p, "path", 4) == 0) ||
		    (eq - p == 8 && strncmp(p, "abstract", 8) == 0))) {
			abstract = eq - p == 8;
			/* abstract names lose one byte to the leading NUL */
			r = unescape(eq + 1, (size_t)(kv_end - eq - 1), path,
			    sizeof(path) - abstract, &plen);
			if (r < 0)
				return r;
			if (plen == 0 || found++)
				return -EINVAL;
			memset(sa, 0, sizeof(*sa));
			sa->sun_family = AF_UNIX;
			memcpy(sa->sun_path + abstract, path, plen);
			*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
			    plen + 1);
		}
		p = kv_end + (comma != NULL);
	}
	return found ? 0 : -EINVAL;
}

int
bus_parse_address(const char *address, struct sockaddr_un *sa,
    socklen_t *len)
{
	const char *p = address;
	int r = -EINVAL;

	while (*p) {
		size_t n = strcspn(p, ";");

		if ((r = parse_unix_entry(p, n, sa, len)) == 0)
			return 0;
		p += n + (p[n] == ';');
	}
	return r == -ENAMETOOLONG ? r : -EINVAL;
}

/* ---- output ---- */

static int
queue_bytes(struct bus *b, const void *data, size_t len)
{
	uint8_t *p;
	size_t cap;

	/* A bus that stops reading us must not eat all memory. */
	if (b->out_len + len > 4 * (size_t)BUS_MSG_MAX)
		return -ENOBUFS;
	if (b->out_len + len > b->out_cap) {
		cap = b->out_cap ? b->out_cap : 4096;
		while (cap < b->out_len + len)
			cap *= 2;
		if ((p = realloc(b->out, cap)) == NULL)
			return -ENOMEM;
		b->out = p;
		b->out_cap = cap;
	}
	memcpy(b->out + b->out_len, data, len);
	b->out_len += len;
	return 0;
}

uint32_t
bus_serial(struct bus *b)
{
	/* Serial 0 is invalid; skip it when the counter wraps. */
	if (++b->serial == 0)
		b->serial = 1;
	return b->serial;
}

int
bus_send(struct bus *b)
{
	const uint8_t *data;
	size_t len;
	int r;

	if ((r = dw_msg_finish(&b->w, &data, &len)) < 0)
		return r;
	if (b->fd < 0)
		return -ENOTCONN;
	return queue_bytes(b, data, len);
}

int
bus_call(struct bus *b, const char *peer, bus_reply_fn fn, void *arg,
    int64_t now)
{
	struct bus_pending *p;
	int r;

	if (strlen(peer) > DW_NAME_MAX)
		return -EINVAL;
	if ((p = array_grow(b->pending, &b->cap_pending, b->n_pending + 1,
	    sizeof(*p))) == NULL)
		return -ENOMEM;
	b->pending = p;
	if ((r = bus_send(b)) < 0)
		return r;
	p = &b->pending[b->n_pending++];
	p->serial = b->serial;
	memcpy(p->peer, peer, strlen(peer) + 1);
	p->deadline = now + BUS_CALL_TIMEOUT_MS;
	p->fn = fn;
	p->arg = arg;
	return 0;
}

static int
flush(struct bus *b)
{
	ssize_t n;

	while (b->out_len > 0) {
		n = send(b->fd, b->out, b->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			return -errno;
		}
		memmove(b->out, b->out + n, b->out_len - (size_t)n);
		b->out_len -= (size_t)n;
	}
	return 0;
}

short
bus_events(const struct bus *b)
{
	return (short)(POLLIN | (b->out_len ? POLLOUT : 0));
}

/* ---- connection ---- */

static void
hello_reply(void *ctx, const struct dw_msg *m, void *arg)
{
	struct bus *b = arg;
	struct dw_reader r;
	const char *name;

	if (m == NULL || m->hdr.type != DW_MSG_METHOD_RETURN ||
	    strcmp(m->hdr.signature, "s") != 0) {
		log_warnx("D-Bus: Hello failed%s%s", m && m->hdr.error_name ?
		    ": " : "", m && m->hdr.error_name ? m->hdr.error_name : "");
		/* The next bus_io() sees the hang-up and reports it. */
		if (b->fd >= 0)
			shutdown(b->fd, SHUT_RDWR);
		return;
	}
	r = m->body;
	name = dw_read_string(&r);
	snprintf(b->unique_name, sizeof(b->unique_name), "%s", name);
	b->state = BUS_UP;
	log_debug("D-Bus: connected as %s", b->unique_name);
	if (b->on_up)
		b->on_up(ctx);
}

/* The SASL EXTERNAL handshake, pipelined with BEGIN (dbus-wire.md §1). */
static int
queue_auth(struct bus *b)
{
	char line[64];
	char uid[16];
	size_t i, n;

	snprintf(uid, sizeof(uid), "%u", (unsigned)geteuid());
	n = (size_t)snprintf(line, sizeof(line), "%cAUTH EXTERNAL ", '\0');
	for (i = 0; uid[i]; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%02x",
		    (unsigned char)uid[i]);
	n += (size_t)snprintf(line + n, sizeof(line) - n, "\r\nBEGIN\r\n");
	return queue_bytes(b, line, n);
}

int
bus_connect(struct bus *b, const char *address, void (*on_up)(void *),
    int64_t now)
{
	struct sockaddr_un sa;
	socklen_t len;
	int fd, r;

	if ((r = bus_parse_address(address, &sa, &len)) < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* A local stream connect completes at once or fails (EAGAIN: backlog). */
	if (connect(fd, (struct sockaddr *)&sa, len) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	b->fd = fd;
	b->state = BUS_AUTH;
	b->in_len = b->out_len = 0;
	b->serial = 0;
	b->unique_name[0] = '\0';
	b->on_up = on_up;
	if ((r = queue_auth(b)) < 0 ||
	    (r = dw_msg_begin_call(&b->w, bus_serial(b), BUS_DRIVER,
	    "/org/freedesktop/DBus", BUS_DRIVER, "Hello", "")) < 0 ||
	    (r = bus_call(b, BUS_DRIVER, hello_reply, b, now)) < 0 ||
	    (r = flush(b)) < 0) {
		close(fd);
		b->fd = -1;
		b->state = BUS_DOWN;
		b->n_pending = 0;
		return r;
	}
	return 0;
}

void
bus_disconnect(struct bus *b, void *ctx)
{
	size_t i, n = b->n_pending;
	struct bus_pending *p = b->pending;

	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
	b->state = BUS_DOWN;
	b->in_len = b->out_len = 0;
	b->unique_name[0] = '\0';
	/* Callbacks may start new calls: detach the list first. */
	b->pending = NULL;
	b->n_pending = b->cap_pending = 0;
	for (i = 0; i < n; i++)
		if (ctx && p[i].fn != hello_reply)
			p[i].fn(ctx, NULL, p[i].arg);
	free(p);
}

void
bus_expire(struct bus *b, void *ctx, int64_t now, int64_t *next)
{
	size_t i = 0;

	while (i < b->n_pending) {
		struct bus_pending p = b->pending[i];

		if (p.deadline > now) {
			if (p.deadline < *next)
				*next = p.deadline;
			i++;
			continue;
		}
		b->pending[i] = b->pending[--b->n_pending];
		log_debug("D-Bus: call %u timed out", p.serial);
		p.fn(ctx, NULL, p.arg);
	}
}

/* ---- input ---- */

int
bus_sasl_reply(const uint8_t *buf, size_t len, size_t *used)
{
	const uint8_t *nl = memchr(buf, '\n', len < SASL_LINE_MAX ? len :
	    SASL_LINE_MAX);
	size_t n;

	if (nl == NULL)
		return len >= SASL_LINE_MAX ? -EPROTO : 1;
	n = (size_t)(nl - buf) + 1;
	if (n < 5 || memcmp(buf, "OK ", 3) != 0)
		return -EACCES;
	*used = n;
	return 0;
}

/* Consume the server's SASL reply line; 1 when more input is needed. */
static int
read_auth(struct bus *b, size_t *used)
{
	int r = bus_sasl_reply(b->in, b->in_len, used);
	size_t n = 0;

	if (r == -EACCES) {
		/* The printable start of the line, at most 80 bytes. */
		while (n < 80 && n < b->in_len && b->in[n] >= 0x20 &&
		    b->in[n] < 0x7f)
			n++;
		log_warnx("D-Bus: authentication refused: %.*s", (int)n,
		    (const char *)b->in);
	}
	if (r == 0)
		b->state = BUS_HELLO;
	return r;
}

static bool
take_reply(struct bus *b, const struct dw_msg *m, void *ctx)
{
	size_t i;

	if (m->hdr.type != DW_MSG_METHOD_RETURN && m->hdr.type != DW_MSG_ERROR)
		return false;
	for (i = 0; i < b->n_pending; i++) {
		struct bus_pending p = b->pending[i];

		/* The bus blocks unrequested replies; we check anyway. */
		if (p.serial != m->hdr.reply_serial || m->hdr.sender == NULL ||
		    strcmp(m->hdr.sender, p.peer) != 0)
			continue;
		b->pending[i] = b->pending[--b->n_pending];
		p.fn(ctx, m, p.arg);
		return true;
	}
	return true;	/* a reply nobody waits for: dropped */
}

/*
 * A well-framed message we cannot take.  Its header is known when only
 * the body was refused: then a method call is told so.
 */
static void
drop(struct bus *b, const struct dw_msg *m, int err)
{
	const char *sender = m->hdr.sender ? m->hdr.sender : "?";
	char text[160];

	if (log_limit_allow(&b->dropped, monotime_ms()))
		log_warnx("D-Bus: dropped a message from %s that stacd cannot "
		    "accept (%s)", m->hdr.type ? sender : "the bus",
		    strerror(-err));
	if (m->hdr.type != DW_MSG_METHOD_CALL ||
	    (m->hdr.flags & DW_FLAG_NO_REPLY_EXPECTED) || m->hdr.sender == NULL)
		return;
	snprintf(text, sizeof(text), "stacd cannot accept this message: %s "
	    "(it takes no file descriptors, and nests at most %d deep)",
	    strerror(-err), DW_DEPTH_ARRAYS_MAX);
	if (dw_msg_begin_error(&b->w, bus_serial(b), &m->hdr,
	    "org.freedesktop.DBus.Error.InvalidArgs", text) < 0 ||
	    bus_send(b) < 0)
		log_debug("D-Bus: cannot answer %s", sender);
}

/* Dispatch every complete message in the input buffer. */
static int
read_messages(struct bus *b, void (*on_msg)(void *, const struct dw_msg *),
    void *ctx)
{
	size_t used = 0, total;
	struct dw_msg m;
	int r;

	for (;;) {
		if (b->state == BUS_AUTH) {
			size_t n = 0;

			if ((r = read_auth(b, &n)) != 0)
				return r < 0 ? r : 0;
			memmove(b->in, b->in + n, b->in_len - n);
			b->in_len -= n;
			continue;
		}
		if (b->in_len - used < DW_FIXED_HEADER_SIZE)
			break;
		if ((r = dw_frame_size(b->in + used, BUS_MSG_MAX, &total)) < 0)
			return r;
		if (b->in_len - used < total)
			break;
		/* Parse at offset 0: D-Bus alignment counts from the start. */
		if (used) {
			memmove(b->in, b->in + used, b->in_len - used);
			b->in_len -= used;
			used = 0;
		}
		if ((r = dw_msg_parse(&m, b->in, total)) < 0)
			drop(b, &m, r);
		else if (!take_reply(b, &m, ctx) &&
		    m.hdr.type >= DW_MSG_METHOD_CALL &&
		    m.hdr.type <= DW_MSG_SIGNAL)
			on_msg(ctx, &m);
		used = total;
		if (b->fd < 0)
			return -ENOTCONN;	/* a handler disconnected */
	}
	memmove(b->in, b->in + used, b->in_len - used);
	b->in_len -= used;
	return 0;
}

static int
fill(struct bus *b)
{
	uint8_t *p;
	ssize_t n;

	if (b->in_cap - b->in_len < READ_CHUNK) {
		size_t cap = b->in_cap ? b->in_cap * 2 : 2 * READ_CHUNK;

		if (cap > 2 * (size_t)BUS_MSG_MAX + READ_CHUNK)
			return -E2BIG;
		if ((p = realloc(b->in, cap)) == NULL)
			return -ENOMEM;
		b->in = p;
		b->in_cap = cap;
	}
	n = recv(b->fd, b->in + b->in_len, b->in_cap - b->in_len, MSG_DONTWAIT);
	if (n == 0)
		return -ECONNRESET;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 1 : -errno;
	b->in_len += (size_t)n;
	return 0;
}

/* One 32 MiB message must not keep 64 MiB of buffer for ever. */
static void
shrink_input(struct bus *b)
{
	uint8_t *p;

	if (b->in_cap <= IN_KEEP || b->in_len > IN_KEEP / 2)
		return;
	if ((p = realloc(b->in, IN_KEEP)) == NULL)
		return;
	b->in = p;
	b->in_cap = IN_KEEP;
}

int
bus_io(struct bus *b, short revents,
    void (*on_msg)(void *ctx, const struct dw_msg *m), void *ctx)
{
	int r, rounds;

	if (b->fd < 0)
		return -ENOTCONN;
	if (revents & POLLOUT && (r = flush(b)) < 0)
		return r;
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		/* Bounded, so a chatty bus cannot starve the other fds. */
		for (rounds = 0; rounds < 16; rounds++) {
			if ((r = fill(b)) == 1)
				break;
			if (r < 0)
				return r;
			if ((r = read_messages(b, on_msg, ctx)) < 0)
				return r;
		}
	}
	shrink_input(b);
	/* Replies queued by the handlers go out now if the socket takes them. */
	return b->fd < 0 ? -ENOTCONN : flush(b);
}

/*
 * t/test-bus.c - D-Bus address parsing, the SASL answer, and the
 * connection over a socketpair: what is dropped, what hangs up, whose
 * replies count, and the input buffer after a large message.  The
 * messages that our own writer refuses to make are marshalled by hand
 * here (raw_msg()), as another client on the bus would send them.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include "bus.h"
#include "test.h"

static void
address_path(void)
{
	struct sockaddr_un sa;
	socklen_t len;

	CHECK_INT(bus_parse_address("unix:path=/run/dbus/system_bus_socket",
	    &sa, &len), 0);
	CHECK_STR(sa.sun_path, "/run/dbus/system_bus_socket");
	CHECK_INT(len, offsetof(struct sockaddr_un, sun_path) +
	    strlen("/run/dbus/system_bus_socket") + 1);
	/* %XX escapes, extra keys, and the guid are fine */
	CHECK_INT(bus_parse_address("unix:path=/tmp/my%20bus%2c1.sock,guid="
	    "0123456789abcdef0123456789abcdef", &sa, &len), 0);
	CHECK_STR(sa.sun_path, "/tmp/my bus,1.sock");
}

static void
address_abstract(void)
{
	struct sockaddr_un sa;
	socklen_t len;

	CHECK_INT(bus_parse_address("unix:abstract=dbw-test", &sa, &len), 0);
	CHECK_INT(sa.sun_path[0], 0);
	CHECK(memcmp(sa.sun_path + 1, "dbw-test", 8) == 0);
	/* exactly the name: trailing zero bytes would be part of it */
	CHECK_INT(len, offsetof(struct sockaddr_un, sun_path) + 1 + 8);
}

static void
address_lists_and_errors(void)
{
	struct sockaddr_un sa;
	socklen_t len;
	char longpath[300];

	CHECK_INT(bus_parse_address("tcp:host=localhost,port=1;"
	    "unix:path=/b", &sa, &len), 0);
	CHECK_STR(sa.sun_path, "/b");
	CHECK_INT(bus_parse_address("tcp:host=localhost,port=1", &sa, &len),
	    -EINVAL);
	CHECK_INT(bus_parse_address("unix:path=/a%2", &sa, &len), -EINVAL);
	CHECK_INT(bus_parse_address("unix:path=/a%zz", &sa, &len), -EINVAL);
	CHECK_INT(bus_parse_address("unix:path=", &sa, &len), -EINVAL);
	CHECK_INT(bus_parse_address("unix:path=/a,abstract=b", &sa, &len),
	    -EINVAL);
	CHECK_INT(bus_parse_address("unix:runtime=yes", &sa, &len), -EINVAL);
	CHECK_INT(bus_parse_address("", &sa, &len), -EINVAL);
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	memcpy(longpath, "unix:path=/", 11);
	CHECK_INT(bus_parse_address(longpath, &sa, &len), -ENAMETOOLONG);
}

static void
serials_skip_zero(void)
{
	struct bus b;

	bus_init(&b);
	CHECK_INT(bus_serial(&b), 1);
	b.serial = UINT32_MAX;
	CHECK_INT(bus_serial(&b), 1);
	bus_fini(&b);
}

static void
sasl_reply(void)
{
	char junk[600];
	size_t used = 0;

	CHECK_INT(bus_sasl_reply((const uint8_t *)"OK 0123abcd\r\nl", 14,
	    &used), 0);
	CHECK_INT(used, 13);
	CHECK_INT(bus_sasl_reply((const uint8_t *)"OK 01", 5, &used), 1);
	CHECK_INT(bus_sasl_reply((const uint8_t *)"REJECTED EXTERNAL\r\n", 19,
	    &used), -EACCES);
	CHECK_INT(bus_sasl_reply((const uint8_t *)"ERROR\r\n", 7, &used),
	    -EACCES);
	CHECK_INT(bus_sasl_reply((const uint8_t *)"OK\n", 3, &used), -EACCES);
	memset(junk, 'x', sizeof(junk));
	CHECK_INT(bus_sasl_reply((const uint8_t *)junk, sizeof(junk), &used),
	    -EPROTO);
	junk[520] = '\n';	/* a line past the limit is refused too */
	CHECK_INT(bus_sasl_reply((const uint8_t *)junk, sizeof(junk), &used),
	    -EPROTO);
}

/* ---- a connection on a socketpair: sv[1] plays the bus ---- */

struct raw {
	uint8_t	 b[4096];
	size_t	 n;
};

static void
raw_pad(struct raw *r, size_t align)
{
	while (r->n % align)
		r->b[r->n++] = 0;
}

static void
raw_u32(struct raw *r, uint32_t v)
{
	raw_pad(r, 4);
	memcpy(r->b + r->n, &v, 4);	/* little-endian host (x86) */
	r->n += 4;
}

static void
raw_field(struct raw *r, uint8_t code, char type, const char *v)
{
	size_t len = strlen(v);

	raw_pad(r, 8);
	r->b[r->n++] = code;
	r->b[r->n++] = 1;
	r->b[r->n++] = (uint8_t)type;
	r->b[r->n++] = 0;
	if (type == 'g')
		r->b[r->n++] = (uint8_t)len;
	else
		raw_u32(r, (uint32_t)len);
	memcpy(r->b + r->n, v, len + 1);
	r->n += len + 1;
}

/*
 * A message of type t with the given signature and raw body bytes, from
 * sender; a method call when t is 1, else a signal.
 */
static size_t
raw_msg(uint8_t *out, uint8_t t, uint32_t serial, const char *sender,
    const char *sig, const void *body, size_t body_len)
{
	struct raw r = { .n = 0 };
	uint32_t fields_len;

	memcpy(r.b, (uint8_t[]){ 'l', t, 0, 1 }, 4);
	r.n = 4;
	raw_u32(&r, (uint32_t)body_len);
	raw_u32(&r, serial);
	raw_u32(&r, 0);			/* field array length, below */
	raw_field(&r, 1, 'o', "/org/nvmexpress/stac");
	raw_field(&r, 2, 's', "org.nvmexpress.stac");
	raw_field(&r, 3, 's', "list_controllers");
	raw_field(&r, 7, 's', sender);
	raw_field(&r, 8, 'g', sig);
	fields_len = (uint32_t)(r.n - 16);
	memcpy(r.b + 12, &fields_len, 4);
	raw_pad(&r, 8);
	memcpy(out, r.b, r.n);
	memcpy(out + r.n, body, body_len);
	return r.n + body_len;
}

struct seen {
	int		 msgs;
	uint8_t		 last_type;
	char		 last_sig[16];
	int		 replies;
	bool		 reply_null;
};

static void
on_msg(void *ctx, const struct dw_msg *m)
{
	struct seen *s = ctx;

	s->msgs++;
	s->last_type = m->hdr.type;
	snprintf(s->last_sig, sizeof(s->last_sig), "%s", m->hdr.signature);
}

static void
on_reply(void *ctx, const struct dw_msg *m, void *arg)
{
	struct seen *s = ctx;

	(void)arg;
	s->replies++;
	s->reply_null = m == NULL;
}

static void
pair_up(struct bus *b, int sv[2])
{
	bus_init(b);
	CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	b->fd = sv[0];
	b->state = BUS_UP;
	snprintf(b->unique_name, sizeof(b->unique_name), ":1.5");
}

static void
pair_down(struct bus *b, int sv[2], struct seen *s)
{
	bus_disconnect(b, s);
	bus_fini(b);
	close(sv[1]);
}

/* Send len bytes from the fake bus, and let bus_io() read them. */
static int
deliver(struct bus *b, int fd, const uint8_t *m, size_t len, struct seen *s)
{
	size_t off = 0;
	ssize_t n;
	int r = 0, rounds = 0;

	while ((off < len || rounds == 0) && r == 0 && rounds++ < 100000) {
		n = off < len ? write(fd, m + off, len - off) : 0;
		if (n > 0)
			off += (size_t)n;
		r = bus_io(b, POLLIN, on_msg, s);
	}
	return r;
}

/*
 * What stacd cannot accept but dbus-daemon forwards: an 'h' with no fd,
 * nesting past our limits across a variant.  Dropped, the connection
 * kept: the next message is dispatched.  (It used to hang up, so that
 * any local user could keep stacd off the bus.)
 */
static void
unacceptable_messages_are_dropped(void)
{
	uint8_t m[4096], body[128];
	struct bus b;
	struct seen s = { 0 };
	size_t len, n;
	int sv[2], i, d;

	pair_up(&b, sv);
	memset(body, 0, sizeof(body));
	len = raw_msg(m, DW_MSG_SIGNAL, 7, ":1.66", "h", body, 4);
	CHECK_INT(deliver(&b, sv[1], m, len, &s), 0);
	CHECK_INT(s.msgs, 0);
	/*
	 * (v) holding d nested structs around a byte: 31 in all are fine
	 * (which shows the bytes are right), 33 are past our limit.
	 */
	for (d = 30; d <= 32; d += 2) {
		n = 0;
		body[n++] = (uint8_t)(2 * d + 1);
		for (i = 0; i < d; i++)
			body[n++] = '(';
		body[n++] = 'y';
		for (i = 0; i < d; i++)
			body[n++] = ')';
		body[n++] = 0;
		while (n % 8)
			body[n++] = 0;
		body[n++] = 42;
		len = raw_msg(m, DW_MSG_SIGNAL, 8, ":1.66", "(v)", body, n);
		CHECK_INT(deliver(&b, sv[1], m, len, &s), 0);
		CHECK_INT(s.msgs, 1);	/* the first only */
	}
	CHECK(b.fd >= 0);
	memset(body, 0, sizeof(body));
	len = raw_msg(m, DW_MSG_SIGNAL, 9, ":1.66", "u", body, 4);
	CHECK_INT(deliver(&b, sv[1], m, len, &s), 0);
	CHECK_INT(s.msgs, 2);
	CHECK_STR(s.last_sig, "u");
	pair_down(&b, sv, &s);
}

/* A method call we cannot accept is answered, not left to time out. */
static void
unacceptable_call_gets_an_error(void)
{
	uint8_t m[4096], body[8] = { 0 }, got[4096];
	struct dw_msg reply;
	struct bus b;
	struct seen s = { 0 };
	size_t len;
	ssize_t n;
	int sv[2];

	pair_up(&b, sv);
	len = raw_msg(m, DW_MSG_METHOD_CALL, 77, ":1.66", "h", body, 4);
	CHECK_INT(deliver(&b, sv[1], m, len, &s), 0);
	CHECK_INT(s.msgs, 0);
	n = read(sv[1], got, sizeof(got));
	CHECK(n > 16);
	if (n > 16) {
		CHECK_INT(dw_msg_parse(&reply, got, (size_t)n), 0);
		CHECK_INT(reply.hdr.type, DW_MSG_ERROR);
		CHECK_INT(reply.hdr.reply_serial, 77);
		CHECK_STR(reply.hdr.destination, ":1.66");
		CHECK_STR(reply.hdr.error_name,
		    "org.freedesktop.DBus.Error.InvalidArgs");
	}
	/* NO_REPLY_EXPECTED: silence */
	len = raw_msg(m, DW_MSG_METHOD_CALL, 78, ":1.66", "h", body, 4);
	m[2] = DW_FLAG_NO_REPLY_EXPECTED;
	CHECK_INT(deliver(&b, sv[1], m, len, &s), 0);
	CHECK(read(sv[1], got, sizeof(got)) < 0);
	pair_down(&b, sv, &s);
}

/* Broken framing is the one thing that still ends the connection. */
static void
broken_framing_hangs_up(void)
{
	uint8_t m[4096], body[8] = { 0 };
	struct bus b;
	struct seen s = { 0 };
	size_t len;
	int sv[2];

	pair_up(&b, sv);
	len = raw_msg(m, DW_MSG_SIGNAL, 5, ":1.66", "u", body, 4);
	m[0] = 'x';			/* no such byte order */
	CHECK_INT(deliver(&b, sv[1], m, len, &s), -EBADMSG);
	pair_down(&b, sv, &s);
}

/* A reply with our serial counts only from the peer we called. */
static void
replies_come_from_the_callee(void)
{
	uint8_t m[4096];
	struct dw_writer w;
	struct dw_hdr h = { .type = DW_MSG_METHOD_RETURN, .signature = "" };
	const uint8_t *data;
	struct bus b;
	struct seen s = { 0 };
	size_t len;
	int sv[2];

	pair_up(&b, sv);
	dw_msg_begin_call(&b.w, bus_serial(&b), ":1.7", "/org/nvmexpress/staf",
	    "org.nvmexpress.staf", "get_all_log_pages", "");
	CHECK_INT(bus_call(&b, ":1.7", on_reply, NULL, 0), 0);
	dw_writer_init(&w, 0);
	h.serial = 40;
	h.reply_serial = b.serial;
	h.destination = ":1.5";
	h.sender = ":1.99";		/* somebody else */
	CHECK_INT(dw_msg_begin(&w, &h), 0);
	CHECK_INT(dw_msg_finish(&w, &data, &len), 0);
	memcpy(m, data, len);
	CHECK_INT(deliver(&b, sv[1], m, len, &s), 0);
	CHECK_INT(s.replies, 0);
	CHECK_INT(b.n_pending, 1);
	h.serial = 41;
	h.sender = ":1.7";
	CHECK_INT(dw_msg_begin(&w, &h), 0);
	CHECK_INT(dw_msg_finish(&w, &data, &len), 0);
	memcpy(m, data, len);
	CHECK_INT(deliver(&b, sv[1], m, len, &s), 0);
	CHECK_INT(s.replies, 1);
	CHECK(!s.reply_null);
	CHECK_INT(b.n_pending, 0);
	dw_writer_fini(&w);
	pair_down(&b, sv, &s);
}

/* After one 8 MiB signal the input buffer goes back to its idle size. */
static void
large_message_buffer_shrinks(void)
{
	size_t big = 8u << 20, len, cap_seen = 0;
	uint8_t *m = malloc(big + 512), *body = calloc(1, big);
	struct bus b;
	struct seen s = { 0 };
	int sv[2];

	pair_up(&b, sv);
	/* a string of big - 5 'a's: length word, text, NUL */
	memset(body + 4, 'a', big - 5);
	body[0] = (uint8_t)((big - 5) & 0xff);
	body[1] = (uint8_t)(((big - 5) >> 8) & 0xff);
	body[2] = (uint8_t)(((big - 5) >> 16) & 0xff);
	len = raw_msg(m, DW_MSG_SIGNAL, 3, ":1.66", "s", body, big);
	{
		size_t off = 0;
		ssize_t n;

		while (s.msgs == 0 && off <= len) {
			n = off < len ? write(sv[1], m + off, len - off) : 0;
			if (n > 0)
				off += (size_t)n;
			CHECK_INT(bus_io(&b, POLLIN, on_msg, &s), 0);
			if (b.in_cap > cap_seen)
				cap_seen = b.in_cap;
			if (n <= 0 && off == len && s.msgs == 0)
				break;
		}
	}
	CHECK_INT(s.msgs, 1);
	CHECK(cap_seen >= big);
	CHECK(b.in_cap <= 2 * 65536);
	free(m);
	free(body);
	pair_down(&b, sv, &s);
}

int
main(void)
{
	TEST(address_path);
	TEST(address_abstract);
	TEST(address_lists_and_errors);
	TEST(serials_skip_zero);
	TEST(sasl_reply);
	TEST(unacceptable_messages_are_dropped);
	TEST(unacceptable_call_gets_an_error);
	TEST(broken_framing_hangs_up);
	TEST(replies_come_from_the_callee);
	TEST(large_message_buffer_shrinks);
	return TEST_EXIT();
}

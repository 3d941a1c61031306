/*
 * bus.h - one D-Bus connection on a raw AF_UNIX socket: address,
 * SASL EXTERNAL, Hello, a non-blocking outgoing queue, framing of
 * incoming messages, and replies matched to the calls we made.  The
 * marshalling is dbus_wire.c's; what the messages mean is the caller's.
 */
#ifndef STACD_BUS_H
#define STACD_BUS_H

#include <sys/socket.h>
#include <sys/un.h>

#include <stdbool.h>
#include <stdint.h>

#include "dbus_wire.h"
#include "log.h"

#define BUS_DEFAULT_ADDRESS	"unix:path=/run/dbus/system_bus_socket"
#define BUS_CALL_TIMEOUT_MS	25000	/* what libdbus, sd-bus and GLib use */
#define BUS_MSG_MAX		(32u << 20)	/* dbus-daemon's system bus cap */
#define BUS_DRIVER		"org.freedesktop.DBus"	/* the bus itself */

/* reply is NULL when the call timed out or the connection was lost. */
typedef void (*bus_reply_fn)(void *ctx, const struct dw_msg *reply,
    void *arg);

struct bus_pending {
	uint32_t	 serial;
	char		 peer[DW_NAME_MAX + 1];	/* the reply comes from it */
	int64_t		 deadline;	/* ms, CLOCK_MONOTONIC */
	bus_reply_fn	 fn;
	void		*arg;
};

enum bus_state {
	BUS_DOWN,
	BUS_AUTH,		/* waiting for the server's OK */
	BUS_HELLO,		/* waiting for our unique name */
	BUS_UP,
};

struct bus {
	int		 fd;
	enum bus_state	 state;
	uint32_t	 serial;	/* the last one used */
	char		 unique_name[DW_NAME_MAX + 1];
	uint8_t		*in;		/* received, not yet dispatched */
	size_t		 in_len, in_cap;
	uint8_t		*out;		/* queued, not yet sent */
	size_t		 out_len, out_cap;
	struct bus_pending *pending;
	size_t		 n_pending, cap_pending;
	struct dw_writer w;		/* builds the next message */
	void		(*on_up)(void *ctx);	/* Hello answered */
	struct log_limit dropped;	/* messages we could not accept */
};

/* Return: 0, or -ENOMEM. */
int	bus_init(struct bus *b);
void	bus_fini(struct bus *b);

/*
 * bus_parse_address - the first usable unix:path= or unix:abstract=
 * entry of a D-Bus address list ("%XX" escapes decoded).
 * Return: 0 with *sa and *len, or -EINVAL (nothing usable),
 * -ENAMETOOLONG.
 */
int	bus_parse_address(const char *address, struct sockaddr_un *sa,
	    socklen_t *len);

/*
 * bus_connect - connect (without blocking) and queue the SASL EXTERNAL
 * handshake and Hello.  on_up(ctx) runs once the unique name is known,
 * with the ctx given to bus_io().
 * Return: 0, or -errno (the connection stays down).
 */
int	bus_connect(struct bus *b, const char *address,
	    void (*on_up)(void *ctx), int64_t now);

/* Close the connection; pending calls get their fn with a NULL reply. */
void	bus_disconnect(struct bus *b, void *ctx);

/* poll() events wanted for b->fd. */
short	bus_events(const struct bus *b);

/*
 * bus_io - read and write what poll reported; hand every complete
 * message that is not a reply to one of our calls to on_msg(ctx, m).
 * A message that is well framed but that stacd cannot accept (a body
 * dw_msg_parse() refuses: an fd, nesting past our limits) is dropped
 * with a rate-limited warning, and a method call among them is answered
 * with an error: only broken framing or authentication ends the
 * connection, so no other client can knock us off the bus.
 * Return: 0, or -errno when the connection is lost or the peer broke
 * the protocol (then call bus_disconnect()).
 */
int	bus_io(struct bus *b, short revents,
	    void (*on_msg)(void *ctx, const struct dw_msg *m), void *ctx);

/* Fail the calls whose reply is overdue; *next gets the next deadline. */
void	bus_expire(struct bus *b, void *ctx, int64_t now, int64_t *next);

/*
 * Building: dw_msg_begin_*(&b->w, bus_serial(b), ...), write the body,
 * then bus_send() (or bus_call() to be told of the reply).  peer is the
 * unique name the reply must come from (BUS_DRIVER for the bus's own
 * methods): a reply with our serial from anybody else is dropped.
 * Return: 0, or -errno (the message is dropped).
 */
uint32_t bus_serial(struct bus *b);
int	bus_send(struct bus *b);
int	bus_call(struct bus *b, const char *peer, bus_reply_fn fn, void *arg,
	    int64_t now);

/*
 * bus_sasl_reply - the server's answer to our AUTH EXTERNAL in
 * buf[0..len): one line ending in "\n".
 * Return: 0 with *used (the line's length) for "OK <guid>"; 1 when the
 * line is not complete yet; -EACCES (refused: REJECTED, ERROR, anything
 * else) or -EPROTO (no line within 512 bytes).
 */
int	bus_sasl_reply(const uint8_t *buf, size_t len, size_t *used);

#endif

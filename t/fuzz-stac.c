/*
 * t/fuzz-stac.c - the org.nvmexpress.stac object, stac_handle_call(), on
 * method calls built from arbitrary bytes.
 *
 * Input: byte 0 picks path, interface and member from calls[] (bit 6
 * leaves the INTERFACE field out, bit 7 the SENDER field); byte 1 is the
 * header flags, whose bits receivers ignore also steer this harness
 * (bits 3-5: how the bus answers the GetConnectionUnixUser call of a Set,
 * bit 6: tron); then a NUL-terminated signature; the rest is the body,
 * little-endian.  The header is marshalled by hand and parsed with
 * dw_msg_parse(); what parses goes to stac_handle_call() on a bus that
 * is up but never flushed, so everything sent stays in b.out, with a
 * view of tracked controllers that have DH-HMAC-CHAP secrets.
 *
 * Afterwards, abort() unless:
 *  - b.out is a sequence of messages that frame and parse, with rising
 *    serials: replies to the call, at most one GetConnectionUnixUser
 *    call to the bus (for a Set) and PropertiesChanged (after tron was
 *    set), nothing else;
 *  - the call has exactly one reply, or none with NO_REPLY_EXPECTED or
 *    when the bus never said who asked (at most one for a Set without
 *    a sender); a reply goes to the caller with the call's serial; an
 *    error is org.freedesktop.DBus.Error.* with a text;
 *  - tron is set only by a Set of tron on our path, with the value sent,
 *    after the bus said the caller is uid 0, and then (only then) the
 *    Set returns;
 *  - Introspect returns the object's document or the child of the
 *    ancestor, the JSON replies parse, list_controllers lists the
 *    desired controllers, Get returns the view's value;
 *  - no secret (the "DHHC-1:" prefix, any key body or their common
 *    start) is in b.out unless the call itself carried it.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus.h"
#include "conf.h"
#include "json.h"
#include "log.h"
#include "nvmf.h"
#include "reconcile.h"
#include "stac_object.h"

#define PROPS		"org.freedesktop.DBus.Properties"
#define INTRO		"org.freedesktop.DBus.Introspectable"
#define PEER		"org.freedesktop.DBus.Peer"
#define ERR_PREFIX	"org.freedesktop.DBus.Error."
#define SENDER		":1.42"
#define CALL_SERIAL	42
#define HDR_MAX		1024	/* fixed header and five fields, padded */

#define HOST_NQN	"nqn.2014-08.org.nvmexpress:uuid:" \
			    "3a1c9e2f-6b7d-4e8a-9c0b-1d2e3f4a5b6c"
#define KEY_HOST	"c3RhY2QgZnV6ejogaG9zdCBrZXksIG5vIHJlYWwgc2VjcmV0"
#define KEY_A		"c3RhY2QgZnV6ejogY29udHJvbGxlciBBIGhvc3Qgc2VjcmV0" \
			    "LCBub3QgYSByZWFsIG9uZQ=="
#define KEY_CTRL	"c3RhY2QgZnV6ejogY3RybCBzZWNyZXQgZm9yIGJpZGlyZWN0" \
			    "aW9uYWwgYXV0aCwgYSBmYWtlIG9uZSwgNjggYnl0ZXM="

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct call {
	const char	*path, *iface, *member;
} calls[] = {
	{ STAC_OBJ_PATH, STAC_IFACE, "list_controllers" },
	{ STAC_OBJ_PATH, STAC_DEBUG_IFACE, "process_info" },
	{ STAC_OBJ_PATH, STAC_DEBUG_IFACE, "controller_info" },
	{ STAC_OBJ_PATH, PROPS, "Get" },
	{ STAC_OBJ_PATH, PROPS, "GetAll" },
	{ STAC_OBJ_PATH, PROPS, "Set" },
	{ STAC_OBJ_PATH, INTRO, "Introspect" },
	{ STAC_OBJ_PATH, PEER, "Ping" },
	{ STAC_OBJ_PATH, PEER, "GetMachineId" },
	{ "/", INTRO, "Introspect" },
	{ "/org", INTRO, "Introspect" },
	{ "/org/nvmexpress", INTRO, "Introspect" },
	{ "/", PEER, "Ping" },
	{ "/org", PROPS, "GetAll" },
	{ "/org/nvmexpress", PROPS, "Set" },
	{ STAC_OBJ_PATH "/nvme0", INTRO, "Introspect" },
	{ "/com/example", PEER, "GetMachineId" },
	{ STAC_OBJ_PATH, STAC_IFACE, "connect" },
	{ STAC_OBJ_PATH, "org.example.Unknown", "Foo" },
	{ STAC_OBJ_PATH, STAC_DEBUG_IFACE, "list_controllers" },
	{ STAC_OBJ_PATH, STAC_IFACE, "Introspect" },
};

/* What must never be sent. */
static const char *const secrets[] = {
	"DHHC-1:", KEY_HOST, KEY_A, KEY_CTRL,
	"c3RhY2QgZnV6ejog",	/* every key starts so */
};

/* How the bus answers GetConnectionUnixUser: flag bits 3-5. */
enum answer {
	ANS_ROOT,
	ANS_USER,
	ANS_ERROR,
	ANS_BAD_SIG,
	ANS_LOST,
	ANS_NOBODY,
	ANS_ROOT2,
	ANS_ROOT3,
};

struct ctx {
	struct bus	*b;
	int		 tron_calls;
	bool		 tron_value;
};

/* What one run did, for the checks. */
struct run {
	const struct dw_msg *call;
	const uint8_t	*msg;		/* the call as marshalled */
	size_t		 msg_len;
	bool		 tron;		/* the view's */
	enum answer	 answer;
	uint32_t	 asked;		/* GetConnectionUnixUser serial, or 0 */
	int		 replies, asks, signals;
	bool		 set_returned;
};

static struct tracked tracked[5];
static struct recon recon;
static struct conf conf;
static const struct host_conf host = {
	.nqn = HOST_NQN,
	.id = "3a1c9e2f-6b7d-4e8a-9c0b-1d2e3f4a5b6c",
	.key = "DHHC-1:00:" KEY_HOST ":",
	.symname = "stacd-fuzz",
};

/* A wanted controller's configuration (its record is made in setup()). */
static void
conf_of(struct ctrl_conf *cc, enum trtype tr, const char *traddr,
    const char *subsysnqn, const char *secret, const char *ctrl_secret)
{
	struct ctrl_id *id = &cc->id;

	memset(cc, 0, sizeof(*cc));
	id->transport = tr;
	strcpy(id->traddr, traddr);
	if (tr == TRTYPE_TCP || tr == TRTYPE_RDMA)
		strcpy(id->trsvcid, "4420");
	strcpy(id->subsysnqn, subsysnqn);
	strcpy(id->host_nqn, HOST_NQN);
	strcpy(cc->dhchap_secret, secret);
	strcpy(cc->dhchap_ctrl_secret, ctrl_secret);
}

static int
tracked_cmp(const void *a, const void *b)
{
	return rec_id_compare(((const struct tracked *)a)->rec,
	    ((const struct tracked *)b)->rec);
}

/* Every state list_controllers and controller_info describe. */
static void
setup(void)
{
	static const char fc_a[] =
	    "nn-0x200000109b123456:pn-0x100000109b123456";
	static const char fc_h[] =
	    "nn-0x200000109b654321:pn-0x100000109b654321";
	struct tracked *t = tracked;
	struct ctrl_conf cc[5];
	size_t i;

	log_init(LOG_DISCARD);
	conf_init(&conf);
	conf_of(&cc[0], TRTYPE_TCP, "192.168.1.10", "nqn.2014-08.org.example:a",
	    host.key, "DHHC-1:03:" KEY_CTRL ":");
	cc[0].tun.set = 1u << TUN_HDR_DIGEST | 1u << TUN_KATO |
	    1u << TUN_CTRL_LOSS_TMO;
	cc[0].tun.val[TUN_HDR_DIGEST] = 1;
	cc[0].tun.val[TUN_KATO] = 30;
	cc[0].tun.val[TUN_CTRL_LOSS_TMO] = -1;
	conf_of(&cc[1], TRTYPE_TCP, "192.168.1.11", "nqn.2014-08.org.example:b",
	    "DHHC-1:02:" KEY_A ":", "");
	strcpy(cc[1].id.host_iface, "eth0");
	strcpy(cc[1].id.host_traddr, "192.168.1.2");
	conf_of(&cc[2], TRTYPE_RDMA, "fd00::1", "nqn.2014-08.org.example:c", "",
	    "DHHC-1:02:" KEY_A ":");
	conf_of(&cc[3], TRTYPE_FC, fc_a, "nqn.2014-08.org.example:d",
	    "DHHC-1:03:" KEY_CTRL ":", "");
	strcpy(cc[3].id.host_traddr, fc_h);
	conf_of(&cc[4], TRTYPE_LOOP, "", "nqn.2014-08.org.example:e",
	    "DHHC-1:02:" KEY_A ":", host.key);
	for (i = 0; i < 5; i++) {
		if ((t[i].rec = rec_pack(&cc[i])) == NULL)
			abort();
		t[i].desired = true;
	}
	t[0].state = CS_LIVE;
	strcpy(t[0].device, "nvme3");
	t[1].discovered = t[1].ncc = true;
	t[1].state = CS_GAVE_UP;
	t[1].attempts = 5;
	t[2].state = CS_CONNECTING;
	t[2].attempts = 3;
	t[3].attempts = 1;
	t[3].retry_at = 1001500;
	t[4].desired = false;		/* on its way out: not listed */
	strcpy(t[4].device, "nvme7");
	qsort(tracked, 5, sizeof(tracked[0]), tracked_cmp);
	recon.v = tracked;
	recon.n = recon.cap = 5;
}

static void
set_tron(void *arg, bool on)
{
	struct ctx *c = arg;

	c->tron_calls++;
	c->tron_value = on;
	stac_tron_changed(c->b, on);
}

/* ---- marshalling the call by hand ---- */

/* Zeros up to the next multiple of align; the new length. */
static size_t
align_to(uint8_t *p, size_t n, size_t align)
{
	size_t to = (n + align - 1) / align * align;

	memset(p + n, 0, to - n);
	return to;
}

static size_t
put_u32(uint8_t *p, size_t n, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[n + i] = (uint8_t)(v >> (8 * i));
	return n + 4;
}

/* One (yv) header field holding a string, path or signature. */
static size_t
put_field(uint8_t *p, size_t n, uint8_t code, char type, const char *s)
{
	const uint8_t head[4] = { code, 1, (uint8_t)type, 0 };
	size_t len = strlen(s);

	n = align_to(p, n, 8);
	memcpy(p + n, head, sizeof(head));
	n += sizeof(head);
	if (type == 'g')
		p[n++] = (uint8_t)len;
	else
		n = put_u32(p, align_to(p, n, 4), (uint32_t)len);
	memcpy(p + n, s, len + 1);
	return n + len + 1;
}

static size_t
marshal(uint8_t *out, const struct call *c, bool iface, bool sender,
    uint8_t flags, const char *sig, const uint8_t *body, size_t body_len)
{
	const uint8_t head[4] = { 'l', DW_MSG_METHOD_CALL, flags, 1 };
	size_t n;

	memcpy(out, head, sizeof(head));
	n = put_u32(out, sizeof(head), (uint32_t)body_len);
	n = put_u32(out, n, CALL_SERIAL);
	n = put_u32(out, n, 0);		/* field array length, below */
	n = put_field(out, n, 1, 'o', c->path);
	if (iface)
		n = put_field(out, n, 2, 's', c->iface);
	n = put_field(out, n, 3, 's', c->member);
	if (sender)
		n = put_field(out, n, 7, 's', SENDER);
	if (*sig)
		n = put_field(out, n, 8, 'g', sig);
	(void)put_u32(out, 12, (uint32_t)(n - DW_FIXED_HEADER_SIZE));
	n = align_to(out, n, 8);
	memcpy(out + n, body, body_len);
	return n + body_len;
}

/* ---- the bus's answer to a Set's GetConnectionUnixUser ---- */

static void
answer(struct bus *b, struct ctx *cx, struct run *run)
{
	struct bus_pending p;
	struct dw_writer w;
	struct dw_msg m;
	struct dw_hdr h = {
		.type = DW_MSG_METHOD_RETURN,
		.serial = 7,
		.destination = SENDER,
		.sender = BUS_DRIVER,
		.signature = "u",
	};
	const uint8_t *data;
	size_t len;

	if (b->n_pending == 0)
		return;
	if (b->n_pending != 1 || strcmp(b->pending[0].peer, BUS_DRIVER) != 0 ||
	    strcmp(run->call->hdr.member, "Set") != 0)
		abort();
	p = b->pending[0];
	b->n_pending = 0;
	run->asked = p.serial;
	/* Nobody can be asked about: a Set without a sender is refused. */
	if (run->call->hdr.sender == NULL)
		abort();
	if (run->answer == ANS_LOST) {
		p.fn(cx, NULL, p.arg);
		return;
	}
	h.reply_serial = p.serial;
	if (run->answer == ANS_ERROR) {
		h.type = DW_MSG_ERROR;
		h.error_name = ERR_PREFIX "NameHasNoOwner";
		h.signature = "s";
	} else if (run->answer == ANS_BAD_SIG)
		h.signature = "s";
	dw_writer_init(&w, 0);
	if (dw_msg_begin(&w, &h) != 0)
		abort();
	if (h.signature[0] == 's')
		dw_write_string(&w, "no");
	else
		dw_write_uint32(&w, run->answer == ANS_USER ? 1000 :
		    run->answer == ANS_NOBODY ? 65534 : 0);
	if (dw_msg_finish(&w, &data, &len) != 0 ||
	    dw_msg_parse(&m, data, len) != 0)
		abort();
	p.fn(cx, &m, p.arg);
	dw_writer_fini(&w);
}

/* ---- checks ---- */

static bool
same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool
has_sig(const struct dw_msg *m, const char *sig)
{
	return strcmp(m->hdr.signature, sig) == 0;
}

static void
check_json(const char *text)
{
	struct json_doc doc;

	if (json_parse(text, strlen(text), &doc, NULL) != 0)
		abort();
	if (!json_is(json_root(&doc), JSON_OBJECT))
		abort();
	json_fini(&doc);
}

static size_t
count_desired(void)
{
	size_t i, n = 0;

	for (i = 0; i < recon.n; i++)
		n += recon.v[i].desired;
	return n;
}

/* What a successful reply must hold, by the method that sent it. */
static void
check_return(const struct dw_msg *r, struct run *run)
{
	const struct dw_hdr *call = &run->call->hdr;
	struct dw_reader br = r->body;
	const char *member = call->member, *s, *sig, *child;
	size_t n = 0;

	if (strcmp(member, "Introspect") == 0) {
		if (!has_sig(r, "s"))
			abort();
		s = dw_read_string(&br);
		child = strcmp(call->path, "/") == 0 ? "\"org\"" :
		    strcmp(call->path, "/org") == 0 ? "\"nvmexpress\"" :
		    "\"stac\"";
		if (strcmp(call->path, STAC_OBJ_PATH) == 0 ?
		    strcmp(s, stac_introspection_xml) != 0 :
		    strstr(s, child) == NULL)
			abort();
	} else if (strcmp(member, "process_info") == 0 ||
	    strcmp(member, "controller_info") == 0) {
		if (!has_sig(r, "s"))
			abort();
		check_json(dw_read_string(&br));
	} else if (strcmp(member, "list_controllers") == 0) {
		if (!has_sig(r, "aa{ss}"))
			abort();
		dw_enter_array(&br, NULL);
		for (; dw_peek_type(&br) != 0; n++)
			dw_skip(&br);
		dw_leave(&br);
		if (br.err != 0 || n != count_desired())
			abort();
	} else if (strcmp(member, "Get") == 0) {
		if (!has_sig(r, "v"))
			abort();
		sig = dw_peek_variant(&br);
		dw_enter_variant(&br, sig);
		if (strcmp(sig, "b") == 0 ?
		    dw_read_bool(&br) != run->tron :
		    strcmp(dw_read_string(&br), run->tron ? "DEBUG" : "INFO"))
			abort();
	} else if (strcmp(member, "Set") == 0) {
		if (!has_sig(r, ""))
			abort();
		run->set_returned = true;
	} else if (strcmp(member, "Ping") == 0 && !has_sig(r, ""))
		abort();
}

static void
check_ask(const struct dw_msg *q, struct run *run)
{
	struct dw_reader br = q->body;
	const char *who = run->call->hdr.sender;

	if (q->hdr.serial != run->asked || run->asks++ ||
	    !same(q->hdr.destination, BUS_DRIVER) ||
	    !same(q->hdr.member, "GetConnectionUnixUser") || !has_sig(q, "s") ||
	    strcmp(dw_read_string(&br), who ? who : "") != 0)
		abort();
}

static void
check_message(const struct dw_msg *q, struct run *run, struct ctx *cx)
{
	const struct dw_hdr *call = &run->call->hdr;
	struct dw_reader br = q->body;

	switch (q->hdr.type) {
	case DW_MSG_METHOD_RETURN:
	case DW_MSG_ERROR:
		run->replies++;
		if (q->hdr.reply_serial != call->serial ||
		    !same(q->hdr.destination, call->sender))
			abort();
		if (q->hdr.type == DW_MSG_METHOD_RETURN)
			check_return(q, run);
		else if (strncmp(q->hdr.error_name, ERR_PREFIX,
		    strlen(ERR_PREFIX)) != 0 || !has_sig(q, "s") ||
		    *dw_read_string(&br) == '\0')
			abort();
		break;
	case DW_MSG_METHOD_CALL:
		check_ask(q, run);
		break;
	case DW_MSG_SIGNAL:
		if (cx->tron_calls == 0 || !same(q->hdr.path, STAC_OBJ_PATH) ||
		    !same(q->hdr.member, "PropertiesChanged"))
			abort();
		run->signals++;
		break;
	default:
		abort();
	}
}

/* Every queued message frames and parses; nothing secret is in them. */
static void
check_out(const struct bus *b, struct run *run, struct ctx *cx)
{
	struct dw_msg q;
	uint32_t last = 0;
	size_t off = 0, total, i;

	while (off < b->out_len) {
		if (b->out_len - off < DW_FIXED_HEADER_SIZE ||
		    dw_frame_size(b->out + off, 0, &total) != 0 ||
		    total > b->out_len - off ||
		    dw_msg_parse(&q, b->out + off, total) != 0 ||
		    q.hdr.serial <= last)
			abort();
		last = q.hdr.serial;
		check_message(&q, run, cx);
		off += total;
	}
	/* Nothing queued: b->out may still be NULL. */
	for (i = 0; b->out_len && i < sizeof(secrets) / sizeof(secrets[0]);
	    i++)
		if (memmem(b->out, b->out_len, secrets[i],
		    strlen(secrets[i])) != NULL &&
		    memmem(run->msg, run->msg_len, secrets[i],
		    strlen(secrets[i])) == NULL)
			abort();
}

/* The tron value a Set call carries, or -1 when it is no Set of tron. */
static int
set_value(const struct dw_msg *m)
{
	struct dw_reader r = m->body;
	const char *name;

	if (strcmp(m->hdr.member, "Set") != 0 || !has_sig(m, "ssv") ||
	    strcmp(m->hdr.path, STAC_OBJ_PATH) != 0)
		return -1;
	(void)dw_read_string(&r);
	name = dw_read_string(&r);
	if (strcmp(name, "tron") != 0 || strcmp(dw_peek_variant(&r), "b"))
		return -1;
	dw_enter_variant(&r, "b");
	return dw_read_bool(&r);
}

static void
check_outcome(const struct run *run, const struct ctx *cx)
{
	const struct dw_hdr *h = &run->call->hdr;
	bool want = !(h->flags & DW_FLAG_NO_REPLY_EXPECTED);
	bool root = run->answer == ANS_ROOT || run->answer == ANS_ROOT2 ||
	    run->answer == ANS_ROOT3;
	int v = set_value(run->call);

	/* A Set is answered once the bus said who asked, if it does. */
	if (run->asked && run->answer == ANS_LOST)
		want = false;
	if (run->replies != (want ? 1 : 0))
		abort();
	if (cx->tron_calls > 1 || run->signals != cx->tron_calls)
		abort();
	if (cx->tron_calls &&
	    (!run->asked || !root || v < 0 || cx->tron_value != v))
		abort();
	if (want && run->set_returned != (cx->tron_calls == 1))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	const struct call *c;
	const uint8_t *nul;
	struct stac_view v;
	struct run run;
	struct ctx cx;
	struct dw_msg m;
	struct bus b;
	uint8_t *msg;
	size_t sig_len, len;

	if (!ready) {
		setup();
		ready = true;
	}
	if (size < 2 || (nul = memchr(data + 2, '\0', size - 2)) == NULL)
		return 0;
	if ((sig_len = (size_t)(nul - data - 2)) > DW_SIGNATURE_MAX)
		return 0;
	if ((msg = malloc(HDR_MAX + size)) == NULL)
		return 0;
	c = &calls[(data[0] & 0x3f) % (sizeof(calls) / sizeof(calls[0]))];
	len = marshal(msg, c, !(data[0] & 0x40), !(data[0] & 0x80), data[1],
	    (const char *)data + 2, nul + 1, size - sig_len - 3);
	if (dw_msg_parse(&m, msg, len) != 0) {
		free(msg);
		return 0;
	}
	memset(&run, 0, sizeof(run));
	run.call = &m;
	run.msg = msg;
	run.msg_len = len;
	run.tron = (data[1] & 0x40) != 0;
	run.answer = (enum answer)((data[1] >> 3) & 7);
	memset(&v, 0, sizeof(v));
	v.recon = &recon;
	v.conf = &conf;
	v.host = &host;
	v.root = "/nonexistent-fuzz-root";
	v.lkc_path = "/nonexistent-fuzz-root/run/stacd/last-known-config.ini";
	v.supported = (1u << OPT_COUNT) - 1;
	v.tron = run.tron;
	v.soak_timer = "1.5s [off]";
	v.now = 1000000;
	v.set_tron = set_tron;
	if (bus_init(&b) != 0 || (b.fd = open("/dev/null", O_WRONLY)) < 0)
		abort();
	b.state = BUS_UP;
	strcpy(b.unique_name, ":1.7");
	memset(&cx, 0, sizeof(cx));
	cx.b = &b;
	stac_handle_call(&b, &m, &v);
	answer(&b, &cx, &run);
	check_out(&b, &run, &cx);
	check_outcome(&run, &cx);
	b.out_len = 0;
	bus_fini(&b);
	free(msg);
	return 0;
}

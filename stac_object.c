/*
 * stac_object.c - the org.nvmexpress.stac D-Bus object.
 *
 * Method names, signatures and reply keys are nvme-stas 3.0's so that
 * stacctl and other clients work unchanged.  Values of aa{ss} replies are
 * all strings, booleans spelled the Python way ("True"); JSON replies use
 * Python's json.dumps layout.  DH-HMAC-CHAP secrets never leave.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "log.h"
#include "nvmf.h"
#include "stac_object.h"
#include "util.h"

#define ERR_PREFIX	"org.freedesktop.DBus.Error."
#define REDACTED	"<redacted>"
#define KV_MAX		48
#define KV_VAL_MAX	1024
#define ATTR_VAL_MAX	256	/* a sysfs attribute shown in a reply */

/* Interface, member and argument names are nvme-stas 3.0's contract. */
const char stac_introspection_xml[] =
"<!DOCTYPE node PUBLIC \"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\"\n"
" \"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd\">\n"
"<node>\n"
"  <interface name=\"org.freedesktop.DBus.Introspectable\">\n"
"    <method name=\"Introspect\">\n"
"      <arg direction=\"out\" type=\"s\" name=\"xml_data\"/>\n"
"    </method>\n"
"  </interface>\n"
"  <interface name=\"org.freedesktop.DBus.Peer\">\n"
"    <method name=\"Ping\"/>\n"
"    <method name=\"GetMachineId\">\n"
"      <arg direction=\"out\" type=\"s\" name=\"machine_uuid\"/>\n"
"    </method>\n"
"  </interface>\n"
"  <interface name=\"org.freedesktop.DBus.Properties\">\n"
"    <method name=\"Get\">\n"
"      <arg direction=\"in\" type=\"s\" name=\"interface_name\"/>\n"
"      <arg direction=\"in\" type=\"s\" name=\"property_name\"/>\n"
"      <arg direction=\"out\" type=\"v\" name=\"value\"/>\n"
"    </method>\n"
"    <method name=\"GetAll\">\n"
"      <arg direction=\"in\" type=\"s\" name=\"interface_name\"/>\n"
"      <arg direction=\"out\" type=\"a{sv}\" name=\"properties\"/>\n"
"    </method>\n"
"    <method name=\"Set\">\n"
"      <arg direction=\"in\" type=\"s\" name=\"interface_name\"/>\n"
"      <arg direction=\"in\" type=\"s\" name=\"property_name\"/>\n"
"      <arg direction=\"in\" type=\"v\" name=\"value\"/>\n"
"    </method>\n"
"    <signal name=\"PropertiesChanged\">\n"
"      <arg type=\"s\" name=\"interface_name\"/>\n"
"      <arg type=\"a{sv}\" name=\"changed_properties\"/>\n"
"      <arg type=\"as\" name=\"invalidated_properties\"/>\n"
"    </signal>\n"
"  </interface>\n"
"  <interface name=\"org.nvmexpress.stac.debug\">\n"
"    <property name=\"tron\" type=\"b\" access=\"readwrite\"/>\n"
"    <property name=\"log_level\" type=\"s\" access=\"read\"/>\n"
"    <method name=\"process_info\">\n"
"      <arg direction=\"out\" type=\"s\" name=\"info_json\"/>\n"
"    </method>\n"
"    <method name=\"controller_info\">\n"
"      <arg direction=\"in\" type=\"s\" name=\"transport\"/>\n"
"      <arg direction=\"in\" type=\"s\" name=\"traddr\"/>\n"
"      <arg direction=\"in\" type=\"s\" name=\"trsvcid\"/>\n"
"      <arg direction=\"in\" type=\"s\" name=\"subsysnqn\"/>\n"
"      <arg direction=\"in\" type=\"s\" name=\"host_traddr\"/>\n"
"      <arg direction=\"in\" type=\"s\" name=\"host_iface\"/>\n"
"      <arg direction=\"in\" type=\"s\" name=\"host_nqn\"/>\n"
"      <arg direction=\"out\" type=\"s\" name=\"info_json\"/>\n"
"    </method>\n"
"  </interface>\n"
"  <interface name=\"org.nvmexpress.stac\">\n"
"    <method name=\"list_controllers\">\n"
"      <arg direction=\"in\" type=\"b\" name=\"detailed\"/>\n"
"      <arg direction=\"out\" type=\"aa{ss}\" name=\"controller_list\"/>\n"
"    </method>\n"
"  </interface>\n"
"</node>\n";

/* ---- replies ---- */

static bool
wants_reply(const struct dw_msg *m)
{
	return !(m->hdr.flags & DW_FLAG_NO_REPLY_EXPECTED);
}

static void
reply_error(struct bus *b, const struct dw_msg *m, const char *name,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
reply_error(struct bus *b, const struct dw_msg *m, const char *name,
    const char *fmt, ...)
{
	char text[512], full[128];
	va_list ap;

	if (!wants_reply(m))
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* Cut at a character, not in one: the writer refuses half of one. */
	dw_utf8_sanitize(text);
	snprintf(full, sizeof(full), "%s%s", ERR_PREFIX, name);
	if (dw_msg_begin_error(&b->w, bus_serial(b), &m->hdr, full, text) < 0 ||
	    bus_send(b) < 0)
		log_warnx("D-Bus: cannot send %s to %s", full, m->hdr.sender ?
		    m->hdr.sender : "?");
}

/* Send the reply being built, or Failed when it could not be built. */
static void
reply_finish(struct bus *b, const struct dw_msg *m)
{
	int r = bus_send(b);

	if (r < 0 && r != -ENOTCONN)
		reply_error(b, m, "Failed", "cannot build the reply: %s",
		    strerror(-r));
}

static void
reply_string(struct bus *b, const struct dw_msg *m, const char *s)
{
	if (!wants_reply(m))
		return;
	dw_msg_begin_return(&b->w, bus_serial(b), &m->hdr, "s");
	dw_write_string(&b->w, s);
	reply_finish(b, m);
}

static void
reply_empty(struct bus *b, const struct dw_msg *m)
{
	if (!wants_reply(m))
		return;
	dw_msg_begin_return(&b->w, bus_serial(b), &m->hdr, "");
	reply_finish(b, m);
}

/* ---- key/value lists: one controller's description ---- */

struct kv {
	const char	*key;
	size_t		 len;		/* of val */
	char		 val[KV_VAL_MAX];
};

struct kvlist {
	struct kv	 v[KV_MAX];
	size_t		 n;
};

static void
kv_add(struct kvlist *l, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
kv_add(struct kvlist *l, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (l->n == KV_MAX)
		return;
	l->v[l->n].key = key;
	va_start(ap, fmt);
	vsnprintf(l->v[l->n].val, sizeof(l->v[l->n].val), fmt, ap);
	va_end(ap);
	/*
	 * Values come from targets (sysfs model, serial) and files: bytes
	 * that are not UTF-8 must not make the whole reply fail.
	 */
	l->v[l->n].len = dw_utf8_sanitize(l->v[l->n].val);
	l->n++;
}

/* kv_add(l, key, "%s", val) without the formatting. */
static void
kv_str(struct kvlist *l, const char *key, const char *val)
{
	size_t n = strnlen(val, KV_VAL_MAX - 1);

	if (l->n == KV_MAX)
		return;
	l->v[l->n].key = key;
	memcpy(l->v[l->n].val, val, n);
	l->v[l->n].val[n] = '\0';
	l->v[l->n].len = dw_utf8_sanitize_len(l->v[l->n].val, n);
	l->n++;
}

static const char *
py_bool(bool b)
{
	return b ? "True" : "False";
}

/*
 * The decimal digits of v at p (room for 20); returns their end.  The
 * few numbers of a controller's description cost more through printf
 * than all its strings.
 */
static char *
put_uint(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

/* Milliseconds as nvme-stas prints seconds ("%.1fs"), rounded. */
static char *
put_tenths(char *p, int64_t ms)
{
	uint64_t tenths = ms > 0 ? ((uint64_t)ms + 50) / 100 : 0;

	p = put_uint(p, tenths / 10);
	*p++ = '.';
	*p++ = (char)('0' + tenths % 10);
	*p++ = 's';
	return p;
}

static void
kv_int(struct kvlist *l, const char *key, int v)
{
	char buf[24], *p = buf;

	if (v < 0)
		*p++ = '-';
	*put_uint(p, v < 0 ? -(uint64_t)v : (uint64_t)v) = '\0';
	kv_str(l, key, buf);
}

/* nvme-stas's timer text: "60.0s [off]" or "3.0s [1.2s]" (remaining). */
#define RETRY_TIMER_MAX	64
static void
retry_timer(char buf[RETRY_TIMER_MAX], const struct tracked *t, int64_t now)
{
	int interval = t->attempts == 1 ? RETRY_FAST_MS : RETRY_SLOW_MS;
	bool armed = t->desired && t->state == CS_WAITING &&
	    t->retry_at > now;
	char *p = put_tenths(buf, interval);

	memcpy(p, " [", 2);
	p += 2;
	if (armed)
		p = put_tenths(p, t->retry_at - now);
	else {
		memcpy(p, "off", 3);
		p += 3;
	}
	memcpy(p, "]", 2);
}

/* Identity, parameters (secrets redacted), host-nqn, device. */
static void
describe_id(struct kvlist *l, const struct tracked *t)
{
	const struct ctrl_rec *r = t->rec;
	int i;

	/* Straight from the record: no unpacking per controller listed. */
	kv_str(l, "traddr", rec_str(r, RS_TRADDR));
	kv_str(l, "trsvcid", rec_str(r, RS_TRSVCID));
	kv_str(l, "transport", trtype_name(rec_transport(r)));
	kv_str(l, "subsysnqn", rec_str(r, RS_SUBSYSNQN));
	kv_str(l, "host-iface", rec_str(r, RS_HOST_IFACE));
	kv_str(l, "host-traddr", rec_str(r, RS_HOST_TRADDR));
	if (rec_str(r, RS_DHCHAP_SECRET)[0])
		kv_str(l, "dhchap-secret", REDACTED);
	if (rec_str(r, RS_DHCHAP_CTRL_SECRET)[0])
		kv_str(l, "dhchap-ctrl-secret", REDACTED);
	for (i = 0; i < TUN_COUNT; i++) {
		if (!(r->tun.set & (1u << i)))
			continue;
		if (tunable_is_bool((enum tunable)i))
			kv_str(l, tunable_name((enum tunable)i),
			    py_bool(r->tun.val[i]));
		else
			kv_int(l, tunable_name((enum tunable)i),
			    r->tun.val[i]);
	}
	kv_str(l, "host-nqn", rec_str(r, RS_HOST_NQN));
	kv_str(l, "device", t->device[0] ? t->device : "nvme?");
}

/* controller_info(): the identity plus the connection management state. */
static void
describe_info(struct kvlist *l, const struct tracked *t, int64_t now)
{
	char timer[RETRY_TIMER_MAX];

	describe_id(l, t);
	kv_int(l, "connect attempts", t->attempts);
	retry_timer(timer, t, now);
	kv_str(l, "retry connect timer", timer);
	if (t->state == CS_CONNECTING)
		kv_add(l, "connect operation", "{'fail count': %d, "
		    "'completed': False, 'alive': True}",
		    t->attempts > 0 ? t->attempts - 1 : 0);
}

/* list_controllers(true): plus what sysfs says of the device. */
static void
describe_detailed(struct kvlist *l, const struct tracked *t,
    const struct stac_view *v)
{
	/* The reply's attributes, then "state" (the last). */
	static const char *const attrs[] = {
		"hostid", "hostnqn", "model", "serial", "dctype", "cntrltype",
		"state"
	};
	enum { N_ATTRS = sizeof(attrs) / sizeof(attrs[0]) };
	char buf[N_ATTRS][ATTR_VAL_MAX];
	const char *state = buf[N_ATTRS - 1];
	size_t i;

	describe_info(l, t, v->now);
	for (i = 0; i < N_ATTRS; i++)
		buf[i][0] = '\0';
	if (t->device[0])
		nvmf_read_attrs(v->root, t->device, attrs, N_ATTRS, buf[0],
		    sizeof(buf[0]));
	for (i = 0; i < N_ATTRS - 1; i++)
		kv_str(l, attrs[i], strcmp(buf[i], "(efault)") ? buf[i] : "");
	/* nvme-stas: None until a connect was tried, then False or True. */
	if (t->device[0] || t->tried)
		kv_str(l, "connected", py_bool(strcmp(state, "live") == 0));
	else
		kv_str(l, "connected", "None");
	if (t->discovered)
		kv_add(l, "dlpe", "{'trtype': '%s', 'traddr': '%s', "
		    "'trsvcid': '%s', 'subnqn': '%s', 'subtype': 'nvme', "
		    "'eflags': '%d'}", trtype_name(rec_transport(t->rec)),
		    rec_str(t->rec, RS_TRADDR), rec_str(t->rec, RS_TRSVCID),
		    rec_str(t->rec, RS_SUBSYSNQN), t->ncc ? 4 : 0);
	else
		kv_str(l, "dlpe", "None");
	kv_str(l, "dlpe.eflags.ncc", py_bool(t->ncc));
}

static void
write_kv_dict(struct dw_writer *w, const struct kvlist *l)
{
	size_t i;

	dw_open_array(w);
	for (i = 0; i < l->n; i++)
		dw_write_entry_ss(w, l->v[i].key, strlen(l->v[i].key),
		    l->v[i].val, l->v[i].len);
	dw_close(w);
}

static void
reply_json(struct bus *b, const struct dw_msg *m, struct jw *j)
{
	char *text;
	size_t len;
	int r;

	if ((r = jw_finish(j, &text, &len)) < 0) {
		reply_error(b, m, "Failed", "cannot build the reply: %s",
		    strerror(-r));
		return;
	}
	reply_string(b, m, text);
	free(text);
}

static void
kv_json(struct jw *j, const struct kvlist *l)
{
	size_t i;

	jw_begin_object(j);
	for (i = 0; i < l->n; i++) {
		jw_key(j, l->v[i].key);
		jw_string(j, l->v[i].val);
	}
	jw_end_object(j);
}

/* ---- org.nvmexpress.stac ---- */

static void
list_controllers(struct bus *b, const struct dw_msg *m,
    const struct stac_view *v)
{
	struct dw_reader r = m->body;
	bool detailed = dw_read_bool(&r);
	struct kvlist *l;
	size_t i;

	if (!wants_reply(m))
		return;
	if ((l = malloc(sizeof(*l))) == NULL) {
		reply_error(b, m, "NoMemory", "out of memory");
		return;
	}
	dw_msg_begin_return(&b->w, bus_serial(b), &m->hdr, "aa{ss}");
	dw_open_array(&b->w);
	for (i = 0; i < v->recon->n; i++) {
		const struct tracked *t = &v->recon->v[i];

		/* Controllers on their way out are no longer listed. */
		if (!t->desired)
			continue;
		l->n = 0;
		if (detailed)
			describe_detailed(l, t, v);
		else
			describe_id(l, t);
		write_kv_dict(&b->w, l);
	}
	dw_close(&b->w);
	free(l);
	reply_finish(b, m);
}

/* ---- org.nvmexpress.stac.debug ---- */

/* A string from a file as a JSON value: valid UTF-8 whatever it holds. */
static void
jw_text(struct jw *j, const char *s)
{
	char buf[4 * KV_VAL_MAX];	/* a path, at most */

	snprintf(buf, sizeof(buf), "%s", s);
	dw_utf8_sanitize(buf);
	jw_string(j, buf);
}

static void
process_info(struct bus *b, const struct dw_msg *m, const struct stac_view *v)
{
	struct jw j;

	jw_init(&j);
	jw_begin_object(&j);
	jw_key(&j, "tron");
	jw_bool(&j, v->tron);
	jw_key(&j, "log-level");
	jw_string(&j, v->tron ? "DEBUG" : "INFO");
	jw_key(&j, "hostnqn");
	jw_string(&j, v->host->nqn);
	jw_key(&j, "hostid");
	jw_string(&j, v->host->id);
	jw_key(&j, "hostkey");
	if (v->host->key[0])
		jw_string(&j, REDACTED);
	else
		jw_null(&j);
	jw_key(&j, "symname");
	if (v->host->symname[0])
		jw_text(&j, v->host->symname);
	else
		jw_null(&j);
	jw_key(&j, "last known config file");
	jw_text(&j, v->lkc_path);
	jw_key(&j, "config soak timer");
	jw_string(&j, v->soak_timer);
	jw_key(&j, "kernel support.TP8013");
	jw_string(&j, py_bool(v->supported & (1u << OPT_DISCOVERY)));
	jw_key(&j, "kernel support.host_iface");
	jw_string(&j, py_bool(v->supported & (1u << OPT_HOST_IFACE)));
	jw_end_object(&j);
	reply_json(b, m, &j);
}

/* The identity a caller names, normalised as configured entries are. */
static bool
id_from_args(struct dw_reader *r, const struct stac_view *v,
    struct ctrl_id *id)
{
	const char *f[7];
	int i;

	for (i = 0; i < 7; i++)
		f[i] = dw_read_string(r);
	memset(id, 0, sizeof(*id));
	id->transport = trtype_from_name(f[0]);
	if (id->transport == TRTYPE_NONE ||
	    strlen(f[1]) > TRADDR_MAX || strlen(f[2]) > TRSVCID_MAX ||
	    strlen(f[3]) > NQN_MAX || strlen(f[4]) > TRADDR_MAX ||
	    strlen(f[5]) > HOST_IFACE_MAX || strlen(f[6]) > NQN_MAX)
		return false;
	strcpy(id->traddr, f[1]);
	strcpy(id->subsysnqn, f[3]);
	strcpy(id->host_traddr, f[4]);
	if (!v->conf->ignore_iface)
		strcpy(id->host_iface, f[5]);
	if (id->transport == TRTYPE_TCP || id->transport == TRTYPE_RDMA)
		strcpy(id->trsvcid, f[2][0] ? f[2] : "4420");
	strcpy(id->host_nqn, f[6][0] ? f[6] : v->host->nqn);
	return true;
}

static void
controller_info(struct bus *b, const struct dw_msg *m,
    const struct stac_view *v)
{
	struct dw_reader r = m->body;
	const struct tracked *t = NULL;
	struct kvlist *l;
	struct ctrl_id id;
	struct jw j;

	if (!wants_reply(m))
		return;
	if (id_from_args(&r, v, &id))
		t = recon_find(v->recon, &id);
	if (t == NULL || !t->desired) {
		reply_string(b, m, "{}");
		return;
	}
	if ((l = malloc(sizeof(*l))) == NULL) {
		reply_error(b, m, "NoMemory", "out of memory");
		return;
	}
	l->n = 0;
	describe_info(l, t, v->now);
	jw_init(&j);
	kv_json(&j, l);
	free(l);
	reply_json(b, m, &j);
}

/* ---- org.freedesktop.DBus.Properties ---- */

static void
write_property(struct dw_writer *w, const char *name, bool tron)
{
	if (strcmp(name, "tron") == 0) {
		dw_open_variant(w, "b");
		dw_write_bool(w, tron);
	} else {
		dw_open_variant(w, "s");
		dw_write_string(w, tron ? "DEBUG" : "INFO");
	}
	dw_close(w);
}

static bool
is_property(const char *name)
{
	return strcmp(name, "tron") == 0 || strcmp(name, "log_level") == 0;
}

/* "" means any interface (the spec allows it). */
static bool
is_debug_iface(const char *iface)
{
	return *iface == '\0' || strcmp(iface, STAC_DEBUG_IFACE) == 0;
}

static bool
is_our_iface(const char *iface)
{
	return is_debug_iface(iface) || strcmp(iface, STAC_IFACE) == 0 ||
	    strcmp(iface, "org.freedesktop.DBus.Properties") == 0 ||
	    strcmp(iface, "org.freedesktop.DBus.Introspectable") == 0 ||
	    strcmp(iface, "org.freedesktop.DBus.Peer") == 0;
}

/* Answers UnknownInterface or UnknownProperty unless iface has name. */
static bool
property_known(struct bus *b, const struct dw_msg *m, const char *iface,
    const char *name)
{
	if (!is_our_iface(iface)) {
		reply_error(b, m, "UnknownInterface", "No such interface '%s'",
		    iface);
		return false;
	}
	if (!is_debug_iface(iface) || !is_property(name)) {
		reply_error(b, m, "UnknownProperty", "No such property '%s'",
		    name);
		return false;
	}
	return true;
}

static void
properties_get(struct bus *b, const struct dw_msg *m,
    const struct stac_view *v)
{
	struct dw_reader r = m->body;
	const char *iface = dw_read_string(&r);
	const char *name = dw_read_string(&r);

	if (!property_known(b, m, iface, name) || !wants_reply(m))
		return;
	dw_msg_begin_return(&b->w, bus_serial(b), &m->hdr, "v");
	write_property(&b->w, name, v->tron);
	reply_finish(b, m);
}

static void
properties_get_all(struct bus *b, const struct dw_msg *m,
    const struct stac_view *v)
{
	static const char *const names[] = { "tron", "log_level" };
	struct dw_reader r = m->body;
	const char *iface = dw_read_string(&r);
	size_t i;

	if (!is_our_iface(iface)) {
		reply_error(b, m, "UnknownInterface", "No such interface '%s'",
		    iface);
		return;
	}
	if (!wants_reply(m))
		return;
	dw_msg_begin_return(&b->w, bus_serial(b), &m->hdr, "a{sv}");
	dw_open_array(&b->w);
	for (i = 0; is_debug_iface(iface) && i < 2; i++) {
		dw_open_dict_entry(&b->w);
		dw_write_string(&b->w, names[i]);
		write_property(&b->w, names[i], v->tron);
		dw_close(&b->w);
	}
	dw_close(&b->w);
	reply_finish(b, m);
}

void
stac_tron_changed(struct bus *b, bool tron)
{
	static const char *const names[] = { "tron", "log_level" };
	size_t i;

	if (b->state != BUS_UP)
		return;
	dw_msg_begin_signal(&b->w, bus_serial(b), STAC_OBJ_PATH,
	    "org.freedesktop.DBus.Properties", "PropertiesChanged", "sa{sv}as");
	dw_write_string(&b->w, STAC_DEBUG_IFACE);
	dw_open_array(&b->w);
	for (i = 0; i < 2; i++) {
		dw_open_dict_entry(&b->w);
		dw_write_string(&b->w, names[i]);
		write_property(&b->w, names[i], tron);
		dw_close(&b->w);
	}
	dw_close(&b->w);
	dw_open_array(&b->w);
	dw_close(&b->w);
	if (bus_send(b) < 0)
		log_warnx("D-Bus: cannot send PropertiesChanged");
}

/*
 * A Set waiting for the bus to tell who asked: the policy file already
 * keeps non-root callers out, but it cannot see which property a
 * Properties.Set names, so stacd checks the uid itself.
 */
struct pending_set {
	uint32_t	 serial;	/* of the Set call */
	uint8_t		 flags;
	char		 sender[DW_NAME_MAX + 1];
	bool		 value;
	void		(*set_tron)(void *ctx, bool on);
	struct bus	*bus;
};

static void
reply_to_pending(struct pending_set *p, const char *error, const char *text)
{
	struct dw_hdr call = {
		.type = DW_MSG_METHOD_CALL,
		.flags = p->flags,
		.serial = p->serial,
		.sender = p->sender,
	};
	struct dw_msg m;

	memset(&m, 0, sizeof(m));
	m.hdr = call;
	if (error)
		reply_error(p->bus, &m, error, "%s", text);
	else
		reply_empty(p->bus, &m);
}

static void
set_caller_known(void *ctx, const struct dw_msg *reply, void *arg)
{
	struct pending_set *p = arg;
	struct dw_reader r;
	uint32_t uid;

	if (reply == NULL) {
		/* The connection is gone: nobody to answer. */
		free(p);
		return;
	}
	if (reply->hdr.type != DW_MSG_METHOD_RETURN ||
	    strcmp(reply->hdr.signature, "u") != 0) {
		reply_to_pending(p, "AccessDenied", "cannot identify the caller");
		free(p);
		return;
	}
	r = reply->body;
	uid = dw_read_uint32(&r);
	if (uid != 0) {
		log_info("D-Bus: %s (uid %u) may not set tron", p->sender, uid);
		reply_to_pending(p, "AccessDenied", "only root may set tron");
	} else {
		p->set_tron(ctx, p->value);
		reply_to_pending(p, NULL, NULL);
	}
	free(p);
}

static void
properties_set(struct bus *b, const struct dw_msg *m,
    const struct stac_view *v)
{
	struct dw_reader r = m->body;
	const char *iface = dw_read_string(&r);
	const char *name = dw_read_string(&r);
	struct pending_set *p;
	const char *sig = dw_peek_variant(&r);

	if (!property_known(b, m, iface, name))
		return;
	if (strcmp(name, "tron") != 0) {
		reply_error(b, m, "PropertyReadOnly", "Property '%s' is "
		    "read-only", name);
		return;
	}
	if (strcmp(sig, "b") != 0) {
		reply_error(b, m, "InvalidArgs", "tron takes a boolean, not "
		    "'%s'", sig);
		return;
	}
	/* Only the bus can tell who a caller is; without a sender, nobody. */
	if (m->hdr.sender == NULL) {
		reply_error(b, m, "AccessDenied", "the caller cannot be "
		    "identified");
		return;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		reply_error(b, m, "NoMemory", "out of memory");
		return;
	}
	dw_enter_variant(&r, "b");
	p->value = dw_read_bool(&r);
	p->serial = m->hdr.serial;
	p->flags = m->hdr.flags;
	snprintf(p->sender, sizeof(p->sender), "%s", m->hdr.sender);
	p->set_tron = v->set_tron;
	p->bus = b;
	dw_msg_begin_call(&b->w, bus_serial(b), "org.freedesktop.DBus",
	    "/org/freedesktop/DBus", "org.freedesktop.DBus",
	    "GetConnectionUnixUser", "s");
	dw_write_string(&b->w, p->sender);
	if (bus_call(b, BUS_DRIVER, set_caller_known, p, v->now) < 0) {
		reply_error(b, m, "Failed", "cannot identify the caller");
		free(p);
	}
}

/* ---- org.freedesktop.DBus.Introspectable and Peer ---- */

static void
introspect(struct bus *b, const struct dw_msg *m)
{
	static const char head[] = "<!DOCTYPE node PUBLIC "
	    "\"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\"\n"
	    " \"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd\">\n";
	const char *path = m->hdr.path;
	char xml[1024];

	if (strcmp(path, STAC_OBJ_PATH) == 0) {
		reply_string(b, m, stac_introspection_xml);
		return;
	}
	/* Ancestors list their child, so tree walkers find the object. */
	snprintf(xml, sizeof(xml), "%s<node>\n  <node name=\"%s\"/>\n</node>\n",
	    head, strcmp(path, "/") == 0 ? "org" :
	    strcmp(path, "/org") == 0 ? "nvmexpress" : "stac");
	reply_string(b, m, xml);
}

static void
machine_id(struct bus *b, const struct dw_msg *m, const struct stac_view *v)
{
	static const char *const files[] = {
		"/etc/machine-id", "/var/lib/dbus/machine-id"
	};
	char path[PATH_BUF], id[64];
	size_t i;
	ssize_t n;
	int fd;

	for (i = 0; i < 2; i++) {
		if (path_under(path, sizeof(path), v->root, "%s", files[i]) < 0 ||
		    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		n = read(fd, id, sizeof(id) - 1);
		close(fd);
		if (n >= 32) {
			id[32] = '\0';
			if (strspn(id, "0123456789abcdef") == 32) {
				reply_string(b, m, id);
				return;
			}
		}
	}
	reply_error(b, m, "Failed", "no machine ID");
}

/* ---- dispatch ---- */

static bool
is_ancestor(const char *path)
{
	return strcmp(path, "/") == 0 || strcmp(path, "/org") == 0 ||
	    strcmp(path, "/org/nvmexpress") == 0;
}

struct method {
	const char	*iface;
	const char	*member;
	const char	*sig;
	void		(*fn)(struct bus *, const struct dw_msg *,
			    const struct stac_view *);
};

static void
do_introspect(struct bus *b, const struct dw_msg *m, const struct stac_view *v)
{
	(void)v;
	introspect(b, m);
}

static void
do_ping(struct bus *b, const struct dw_msg *m, const struct stac_view *v)
{
	(void)v;
	reply_empty(b, m);
}

static const struct method methods[] = {
	{ STAC_IFACE, "list_controllers", "b", list_controllers },
	{ STAC_DEBUG_IFACE, "process_info", "", process_info },
	{ STAC_DEBUG_IFACE, "controller_info", "sssssss", controller_info },
	{ "org.freedesktop.DBus.Properties", "Get", "ss", properties_get },
	{ "org.freedesktop.DBus.Properties", "GetAll", "s", properties_get_all },
	{ "org.freedesktop.DBus.Properties", "Set", "ssv", properties_set },
	{ "org.freedesktop.DBus.Introspectable", "Introspect", "", do_introspect },
	{ "org.freedesktop.DBus.Peer", "Ping", "", do_ping },
	{ "org.freedesktop.DBus.Peer", "GetMachineId", "", machine_id },
};

void
stac_handle_call(struct bus *b, const struct dw_msg *m,
    const struct stac_view *v)
{
	const char *iface = m->hdr.interface, *member = m->hdr.member;
	const char *path = m->hdr.path;
	bool ours = strcmp(path, STAC_OBJ_PATH) == 0, iface_known = false;
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		const struct method *x = &methods[i];
		bool peer = strcmp(x->iface, "org.freedesktop.DBus.Peer") == 0;
		bool intro = strcmp(x->member, "Introspect") == 0;

		/* Peer answers on any path; ancestors only introspect. */
		if (!ours && !peer && !(intro && is_ancestor(path)))
			continue;
		if (iface && strcmp(iface, x->iface) != 0)
			continue;
		iface_known = true;
		if (strcmp(member, x->member) != 0)
			continue;
		if (strcmp(m->hdr.signature, x->sig) != 0) {
			reply_error(b, m, "InvalidArgs", "%s takes (%s), not "
			    "(%s)", member, x->sig, m->hdr.signature);
			return;
		}
		x->fn(b, m, v);
		return;
	}
	if (!ours && !is_ancestor(path))
		reply_error(b, m, "UnknownObject", "No such object '%s'", path);
	else if (iface && !iface_known)
		reply_error(b, m, "UnknownInterface", "No such interface '%s'",
		    iface);
	else
		reply_error(b, m, "UnknownMethod", "No such method '%s'",
		    member);
}

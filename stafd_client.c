/*
 * stafd_client.c - discovered controllers from stafd.
 *
 * When stafd is absent, leaves, or answers with an error, the controllers
 * it listed before are kept: only an answer that no longer lists one
 * removes it (nvme-stas 3.0 disconnected everything here).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discovery.h"
#include "log.h"
#include "stafd_client.h"

#define STAF_OBJ_PATH	"/org/nvmexpress/staf"
#define STAF_IFACE	"org.nvmexpress.staf"
#define DBUS_NAME	"org.freedesktop.DBus"

void
staf_init(struct staf_client *c, const struct conf *conf,
    const struct host_conf *host)
{
	memset(c, 0, sizeof(*c));
	c->conf = conf;
	c->host = host;
	c->soak_ms = STAF_SOAK_MS;
}

void
staf_fini(struct staf_client *c)
{
	free(c->disc);
	c->disc = NULL;
	c->n_disc = 0;
}

static void
soak(struct staf_client *c, int ms, int64_t now)
{
	c->due = now + ms;
}

static void
appeared(struct staf_client *c, int64_t now)
{
	if (c->present)
		return;
	c->present = true;
	log_info("stafd is on the bus; asking for discovery log pages in "
	    "%.1f s", c->soak_ms / 1000.0);
	soak(c, c->soak_ms, now);
	c->soak_ms = STAF_SOAK_MS;
}

static void
vanished(struct staf_client *c)
{
	if (!c->present)
		return;
	c->present = false;
	c->due = 0;
	/* When it comes back, give it time to repopulate its cache. */
	c->soak_ms = STAF_BACK_SOAK_MS;
	log_info("stafd left the bus; keeping the %zu discovered controllers",
	    c->n_disc);
}

static void
log_pages_reply(void *ctx, const struct dw_msg *m, void *arg)
{
	struct staf_client *c = arg;
	struct want *v;
	struct dw_reader r;
	const char *json;
	size_t n;
	int err;

	(void)ctx;
	c->call_pending = false;
	if (m == NULL || m->hdr.type != DW_MSG_METHOD_RETURN ||
	    strcmp(m->hdr.signature, "s") != 0) {
		log_warnx("stafd: get_all_log_pages failed%s%s; keeping the "
		    "discovered controllers", m && m->hdr.error_name ? ": " :
		    " (no answer)", m && m->hdr.error_name ?
		    m->hdr.error_name : "");
		return;
	}
	r = m->body;
	json = dw_read_string(&r);
	if ((err = want_from_log_pages(json, strlen(json), c->conf, c->host,
	    &v, &n)) < 0) {
		log_warnx("stafd: unusable log pages (%s); keeping the "
		    "discovered controllers", strerror(-err));
		return;
	}
	log_debug("stafd: %zu I/O controllers in the log pages", n);
	free(c->disc);
	c->disc = v;
	c->n_disc = n;
	c->answered = true;
	c->changed = true;
}

static void
name_owner_reply(void *ctx, const struct dw_msg *m, void *arg)
{
	(void)ctx;
	if (m && m->hdr.type == DW_MSG_METHOD_RETURN)
		appeared(arg, monotime_ms());
}

static void
add_match(struct bus *b, const char *rule)
{
	dw_msg_begin_call(&b->w, bus_serial(b), DBUS_NAME,
	    "/org/freedesktop/DBus", DBUS_NAME, "AddMatch", "s");
	dw_write_string(&b->w, rule);
	if (bus_send(b) < 0)
		log_warnx("D-Bus: cannot subscribe to %s", rule);
}

void
staf_watch(struct staf_client *c, struct bus *b, int64_t now)
{
	c->call_pending = false;
	add_match(b, "type='signal',sender='" DBUS_NAME "',interface='"
	    DBUS_NAME "',member='NameOwnerChanged',arg0='" STAF_BUS_NAME "'");
	add_match(b, "type='signal',sender='" STAF_BUS_NAME "',interface='"
	    STAF_IFACE "',member='log_pages_changed'");
	add_match(b, "type='signal',sender='" STAF_BUS_NAME "',interface='"
	    STAF_IFACE "',member='dc_removed'");
	dw_msg_begin_call(&b->w, bus_serial(b), DBUS_NAME,
	    "/org/freedesktop/DBus", DBUS_NAME, "GetNameOwner", "s");
	dw_write_string(&b->w, STAF_BUS_NAME);
	if (bus_call(b, name_owner_reply, c, now) < 0)
		log_warnx("D-Bus: cannot look for %s", STAF_BUS_NAME);
}

bool
staf_signal(struct staf_client *c, const struct dw_msg *m, int64_t now)
{
	const struct dw_hdr *h = &m->hdr;
	struct dw_reader r = m->body;
	const char *name, *new_owner;

	if (h->interface == NULL)
		return false;
	if (strcmp(h->interface, DBUS_NAME) == 0 &&
	    strcmp(h->member, "NameOwnerChanged") == 0 &&
	    strcmp(h->signature, "sss") == 0) {
		name = dw_read_string(&r);
		(void)dw_read_string(&r);	/* the old owner */
		new_owner = dw_read_string(&r);
		if (strcmp(name, STAF_BUS_NAME) != 0)
			return false;
		if (*new_owner)
			appeared(c, now);
		else
			vanished(c);
		return true;
	}
	if (strcmp(h->interface, STAF_IFACE) == 0 &&
	    (strcmp(h->member, "log_pages_changed") == 0 ||
	    strcmp(h->member, "dc_removed") == 0)) {
		log_debug("stafd: %s", h->member);
		soak(c, STAF_SOAK_MS, now);
		return true;
	}
	return false;
}

void
staf_poke(struct staf_client *c, int64_t now)
{
	if (c->present)
		soak(c, STAF_SOAK_MS, now);
}

static void
ask(struct staf_client *c, struct bus *b, int64_t now)
{
	c->due = 0;
	if (b->state != BUS_UP || !c->present)
		return;
	if (c->call_pending) {
		/* Ask again once the answer in flight is in. */
		soak(c, STAF_SOAK_MS, now);
		return;
	}
	/* Asynchronous: the loop keeps serving while stafd thinks. */
	dw_msg_begin_call(&b->w, bus_serial(b), STAF_BUS_NAME, STAF_OBJ_PATH,
	    STAF_IFACE, "get_all_log_pages", "b");
	dw_write_bool(&b->w, 1);
	if (bus_call(b, log_pages_reply, c, now) == 0)
		c->call_pending = true;
}

void
staf_run(struct staf_client *c, struct bus *b, int64_t now)
{
	if (c->due && c->due <= now)
		ask(c, b, now);
}

void
staf_timer_str(const struct staf_client *c, int64_t now, char *buf,
    size_t size)
{
	if (c->due > now)
		snprintf(buf, size, "%.1fs [%.1fs]", c->soak_ms / 1000.0,
		    (double)(c->due - now) / 1000.0);
	else
		snprintf(buf, size, "%.1fs [off]", c->soak_ms / 1000.0);
}

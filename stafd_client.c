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
	want_free(c->disc, c->n_disc);
	c->disc = NULL;
	c->n_disc = 0;
}

/*
 * Debounce: ask ms after the latest signal, but never later than
 * STAF_SOAK_MAX_MS (or ms, if longer) after the first of the burst.
 */
static void
soak(struct staf_client *c, int ms, int64_t now)
{
	int64_t latest;

	if (c->due == 0)
		c->burst_start = now;
	latest = c->burst_start + (ms > STAF_SOAK_MAX_MS ? ms :
	    STAF_SOAK_MAX_MS);
	c->due = now + ms < latest ? now + ms : latest;
}

bool
staf_present(const struct staf_client *c)
{
	return c->owner[0] != '\0';
}

static void
appeared(struct staf_client *c, const char *owner, int64_t now)
{
	if (strcmp(c->owner, owner) == 0)
		return;
	snprintf(c->owner, sizeof(c->owner), "%s", owner);
	log_info("stafd is on the bus (%s); asking for discovery log pages "
	    "in %.1f s", c->owner, c->soak_ms / 1000.0);
	c->due = 0;
	soak(c, c->soak_ms, now);
	c->soak_ms = STAF_SOAK_MS;
}

static void
vanished(struct staf_client *c)
{
	if (!staf_present(c))
		return;
	c->owner[0] = '\0';
	c->due = 0;
	/* When it comes back, give it time to repopulate its cache. */
	c->soak_ms = STAF_BACK_SOAK_MS;
	log_info("stafd left the bus; keeping the %zu discovered controllers",
	    c->n_disc);
}

void
staf_bus_lost(struct staf_client *c)
{
	c->call_pending = false;
	vanished(c);
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
		    "discovered controllers, asking again in %d s",
		    m && m->hdr.error_name ? ": " : " (no answer)",
		    m && m->hdr.error_name ? m->hdr.error_name : "",
		    STAF_RETRY_MS / 1000);
		/* Lost with the bus: staf_bus_lost() follows and clears it. */
		if (staf_present(c) && c->due == 0)
			soak(c, STAF_RETRY_MS, monotime_ms());
		return;
	}
	r = m->body;
	json = dw_read_string(&r);
	if ((err = discovery_parse(json, strlen(json), c->conf, c->host,
	    c->disc, c->n_disc, &v, &n)) < 0) {
		log_warnx("stafd: unusable log pages (%s); keeping the "
		    "discovered controllers", strerror(-err));
		return;
	}
	log_debug("stafd: %zu I/O controllers in the log pages", n);
	want_free(c->disc, c->n_disc);
	c->disc = v;
	c->n_disc = n;
	c->answered = true;
	c->changed = true;
}

static void
name_owner_reply(void *ctx, const struct dw_msg *m, void *arg)
{
	struct dw_reader r;
	const char *owner;

	(void)ctx;
	/* Whether stafd is there is known now: a pass decides who discovers. */
	if (m) {
		((struct staf_client *)arg)->looked = true;
		((struct staf_client *)arg)->changed = true;
	}
	if (m == NULL || m->hdr.type != DW_MSG_METHOD_RETURN ||
	    strcmp(m->hdr.signature, "s") != 0)
		return;		/* NameHasNoOwner: NameOwnerChanged will tell */
	r = m->body;
	owner = dw_read_string(&r);
	if (*owner == ':')
		appeared(arg, owner, monotime_ms());
}

static void
add_match(struct bus *b, const char *rule)
{
	dw_msg_begin_call(&b->w, bus_serial(b), BUS_DRIVER,
	    "/org/freedesktop/DBus", BUS_DRIVER, "AddMatch", "s");
	dw_write_string(&b->w, rule);
	if (bus_send(b) < 0)
		log_warnx("D-Bus: cannot subscribe to %s", rule);
}

void
staf_watch(struct staf_client *c, struct bus *b, int64_t now)
{
	c->call_pending = false;
	add_match(b, "type='signal',sender='" BUS_DRIVER "',interface='"
	    BUS_DRIVER "',member='NameOwnerChanged',arg0='" STAF_BUS_NAME "'");
	add_match(b, "type='signal',sender='" STAF_BUS_NAME "',interface='"
	    STAF_IFACE "',member='log_pages_changed'");
	add_match(b, "type='signal',sender='" STAF_BUS_NAME "',interface='"
	    STAF_IFACE "',member='dc_removed'");
	dw_msg_begin_call(&b->w, bus_serial(b), BUS_DRIVER,
	    "/org/freedesktop/DBus", BUS_DRIVER, "GetNameOwner", "s");
	dw_write_string(&b->w, STAF_BUS_NAME);
	if (bus_call(b, BUS_DRIVER, name_owner_reply, c, now) < 0)
		log_warnx("D-Bus: cannot look for %s", STAF_BUS_NAME);
}

bool
staf_signal(struct staf_client *c, const struct dw_msg *m, int64_t now)
{
	const struct dw_hdr *h = &m->hdr;
	struct dw_reader r = m->body;
	const char *name, *new_owner;

	const char *sender = h->sender ? h->sender : "";

	if (h->interface == NULL)
		return false;
	if (strcmp(h->interface, BUS_DRIVER) == 0 &&
	    strcmp(h->member, "NameOwnerChanged") == 0 &&
	    strcmp(h->signature, "sss") == 0) {
		name = dw_read_string(&r);
		(void)dw_read_string(&r);	/* the old owner */
		new_owner = dw_read_string(&r);
		if (strcmp(name, STAF_BUS_NAME) != 0)
			return false;
		if (strcmp(sender, BUS_DRIVER) != 0) {
			log_debug("stafd: NameOwnerChanged from %s, not from "
			    "the bus: ignored", sender);
			return true;
		}
		if (*new_owner)
			appeared(c, new_owner, now);
		else
			vanished(c);
		return true;
	}
	if (strcmp(h->interface, STAF_IFACE) == 0 &&
	    (strcmp(h->member, "log_pages_changed") == 0 ||
	    strcmp(h->member, "dc_removed") == 0)) {
		if (!staf_present(c) || strcmp(sender, c->owner) != 0) {
			log_debug("stafd: %s from %s, not from stafd (%s): "
			    "ignored", h->member, sender, staf_present(c) ?
			    c->owner : "absent");
			return true;
		}
		log_debug("stafd: %s", h->member);
		soak(c, STAF_SOAK_MS, now);
		return true;
	}
	return false;
}

void
staf_poke(struct staf_client *c, int64_t now)
{
	if (staf_present(c))
		soak(c, STAF_SOAK_MS, now);
}

static void
ask(struct staf_client *c, struct bus *b, int64_t now)
{
	c->due = 0;
	/* Gone with the bus or stafd: staf_watch() or appeared() asks. */
	if (b->state != BUS_UP || !staf_present(c))
		return;
	if (c->call_pending) {
		/* Ask again once the answer in flight is in. */
		soak(c, STAF_SOAK_MS, now);
		return;
	}
	/* Asynchronous: the loop keeps serving while stafd thinks. */
	dw_msg_begin_call(&b->w, bus_serial(b), c->owner, STAF_OBJ_PATH,
	    STAF_IFACE, "get_all_log_pages", "b");
	dw_write_bool(&b->w, 1);
	if (bus_call(b, c->owner, log_pages_reply, c, now) == 0)
		c->call_pending = true;
	else
		soak(c, STAF_RETRY_MS, now);
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

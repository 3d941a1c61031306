/*
 * stac_object.h - the org.nvmexpress.stac D-Bus object (/org/nvmexpress/stac):
 * nvme-stas 3.0's interface, served over bus.c.
 */
#ifndef STACD_STAC_OBJECT_H
#define STACD_STAC_OBJECT_H

#include <stdint.h>

#include "bus.h"
#include "conf.h"
#include "reconcile.h"

#define STAC_BUS_NAME	"org.nvmexpress.stac"
#define STAC_OBJ_PATH	"/org/nvmexpress/stac"
#define STAC_IFACE	"org.nvmexpress.stac"
#define STAC_DEBUG_IFACE "org.nvmexpress.stac.debug"

/*
 * The introspection document of the object: nvme-stas's stacd.idl plus
 * the standard interfaces we serve.  --idl writes it and Introspect
 * returns it, so the two can never differ.
 */
extern const char stac_introspection_xml[];

/* What the object shows: a read-only view of the daemon's state. */
struct stac_view {
	const struct recon	*recon;
	const struct conf	*conf;
	const struct host_conf	*host;
	const char		*root;
	const char		*lkc_path;
	uint32_t		 supported;	/* bits of enum nvmf_opt */
	bool			 tron;
	const char		*soak_timer;	/* stafd debounce, "1.5s [off]" */
	int64_t			 now;
	/* Called once a root caller's Set of tron is allowed. */
	void			(*set_tron)(void *ctx, bool on);
};

/*
 * stac_handle_call - answer one METHOD_CALL (every path: our object, its
 * ancestors for introspection, Peer everywhere).  Replies are queued on
 * b; nothing is sent for NO_REPLY_EXPECTED.  A Set of tron is carried
 * out once the bus says the caller is root: set_tron then gets the ctx
 * that bus_io() was given.
 */
void	stac_handle_call(struct bus *b, const struct dw_msg *m,
	    const struct stac_view *v);

/* Broadcast PropertiesChanged for tron and log_level. */
void	stac_tron_changed(struct bus *b, bool tron);

#endif

/*
 * t/fixtures.h - the identities and kernel controllers that the unit
 * tests build their tables from: one host (t/root's), tcp controllers,
 * and the kernel's view of one.
 */
#ifndef STACD_T_FIXTURES_H
#define STACD_T_FIXTURES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctrl_id.h"
#include "want.h"

/* The host identity of t/root/etc/nvme. */
#define HOSTNQN "nqn.2014-08.org.nvmexpress:uuid:11111111-2222-3333-4444-555555555555"
#define HOSTID	"11111111-2222-3333-4444-555555555555"

/* A tcp controller on port 4420. */
static inline struct ctrl_id
fx_id_tcp(const char *traddr, const char *nqn)
{
	struct ctrl_id id;

	memset(&id, 0, sizeof(id));
	id.transport = TRTYPE_TCP;
	snprintf(id.traddr, sizeof(id.traddr), "%s", traddr);
	strcpy(id.trsvcid, "4420");
	snprintf(id.subsysnqn, sizeof(id.subsysnqn), "%s", nqn);
	return id;
}

/* cc wanted (configured unless discovered is set afterwards). */
static inline struct want
fx_want_conf(const struct ctrl_conf *cc)
{
	struct want w;

	if (want_pack(&w, cc) < 0)
		abort();
	return w;
}

/* A tcp controller wanted; fx_release() it. */
static inline struct want
fx_want_tcp(const char *traddr, const char *nqn)
{
	struct ctrl_conf cc;

	memset(&cc, 0, sizeof(cc));
	cc.id = fx_id_tcp(traddr, nqn);
	return fx_want_conf(&cc);
}

/* The wide identity of record r, for the calls that take one. */
static inline const struct ctrl_id *
fx_id_in(const struct ctrl_rec *r, struct ctrl_id *buf)
{
	rec_unpack_id(r, buf);
	return buf;
}
#define FX_ID(r)	fx_id_in((r), &(struct ctrl_id){ .traddr = "" })

/* The wide form of record r, for the calls that take one. */
static inline const struct ctrl_conf *
fx_conf_in(const struct ctrl_rec *r, struct ctrl_conf *buf)
{
	rec_unpack(r, buf);
	return buf;
}
#define FX_CONF(r)	fx_conf_in((r), &(struct ctrl_conf){ .line = 0 })

/* The records of w[0..n) released (the array is the caller's). */
static inline void
fx_release(struct want *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		rec_unref(w[i].rec);
}

/* Pointers to w[0..n), as recon_plan() takes the desired set (free it). */
static inline const struct want **
fx_ptrs(const struct want *w, size_t n)
{
	const struct want **p = calloc(n ? n : 1, sizeof(*p));
	size_t i;

	for (i = 0; p && i < n; i++)
		p[i] = &w[i];
	return p;
}

/* A live I/O controller nvmeINSTANCE of HOSTNQN, as sysfs shows it. */
static inline struct kctrl
fx_kctrl(int instance, const char *transport, const char *traddr,
    const char *nqn)
{
	struct kctrl k;

	memset(&k, 0, sizeof(k));
	snprintf(k.name, sizeof(k.name), "nvme%d", instance);
	k.instance = instance;
	snprintf(k.transport, sizeof(k.transport), "%s", transport);
	snprintf(k.traddr, sizeof(k.traddr), "%s", traddr);
	strcpy(k.trsvcid, strcmp(transport, "pcie") ? "4420" : "");
	snprintf(k.subsysnqn, sizeof(k.subsysnqn), "%s", nqn);
	strcpy(k.hostnqn, HOSTNQN);
	strcpy(k.state, "live");
	strcpy(k.cntrltype, "io");
	return k;
}

#endif

/*
 * ctrl_rec.h - a controller as it is kept: one small allocation holding
 * the identity, the tunables and the secrets, each string as long as it
 * is.  The wide struct ctrl_conf (about 1.6 KB, mostly empty arrays) stays
 * the working form of the parsers and the option builder; what lives as
 * long as the desired or the tracked set is a record, shared by counted
 * references (the wants that name it, the tracked entry, an action).
 * Records are changed by no one once packed; only the reference count
 * moves, on the daemon's one thread.  Pure code: no I/O.
 */
#ifndef STACD_CTRL_REC_H
#define STACD_CTRL_REC_H

#include <stdint.h>

#include "conf.h"
#include "ctrl_id.h"

/* The strings of a record, in the order of ctrl_id_compare(). */
enum rec_str {
	RS_TRADDR,
	RS_TRSVCID,
	RS_SUBSYSNQN,
	RS_HOST_TRADDR,
	RS_HOST_IFACE,
	RS_HOST_NQN,
	RS_DHCHAP_SECRET,
	RS_DHCHAP_CTRL_SECRET,
	RS_COUNT
};

struct ctrl_rec {
	unsigned	refs;
	uint8_t		transport;	/* enum trtype */
	uint8_t		origin;		/* enum ctrl_origin */
	bool		own_tunables;
	bool		discovery_ctrl;
	unsigned	line;
	struct tunables	tun;
	/* Offsets, not pointers: the record can be moved or compared whole. */
	uint16_t	off[RS_COUNT];
	char		s[];		/* the strings, each NUL-terminated */
};

/*
 * rec_pack - a record of cc, with one reference.
 * Return: the record, or NULL when out of memory.
 */
struct ctrl_rec	*rec_pack(const struct ctrl_conf *cc);

/* The wide form back, every field as rec_pack() was given it. */
void		 rec_unpack(const struct ctrl_rec *r, struct ctrl_conf *out);

/* The identity alone, wide (for a job or a log line). */
void		 rec_unpack_id(const struct ctrl_rec *r, struct ctrl_id *out);

/* One more reference to r; r is returned.  NULL stays NULL. */
struct ctrl_rec	*rec_ref(struct ctrl_rec *r);

/* One reference fewer: the last one frees r.  NULL is ignored. */
void		 rec_unref(struct ctrl_rec *r);

static inline const char *
rec_str(const struct ctrl_rec *r, enum rec_str f)
{
	return r->s + r->off[f];
}

static inline enum trtype
rec_transport(const struct ctrl_rec *r)
{
	return (enum trtype)r->transport;
}

/* The identity of r as pointers into r (good while r is). */
void		 rec_view(const struct ctrl_rec *r, struct ctrl_view *v);

/* ctrl_id_compare()'s order, without unpacking either side. */
int		 rec_id_compare(const struct ctrl_rec *a,
		    const struct ctrl_rec *b);
int		 rec_compare_id(const struct ctrl_rec *a,
		    const struct ctrl_id *b);

/* ctrl_id_matches() of r's identity, without unpacking it. */
bool		 rec_matches(const struct kctrl *k, const struct ctrl_rec *r,
		    const char *host_nqn);

/* ctrl_id_str() and ctrl_id_hash() of r's identity. */
const char	*rec_id_str(const struct ctrl_rec *r, char *buf, size_t size);
uint32_t	 rec_id_hash(const struct ctrl_rec *r);

#endif

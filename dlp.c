/*
 * dlp.c - discovery log pages: reading one whole (the generation-counter
 * loop) and turning its entries into identities.  Every byte of a page
 * is the target's: nothing is trusted before it is checked, and a bad
 * entry costs only itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "dlp.h"
#include "field.h"
#include "log.h"
#include "util.h"

#define DLP_HDR_READ	20	/* GENCTR, NUMREC, RECFMT: whole dwords */
#define DLP_CHUNK	4096	/* bytes per read, as libnvme */

/* Entry field offsets and sizes (kernel-nvmf.md §4.3). */
#define E_TRTYPE	0
#define E_ADRFAM	1
#define E_SUBTYPE	2
#define E_TREQ		3
#define E_PORTID	4
#define E_EFLAGS	10
#define E_TRSVCID	32
#define E_TRSVCID_LEN	32
#define E_SUBNQN	256
#define E_SUBNQN_LEN	256
#define E_TRADDR	512
#define E_TRADDR_LEN	256

enum adrfam {
	ADRFAM_IPV4 = 1,
	ADRFAM_IPV6 = 2,
	ADRFAM_FC = 4,
	ADRFAM_LOOP = 254,
};

static enum trtype
trtype_of(uint8_t code)
{
	switch (code) {
	case 1:
		return TRTYPE_RDMA;
	case 2:
		return TRTYPE_FC;
	case 3:
		return TRTYPE_TCP;
	case 254:
		return TRTYPE_LOOP;
	default:
		return TRTYPE_NONE;
	}
}

/*
 * A fixed-size text field: up to its first NUL, trailing spaces dropped.
 * It must end inside the field (a NUL or a space pad), or it was cut.
 */
static bool
text_field(const uint8_t *p, size_t size, char *out, size_t out_size)
{
	const uint8_t *nul = memchr(p, '\0', size);
	size_t n = nul ? (size_t)(nul - p) : size;

	if (n == size && p[size - 1] != ' ')
		return false;
	while (n > 0 && p[n - 1] == ' ')
		n--;
	if (n >= out_size)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

/* The address family an entry must carry, and its address's. */
static const char *
family_problem(enum trtype t, uint8_t adrfam, char *traddr, size_t size)
{
	unsigned fam;

	switch (t) {
	case TRTYPE_TCP:
	case TRTYPE_RDMA:
		if (adrfam != ADRFAM_IPV4 && adrfam != ADRFAM_IPV6)
			return "not an IP address family";
		fam = field_canonical_ip(traddr, size);
		if (fam != (adrfam == ADRFAM_IPV4 ? IPF_V4 : IPF_V6))
			return "traddr is not an address of its family";
		return NULL;
	case TRTYPE_FC:
		return adrfam == ADRFAM_FC ? NULL : "not the fc address family";
	case TRTYPE_LOOP:
		return adrfam == ADRFAM_LOOP ? NULL :
		    "not the loop address family";
	case TRTYPE_NONE:
	case TRTYPE_COUNT:
		break;
	}
	return "unknown transport";
}

/* The checks of one entry; NULL when it is usable. */
static const char *
entry_problem(const uint8_t *e, const struct ctrl_id *dc,
    struct dlp_entry *out)
{
	static const enum field fields[] = {
		FIELD_TRADDR, FIELD_TRSVCID, FIELD_NQN
	};
	struct ctrl_id *id = &out->id;
	const char *why, *v[3];
	size_t i;

	memset(out, 0, sizeof(*out));
	out->subtype = (enum dlp_subtype)e[E_SUBTYPE];
	if (out->subtype < DLP_REFERRAL || out->subtype > DLP_CURRENT)
		return "unknown subtype";
	if ((id->transport = trtype_of(e[E_TRTYPE])) == TRTYPE_NONE)
		return "unknown transport";
	if (id->transport != dc->transport)
		return "another transport than the discovery controller's";
	if (!text_field(e + E_TRADDR, E_TRADDR_LEN, id->traddr,
	    sizeof(id->traddr)))
		return "traddr fills its field";
	if (!text_field(e + E_TRSVCID, E_TRSVCID_LEN, id->trsvcid,
	    sizeof(id->trsvcid)))
		return "trsvcid fills its field";
	/* libnvme's rewrite of "nn-0x<16>,pn-0x<16>" to the ':' form. */
	if (id->transport == TRTYPE_FC && strlen(id->traddr) == 43 &&
	    strncmp(id->traddr, "nn-0x", 5) == 0 && id->traddr[21] == ',')
		id->traddr[21] = ':';
	if (memchr(e + E_SUBNQN, '\0', E_SUBNQN_LEN) == NULL)
		return "subnqn is not NUL-terminated";
	snprintf(id->subsysnqn, sizeof(id->subsysnqn), "%s",
	    (const char *)e + E_SUBNQN);
	if (id->subsysnqn[0] == '\0')
		return "no subnqn";
	/* fc and loop have no service id (nvmet says "none"): unused. */
	if (id->transport == TRTYPE_FC || id->transport == TRTYPE_LOOP)
		id->trsvcid[0] = '\0';
	else if (id->trsvcid[0] == '\0')
		return "no trsvcid";
	if (id->transport != TRTYPE_LOOP && id->traddr[0] == '\0')
		return "no traddr";
	v[0] = id->traddr;
	v[1] = id->trsvcid;
	v[2] = id->subsysnqn;
	for (i = 0; i < 3; i++)
		if (*v[i] && (why = field_problem(fields[i], id->transport,
		    v[i])) != NULL)
			return why;
	if ((why = family_problem(id->transport, e[E_ADRFAM], id->traddr,
	    sizeof(id->traddr))) != NULL)
		return why;
	memcpy(id->host_traddr, dc->host_traddr, sizeof(id->host_traddr));
	memcpy(id->host_iface, dc->host_iface, sizeof(id->host_iface));
	memcpy(id->host_nqn, dc->host_nqn, sizeof(id->host_nqn));
	out->treq = e[E_TREQ];
	out->portid = (uint16_t)le_uint(e + E_PORTID, 2);
	out->eflags = (uint16_t)le_uint(e + E_EFLAGS, 2);
	return NULL;
}

int
dlp_parse(const uint8_t *buf, size_t len, const struct ctrl_id *dc,
    const char *name, struct dlp_entry **out, size_t *n, uint64_t *genctr)
{
	struct dlp_entry *v;
	uint64_t numrec, have, i;
	size_t m = 0;
	const char *why;

	*out = NULL;
	*n = 0;
	if (len < DLP_HDR_SIZE)
		return -EBADMSG;
	*genctr = le_uint(buf, 8);
	numrec = le_uint(buf + 8, 8);
	have = (len - DLP_HDR_SIZE) / DLP_ENTRY_SIZE;
	if (numrec > have || numrec > DLP_RECORDS_MAX) {
		log_warnx("%s: the log page says %llu entries; taking %llu",
		    name, (unsigned long long)numrec, (unsigned long long)
		    (have < DLP_RECORDS_MAX ? have : DLP_RECORDS_MAX));
		numrec = have < DLP_RECORDS_MAX ? have : DLP_RECORDS_MAX;
	}
	if ((v = calloc(numrec ? numrec : 1, sizeof(*v))) == NULL)
		return -ENOMEM;
	for (i = 0; i < numrec; i++) {
		const uint8_t *e = buf + DLP_HDR_SIZE + i * DLP_ENTRY_SIZE;

		if ((why = entry_problem(e, dc, &v[m])) != NULL)
			log_warnx("%s: log page entry %llu: %s, entry dropped",
			    name, (unsigned long long)i, why);
		else
			m++;
	}
	*out = v;
	*n = m;
	return 0;
}

/* Read len bytes at off in chunks; the last chunk of the last read has
 * rae clear when last is set. */
static int
read_chunks(dlp_read_fn read, void *ctx, uint8_t *buf, size_t len,
    uint64_t off, bool last)
{
	size_t done = 0, k;
	int r;

	while (done < len) {
		k = len - done < DLP_CHUNK ? len - done : DLP_CHUNK;
		if ((r = read(ctx, buf + done, k, off + done,
		    !(last && done + k == len))) < 0)
			return r;
		done += k;
	}
	return 0;
}

int
dlp_fetch(dlp_read_fn read, void *ctx, uint8_t **bufp, size_t *lenp)
{
	uint8_t hdr[DLP_HDR_READ], *buf = NULL, *p;
	uint64_t genctr, numrec;
	size_t len = 0;
	int r, tries;

	*bufp = NULL;
	*lenp = 0;
	if ((r = read_chunks(read, ctx, hdr, sizeof(hdr), 0, false)) < 0)
		return r;
	for (tries = 0; tries <= DLP_GENCTR_RETRIES; tries++) {
		genctr = le_uint(hdr, 8);
		numrec = le_uint(hdr + 8, 8);
		if (numrec > DLP_RECORDS_MAX)
			numrec = DLP_RECORDS_MAX;
		len = DLP_HDR_SIZE + (size_t)numrec * DLP_ENTRY_SIZE;
		if ((p = realloc(buf, len)) == NULL) {
			r = -ENOMEM;
			goto fail;
		}
		buf = p;
		memset(buf, 0, DLP_HDR_SIZE);
		memcpy(buf, hdr, sizeof(hdr));
		if ((r = read_chunks(read, ctx, buf + DLP_HDR_SIZE,
		    len - DLP_HDR_SIZE, DLP_HDR_SIZE, false)) < 0 ||
		    (r = read_chunks(read, ctx, hdr, sizeof(hdr), 0, true)) < 0)
			goto fail;
		if (le_uint(hdr, 8) != genctr)
			continue;	/* changed while we read: again */
		if (le_uint(hdr + 8, 8) != le_uint(buf + 8, 8)) {
			r = -EBADMSG;
			goto fail;
		}
		*bufp = buf;
		*lenp = len;
		return 0;
	}
	r = -EAGAIN;
fail:
	free(buf);
	return r;
}

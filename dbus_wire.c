/*
 * dbus_wire.c - the D-Bus wire format: framing, parsing and building
 * messages.
 *
 * Section names in comments refer to the D-Bus Specification 0.36,
 * whose rules dbus-daemon 1.14 enforces by disconnecting the sender.
 * Received data is never trusted: every read is bounds-checked against
 * the innermost open container, padding must be zero, and strings,
 * paths, signatures and names are validated before anyone sees them.
 * The reader returns pointers into the message buffer and never
 * allocates; the writer allocates at most its size cap.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dbus_wire.h"

#define DW_BASIC_TYPES	"ybnqiuxtdsogh"
#define DW_PATH_LOCAL	"/org/freedesktop/DBus/Local"
#define DW_IFACE_LOCAL	"org.freedesktop.DBus.Local"

/* Header field codes ("Header Fields"). */
enum dw_field {
	DW_FIELD_PATH = 1,
	DW_FIELD_INTERFACE = 2,
	DW_FIELD_MEMBER = 3,
	DW_FIELD_ERROR_NAME = 4,
	DW_FIELD_REPLY_SERIAL = 5,
	DW_FIELD_DESTINATION = 6,
	DW_FIELD_SENDER = 7,
	DW_FIELD_SIGNATURE = 8,
	DW_FIELD_UNIX_FDS = 9,
};

/* The one type each known field carries, by code; others are corrupt. */
static const char dw_field_types[] = "\0osssussgu";

/* Nesting reached so far; variants add to their container's. */
struct dw_depth {
	unsigned	arrays;
	unsigned	structs;
	unsigned	total;
};

/* --- validity rules ----------------------------------------------------- */

static int
dw_is_basic(char c)
{
	return c != '\0' && strchr(DW_BASIC_TYPES, c) != NULL;
}

/* Alignment of a type by its first signature character ("Marshaling"). */
static size_t
dw_align_of(char t)
{
	switch (t) {
	case 'n':
	case 'q':
		return 2;
	case 'b':
	case 'i':
	case 'u':
	case 'h':
	case 's':
	case 'o':
	case 'a':
		return 4;
	case 'x':
	case 't':
	case 'd':
	case '(':
	case '{':
		return 8;
	default:
		return 1;	/* y, g, v */
	}
}

static int
dw_depth_add(struct dw_depth *d, int array)
{
	if (array)
		d->arrays++;
	else
		d->structs++;
	d->total++;
	return d->arrays <= DW_DEPTH_ARRAYS_MAX &&
	    d->structs <= DW_DEPTH_STRUCTS_MAX && d->total <= DW_DEPTH_MAX;
}

static size_t	dw_sig_one(const char *, size_t, struct dw_depth);

/* "{kv}" right after an 'a': a basic key and one complete value. */
static size_t
dw_sig_dict(const char *s, size_t n, struct dw_depth d)
{
	size_t l;

	if (!dw_depth_add(&d, 0) || n < 4 || !dw_is_basic(s[1]))
		return 0;
	l = dw_sig_one(s + 2, n - 2, d);
	if (l == 0 || l + 2 >= n || s[l + 2] != '}')
		return 0;
	return l + 3;
}

/*
 * Length of the single complete type that starts s[0..n), or 0 if none
 * does ("Valid Signatures").  d is the nesting outside it; the recursion
 * is bounded because every level raises d.total towards DW_DEPTH_MAX.
 */
static size_t
dw_sig_one(const char *s, size_t n, struct dw_depth d)
{
	size_t i, l;

	if (n == 0)
		return 0;
	if (dw_is_basic(s[0]) || s[0] == 'v')
		return 1;
	if (s[0] == 'a') {
		if (!dw_depth_add(&d, 1))
			return 0;
		if (n > 1 && s[1] == '{')
			l = dw_sig_dict(s + 1, n - 1, d);
		else
			l = dw_sig_one(s + 1, n - 1, d);
		return l ? l + 1 : 0;
	}
	if (s[0] != '(' || !dw_depth_add(&d, 0))
		return 0;
	for (i = 1; i < n && s[i] != ')'; i += l)
		if ((l = dw_sig_one(s + i, n - i, d)) == 0)
			return 0;
	/* A struct has at least one field. */
	return i < n && i > 1 ? i + 1 : 0;
}

/* Whether s[0..n) is a signature; with single, of exactly one type. */
static int
dw_sig_check(const char *s, size_t n, struct dw_depth d, int single)
{
	size_t i, l;

	if (n > DW_SIGNATURE_MAX || (single && n == 0))
		return 0;
	for (i = 0; i < n; i += l)
		if ((l = dw_sig_one(s + i, n - i, d)) == 0 ||
		    (single && l != n))
			return 0;
	return 1;
}

/* Length of the complete type at the start of an already valid s. */
static size_t
dw_sig_len(const char *s)
{
	size_t i;
	unsigned open = 0;

	for (i = 0;; i++) {
		if (s[i] == 'a')
			continue;
		if (s[i] == '(' || s[i] == '{')
			open++;
		else if (s[i] == ')' || s[i] == '}')
			open--;
		if (open == 0)
			return i + 1;
	}
}

/*
 * Strict UTF-8 ("Basic types": strings must be valid UTF-8 and contain
 * no NUL): no overlong forms, no surrogates, nothing above U+10FFFF.
 * The length of the valid sequence at s[0..n), or 0.
 */
static size_t
dw_utf8_seq(const unsigned char *s, size_t n)
{
	size_t k, more;
	uint32_t cp;

	if (s[0] == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	/* A continuation byte, an overlong lead or beyond 10FFFF. */
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	more = s[0] < 0xe0 ? 1 : s[0] < 0xf0 ? 2 : 3;
	if (more > n - 1)
		return 0;
	cp = s[0] & (0x3f >> more);
	for (k = 1; k <= more; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if ((more == 2 && cp < 0x800) || (more == 3 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return more + 1;
}

/*
 * Length of the run of ASCII bytes (1..127) at the start of s[0..n),
 * eight bytes at a time while no byte is 0 or above 127.
 */
static size_t
dw_ascii_run(const unsigned char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101ull, highs = ones << 7;
	uint64_t x;
	size_t i;

	for (i = 0; n - i >= 8; i += 8) {
		memcpy(&x, s + i, 8);
		if ((x | ((x - ones) & ~x)) & highs)
			break;
	}
	for (; i < n && s[i] - 1u < 0x7fu; i++)
		;
	return i;
}

static int
dw_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, k;

	/* Replies are mostly ASCII: one tight loop, sequences only past it. */
	for (i = dw_ascii_run(s, n); i < n; i += k)
		if ((k = dw_utf8_seq(s + i, n - i)) == 0)
			return 0;
	return 1;
}

/* A lead byte followed only by continuation bytes, too few of them. */
static int
dw_utf8_cut_short(const unsigned char *s, size_t n)
{
	size_t k, need;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	need = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	for (k = 1; k < n; k++)
		if ((s[k] & 0xc0) != 0x80)
			return 0;
	return n < need;
}

/*
 * dw_utf8_sanitize - make the NUL-terminated text a valid D-Bus string
 * in place: a character cut short at the end (a truncated buffer) is
 * dropped, every other byte that starts no valid sequence becomes '?'.
 * For text from outside (sysfs, configuration files) bound for a reply.
 * Return: the new length.
 */
size_t
dw_utf8_sanitize(char *str)
{
	return dw_utf8_sanitize_len(str, strlen(str));
}

/* dw_utf8_sanitize() of str[0..n), which has its NUL at str[n]. */
size_t
dw_utf8_sanitize_len(char *str, size_t n)
{
	unsigned char *s = (unsigned char *)str;
	size_t i = dw_ascii_run(s, n), k;

	while (i < n) {
		if ((k = dw_utf8_seq(s + i, n - i)) > 0) {
			i += k;
			continue;
		}
		if (dw_utf8_cut_short(s + i, n - i)) {
			s[i] = '\0';
			return i;
		}
		s[i++] = '?';
	}
	return n;
}

static int
dw_is_word(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

static int
dw_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* "Valid Object Paths": "/" or "/"-separated [A-Za-z0-9_]+ elements. */
static int
dw_path_valid_n(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] != '/')
		return 0;
	if (n == 1)
		return 1;
	if (s[n - 1] == '/')
		return 0;
	for (i = 1; i < n; i++)
		if (s[i] == '/' ? s[i - 1] == '/' : !dw_is_word(s[i]))
			return 0;
	return 1;
}

/*
 * Two or more "."-separated, non-empty elements of [A-Za-z0-9_], plus
 * '-' with dash; an element may start with a digit only with digit
 * ("Valid Names": interfaces and errors use neither, well-known bus
 * names allow '-', unique names both).
 */
static int
dw_dotted_valid(const char *s, size_t n, int dash, int digit)
{
	size_t i, len = 0, dots = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (len == 0)
				return 0;
			dots++;
			len = 0;
		} else if ((dw_is_word(s[i]) || (dash && s[i] == '-')) &&
		    (len > 0 || digit || !dw_is_digit(s[i])))
			len++;
		else
			return 0;
	}
	return len > 0 && dots > 0;
}

/*
 * dw_signature_valid - whether sig is a valid signature: at most 255
 * bytes of complete types, dict entries only in arrays and with basic
 * keys, within the nesting limits.  The empty signature is valid.
 *
 * Return: 1 if valid, 0 if not.
 */
int
dw_signature_valid(const char *sig)
{
	struct dw_depth d = { 0, 0, 0 };

	return dw_sig_check(sig, strlen(sig), d, 0);
}

/*
 * dw_path_valid - whether path is a valid object path.
 *
 * Return: 1 if valid, 0 if not.
 */
int
dw_path_valid(const char *path)
{
	return dw_path_valid_n(path, strlen(path));
}

/*
 * dw_interface_valid - whether name is a valid interface name; error
 * names follow the same rules.
 *
 * Return: 1 if valid, 0 if not.
 */
int
dw_interface_valid(const char *name)
{
	size_t n = strlen(name);

	return n <= DW_NAME_MAX && dw_dotted_valid(name, n, 0, 0);
}

/*
 * dw_member_valid - whether name is a valid member (method or signal)
 * name: 1 to 255 of [A-Za-z0-9_], not starting with a digit.
 *
 * Return: 1 if valid, 0 if not.
 */
int
dw_member_valid(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > DW_NAME_MAX || dw_is_digit(name[0]))
		return 0;
	for (i = 0; i < n; i++)
		if (!dw_is_word(name[i]))
			return 0;
	return 1;
}

/*
 * dw_bus_name_valid - whether name is a valid unique (":1.42") or
 * well-known ("org.nvmexpress.stac") bus name.
 *
 * Return: 1 if valid, 0 if not.
 */
int
dw_bus_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n > DW_NAME_MAX)
		return 0;
	if (name[0] == ':')
		return dw_dotted_valid(name + 1, n - 1, 1, 1);
	return dw_dotted_valid(name, n, 1, 0);
}

/* --- reader ------------------------------------------------------------- */

static void
dw_rinit(struct dw_reader *r, const uint8_t *buf, size_t pos, size_t end,
    int big, const char *sig)
{
	r->buf = buf;
	r->pos = pos;
	r->big = big;
	r->err = 0;
	r->arrays = r->structs = r->depth = 0;
	r->frame[0].sig = sig;
	r->frame[0].sig_len = strlen(sig);
	r->frame[0].sig_pos = 0;
	r->frame[0].end = end;
	r->frame[0].kind = 0;
}

/* Records the first error only; everything after it is a consequence. */
static void
dw_rfail(struct dw_reader *r, int err)
{
	if (r->err == 0)
		r->err = err;
}

/* An n-byte integer in the message's byte order. */
static uint64_t
dw_get(int big, const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[big ? n - 1 - i : i] << (8 * i);
	return v;
}

/* Skips the padding to align; it must be zero ("Marshaling"). */
static int
dw_rpad(struct dw_reader *r, size_t align)
{
	size_t n = (align - r->pos % align) % align;

	if (r->err == 0 && n > r->frame[r->depth].end - r->pos)
		dw_rfail(r, -EBADMSG);
	for (; r->err == 0 && n > 0; n--)
		if (r->buf[r->pos++] != 0)
			dw_rfail(r, -EBADMSG);
	return r->err;
}

/* n bytes after the padding to align, inside the open container. */
static const uint8_t *
dw_rtake(struct dw_reader *r, size_t align, uint64_t n)
{
	const uint8_t *p;

	if (dw_rpad(r, align) < 0)
		return NULL;
	if (n > r->frame[r->depth].end - r->pos) {
		dw_rfail(r, -EBADMSG);
		return NULL;
	}
	p = r->buf + r->pos;
	r->pos += n;
	return p;
}

static char
dw_rnext(const struct dw_reader *r)
{
	const struct dw_rframe *f = &r->frame[r->depth];

	if (r->err)
		return 0;
	if (f->kind == 'a')
		return r->pos < f->end ? f->sig[0] : 0;
	return f->sig_pos < f->sig_len ? f->sig[f->sig_pos] : 0;
}

/*
 * Checks that the next value has type t and moves past its type in the
 * signature.  Returns the complete type and its length in *len, or NULL.
 * In an array the element type repeats until the data runs out.
 */
static const char *
dw_rtype(struct dw_reader *r, char t, size_t *len)
{
	struct dw_rframe *f = &r->frame[r->depth];
	const char *s;

	if (r->err)
		return NULL;
	if (dw_rnext(r) != t) {
		dw_rfail(r, -ENOMSG);
		return NULL;
	}
	if (f->kind == 'a') {
		*len = f->sig_len;
		return f->sig;
	}
	s = f->sig + f->sig_pos;
	*len = dw_sig_len(s);
	f->sig_pos += *len;
	return s;
}

static void
dw_rpush(struct dw_reader *r, char kind, const char *sig, size_t len,
    size_t end)
{
	struct dw_rframe *f;

	/*
	 * Signatures were checked against the limits before we get here;
	 * what is left is the total, which a variant can push past 64.
	 */
	if (r->depth >= DW_DEPTH_MAX) {
		dw_rfail(r, -EBADMSG);
		return;
	}
	f = &r->frame[++r->depth];
	f->sig = sig;
	f->sig_len = len;
	f->sig_pos = 0;
	f->end = end;
	f->kind = kind;
	if (kind == 'a')
		r->arrays++;
	else if (kind != 'v')
		r->structs++;
}

static uint64_t
dw_rfixed(struct dw_reader *r, char t)
{
	const uint8_t *p;
	size_t len, size = dw_align_of(t);

	if (dw_rtype(r, t, &len) == NULL ||
	    (p = dw_rtake(r, size, size)) == NULL)
		return 0;
	return dw_get(r->big, p, size);
}

/* A string-like value, s and o with a u32 length, g with a u8 one. */
static const char *
dw_rstring(struct dw_reader *r, char t)
{
	struct dw_depth d = { 0, 0, 0 };
	const uint8_t *p;
	const char *s;
	uint64_t n;
	size_t len, lsize = t == 'g' ? 1 : 4;
	int ok;

	if (dw_rtype(r, t, &len) == NULL ||
	    (p = dw_rtake(r, lsize, lsize)) == NULL)
		goto fail;
	n = dw_get(r->big, p, lsize);
	if ((p = dw_rtake(r, 1, n + 1)) == NULL)
		goto fail;
	s = (const char *)p;
	if (t == 's')
		ok = dw_utf8_valid(s, n);
	else if (t == 'o')
		ok = dw_path_valid_n(s, n);
	else
		ok = dw_sig_check(s, n, d, 0);
	if (!ok || p[n] != 0) {
		dw_rfail(r, -EBADMSG);
		goto fail;
	}
	return s;
fail:
	return t == 'o' ? "/" : "";
}

/*
 * The signature of the variant at r->pos: exactly one complete type,
 * nested inside everything open plus the variant itself ("Valid
 * Signatures": the 64 total includes variants).
 */
static const char *
dw_rvariant_sig(struct dw_reader *r, size_t *len)
{
	struct dw_depth d = { r->arrays, r->structs, r->depth + 1 };
	const uint8_t *p;
	size_t n;

	if ((p = dw_rtake(r, 1, 1)) == NULL)
		return NULL;
	n = p[0];
	if ((p = dw_rtake(r, 1, n + 1)) == NULL)
		return NULL;
	if (p[n] != 0 || !dw_sig_check((const char *)p, n, d, 1)) {
		dw_rfail(r, -EBADMSG);
		return NULL;
	}
	*len = n;
	return (const char *)p;
}

/*
 * dw_peek_type - the type of the next value in the open container.
 *
 * Return: its signature character, or 0 at the end of the container or
 * after an error.
 */
char
dw_peek_type(const struct dw_reader *r)
{
	return dw_rnext(r);
}

/*
 * dw_peek_variant - the signature inside the next value, a variant,
 * without consuming it.
 *
 * Return: the signature, or "" on error (-ENOMSG if the next value is
 * no variant, -EBADMSG if its signature is invalid; sticky).
 */
const char *
dw_peek_variant(struct dw_reader *r)
{
	const char *sig = NULL;
	size_t pos = r->pos, len;

	if (dw_rnext(r) != 'v')
		dw_rfail(r, -ENOMSG);
	else
		sig = dw_rvariant_sig(r, &len);
	r->pos = pos;
	return sig != NULL ? sig : "";
}

/*
 * dw_read_byte, dw_read_bool, dw_read_int16, dw_read_uint16,
 * dw_read_int32, dw_read_uint32, dw_read_int64, dw_read_uint64,
 * dw_read_double - read the next value, of type y, b, n, q, i, u, x, t
 * or d.  A boolean must be 0 or 1.
 *
 * Return: the value, or 0 on error (-ENOMSG for another type, -EBADMSG
 * for corrupt data; sticky, see dw_reader_end()).
 */
uint8_t
dw_read_byte(struct dw_reader *r)
{
	return (uint8_t)dw_rfixed(r, 'y');
}

int
dw_read_bool(struct dw_reader *r)
{
	uint64_t v = dw_rfixed(r, 'b');

	if (v > 1) {
		dw_rfail(r, -EBADMSG);
		return 0;
	}
	return (int)v;
}

int16_t
dw_read_int16(struct dw_reader *r)
{
	return (int16_t)dw_rfixed(r, 'n');
}

uint16_t
dw_read_uint16(struct dw_reader *r)
{
	return (uint16_t)dw_rfixed(r, 'q');
}

int32_t
dw_read_int32(struct dw_reader *r)
{
	return (int32_t)dw_rfixed(r, 'i');
}

uint32_t
dw_read_uint32(struct dw_reader *r)
{
	return (uint32_t)dw_rfixed(r, 'u');
}

int64_t
dw_read_int64(struct dw_reader *r)
{
	return (int64_t)dw_rfixed(r, 'x');
}

uint64_t
dw_read_uint64(struct dw_reader *r)
{
	return dw_rfixed(r, 't');
}

double
dw_read_double(struct dw_reader *r)
{
	uint64_t v = dw_rfixed(r, 'd');
	double d;

	memcpy(&d, &v, sizeof(d));
	return d;
}

/*
 * dw_read_string, dw_read_path, dw_read_signature - read the next
 * value, of type s, o or g.  The result points into the message and is
 * NUL-terminated; strings are valid UTF-8 without NUL, paths and
 * signatures valid.
 *
 * Return: the value, or on error "" ("/" for a path), with -ENOMSG or
 * -EBADMSG kept as for dw_read_byte().
 */
const char *
dw_read_string(struct dw_reader *r)
{
	return dw_rstring(r, 's');
}

const char *
dw_read_path(struct dw_reader *r)
{
	return dw_rstring(r, 'o');
}

const char *
dw_read_signature(struct dw_reader *r)
{
	return dw_rstring(r, 'g');
}

/*
 * dw_enter_array - open the next value, an array, whose element type
 * must be elem unless elem is NULL.  Loop over the elements while
 * dw_peek_type() is not 0, then call dw_leave().
 *
 * Errors (sticky): -ENOMSG for another type, -E2BIG for an array over
 * 64 MiB, -EBADMSG for corrupt data.
 */
void
dw_enter_array(struct dw_reader *r, const char *elem)
{
	const uint8_t *p;
	const char *t;
	uint32_t n;
	size_t len;

	if ((t = dw_rtype(r, 'a', &len)) == NULL)
		return;
	if (elem != NULL &&
	    (strlen(elem) != len - 1 || memcmp(elem, t + 1, len - 1) != 0)) {
		dw_rfail(r, -ENOMSG);
		return;
	}
	if ((p = dw_rtake(r, 4, 4)) == NULL)
		return;
	n = (uint32_t)dw_get(r->big, p, 4);
	if (n > DW_ARRAY_SIZE_MAX) {
		dw_rfail(r, -E2BIG);
		return;
	}
	/* The padding to the first element is there even with no elements. */
	if (dw_rpad(r, dw_align_of(t[1])) < 0)
		return;
	if (n > r->frame[r->depth].end - r->pos) {
		dw_rfail(r, -EBADMSG);
		return;
	}
	dw_rpush(r, 'a', t + 1, len - 1, r->pos + n);
}

static void
dw_renter(struct dw_reader *r, char open)
{
	const char *t;
	size_t len;

	if ((t = dw_rtype(r, open, &len)) == NULL || dw_rpad(r, 8) < 0)
		return;
	dw_rpush(r, open, t + 1, len - 2, r->frame[r->depth].end);
}

/*
 * dw_enter_struct, dw_enter_dict_entry - open the next value, a struct
 * or a dict entry; read its fields, then call dw_leave().
 *
 * Errors (sticky): -ENOMSG for another type, -EBADMSG for corrupt data.
 */
void
dw_enter_struct(struct dw_reader *r)
{
	dw_renter(r, '(');
}

void
dw_enter_dict_entry(struct dw_reader *r)
{
	dw_renter(r, '{');
}

/*
 * dw_enter_variant - open the next value, a variant, whose signature
 * must be sig unless sig is NULL; read its value, then call dw_leave().
 *
 * Errors (sticky): -ENOMSG for another type or signature, -EBADMSG for
 * corrupt data or nesting beyond the limits.
 */
void
dw_enter_variant(struct dw_reader *r, const char *sig)
{
	const char *s;
	size_t len;

	if (dw_rtype(r, 'v', &len) == NULL ||
	    (s = dw_rvariant_sig(r, &len)) == NULL)
		return;
	if (sig != NULL && strcmp(s, sig) != 0) {
		dw_rfail(r, -ENOMSG);
		return;
	}
	dw_rpush(r, 'v', s, len, r->frame[r->depth].end);
}

/*
 * dw_leave - close the innermost open container, skipping whatever of
 * it was not read.
 *
 * Errors (sticky): -EINVAL if no container is open, else those of
 * dw_skip().
 */
void
dw_leave(struct dw_reader *r)
{
	char kind;

	if (r->err == 0 && r->depth == 0)
		dw_rfail(r, -EINVAL);
	while (dw_rnext(r) != 0)
		dw_skip(r);
	if (r->err)
		return;
	kind = r->frame[r->depth--].kind;
	if (kind == 'a')
		r->arrays--;
	else if (kind != 'v')
		r->structs--;
}

/*
 * dw_skip - skip the next value, whatever its type, checking it as if
 * it were read.
 *
 * Errors (sticky): -ENOMSG if the container has no more values,
 * -EBADMSG for corrupt data, including any UNIX_FD value, because stacd
 * never negotiates fd passing ("Message Format": h indexes the fds sent
 * along), -E2BIG for an array over 64 MiB.
 */
void
dw_skip(struct dw_reader *r)
{
	char t = dw_rnext(r);

	switch (t) {
	case 'y':
	case 'n':
	case 'q':
	case 'i':
	case 'u':
	case 'x':
	case 't':
	case 'd':
		(void)dw_rfixed(r, t);
		break;
	case 'b':
		(void)dw_read_bool(r);
		break;
	case 's':
	case 'o':
	case 'g':
		(void)dw_rstring(r, t);
		break;
	case 'a':
		dw_enter_array(r, NULL);
		dw_leave(r);
		break;
	case '(':
	case '{':
		dw_renter(r, t);
		dw_leave(r);
		break;
	case 'v':
		dw_enter_variant(r, NULL);
		dw_leave(r);
		break;
	case 'h':
		dw_rfail(r, -EBADMSG);
		break;
	default:
		dw_rfail(r, -ENOMSG);
		break;
	}
}

/*
 * dw_reader_end - check that the walk is complete: every container left
 * and every value read.
 *
 * Return: 0, or the first error: any kept by an earlier call, -EINVAL
 * if a container is still open, -ENOMSG if values are left unread,
 * -EBADMSG if bytes follow the last value.
 */
int
dw_reader_end(struct dw_reader *r)
{
	if (r->err == 0 && r->depth != 0)
		dw_rfail(r, -EINVAL);
	else if (r->err == 0 && dw_rnext(r) != 0)
		dw_rfail(r, -ENOMSG);
	else if (r->err == 0 && r->pos != r->frame[0].end)
		dw_rfail(r, -EBADMSG);
	return r->err;
}

/* --- parsing ------------------------------------------------------------ */

/*
 * dw_frame_size - how many bytes the message starting with head needs,
 * from its 16 fixed header bytes ("Message Format").
 *
 * max is the caller's size cap; 0 or anything above DW_MSG_SIZE_MAX means
 * DW_MSG_SIZE_MAX.  On success *total is set.
 *
 * Return: 0; -EBADMSG for an unknown byte order or a version other than
 * 1; -E2BIG if the header fields exceed 64 MiB or the message max.
 */
int
dw_frame_size(const uint8_t *head, size_t max, size_t *total)
{
	uint64_t fields, n;
	int big = head[0] == 'B';

	if ((head[0] != 'l' && !big) || head[3] != 1)
		return -EBADMSG;
	fields = dw_get(big, head + 12, 4);
	if (fields > DW_ARRAY_SIZE_MAX)
		return -E2BIG;
	/* The body starts 8-aligned after the field array. */
	n = ((DW_FIXED_HEADER_SIZE + fields + 7) & ~(uint64_t)7) +
	    dw_get(big, head + 4, 4);
	if (max == 0 || max > DW_MSG_SIZE_MAX)
		max = DW_MSG_SIZE_MAX;
	if (n > max)
		return -E2BIG;
	*total = n;
	return 0;
}

/* Whether h has the fields its type requires ("Message Types"). */
static int
dw_hdr_complete(const struct dw_hdr *h)
{
	switch (h->type) {
	case 0:
		return 0;	/* INVALID */
	case DW_MSG_METHOD_CALL:
		return h->path != NULL && h->member != NULL;
	case DW_MSG_METHOD_RETURN:
		return h->reply_serial != 0;
	case DW_MSG_ERROR:
		return h->error_name != NULL && h->reply_serial != 0;
	case DW_MSG_SIGNAL:
		return h->path != NULL && h->interface != NULL &&
		    h->member != NULL;
	default:
		return 1;	/* unknown: the receiver ignores it */
	}
}

/*
 * Whether the fields present are valid.  The Local path and interface
 * are reserved for libdbus itself: the bus disconnects whoever sends
 * them.
 */
static int
dw_hdr_names_valid(const struct dw_hdr *h)
{
	return h->serial != 0 &&
	    (h->path == NULL || (dw_path_valid(h->path) &&
	    strcmp(h->path, DW_PATH_LOCAL) != 0)) &&
	    (h->interface == NULL || (dw_interface_valid(h->interface) &&
	    strcmp(h->interface, DW_IFACE_LOCAL) != 0)) &&
	    (h->member == NULL || dw_member_valid(h->member)) &&
	    (h->error_name == NULL || dw_interface_valid(h->error_name)) &&
	    (h->destination == NULL || dw_bus_name_valid(h->destination)) &&
	    (h->sender == NULL || dw_bus_name_valid(h->sender));
}

/* The string-valued header field code, or NULL for the others. */
static const char **
dw_hdr_string(struct dw_hdr *h, uint8_t code)
{
	switch (code) {
	case DW_FIELD_PATH:
		return &h->path;
	case DW_FIELD_INTERFACE:
		return &h->interface;
	case DW_FIELD_MEMBER:
		return &h->member;
	case DW_FIELD_ERROR_NAME:
		return &h->error_name;
	case DW_FIELD_DESTINATION:
		return &h->destination;
	case DW_FIELD_SENDER:
		return &h->sender;
	case DW_FIELD_SIGNATURE:
		return &h->signature;
	default:
		return NULL;
	}
}

/*
 * One (yv) header field.  Each known code appears at most once with its
 * own type; unknown codes are skipped ("Header Fields").
 */
static void
dw_parse_field(struct dw_reader *r, struct dw_hdr *h, uint32_t *seen)
{
	const char **str;
	const char *sig;
	uint8_t code;

	dw_enter_struct(r);
	code = dw_read_byte(r);
	if (code >= sizeof(dw_field_types) - 1) {
		dw_skip(r);
		goto out;
	}
	sig = dw_peek_variant(r);
	/* Code 0 is INVALID: an error wherever it appears. */
	if (code == 0 || (*seen & (1u << code)) ||
	    sig[0] != dw_field_types[code] || sig[1] != '\0') {
		dw_rfail(r, -EBADMSG);
		goto out;
	}
	*seen |= 1u << code;
	dw_enter_variant(r, NULL);
	if ((str = dw_hdr_string(h, code)) != NULL)
		*str = sig[0] == 'o' ? dw_read_path(r) : sig[0] == 'g' ?
		    dw_read_signature(r) : dw_read_string(r);
	else if (code == DW_FIELD_REPLY_SERIAL &&
	    (h->reply_serial = dw_read_uint32(r)) == 0)
		dw_rfail(r, -EBADMSG);	/* serials are never 0 */
	/*
	 * UNIX_FDS only matters with fds, which stacd never accepts (see
	 * dw_skip()); dw_leave() checks and skips it.
	 */
	dw_leave(r);
out:
	dw_leave(r);
}

/*
 * dw_msg_parse - parse and check the complete message buf[0..len), as
 * framed by dw_frame_size().  The whole body is validated here, so the
 * reader m->body can only fail on type mismatches (-ENOMSG).  m points
 * into buf afterwards.
 *
 * Return: 0; -EBADMSG if the message breaks any rule of the spec (len
 * not the framed size, header field of the wrong type or repeated,
 * required field missing, serial 0, invalid name, string, path,
 * signature, padding or boolean, nesting too deep, bytes left over);
 * -E2BIG if the message, header fields or an array exceed their limit.
 * On error m->body is zeroed, and so is m->hdr unless only the body was
 * at fault: then m->hdr.type is not 0, so that the caller can tell the
 * sender of a method call why it gets no answer.
 */
int
dw_msg_parse(struct dw_msg *m, const uint8_t *buf, size_t len)
{
	struct dw_reader hr;
	uint32_t seen = 0;
	size_t total, hdr_end;
	int big, r;

	memset(&m->hdr, 0, sizeof(m->hdr));
	if (len < DW_FIXED_HEADER_SIZE) {
		r = -EBADMSG;
		goto fail;
	}
	if ((r = dw_frame_size(buf, DW_MSG_SIZE_MAX, &total)) < 0)
		goto fail;
	if (total != len) {
		r = -EBADMSG;
		goto fail;
	}
	big = buf[0] == 'B';
	hdr_end = len - dw_get(big, buf + 4, 4);
	dw_rinit(&hr, buf, 0, hdr_end, big, "yyyyuua(yv)");
	(void)dw_read_byte(&hr);	/* byte order, version and body */
	m->hdr.type = dw_read_byte(&hr);
	m->hdr.flags = dw_read_byte(&hr);
	(void)dw_read_byte(&hr);	/* length: checked by dw_frame_size() */
	(void)dw_read_uint32(&hr);
	m->hdr.serial = dw_read_uint32(&hr);
	dw_enter_array(&hr, "(yv)");
	while (dw_peek_type(&hr) != 0)
		dw_parse_field(&hr, &m->hdr, &seen);
	dw_leave(&hr);
	(void)dw_rpad(&hr, 8);
	if ((r = dw_reader_end(&hr)) < 0)
		goto fail;
	if (!dw_hdr_complete(&m->hdr) || !dw_hdr_names_valid(&m->hdr)) {
		r = -EBADMSG;
		goto fail;
	}
	if (m->hdr.signature == NULL)
		m->hdr.signature = "";
	/* Check the whole body first: nobody acts on half a message. */
	dw_rinit(&m->body, buf, hdr_end, len, big, m->hdr.signature);
	while (dw_peek_type(&m->body) != 0)
		dw_skip(&m->body);
	if ((r = dw_reader_end(&m->body)) < 0) {
		memset(&m->body, 0, sizeof(m->body));
		return r;
	}
	dw_rinit(&m->body, buf, hdr_end, len, big, m->hdr.signature);
	return 0;
fail:
	memset(m, 0, sizeof(*m));
	return r;
}

/* --- writer ------------------------------------------------------------- */

/*
 * dw_writer_init - prepare w for building messages of at most max bytes
 * (0 or anything above DW_MSG_SIZE_MAX means DW_MSG_SIZE_MAX).  One
 * writer builds any number of messages, one at a time.
 */
void
dw_writer_init(struct dw_writer *w, size_t max)
{
	memset(w, 0, sizeof(*w));
	w->max = max == 0 || max > DW_MSG_SIZE_MAX ? DW_MSG_SIZE_MAX : max;
}

/*
 * dw_writer_fini - release the buffer; w can be freed again or
 * initialized anew.
 */
void
dw_writer_fini(struct dw_writer *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}

static void
dw_wfail(struct dw_writer *w, int err)
{
	if (w->err == 0)
		w->err = err;
}

/* dw_wgrow() when the buffer must grow first (or cannot). */
static uint8_t *
dw_wgrow_slow(struct dw_writer *w, size_t n)
{
	uint8_t *p;
	size_t cap;

	if (w->err)
		return NULL;
	if (n > w->max - w->len) {
		dw_wfail(w, -E2BIG);
		return NULL;
	}
	if (w->buf == NULL || n > w->cap - w->len) {
		for (cap = w->cap ? w->cap : 256; cap - w->len < n; cap *= 2)
			;
		if (cap > w->max)
			cap = w->max;
		if ((p = realloc(w->buf, cap)) == NULL) {
			dw_wfail(w, -ENOMEM);
			return NULL;
		}
		w->buf = p;
		w->cap = cap;
	}
	p = w->buf + w->len;
	w->len += n;
	return p;
}

/* Room for n more bytes, never beyond w->max (cap <= max). */
static inline uint8_t *
dw_wgrow(struct dw_writer *w, size_t n)
{
	uint8_t *p;

	if (w->err || w->buf == NULL || n > w->cap - w->len)
		return dw_wgrow_slow(w, n);
	p = w->buf + w->len;
	w->len += n;
	return p;
}

/* An n-byte little-endian integer after zero padding to n. */
static void
dw_wint(struct dw_writer *w, uint64_t v, size_t n)
{
	uint8_t *p;
	size_t i, pad = (n - w->len % n) % n;

	if ((p = dw_wgrow(w, pad + n)) == NULL)
		return;
	memset(p, 0, pad);
	for (i = 0; i < n; i++)
		p[pad + i] = (uint8_t)(v >> (8 * i));
}

static void
dw_wpad(struct dw_writer *w, size_t align)
{
	uint8_t *p;
	size_t n = -w->len & (align - 1);	/* align: 1, 2, 4 or 8 */

	if ((p = dw_wgrow(w, n)) != NULL)
		memset(p, 0, n);
}

/* Patches a u32 written earlier at offset at. */
static void
dw_wset32(struct dw_writer *w, size_t at, uint32_t v)
{
	size_t i;

	if (w->err)
		return;
	for (i = 0; i < 4; i++)
		w->buf[at + i] = (uint8_t)(v >> (8 * i));
}

/* s[0..n] including its NUL, after the length: u8 for g, else u32. */
static void
dw_wstring(struct dw_writer *w, char t, const char *s, size_t n)
{
	size_t lw = t == 'g' ? 1 : 4, pad = -w->len & (lw - 1);
	uint8_t *p;

	/* One room check for the padding, the length and the text. */
	if ((p = dw_wgrow(w, pad + lw + n + 1)) == NULL)
		return;
	while (pad-- > 0)
		*p++ = 0;
	*p++ = (uint8_t)n;
	if (lw == 4) {
		*p++ = (uint8_t)(n >> 8);
		*p++ = (uint8_t)(n >> 16);
		*p++ = (uint8_t)(n >> 24);
	}
	memcpy(p, s, n + 1);
}

static char
dw_wnext(const struct dw_writer *w)
{
	const struct dw_wframe *f = &w->frame[w->depth];

	if (f->sig_pos >= f->sig_len)
		return 0;
	return (char)w->buf[f->sig + f->sig_pos];
}

/*
 * Checks that the signature expects a value of type t next and moves
 * past it; returns its length and sets *at to the offset of the type.
 */
static size_t
dw_wtype(struct dw_writer *w, char t, size_t *at)
{
	struct dw_wframe *f = &w->frame[w->depth];
	size_t len;

	if (w->err)
		return 0;
	if (dw_wnext(w) != t) {
		dw_wfail(w, -EINVAL);
		return 0;
	}
	*at = f->sig + f->sig_pos;
	if (f->kind == 'a')
		return f->sig_len;
	len = dw_sig_len((const char *)w->buf + *at);
	f->sig_pos += len;
	return len;
}

static void
dw_wpush(struct dw_writer *w, char kind, size_t sig, size_t len,
    size_t len_at)
{
	struct dw_wframe *f;

	if (w->err)
		return;
	if (w->depth >= DW_DEPTH_MAX) {
		dw_wfail(w, -EINVAL);
		return;
	}
	f = &w->frame[++w->depth];
	f->sig = sig;
	f->sig_len = len;
	f->sig_pos = 0;
	f->len_at = len_at;
	f->start = w->len;
	f->kind = kind;
	if (kind == 'a')
		w->arrays++;
	else if (kind != 'v')
		w->structs++;
}

static void
dw_wfixed(struct dw_writer *w, char t, uint64_t v)
{
	size_t at;

	if (dw_wtype(w, t, &at) != 0)
		dw_wint(w, v, dw_align_of(t));
}

/*
 * dw_write_byte, dw_write_bool, dw_write_int16, dw_write_uint16,
 * dw_write_int32, dw_write_uint32, dw_write_int64, dw_write_uint64,
 * dw_write_double - append a value of type y, b (any nonzero v is
 * written as 1), n, q, i, u, x, t or d.
 *
 * Errors (sticky, see dw_msg_finish()): -EINVAL if the signature expects
 * another type, -E2BIG past the size cap, -ENOMEM.
 */
void
dw_write_byte(struct dw_writer *w, uint8_t v)
{
	dw_wfixed(w, 'y', v);
}

void
dw_write_bool(struct dw_writer *w, int v)
{
	dw_wfixed(w, 'b', v != 0);
}

void
dw_write_int16(struct dw_writer *w, int16_t v)
{
	dw_wfixed(w, 'n', (uint16_t)v);
}

void
dw_write_uint16(struct dw_writer *w, uint16_t v)
{
	dw_wfixed(w, 'q', v);
}

void
dw_write_int32(struct dw_writer *w, int32_t v)
{
	dw_wfixed(w, 'i', (uint32_t)v);
}

void
dw_write_uint32(struct dw_writer *w, uint32_t v)
{
	dw_wfixed(w, 'u', v);
}

void
dw_write_int64(struct dw_writer *w, int64_t v)
{
	dw_wfixed(w, 'x', (uint64_t)v);
}

void
dw_write_uint64(struct dw_writer *w, uint64_t v)
{
	dw_wfixed(w, 't', v);
}

void
dw_write_double(struct dw_writer *w, double v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	dw_wfixed(w, 'd', u);
}

/*
 * dw_write_string, dw_write_path, dw_write_signature - append a value
 * of type s (valid UTF-8), o (a valid path) or g (a valid signature).
 *
 * Errors (sticky): -EINVAL for another type or an invalid value, else
 * as dw_write_byte().
 */
void
dw_write_string(struct dw_writer *w, const char *s)
{
	size_t at, n = strlen(s);

	if (dw_wtype(w, 's', &at) == 0)
		return;
	if (!dw_utf8_valid(s, n))
		dw_wfail(w, -EINVAL);
	dw_wstring(w, 's', s, n);
}

void
dw_write_path(struct dw_writer *w, const char *path)
{
	size_t at;

	if (dw_wtype(w, 'o', &at) == 0)
		return;
	if (!dw_path_valid(path))
		dw_wfail(w, -EINVAL);
	dw_wstring(w, 'o', path, strlen(path));
}

void
dw_write_signature(struct dw_writer *w, const char *sig)
{
	size_t at;

	if (dw_wtype(w, 'g', &at) == 0)
		return;
	if (!dw_signature_valid(sig))
		dw_wfail(w, -EINVAL);
	dw_wstring(w, 'g', sig, strlen(sig));
}

/*
 * dw_open_array - start the next value, an array: write its elements,
 * as many as wanted, then call dw_close().
 *
 * Errors (sticky): -EINVAL if the signature expects another type, else
 * as dw_write_byte().
 */
void
dw_open_array(struct dw_writer *w)
{
	size_t at, len, len_at;

	if ((len = dw_wtype(w, 'a', &at)) == 0)
		return;
	dw_wint(w, 0, 4);	/* the length, set by dw_close() */
	len_at = w->len - 4;
	/* The padding to the first element comes even with no elements. */
	dw_wpad(w, dw_align_of((char)w->buf[at + 1]));
	dw_wpush(w, 'a', at + 1, len - 1, len_at);
}

static void
dw_wopen(struct dw_writer *w, char open)
{
	size_t at, len;

	if ((len = dw_wtype(w, open, &at)) == 0)
		return;
	dw_wpad(w, 8);
	dw_wpush(w, open, at + 1, len - 2, 0);
}

/*
 * dw_open_struct, dw_open_dict_entry - start the next value, a struct
 * or dict entry: write all its fields, then call dw_close().
 *
 * Errors (sticky): as dw_open_array().
 */
void
dw_open_struct(struct dw_writer *w)
{
	dw_wopen(w, '(');
}

void
dw_open_dict_entry(struct dw_writer *w)
{
	dw_wopen(w, '{');
}

/*
 * dw_write_entry_ss - append a dict entry of type {ss}: the same bytes
 * as dw_open_dict_entry(), two dw_write_string() and dw_close(), with one
 * type check instead of four (the replies that list controllers are
 * thousands of them).  kn and vn are the lengths of key and val, which
 * have their NUL there.
 *
 * Errors (sticky): -EINVAL if the signature expects another type or
 * either string is not valid UTF-8, else as dw_write_byte().
 */
void
dw_write_entry_ss(struct dw_writer *w, const char *key, size_t kn,
    const char *val, size_t vn)
{
	size_t at;

	if (dw_wtype(w, '{', &at) == 0)
		return;
	/* A valid signature has at least "{xy}" from a '{'. */
	if (memcmp(w->buf + at, "{ss}", 4) != 0 || !dw_utf8_valid(key, kn) ||
	    !dw_utf8_valid(val, vn)) {
		dw_wfail(w, -EINVAL);
		return;
	}
	dw_wpad(w, 8);
	dw_wstring(w, 's', key, kn);
	dw_wstring(w, 's', val, vn);
}

/*
 * dw_open_variant - start the next value, a variant holding one value
 * of type sig: write it, then call dw_close().
 *
 * Errors (sticky): -EINVAL if the signature expects another type or
 * sig is not one complete type within the nesting limits, else as
 * dw_write_byte().
 */
void
dw_open_variant(struct dw_writer *w, const char *sig)
{
	struct dw_depth d = { w->arrays, w->structs, w->depth + 1 };
	size_t at, n = strlen(sig);

	if (dw_wtype(w, 'v', &at) == 0)
		return;
	if (!dw_sig_check(sig, n, d, 1))
		dw_wfail(w, -EINVAL);
	dw_wstring(w, 'g', sig, n);
	dw_wpush(w, 'v', w->len - n - 1, n, 0);
}

/*
 * dw_close - end the innermost open container.
 *
 * Errors (sticky): -EINVAL if none is open or a struct, dict entry or
 * variant lacks values; -E2BIG for an array over 64 MiB.
 */
void
dw_close(struct dw_writer *w)
{
	struct dw_wframe *f = &w->frame[w->depth];

	if (w->err)
		return;
	if (w->depth == 0 || (f->kind != 'a' && f->sig_pos != f->sig_len)) {
		dw_wfail(w, -EINVAL);
		return;
	}
	if (f->kind == 'a') {
		if (w->len - f->start > DW_ARRAY_SIZE_MAX) {
			dw_wfail(w, -E2BIG);
			return;
		}
		dw_wset32(w, f->len_at, (uint32_t)(w->len - f->start));
		w->arrays--;
	} else if (f->kind != 'v')
		w->structs--;
	w->depth--;
}

/* Starts header field code, holding a variant of type t. */
static void
dw_wfield(struct dw_writer *w, uint8_t code, char t)
{
	char sig[2] = { t, '\0' };

	dw_wpad(w, 8);
	dw_wint(w, code, 1);
	dw_wstring(w, 'g', sig, 1);
}

static void
dw_wfield_string(struct dw_writer *w, uint8_t code, const char *s)
{
	if (s == NULL)
		return;
	dw_wfield(w, code, dw_field_types[code]);
	dw_wstring(w, dw_field_types[code], s, strlen(s));
}

/*
 * dw_msg_begin - start a message with header h, replacing whatever w
 * held.  Write the values of h->signature next,
 * then call dw_msg_finish().  Fields are written in code order.  The
 * strings of h must not point into w's own buffer.
 *
 * Return: 0; -EINVAL if h->type is not one of enum dw_msg_type, the
 * serial is 0, a field the type requires is missing, or a field or the
 * signature is invalid; -E2BIG past the size cap; -ENOMEM.  The error
 * also stays in w.
 */
int
dw_msg_begin(struct dw_writer *w, const struct dw_hdr *h)
{
	const char *sig = h->signature != NULL ? h->signature : "";
	size_t n = strlen(sig);

	w->len = 0;
	w->err = 0;
	w->arrays = w->structs = w->depth = 0;
	memset(&w->frame[0], 0, sizeof(w->frame[0]));
	if (h->type < DW_MSG_METHOD_CALL || h->type > DW_MSG_SIGNAL ||
	    !dw_hdr_complete(h) || !dw_hdr_names_valid(h) ||
	    !dw_signature_valid(sig)) {
		dw_wfail(w, -EINVAL);
		return w->err;
	}
	dw_wint(w, 'l', 1);
	dw_wint(w, h->type, 1);
	dw_wint(w, h->flags, 1);
	dw_wint(w, 1, 1);		/* version */
	dw_wint(w, 0, 4);		/* body length: dw_msg_finish() */
	dw_wint(w, h->serial, 4);
	dw_wint(w, 0, 4);		/* field array length, set below */
	dw_wfield_string(w, DW_FIELD_PATH, h->path);
	dw_wfield_string(w, DW_FIELD_INTERFACE, h->interface);
	dw_wfield_string(w, DW_FIELD_MEMBER, h->member);
	dw_wfield_string(w, DW_FIELD_ERROR_NAME, h->error_name);
	if (h->reply_serial != 0) {
		dw_wfield(w, DW_FIELD_REPLY_SERIAL, 'u');
		dw_wint(w, h->reply_serial, 4);
	}
	dw_wfield_string(w, DW_FIELD_DESTINATION, h->destination);
	dw_wfield_string(w, DW_FIELD_SENDER, h->sender);
	/* No SIGNATURE field for an empty body ("Header Fields"). */
	if (n > 0) {
		dw_wfield_string(w, DW_FIELD_SIGNATURE, sig);
		w->frame[0].sig = w->len - n - 1;
	}
	if (w->err == 0 && w->len - DW_FIXED_HEADER_SIZE > DW_ARRAY_SIZE_MAX)
		dw_wfail(w, -E2BIG);
	dw_wset32(w, 12, (uint32_t)(w->len - DW_FIXED_HEADER_SIZE));
	dw_wpad(w, 8);
	w->body = w->len;
	w->frame[0].sig_len = n;
	return w->err;
}

/*
 * dw_msg_begin_call - start a METHOD_CALL expecting a reply; dest and
 * iface may be NULL.  Write the arguments of sig, then dw_msg_finish().
 *
 * Return: as dw_msg_begin().
 */
int
dw_msg_begin_call(struct dw_writer *w, uint32_t serial, const char *dest,
    const char *path, const char *iface, const char *member, const char *sig)
{
	struct dw_hdr h = {
		.type = DW_MSG_METHOD_CALL,
		.serial = serial,
		.destination = dest,
		.path = path,
		.interface = iface,
		.member = member,
		.signature = sig,
	};

	return dw_msg_begin(w, &h);
}

/*
 * dw_msg_begin_return - start the METHOD_RETURN to call, sent back to
 * its sender.  Write the values of sig, then dw_msg_finish().
 *
 * Return: as dw_msg_begin().
 */
int
dw_msg_begin_return(struct dw_writer *w, uint32_t serial,
    const struct dw_hdr *call, const char *sig)
{
	struct dw_hdr h = {
		.type = DW_MSG_METHOD_RETURN,
		.serial = serial,
		.reply_serial = call->serial,
		.destination = call->sender,
		.signature = sig,
	};

	return dw_msg_begin(w, &h);
}

/*
 * dw_msg_begin_error - write the ERROR reply to call, named name, with
 * the human-readable text as its one argument (the convention of the
 * spec, "Message Types"); only dw_msg_finish() is left to do.
 *
 * Return: as dw_msg_begin(), or -EINVAL if text is not valid UTF-8.
 */
int
dw_msg_begin_error(struct dw_writer *w, uint32_t serial,
    const struct dw_hdr *call, const char *name, const char *text)
{
	struct dw_hdr h = {
		.type = DW_MSG_ERROR,
		.serial = serial,
		.reply_serial = call->serial,
		.destination = call->sender,
		.error_name = name,
		.signature = "s",
	};

	if (dw_msg_begin(w, &h) == 0)
		dw_write_string(w, text);
	return w->err;
}

/*
 * dw_msg_begin_signal - start a SIGNAL broadcast from path.  Write the
 * values of sig, then dw_msg_finish().
 *
 * Return: as dw_msg_begin().
 */
int
dw_msg_begin_signal(struct dw_writer *w, uint32_t serial, const char *path,
    const char *iface, const char *member, const char *sig)
{
	struct dw_hdr h = {
		.type = DW_MSG_SIGNAL,
		.serial = serial,
		.path = path,
		.interface = iface,
		.member = member,
		.signature = sig,
	};

	return dw_msg_begin(w, &h);
}

/*
 * dw_msg_finish - complete the message started by dw_msg_begin*().  On
 * success *data and *len give it; it stays valid until the next begin
 * or dw_writer_fini().
 *
 * Return: 0, or the first error of the build: any kept from a write,
 * -EINVAL if no message was begun, a container is open or the body
 * lacks values of its signature.
 */
int
dw_msg_finish(struct dw_writer *w, const uint8_t **data, size_t *len)
{
	if (w->err == 0 && (w->len == 0 || w->depth != 0 || dw_wnext(w) != 0))
		dw_wfail(w, -EINVAL);
	dw_wset32(w, 4, (uint32_t)(w->len - w->body));
	if (w->err == 0) {
		*data = w->buf;
		*len = w->len;
	}
	return w->err;
}

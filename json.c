/*
 * json.c - a strict, bounded JSON reader (RFC 8259) and a writer that
 * formats like Python's json.dumps().
 *
 * The reader is a recursive descent over a cursor with a sticky error
 * (the first failure wins; every later step does nothing).  Recursion is
 * bounded by JSON_DEPTH_MAX.  Nodes are created in document order, so
 * the root is nodes[0]; while parsing, nodes refer to each other by
 * index because the arrays grow, and json_parse() turns the indices into
 * pointers once nothing moves any more.  The text area is allocated once:
 * a string's unescaped bytes plus its NUL never exceed its quoted form,
 * and a number literal plus its NUL never exceed the literal plus the
 * byte that ends it, so len + 1 bytes always suffice.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"

struct json_node {
	enum json_type	 type;
	/* string, number: bytes; array: elements; object: members; bool */
	uint32_t	 n;
	union {
		size_t			 off;	/* while parsing */
		const char		*s;	/* string, number */
		const union json_kid	*kids;	/* array; object: key, value */
	} u;
};

union json_kid {
	size_t			 i;	/* while parsing: a node index */
	const struct json_node	*p;
};

/* The parser's cursor and what it has built so far. */
struct jp {
	const unsigned char *buf;
	size_t		 len, pos;
	int		 err;		/* first error, or 0 */
	const char	*why;
	size_t		 at;		/* where it happened */

	struct json_node *nodes;
	size_t		 n_nodes, cap_nodes;
	union json_kid	*kids;		/* children of closed containers */
	size_t		 n_kids, cap_kids;
	size_t		*stack;		/* children of open containers */
	size_t		 n_stack, cap_stack;
	char		*text;
	size_t		 n_text, cap_text;
};

#define NO_NODE	SIZE_MAX

static size_t	parse_value(struct jp *p, unsigned depth);

/* ---- UTF-8 (RFC 3629) ---- */

/* Length of the valid UTF-8 sequence at s[0..n), or 0; *cp its value. */
static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char lo = 0x80, hi = 0xbf;
	uint32_t v;
	size_t i, k;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		k = 2;
		v = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		k = 3;
		v = s[0] & 0x0f;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* UTF-16 surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		k = 4;
		v = s[0] & 0x07;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else
		return 0;
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
		v = v << 6 | (s[i] & 0x3f);
	}
	*cp = v;
	return k;
}

static size_t
utf8_encode(uint32_t cp, unsigned char *out)
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | cp >> 6);
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xe0 | cp >> 12);
		out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | cp >> 18);
	out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Length of the JSON number at s[0..n) (RFC 8259 section 6), or 0 when
 * there is none.  A leading zero followed by a digit is no number.
 */
static size_t
scan_number(const unsigned char *s, size_t n)
{
	size_t i = 0;

	if (i < n && s[i] == '-')
		i++;
	if (i == n || !is_digit(s[i]))
		return 0;
	if (s[i] == '0') {
		if (++i < n && is_digit(s[i]))
			return 0;
	} else
		while (i < n && is_digit(s[i]))
			i++;
	if (i < n && s[i] == '.') {
		if (++i == n || !is_digit(s[i]))
			return 0;
		while (i < n && is_digit(s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i == n || !is_digit(s[i]))
			return 0;
		while (i < n && is_digit(s[i]))
			i++;
	}
	return i;
}

/* ---- the reader's cursor ---- */

static void
fail(struct jp *p, int err, const char *why)
{
	if (p->err)
		return;
	p->err = err;
	p->why = why;
	p->at = p->pos;
}

/* The next byte, or -1 at the end. */
static int
peek(const struct jp *p)
{
	return p->pos < p->len ? p->buf[p->pos] : -1;
}

static void
skip_ws(struct jp *p)
{
	while (p->pos < p->len && (p->buf[p->pos] == ' ' ||
	    p->buf[p->pos] == '\t' || p->buf[p->pos] == '\n' ||
	    p->buf[p->pos] == '\r'))
		p->pos++;
}

/* arr grown to hold need elements, or NULL (error set, arr kept). */
static void *
grow(struct jp *p, void *arr, size_t *cap, size_t need, size_t elem)
{
	void *v;

	if (need <= *cap)
		return arr;
	if ((v = array_grow(arr, cap, need, elem)) == NULL)
		fail(p, -ENOMEM, "out of memory");
	return v;
}

static size_t
node_new(struct jp *p, enum json_type t, uint32_t n, size_t off)
{
	struct json_node *v;

	if (p->err)
		return NO_NODE;
	if (p->n_nodes == JSON_NODES_MAX) {
		fail(p, -E2BIG, "too many values");
		return NO_NODE;
	}
	v = grow(p, p->nodes, &p->cap_nodes, p->n_nodes + 1, sizeof(*v));
	if (v == NULL)
		return NO_NODE;
	p->nodes = v;
	v[p->n_nodes].type = t;
	v[p->n_nodes].n = n;
	v[p->n_nodes].u.off = off;
	return p->n_nodes++;
}

/* Remember a child of the innermost open container. */
static void
push_child(struct jp *p, size_t node)
{
	size_t *v;

	if (p->err)
		return;
	v = grow(p, p->stack, &p->cap_stack, p->n_stack + 1, sizeof(*v));
	if (v == NULL)
		return;
	p->stack = v;
	v[p->n_stack++] = node;
}

/* Move the children stacked since base to the container's kids. */
static void
close_container(struct jp *p, size_t node, size_t base)
{
	size_t i, count = p->n_stack - base;
	union json_kid *v;

	if (p->err)
		return;
	v = grow(p, p->kids, &p->cap_kids, p->n_kids + count, sizeof(*v));
	if (v == NULL)
		return;
	p->kids = v;
	p->nodes[node].u.off = p->n_kids;
	p->nodes[node].n = (uint32_t)(p->nodes[node].type == JSON_OBJECT ?
	    count / 2 : count);
	for (i = 0; i < count; i++)
		v[p->n_kids++].i = p->stack[base + i];
	p->n_stack = base;
}

static void
text_put(struct jp *p, const void *s, size_t n)
{
	if (p->err)
		return;
	if (n > p->cap_text - p->n_text) {	/* cannot happen, see above */
		fail(p, -E2BIG, "text area exhausted");
		return;
	}
	memcpy(p->text + p->n_text, s, n);
	p->n_text += n;
}

/* ---- values ---- */

static size_t
parse_literal(struct jp *p, const char *word, enum json_type t, uint32_t v)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->buf + p->pos, word, n) != 0) {
		fail(p, -EBADMSG, "invalid literal");
		return NO_NODE;
	}
	p->pos += n;
	return node_new(p, t, v, 0);
}

static size_t
parse_number(struct jp *p)
{
	const unsigned char *s = p->buf + p->pos;
	size_t n = scan_number(s, p->len - p->pos), off = p->n_text;
	size_t z = s[0] == '-' ? 1 : 0;

	if (n == 0) {
		if (p->pos + z + 1 < p->len && s[z] == '0' &&
		    is_digit(s[z + 1]))
			fail(p, -EBADMSG, "leading zero in number");
		else if (s[0] == '-' || is_digit(s[0]))
			fail(p, -EBADMSG, "invalid number");
		else
			fail(p, -EBADMSG, "unexpected character");
		return NO_NODE;
	}
	if (n > JSON_STRING_MAX) {
		fail(p, -E2BIG, "number too long");
		return NO_NODE;
	}
	text_put(p, s, n);
	text_put(p, "", 1);
	p->pos += n;
	return node_new(p, JSON_NUMBER, (uint32_t)n, off);
}

/* The value of 4 hex digits at s, or -1. */
static long
hex4(const unsigned char *s)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		v <<= 4;
		if (is_digit(s[i]))
			v |= s[i] - '0';
		else if (s[i] >= 'a' && s[i] <= 'f')
			v |= s[i] - 'a' + 10;
		else if (s[i] >= 'A' && s[i] <= 'F')
			v |= s[i] - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* A \uXXXX escape, or a surrogate pair of them, at the cursor. */
static void
parse_u_escape(struct jp *p)
{
	const unsigned char *s = p->buf + p->pos;
	size_t left = p->len - p->pos;
	unsigned char out[4];
	long cp, lo;

	if (left < 6 || (cp = hex4(s + 2)) < 0) {
		fail(p, -EBADMSG, "invalid \\u escape");
		return;
	}
	if (cp == 0) {
		fail(p, -EBADMSG, "\\u0000 in string");
		return;
	}
	if (cp >= 0xdc00 && cp <= 0xdfff) {
		fail(p, -EBADMSG, "lone surrogate");
		return;
	}
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (left < 12 || s[6] != '\\' || s[7] != 'u' ||
		    (lo = hex4(s + 8)) < 0xdc00 || lo > 0xdfff) {
			fail(p, -EBADMSG, "lone surrogate");
			return;
		}
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		p->pos += 6;
	}
	p->pos += 6;
	text_put(p, out, utf8_encode((uint32_t)cp, out));
}

static void
parse_escape(struct jp *p)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	int c;

	c = p->len - p->pos > 1 ? p->buf[p->pos + 1] : -1;
	if (c == 'u') {
		parse_u_escape(p);
		return;
	}
	if (c <= 0 || (e = strchr(from, c)) == NULL) {
		fail(p, -EBADMSG, c < 0 ? "unterminated string" :
		    "invalid escape");
		return;
	}
	text_put(p, &to[e - from], 1);
	p->pos += 2;
}

static size_t
parse_string(struct jp *p)
{
	size_t k, off = p->n_text;
	uint32_t cp;
	int c;

	p->pos++;			/* the opening quote */
	while (!p->err && (c = peek(p)) != '"') {
		if (c < 0)
			fail(p, -EBADMSG, "unterminated string");
		else if (c == '\\')
			parse_escape(p);
		else if (c < 0x20)
			fail(p, -EBADMSG, "control character in string");
		else if ((k = utf8_decode(p->buf + p->pos, p->len - p->pos,
		    &cp)) == 0)
			fail(p, -EBADMSG, "invalid UTF-8");
		else {
			text_put(p, p->buf + p->pos, k);
			p->pos += k;
		}
		if (p->n_text - off > JSON_STRING_MAX)
			fail(p, -E2BIG, "string too long");
	}
	if (p->err)
		return NO_NODE;
	p->pos++;			/* the closing quote */
	text_put(p, "", 1);
	return node_new(p, JSON_STRING, (uint32_t)(p->n_text - 1 - off), off);
}

/* After an item: true for ',' (another item), false at close or error. */
static bool
next_item(struct jp *p, int close)
{
	int c;

	skip_ws(p);
	c = peek(p);
	if (c == ',' || c == close) {
		p->pos++;
		return c == ',';
	}
	fail(p, -EBADMSG, c < 0 ? "unexpected end" : close == ']' ?
	    "expected ',' or ']'" : "expected ',' or '}'");
	return false;
}

static size_t
parse_array(struct jp *p, unsigned depth)
{
	size_t node, base = p->n_stack;

	if (depth > JSON_DEPTH_MAX) {
		fail(p, -E2BIG, "nested too deeply");
		return NO_NODE;
	}
	node = node_new(p, JSON_ARRAY, 0, 0);
	p->pos++;
	skip_ws(p);
	if (peek(p) == ']')
		p->pos++;
	else
		do
			push_child(p, parse_value(p, depth));
		while (!p->err && next_item(p, ']'));
	close_container(p, node, base);
	return p->err ? NO_NODE : node;
}

static size_t
parse_object(struct jp *p, unsigned depth)
{
	size_t node, base = p->n_stack;

	if (depth > JSON_DEPTH_MAX) {
		fail(p, -E2BIG, "nested too deeply");
		return NO_NODE;
	}
	node = node_new(p, JSON_OBJECT, 0, 0);
	p->pos++;
	skip_ws(p);
	if (peek(p) == '}') {
		p->pos++;
		close_container(p, node, base);
		return p->err ? NO_NODE : node;
	}
	do {
		skip_ws(p);
		if (peek(p) != '"') {
			fail(p, -EBADMSG, "expected a string key");
			break;
		}
		push_child(p, parse_string(p));
		skip_ws(p);
		if (!p->err && peek(p) != ':')
			fail(p, -EBADMSG, "expected ':'");
		p->pos++;
		push_child(p, parse_value(p, depth));
	} while (!p->err && next_item(p, '}'));
	close_container(p, node, base);
	return p->err ? NO_NODE : node;
}

static size_t
parse_value(struct jp *p, unsigned depth)
{
	if (p->err)
		return NO_NODE;
	skip_ws(p);
	switch (peek(p)) {
	case -1:
		fail(p, -EBADMSG, "unexpected end");
		return NO_NODE;
	case '{':
		return parse_object(p, depth + 1);
	case '[':
		return parse_array(p, depth + 1);
	case '"':
		return parse_string(p);
	case 't':
		return parse_literal(p, "true", JSON_BOOL, 1);
	case 'f':
		return parse_literal(p, "false", JSON_BOOL, 0);
	case 'n':
		return parse_literal(p, "null", JSON_NULL, 0);
	default:
		return parse_number(p);
	}
}

/* Nothing moves any more: indices become pointers. */
static void
link_nodes(struct jp *p)
{
	struct json_node *n;
	size_t i;

	for (i = 0; i < p->n_kids; i++)
		p->kids[i].p = &p->nodes[p->kids[i].i];
	for (i = 0; i < p->n_nodes; i++) {
		n = &p->nodes[i];
		switch (n->type) {
		case JSON_NULL:
		case JSON_BOOL:
			break;
		case JSON_NUMBER:
		case JSON_STRING:
			n->u.s = p->text + n->u.off;
			break;
		case JSON_ARRAY:
		case JSON_OBJECT:
			/* Empty containers may come before any kids exist. */
			n->u.kids = p->kids ? p->kids + n->u.off : NULL;
			break;
		}
	}
}

int
json_parse(const char *buf, size_t len, struct json_doc *doc,
    const char **why)
{
	struct jp p;

	memset(doc, 0, sizeof(*doc));
	memset(&p, 0, sizeof(p));
	p.buf = (const unsigned char *)buf;
	p.len = len;
	if (len > JSON_INPUT_MAX)
		fail(&p, -E2BIG, "document too large");
	else if ((p.text = malloc(len + 1)) == NULL)
		fail(&p, -ENOMEM, "out of memory");
	else {
		p.cap_text = len + 1;
		(void)parse_value(&p, 0);
		skip_ws(&p);
		if (!p.err && p.pos != p.len)
			fail(&p, -EBADMSG, "unexpected data after the value");
	}
	free(p.stack);
	if (p.err) {
		free(p.nodes);
		free(p.kids);
		free(p.text);
		snprintf(doc->why, sizeof(doc->why), "%s at byte %zu", p.why,
		    p.at);
		if (why)
			*why = doc->why;
		return p.err;
	}
	link_nodes(&p);
	doc->nodes = p.nodes;
	doc->n_nodes = p.n_nodes;
	doc->kids = p.kids;
	doc->text = p.text;
	return 0;
}

void
json_fini(struct json_doc *doc)
{
	free(doc->nodes);
	free(doc->kids);
	free(doc->text);
	memset(doc, 0, sizeof(*doc));
}

/* ---- accessors ---- */

const struct json_node *
json_root(const struct json_doc *doc)
{
	return doc->n_nodes ? &doc->nodes[0] : NULL;
}

enum json_type
json_type(const struct json_node *n)
{
	return n->type;
}

bool
json_is(const struct json_node *n, enum json_type t)
{
	return n != NULL && n->type == t;
}

bool
json_bool(const struct json_node *n)
{
	return json_is(n, JSON_BOOL) && n->n != 0;
}

const char *
json_string(const struct json_node *n)
{
	return json_is(n, JSON_STRING) ? n->u.s : NULL;
}

size_t
json_string_len(const struct json_node *n)
{
	return json_is(n, JSON_STRING) ? n->n : 0;
}

const char *
json_number_text(const struct json_node *n)
{
	return json_is(n, JSON_NUMBER) ? n->u.s : NULL;
}

int
json_number_double(const struct json_node *n, double *v)
{
	char *end;

	if (!json_is(n, JSON_NUMBER))
		return -EINVAL;
	errno = 0;
	*v = strtod(n->u.s, &end);
	if (*end != '\0')
		return -EINVAL;
	return errno == ERANGE ? -ERANGE : 0;
}

int
json_number_u64(const struct json_node *n, uint64_t *v)
{
	const char *s = json_number_text(n);
	uint64_t x = 0;

	*v = 0;
	if (s == NULL)
		return -EINVAL;
	for (; *s; s++) {
		if (!is_digit((unsigned char)*s))
			return -EINVAL;	/* a sign, fraction or exponent */
		if (x > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -ERANGE;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return 0;
}

size_t
json_array_len(const struct json_node *n)
{
	return json_is(n, JSON_ARRAY) ? n->n : 0;
}

const struct json_node *
json_array_at(const struct json_node *n, size_t i)
{
	return i < json_array_len(n) ? n->u.kids[i].p : NULL;
}

size_t
json_object_len(const struct json_node *n)
{
	return json_is(n, JSON_OBJECT) ? n->n : 0;
}

const char *
json_object_key(const struct json_node *n, size_t i)
{
	return i < json_object_len(n) ? n->u.kids[2 * i].p->u.s : NULL;
}

const struct json_node *
json_object_value(const struct json_node *n, size_t i)
{
	return i < json_object_len(n) ? n->u.kids[2 * i + 1].p : NULL;
}

const struct json_node *
json_object_get(const struct json_node *n, const char *key)
{
	size_t i = json_object_len(n);

	while (i-- > 0)		/* the last duplicate wins */
		if (strcmp(n->u.kids[2 * i].p->u.s, key) == 0)
			return n->u.kids[2 * i + 1].p;
	return NULL;
}

bool
json_equal(const struct json_node *a, const struct json_node *b)
{
	size_t i, kids;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->type != b->type || a->n != b->n)
		return false;
	switch (a->type) {
	case JSON_NULL:
	case JSON_BOOL:
		return true;
	case JSON_NUMBER:
	case JSON_STRING:
		return memcmp(a->u.s, b->u.s, a->n) == 0;
	case JSON_ARRAY:
	case JSON_OBJECT:
		kids = a->type == JSON_OBJECT ? 2 * (size_t)a->n : a->n;
		for (i = 0; i < kids; i++)
			if (!json_equal(a->u.kids[i].p, b->u.kids[i].p))
				return false;
		return true;
	}
	return false;
}

/* ---- writer ---- */

void
jw_init(struct jw *w)
{
	memset(w, 0, sizeof(*w));
}

void
jw_fini(struct jw *w)
{
	free(w->buf);
	jw_init(w);
}

static void
jw_fail(struct jw *w, int err)
{
	if (w->err == 0)
		w->err = err;
}

/* Append n bytes, keeping room for the final NUL. */
static void
put(struct jw *w, const void *s, size_t n)
{
	size_t cap = w->cap ? w->cap : 256;
	char *v;

	if (w->err)
		return;
	if (n >= w->cap - w->len) {
		while (n >= cap - w->len) {
			if (cap > SIZE_MAX / 2) {
				jw_fail(w, -ENOMEM);
				return;
			}
			cap *= 2;
		}
		if ((v = realloc(w->buf, cap)) == NULL) {
			jw_fail(w, -ENOMEM);
			return;
		}
		w->buf = v;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void
put_u16(struct jw *w, uint32_t u)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "\\u%04x", (unsigned)u);
	put(w, buf, 6);
}

/* json.dumps(ensure_ascii=True): printable ASCII but '"' and '\\' as is. */
static void
put_escaped(struct jw *w, const unsigned char *s, size_t n)
{
	static const char from[] = "\"\\\n\r\t\b\f", to[] = "\"\\nrtbf";
	const char *e;
	uint32_t cp;
	size_t i = 0, j, k;

	put(w, "\"", 1);
	while (i < n && !w->err) {
		for (j = i; j < n && s[j] >= 0x20 && s[j] < 0x7f &&
		    s[j] != '"' && s[j] != '\\'; j++)
			;
		if (j > i) {
			put(w, s + i, j - i);
			i = j;
		} else if (s[i] != '\0' && (e = strchr(from, s[i])) != NULL) {
			put(w, "\\", 1);
			put(w, &to[e - from], 1);
			i++;
		} else if (s[i] < 0x80) {
			put_u16(w, s[i++]);
		} else if ((k = utf8_decode(s + i, n - i, &cp)) == 0) {
			jw_fail(w, -EINVAL);
		} else {
			if (cp >= 0x10000) {
				put_u16(w, 0xd800 + ((cp - 0x10000) >> 10));
				put_u16(w, 0xdc00 + ((cp - 0x10000) & 0x3ff));
			} else
				put_u16(w, cp);
			i += k;
		}
	}
	put(w, "\"", 1);
}

static bool
in_object(const struct jw *w)
{
	return w->depth > 0 && (w->objects >> (w->depth - 1) & 1);
}

/* Before a value: its separator; false when no value may come now. */
static bool
item_begin(struct jw *w)
{
	if (w->err)
		return false;
	if (w->done || (in_object(w) && !w->keyed)) {
		jw_fail(w, -EINVAL);
		return false;
	}
	if (w->keyed)
		w->keyed = false;
	else if (w->sep)
		put(w, ", ", 2);
	return w->err == 0;
}

static void
item_end(struct jw *w)
{
	w->sep = true;
	if (w->depth == 0)
		w->done = true;
}

static void
begin(struct jw *w, bool object)
{
	if (!item_begin(w))
		return;
	if (w->depth == JSON_WRITE_DEPTH_MAX) {
		jw_fail(w, -EINVAL);
		return;
	}
	put(w, object ? "{" : "[", 1);
	if (object)
		w->objects |= (uint64_t)1 << w->depth;
	else
		w->objects &= ~((uint64_t)1 << w->depth);
	w->depth++;
	w->sep = false;
}

static void
end(struct jw *w, bool object)
{
	if (w->err)
		return;
	if (w->depth == 0 || in_object(w) != object || w->keyed) {
		jw_fail(w, -EINVAL);
		return;
	}
	put(w, object ? "}" : "]", 1);
	w->depth--;
	item_end(w);
}

void
jw_begin_object(struct jw *w)
{
	begin(w, true);
}

void
jw_end_object(struct jw *w)
{
	end(w, true);
}

void
jw_begin_array(struct jw *w)
{
	begin(w, false);
}

void
jw_end_array(struct jw *w)
{
	end(w, false);
}

static void
key_n(struct jw *w, const char *key, size_t n)
{
	if (w->err)
		return;
	if (!in_object(w) || w->keyed) {
		jw_fail(w, -EINVAL);
		return;
	}
	if (w->sep)
		put(w, ", ", 2);
	put_escaped(w, (const unsigned char *)key, n);
	put(w, ": ", 2);
	w->keyed = true;
}

void
jw_key(struct jw *w, const char *key)
{
	key_n(w, key, strlen(key));
}

void
jw_string_n(struct jw *w, const char *s, size_t len)
{
	if (!item_begin(w))
		return;
	put_escaped(w, (const unsigned char *)s, len);
	item_end(w);
}

void
jw_string(struct jw *w, const char *s)
{
	jw_string_n(w, s, strlen(s));
}

/* A value written as is. */
static void
raw(struct jw *w, const char *s, size_t n)
{
	if (!item_begin(w))
		return;
	put(w, s, n);
	item_end(w);
}

void
jw_bool(struct jw *w, bool v)
{
	if (v)
		raw(w, "true", 4);
	else
		raw(w, "false", 5);
}

void
jw_null(struct jw *w)
{
	raw(w, "null", 4);
}

void
jw_int(struct jw *w, long long v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%lld", v);

	raw(w, buf, (size_t)n);
}

void
jw_number(struct jw *w, const char *literal)
{
	size_t n = strlen(literal);

	if (n == 0 || scan_number((const unsigned char *)literal, n) != n) {
		jw_fail(w, -EINVAL);
		return;
	}
	raw(w, literal, n);
}

void
jw_node(struct jw *w, const struct json_node *n)
{
	size_t i;

	if (n == NULL) {
		jw_fail(w, -EINVAL);
		return;
	}
	switch (n->type) {
	case JSON_NULL:
		jw_null(w);
		break;
	case JSON_BOOL:
		jw_bool(w, n->n != 0);
		break;
	case JSON_NUMBER:
		raw(w, n->u.s, n->n);
		break;
	case JSON_STRING:
		jw_string_n(w, n->u.s, n->n);
		break;
	case JSON_ARRAY:
		jw_begin_array(w);
		for (i = 0; i < n->n && !w->err; i++)
			jw_node(w, n->u.kids[i].p);
		jw_end_array(w);
		break;
	case JSON_OBJECT:
		jw_begin_object(w);
		for (i = 0; i < n->n && !w->err; i++) {
			key_n(w, n->u.kids[2 * i].p->u.s,
			    n->u.kids[2 * i].p->n);
			jw_node(w, n->u.kids[2 * i + 1].p);
		}
		jw_end_object(w);
		break;
	}
}

int
jw_finish(struct jw *w, char **out, size_t *len)
{
	int err;

	*out = NULL;
	*len = 0;
	if (w->err == 0 && (w->depth || w->keyed || !w->done))
		jw_fail(w, -EINVAL);
	if ((err = w->err) != 0) {
		jw_fini(w);
		return err;
	}
	w->buf[w->len] = '\0';
	*out = w->buf;
	*len = w->len;
	w->buf = NULL;
	jw_fini(w);
	return 0;
}

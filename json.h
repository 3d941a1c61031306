/*
 * json.h - a strict, bounded JSON reader (RFC 8259) and a writer that
 * formats exactly like Python's json.dumps() with its defaults.
 *
 * Pure code: no I/O and no global state.
 *
 * The reader turns (buf, len) into a tree of nodes held by a struct
 * json_doc: one array of nodes, one array of child pointers and one text
 * area that holds every string (unescaped, NUL-terminated) and every
 * number literal.  It accepts RFC 8259 JSON text and nothing else: no
 * byte order mark, no comments, no trailing commas, no leading zeros, no
 * invalid UTF-8 (overlong forms, encoded surrogates, > U+10FFFF), no lone
 * surrogate escapes, no NUL in strings (raw or \u0000), nothing after the
 * value but white space.  Duplicate object keys are kept; a lookup finds
 * the last one.  Errors are negative errno values:
 *	-EBADMSG	the text is not JSON (or breaks one of the rules above)
 *	-E2BIG		a limit below is exceeded
 *	-ENOMEM		out of memory
 *
 * The writer appends to a growable buffer and keeps the first error
 * (sticky): later calls do nothing.  Separators are ", " and ": ", and
 * strings are escaped as with ensure_ascii=True: \" \\ \n \r \t \b \f,
 * other control characters and DEL as \u00XX, every non-ASCII code point
 * as \uXXXX (lower-case hex; surrogate pairs above U+FFFF).
 */
#ifndef STACD_JSON_H
#define STACD_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_INPUT_MAX	(16u << 20)	/* bytes of JSON text */
#define JSON_DEPTH_MAX	32		/* nested arrays and objects */
#define JSON_NODES_MAX	1000000		/* values, object keys included */
#define JSON_STRING_MAX	(64u << 10)	/* a string (unescaped) or number */
#define JSON_WRITE_DEPTH_MAX 64

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_node;		/* opaque; valid while its document lives */
union json_kid;			/* private */

struct json_doc {
	struct json_node *nodes;	/* nodes[0] is the root */
	size_t		  n_nodes;
	union json_kid	 *kids;		/* every container's children */
	char		 *text;		/* strings and number literals */
	char		  why[96];	/* after a failed json_parse() */
};

/*
 * json_parse - parse the JSON text buf[0..len) into doc.
 * Return: 0 (free doc with json_fini()), or -EBADMSG, -E2BIG, -ENOMEM
 * with doc empty and *why (if why is not NULL) pointing to a short
 * reason with the byte offset, kept in doc->why.
 */
int	json_parse(const char *buf, size_t len, struct json_doc *doc,
	    const char **why);

/* Free what json_parse() allocated; doc may be freed twice. */
void	json_fini(struct json_doc *doc);

/*
 * Accessors.  Every one accepts NULL and nodes of the wrong type and then
 * returns NULL, 0 or false, so lookups chain without checks:
 * json_string(json_object_get(dc, "host-nqn")).
 */
const struct json_node *json_root(const struct json_doc *doc);
enum json_type	 json_type(const struct json_node *n);	/* n not NULL */
bool		 json_is(const struct json_node *n, enum json_type t);
bool		 json_bool(const struct json_node *n);

/* A string's bytes: valid UTF-8 without NUL, NUL-terminated. */
const char	*json_string(const struct json_node *n);
size_t		 json_string_len(const struct json_node *n);

/* A number's literal as written ("-1.5e3"), and its value. */
const char	*json_number_text(const struct json_node *n);
/* Return: 0, or -EINVAL (not a number), -ERANGE (out of range). */
int		 json_number_double(const struct json_node *n, double *v);
int		 json_number_u64(const struct json_node *n, uint64_t *v);

size_t		 json_array_len(const struct json_node *n);
const struct json_node *json_array_at(const struct json_node *n, size_t i);

/* Members in document order, duplicates included. */
size_t		 json_object_len(const struct json_node *n);
const char	*json_object_key(const struct json_node *n, size_t i);
const struct json_node *json_object_value(const struct json_node *n,
		    size_t i);
/* The value of the last member named key, or NULL. */
const struct json_node *json_object_get(const struct json_node *n,
		    const char *key);

/* Same tree: types, strings, number literals, members in order. */
bool		 json_equal(const struct json_node *a,
		    const struct json_node *b);

/* ---- writer ---- */

struct jw {
	char		*buf;
	size_t		 len, cap;
	int		 err;		/* first error: -ENOMEM, -EINVAL */
	unsigned	 depth;		/* open containers */
	uint64_t	 objects;	/* bit d: container d + 1 is {} */
	bool		 sep;		/* the next item needs ", " first */
	bool		 keyed;		/* a key waits for its value */
	bool		 done;		/* the top-level value is complete */
};

void	jw_init(struct jw *w);
void	jw_begin_object(struct jw *w);
void	jw_end_object(struct jw *w);
void	jw_begin_array(struct jw *w);
void	jw_end_array(struct jw *w);
/* Keys and strings must be valid UTF-8 (else -EINVAL); NUL is escaped. */
void	jw_key(struct jw *w, const char *key);
void	jw_string(struct jw *w, const char *s);
void	jw_string_n(struct jw *w, const char *s, size_t len);
void	jw_bool(struct jw *w, bool v);
void	jw_null(struct jw *w);
void	jw_int(struct jw *w, long long v);
/* A number literal in JSON syntax, written as is (else -EINVAL). */
void	jw_number(struct jw *w, const char *literal);
/* A parsed subtree, member order and number literals kept. */
void	jw_node(struct jw *w, const struct json_node *n);

/*
 * jw_finish - complete the text: one value, every container closed.
 * Return: 0 with *out (NUL-terminated, free it) and *len, or the sticky
 * error (-ENOMEM, -EINVAL for API misuse) with everything freed.
 */
int	jw_finish(struct jw *w, char **out, size_t *len);

/* Discard a writer that will not be finished. */
void	jw_fini(struct jw *w);

#endif

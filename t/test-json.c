/*
 * t/test-json.c - the JSON reader's acceptance and rejection rules, the
 * writer's exact bytes (checked against Python's json.dumps) and round
 * trips between the two.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "test.h"

static int
parse(const char *s, struct json_doc *doc)
{
	return json_parse(s, strlen(s), doc, NULL);
}

/* Everything the writer produced, or "(error N)". */
static char *
finish(struct jw *w)
{
	char *out, buf[32];
	size_t len;
	int r;

	if ((r = jw_finish(w, &out, &len)) != 0) {
		snprintf(buf, sizeof(buf), "(error %d)", r);
		return strdup(buf);
	}
	if (strlen(out) != len)
		CHECK(!"length mismatch");
	return out;
}

static void
test_nesting(void)
{
	struct json_doc doc;
	const struct json_node *r, *a, *o;

	CHECK_INT(parse(" {\"a\": [1, [true, false, null], {}], \"b\": "
	    "{\"c\": {\"d\": \"deep\"}}, \"e\": []}\r\n\t", &doc), 0);
	r = json_root(&doc);
	CHECK(json_is(r, JSON_OBJECT));
	CHECK_INT(json_object_len(r), 3);
	CHECK_STR(json_object_key(r, 0), "a");
	CHECK_STR(json_object_key(r, 2), "e");
	a = json_object_get(r, "a");
	CHECK_INT(json_array_len(a), 3);
	CHECK_STR(json_number_text(json_array_at(a, 0)), "1");
	o = json_array_at(a, 1);
	CHECK(json_is(o, JSON_ARRAY));
	CHECK(json_bool(json_array_at(o, 0)));
	CHECK(json_is(json_array_at(o, 1), JSON_BOOL));
	CHECK(!json_bool(json_array_at(o, 1)));
	CHECK(json_is(json_array_at(o, 2), JSON_NULL));
	CHECK(json_array_at(o, 3) == NULL);
	CHECK_INT(json_object_len(json_array_at(a, 2)), 0);
	CHECK_STR(json_string(json_object_get(json_object_get(
	    json_object_get(r, "b"), "c"), "d")), "deep");
	CHECK(json_is(json_object_get(r, "e"), JSON_ARRAY));
	CHECK_INT(json_array_len(json_object_get(r, "e")), 0);
	/* Wrong types and NULL give NULL, 0 or false. */
	CHECK(json_object_get(r, "missing") == NULL);
	CHECK(json_object_get(a, "a") == NULL);
	CHECK(json_array_at(r, 0) == NULL);
	CHECK(json_string(a) == NULL);
	CHECK(json_string(NULL) == NULL);
	CHECK_INT(json_array_len(NULL), 0);
	CHECK(json_object_get(NULL, "x") == NULL);
	CHECK(!json_bool(NULL));
	CHECK(json_object_key(r, 3) == NULL);
	CHECK(json_object_value(r, 3) == NULL);
	json_fini(&doc);
	json_fini(&doc);	/* twice is harmless */
}

static void
test_scalars_at_top(void)
{
	struct json_doc doc;

	CHECK_INT(parse("\"x\"", &doc), 0);
	CHECK_STR(json_string(json_root(&doc)), "x");
	json_fini(&doc);
	CHECK_INT(parse(" 42 ", &doc), 0);
	CHECK_STR(json_number_text(json_root(&doc)), "42");
	json_fini(&doc);
	CHECK_INT(parse("null", &doc), 0);
	CHECK(json_type(json_root(&doc)) == JSON_NULL);
	json_fini(&doc);
	CHECK_INT(parse("true", &doc), 0);
	CHECK(json_bool(json_root(&doc)));
	json_fini(&doc);
}

static void
test_escapes(void)
{
	struct json_doc doc;
	const struct json_node *r;

	CHECK_INT(parse("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"\\u0041\\u00e9"
	    "\\u65E5\\ud83d\\ude00\", \"caf\xc3\xa9 \xe6\x97\xa5 "
	    "\xf0\x9f\x98\x80\", \"\x7f\", \"\"]", &doc), 0);
	r = json_root(&doc);
	CHECK_STR(json_string(json_array_at(r, 0)), "\"\\/\b\f\n\r\t");
	CHECK_STR(json_string(json_array_at(r, 1)),
	    "A\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80");
	CHECK_INT(json_string_len(json_array_at(r, 1)), 10);
	CHECK_STR(json_string(json_array_at(r, 2)),
	    "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80");
	CHECK_STR(json_string(json_array_at(r, 3)), "\x7f");
	CHECK_STR(json_string(json_array_at(r, 4)), "");
	CHECK_INT(json_string_len(json_array_at(r, 4)), 0);
	json_fini(&doc);

	/* The edges of each UTF-8 length, raw and escaped. */
	CHECK_INT(parse("[\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf"
	    "\xee\x80\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\", "
	    "\"\\u0080\\u07ff\\u0800\\ud7ff\\ue000\\uffff\\ud800\\udc00"
	    "\\udbff\\udfff\"]", &doc), 0);
	r = json_root(&doc);
	CHECK_STR(json_string(json_array_at(r, 0)),
	    "\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf"
	    "\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf");
	CHECK_STR(json_string(json_array_at(r, 1)),
	    json_string(json_array_at(r, 0)));
	json_fini(&doc);
}

static void
test_numbers(void)
{
	static const char *const ok[] = {
		"0", "-0", "1", "-1", "10", "0.5", "-0.0", "1e5", "1E+5",
		"1e-5", "12.50e007", "123456789012345678901234567890",
	};
	struct json_doc doc;
	uint64_t u;
	double d;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK_INT(parse(ok[i], &doc), 0);
		CHECK_STR(json_number_text(json_root(&doc)), ok[i]);
		json_fini(&doc);
	}
	CHECK_INT(parse("[18446744073709551615, 18446744073709551616, -1, "
	    "1.5, 2.5e3, 1e999, \"7\"]", &doc), 0);
	CHECK_INT(json_number_u64(json_array_at(json_root(&doc), 0), &u), 0);
	CHECK(u == UINT64_MAX);
	CHECK_INT(json_number_u64(json_array_at(json_root(&doc), 1), &u),
	    -ERANGE);
	CHECK_INT(json_number_u64(json_array_at(json_root(&doc), 2), &u),
	    -EINVAL);
	CHECK_INT(json_number_u64(json_array_at(json_root(&doc), 3), &u),
	    -EINVAL);
	CHECK_INT(json_number_double(json_array_at(json_root(&doc), 3), &d),
	    0);
	CHECK(d == 1.5);
	CHECK_INT(json_number_double(json_array_at(json_root(&doc), 4), &d),
	    0);
	CHECK(d == 2500.0);
	CHECK_INT(json_number_double(json_array_at(json_root(&doc), 5), &d),
	    -ERANGE);
	CHECK_INT(json_number_double(json_array_at(json_root(&doc), 6), &d),
	    -EINVAL);
	CHECK(json_number_text(json_array_at(json_root(&doc), 6)) == NULL);
	json_fini(&doc);
}

static void
test_duplicate_keys(void)
{
	struct json_doc doc;
	const struct json_node *r;

	CHECK_INT(parse("{\"k\": 1, \"j\": 2, \"k\": \"last\"}", &doc), 0);
	r = json_root(&doc);
	CHECK_INT(json_object_len(r), 3);
	CHECK_STR(json_string(json_object_get(r, "k")), "last");
	CHECK_STR(json_number_text(json_object_value(r, 0)), "1");
	json_fini(&doc);
	/* A key with an escape equals its unescaped form. */
	CHECK_INT(parse("{\"\\u006b\": 1}", &doc), 0);
	CHECK(json_object_get(json_root(&doc), "k") != NULL);
	json_fini(&doc);
}

struct bad_case {
	const char	*text;
	size_t		 len;		/* 0: strlen(text) */
	int		 err;
};

static const struct bad_case bad[] = {
	{ "", 0, -EBADMSG },
	{ " \n\t", 0, -EBADMSG },
	{ "[1,]", 0, -EBADMSG },
	{ "[,1]", 0, -EBADMSG },
	{ "{\"a\":1,}", 0, -EBADMSG },
	{ "{\"a\" 1}", 0, -EBADMSG },
	{ "{\"a\":}", 0, -EBADMSG },
	{ "{a:1}", 0, -EBADMSG },
	{ "{1:1}", 0, -EBADMSG },
	{ "['a']", 0, -EBADMSG },
	{ "[1 2]", 0, -EBADMSG },
	{ "[", 0, -EBADMSG },
	{ "[1", 0, -EBADMSG },
	{ "{", 0, -EBADMSG },
	{ "{\"a\"", 0, -EBADMSG },
	{ "{\"a\":1", 0, -EBADMSG },
	{ "]", 0, -EBADMSG },
	/* numbers */
	{ "01", 0, -EBADMSG },
	{ "-01", 0, -EBADMSG },
	{ "[00]", 0, -EBADMSG },
	{ "1.", 0, -EBADMSG },
	{ ".5", 0, -EBADMSG },
	{ "+1", 0, -EBADMSG },
	{ "-", 0, -EBADMSG },
	{ "1e", 0, -EBADMSG },
	{ "1e+", 0, -EBADMSG },
	{ "0x10", 0, -EBADMSG },
	{ "NaN", 0, -EBADMSG },
	{ "Infinity", 0, -EBADMSG },
	{ "-Infinity", 0, -EBADMSG },
	/* literals */
	{ "tru", 0, -EBADMSG },
	{ "nul", 0, -EBADMSG },
	{ "True", 0, -EBADMSG },
	{ "truex", 0, -EBADMSG },
	{ "None", 0, -EBADMSG },
	/* trailing garbage */
	{ "[] x", 0, -EBADMSG },
	{ "[]]", 0, -EBADMSG },
	{ "{} {}", 0, -EBADMSG },
	{ "1 2", 0, -EBADMSG },
	{ "[1]//c", 0, -EBADMSG },
	{ "[]\0", 3, -EBADMSG },
	{ "\xef\xbb\xbf[]", 0, -EBADMSG },	/* byte order mark */
	{ "\f[]", 0, -EBADMSG },		/* not JSON white space */
	/* strings */
	{ "\"abc", 0, -EBADMSG },
	{ "\"abc\\", 0, -EBADMSG },
	{ "\"a\tb\"", 0, -EBADMSG },
	{ "\"a\nb\"", 0, -EBADMSG },
	{ "\"a\0b\"", 5, -EBADMSG },
	{ "\"\\u0000\"", 0, -EBADMSG },
	{ "\"\\x41\"", 0, -EBADMSG },
	{ "\"\\'\"", 0, -EBADMSG },
	{ "\"\\\0\"", 4, -EBADMSG },
	{ "\"\\u12g4\"", 0, -EBADMSG },
	{ "\"\\u12\"", 0, -EBADMSG },
	{ "\"\\ud800\"", 0, -EBADMSG },
	{ "\"\\udc00\"", 0, -EBADMSG },
	{ "\"\\udfff\\ud800\"", 0, -EBADMSG },
	{ "\"\\ud800\\u0041\"", 0, -EBADMSG },
	{ "\"\\ud800\\ud800\"", 0, -EBADMSG },
	{ "\"\\ud800x\"", 0, -EBADMSG },
	{ "\"\\ud800\\n\"", 0, -EBADMSG },
	/* UTF-8 */
	{ "\"\x80\"", 0, -EBADMSG },
	{ "\"\xc3\"", 0, -EBADMSG },
	{ "\"\xc3(\"", 0, -EBADMSG },
	{ "\"\xc0\xaf\"", 0, -EBADMSG },	/* overlong '/' */
	{ "\"\xc1\xbf\"", 0, -EBADMSG },
	{ "\"\xe0\x80\xaf\"", 0, -EBADMSG },
	{ "\"\xe0\x9f\xbf\"", 0, -EBADMSG },
	{ "\"\xf0\x80\x80\xaf\"", 0, -EBADMSG },
	{ "\"\xf0\x8f\xbf\xbf\"", 0, -EBADMSG },
	{ "\"\xed\xa0\x80\"", 0, -EBADMSG },	/* U+D800 encoded */
	{ "\"\xed\xbf\xbf\"", 0, -EBADMSG },
	{ "\"\xf4\x90\x80\x80\"", 0, -EBADMSG },	/* U+110000 */
	{ "\"\xf5\x80\x80\x80\"", 0, -EBADMSG },
	{ "\"\xfe\"", 0, -EBADMSG },
	{ "\"\xff\"", 0, -EBADMSG },
	{ "\"\xe6\x97\"", 0, -EBADMSG },	/* cut short */
	{ "\"\xf0\x9f\x98\"", 0, -EBADMSG },
	{ "[\xc3\xa9]", 0, -EBADMSG },		/* outside a string */
};

static void
test_rejections(void)
{
	struct json_doc doc;
	const char *why;
	size_t i, len;
	int r;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = bad[i].len ? bad[i].len : strlen(bad[i].text);
		why = NULL;
		r = json_parse(bad[i].text, len, &doc, &why);
		if (r != bad[i].err)
			printf("#   case %zu: \"%s\"\n", i, bad[i].text);
		CHECK_INT(r, bad[i].err);
		CHECK(why != NULL && strstr(why, " at byte ") != NULL);
		CHECK(json_root(&doc) == NULL);
		json_fini(&doc);
	}
	CHECK_INT(json_parse("[1,]", 4, &doc, &why), -EBADMSG);
	CHECK_STR(why, "unexpected character at byte 3");
	CHECK_INT(json_parse("[01]", 4, &doc, &why), -EBADMSG);
	CHECK_STR(why, "leading zero in number at byte 1");
	CHECK_INT(json_parse("[\"\\u0000\"]", 10, &doc, &why), -EBADMSG);
	CHECK_STR(why, "\\u0000 in string at byte 2");
	CHECK_INT(json_parse("[\"\\ud800\"]", 10, &doc, &why), -EBADMSG);
	CHECK_STR(why, "lone surrogate at byte 2");
	CHECK_INT(json_parse("{} x", 4, &doc, &why), -EBADMSG);
	CHECK_STR(why, "unexpected data after the value at byte 3");
	CHECK_INT(json_parse("\"\xc0\xaf\"", 4, &doc, NULL), -EBADMSG);
}

/* n nested arrays around a 0. */
static char *
nested(size_t n)
{
	char *s = malloc(2 * n + 2);
	size_t i;

	for (i = 0; i < n; i++) {
		s[i] = '[';
		s[n + 1 + i] = ']';
	}
	s[n] = '0';
	s[2 * n + 1] = '\0';
	return s;
}

/* A string value of n bytes, written with the given 1-byte unit. */
static char *
long_string(size_t n, const char *unit)
{
	size_t u = strlen(unit), i;
	char *s = malloc(n * u + 3);

	s[0] = '"';
	for (i = 0; i < n; i++)
		memcpy(s + 1 + i * u, unit, u);
	s[1 + n * u] = '"';
	s[2 + n * u] = '\0';
	return s;
}

/* [0,0,...] with n zeros: n + 1 nodes. */
static char *
wide(size_t n)
{
	char *s = malloc(2 * n + 2);
	size_t i;

	s[0] = '[';
	for (i = 0; i < n; i++) {
		s[1 + 2 * i] = '0';
		s[2 + 2 * i] = ',';
	}
	s[2 * n] = ']';
	s[2 * n + 1] = '\0';
	return s;
}

static void
check_text(char *s, int want)
{
	struct json_doc doc;

	CHECK_INT(parse(s, &doc), want);
	json_fini(&doc);
	free(s);
}

static void
test_limits(void)
{
	struct json_doc doc;
	const char *why;
	char *s;

	check_text(nested(JSON_DEPTH_MAX), 0);
	check_text(nested(JSON_DEPTH_MAX + 1), -E2BIG);
	check_text(nested(10000), -E2BIG);
	check_text(long_string(JSON_STRING_MAX, "a"), 0);
	check_text(long_string(JSON_STRING_MAX + 1, "a"), -E2BIG);
	check_text(long_string(JSON_STRING_MAX / 2, "\\u00e9"), 0);
	check_text(long_string(JSON_STRING_MAX / 2 + 1, "\\u00e9"), -E2BIG);
	check_text(wide(JSON_NODES_MAX - 1), 0);
	check_text(wide(JSON_NODES_MAX), -E2BIG);

	/* The input limit comes before anything is read. */
	s = malloc(JSON_INPUT_MAX + 1);
	memset(s, ' ', JSON_INPUT_MAX + 1);
	s[0] = '0';
	CHECK_INT(json_parse(s, JSON_INPUT_MAX + 1, &doc, &why), -E2BIG);
	CHECK_STR(why, "document too large at byte 0");
	CHECK_INT(json_parse(s, JSON_INPUT_MAX, &doc, &why), 0);
	json_fini(&doc);
	free(s);
}

static void
test_writer_bytes(void)
{
	struct jw w;
	char *out;

	jw_init(&w);
	jw_begin_object(&w);
	jw_key(&w, "tron");
	jw_bool(&w, true);
	jw_key(&w, "log-level");
	jw_string(&w, "INFO");
	jw_key(&w, "hostkey");
	jw_null(&w);
	jw_end_object(&w);
	out = finish(&w);
	CHECK_STR(out, "{\"tron\": true, \"log-level\": \"INFO\", "
	    "\"hostkey\": null}");
	free(out);

	/* json.dumps({"a": [1, -2, {}], "b": {"c": []}, "d": false}) */
	jw_init(&w);
	jw_begin_object(&w);
	jw_key(&w, "a");
	jw_begin_array(&w);
	jw_int(&w, 1);
	jw_int(&w, -2);
	jw_begin_object(&w);
	jw_end_object(&w);
	jw_end_array(&w);
	jw_key(&w, "b");
	jw_begin_object(&w);
	jw_key(&w, "c");
	jw_begin_array(&w);
	jw_end_array(&w);
	jw_end_object(&w);
	jw_key(&w, "d");
	jw_bool(&w, false);
	jw_end_object(&w);
	out = finish(&w);
	CHECK_STR(out, "{\"a\": [1, -2, {}], \"b\": {\"c\": []}, \"d\": false}");
	free(out);

	/* json.dumps(["J\u00fcrgen", "\u65e5\u672c", "\U0001F600", ...]) */
	jw_init(&w);
	jw_begin_array(&w);
	jw_string(&w, "J\xc3\xbcrgen");
	jw_string(&w, "\xe6\x97\xa5\xe6\x9c\xac");
	jw_string(&w, "\xf0\x9f\x98\x80");
	jw_string(&w, "\"\\\n\r\t\b\f\x01\x1f\x7f/");
	jw_string_n(&w, "a\0b", 3);
	jw_number(&w, "-1.5e3");
	jw_end_array(&w);
	out = finish(&w);
	CHECK_STR(out, "[\"J\\u00fcrgen\", \"\\u65e5\\u672c\", "
	    "\"\\ud83d\\ude00\", \"\\\"\\\\\\n\\r\\t\\b\\f\\u0001\\u001f"
	    "\\u007f/\", \"a\\u0000b\", -1.5e3]");
	free(out);

	/* A non-ASCII key is escaped the same way. */
	jw_init(&w);
	jw_begin_object(&w);
	jw_key(&w, "h\xc3\xb4te");
	jw_string(&w, "");
	jw_end_object(&w);
	out = finish(&w);
	CHECK_STR(out, "{\"h\\u00f4te\": \"\"}");
	free(out);

	jw_init(&w);
	jw_string(&w, "top");
	out = finish(&w);
	CHECK_STR(out, "\"top\"");
	free(out);

	jw_init(&w);
	jw_begin_array(&w);
	jw_end_array(&w);
	out = finish(&w);
	CHECK_STR(out, "[]");
	free(out);
}

static void
test_writer_misuse(void)
{
	struct jw w;
	char *out;
	int i;

	jw_init(&w);			/* nothing written */
	out = finish(&w);
	CHECK_STR(out, "(error -22)");
	free(out);

	jw_init(&w);			/* a key in an array */
	jw_begin_array(&w);
	jw_key(&w, "k");
	jw_end_array(&w);
	out = finish(&w);
	CHECK_STR(out, "(error -22)");
	free(out);

	jw_init(&w);			/* a value without a key */
	jw_begin_object(&w);
	jw_int(&w, 1);
	jw_end_object(&w);
	out = finish(&w);
	CHECK_STR(out, "(error -22)");
	free(out);

	jw_init(&w);			/* a key without a value */
	jw_begin_object(&w);
	jw_key(&w, "k");
	jw_end_object(&w);
	out = finish(&w);
	CHECK_STR(out, "(error -22)");
	free(out);

	jw_init(&w);			/* two keys in a row */
	jw_begin_object(&w);
	jw_key(&w, "k");
	jw_key(&w, "j");
	out = finish(&w);
	CHECK_STR(out, "(error -22)");
	free(out);

	jw_init(&w);			/* crossed containers */
	jw_begin_array(&w);
	jw_end_object(&w);
	out = finish(&w);
	CHECK_STR(out, "(error -22)");
	free(out);

	jw_init(&w);			/* left open */
	jw_begin_object(&w);
	out = finish(&w);
	CHECK_STR(out, "(error -22)");
	free(out);

	jw_init(&w);			/* two top-level values */
	jw_null(&w);
	jw_null(&w);
	out = finish(&w);
	CHECK_STR(out, "(error -22)");
	free(out);

	jw_init(&w);			/* closing what was never opened */
	jw_end_array(&w);
	out = finish(&w);
	CHECK_STR(out, "(error -22)");
	free(out);

	jw_init(&w);			/* invalid UTF-8 */
	jw_string(&w, "\xc0\xaf");
	out = finish(&w);
	CHECK_STR(out, "(error -22)");
	free(out);

	jw_init(&w);			/* an encoded surrogate */
	jw_string(&w, "\xed\xa0\x80");
	out = finish(&w);
	CHECK_STR(out, "(error -22)");
	free(out);

	jw_init(&w);			/* not a JSON number */
	jw_number(&w, "01");
	out = finish(&w);
	CHECK_STR(out, "(error -22)");
	free(out);

	jw_init(&w);			/* the error sticks */
	jw_begin_array(&w);
	jw_number(&w, "NaN");
	jw_int(&w, 1);
	jw_end_array(&w);
	CHECK_INT(w.err, -EINVAL);
	out = finish(&w);
	CHECK_STR(out, "(error -22)");
	free(out);

	jw_init(&w);			/* too deep */
	for (i = 0; i <= JSON_WRITE_DEPTH_MAX; i++)
		jw_begin_array(&w);
	CHECK_INT(w.err, -EINVAL);
	jw_fini(&w);

	jw_init(&w);
	for (i = 0; i < JSON_WRITE_DEPTH_MAX; i++)
		jw_begin_array(&w);
	for (i = 0; i < JSON_WRITE_DEPTH_MAX; i++)
		jw_end_array(&w);
	CHECK_INT(w.err, 0);
	jw_fini(&w);
}

/* Parse, write back, and compare with what json.dumps() prints. */
static void
check_round_trip(const char *in, const char *dumps)
{
	struct json_doc a, b;
	struct jw w;
	char *out;

	CHECK_INT(parse(in, &a), 0);
	jw_init(&w);
	jw_node(&w, json_root(&a));
	out = finish(&w);
	CHECK_STR(out, dumps);
	CHECK_INT(parse(out, &b), 0);
	CHECK(json_equal(json_root(&a), json_root(&b)));
	free(out);
	json_fini(&a);
	json_fini(&b);
}

static void
test_round_trip(void)
{
	struct json_doc a, b;
	struct jw w;
	char *out;
	const struct json_node *r;

	check_round_trip("{\"a\":[1,2.5e-3,{\"b\":null}],\"c\":\"\\u00e9\","
	    "\"a\":true}", "{\"a\": [1, 2.5e-3, {\"b\": null}], "
	    "\"c\": \"\\u00e9\", \"a\": true}");
	check_round_trip("[\"\xf0\x9f\x98\x80\\/\x7f\"]",
	    "[\"\\ud83d\\ude00/\\u007f\"]");
	check_round_trip(" [ ] ", "[]");
	check_round_trip("{\"\":{}}", "{\"\": {}}");

	/* Writer -> reader: the values come back. */
	jw_init(&w);
	jw_begin_array(&w);
	jw_begin_object(&w);
	jw_key(&w, "name");
	jw_string(&w, "S\xc3\xa9" "bastien \xf0\x9f\x98\x80 \"q\"\n");
	jw_key(&w, "n");
	jw_int(&w, -9223372036854775807LL - 1);
	jw_end_object(&w);
	jw_bool(&w, true);
	jw_end_array(&w);
	out = finish(&w);
	CHECK_INT(parse(out, &a), 0);
	r = json_array_at(json_root(&a), 0);
	CHECK_STR(json_string(json_object_get(r, "name")),
	    "S\xc3\xa9" "bastien \xf0\x9f\x98\x80 \"q\"\n");
	CHECK_STR(json_number_text(json_object_get(r, "n")),
	    "-9223372036854775808");
	CHECK(json_bool(json_array_at(json_root(&a), 1)));
	/* equal trees, and unequal ones */
	CHECK_INT(parse("[{\"name\": \"x\", \"n\": 1}, true]", &b), 0);
	CHECK(!json_equal(json_root(&a), json_root(&b)));
	CHECK(json_equal(json_root(&a), json_root(&a)));
	CHECK(!json_equal(json_root(&a), NULL));
	CHECK(json_equal(NULL, NULL));
	json_fini(&b);
	CHECK_INT(parse("[1, 1]", &b), 0);
	CHECK(!json_equal(json_array_at(json_root(&b), 0),
	    json_array_at(json_root(&a), 1)));
	CHECK(json_equal(json_array_at(json_root(&b), 0),
	    json_array_at(json_root(&b), 1)));
	json_fini(&a);
	json_fini(&b);
	free(out);
}

int
main(void)
{
	TEST(test_nesting);
	TEST(test_scalars_at_top);
	TEST(test_escapes);
	TEST(test_numbers);
	TEST(test_duplicate_keys);
	TEST(test_rejections);
	TEST(test_limits);
	TEST(test_writer_bytes);
	TEST(test_writer_misuse);
	TEST(test_round_trip);
	return TEST_EXIT();
}

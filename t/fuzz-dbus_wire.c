/*
 * t/fuzz-dbus_wire.c - fuzz the D-Bus codec: parse, walk, rebuild.
 *
 * Whatever parses must survive a walk of its body, type by type as its
 * signature says, that copies every value into a writer.  The rebuilt
 * message must parse to the same header, and rebuilding that must give
 * the same bytes again: the writer's output is canonical (little-endian,
 * fields in code order, unknown fields dropped).  Anything else is a bug
 * and abort()s.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dbus_wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	copy_value(struct dw_reader *, struct dw_writer *);

static void
copy_contents(struct dw_reader *r, struct dw_writer *w)
{
	while (dw_peek_type(r) != 0)
		copy_value(r, w);
	dw_leave(r);
	dw_close(w);
}

static void
copy_value(struct dw_reader *r, struct dw_writer *w)
{
	const char *sig;

	switch (dw_peek_type(r)) {
	case 'y':
		dw_write_byte(w, dw_read_byte(r));
		break;
	case 'b':
		dw_write_bool(w, dw_read_bool(r));
		break;
	case 'n':
		dw_write_int16(w, dw_read_int16(r));
		break;
	case 'q':
		dw_write_uint16(w, dw_read_uint16(r));
		break;
	case 'i':
		dw_write_int32(w, dw_read_int32(r));
		break;
	case 'u':
		dw_write_uint32(w, dw_read_uint32(r));
		break;
	case 'x':
		dw_write_int64(w, dw_read_int64(r));
		break;
	case 't':
		dw_write_uint64(w, dw_read_uint64(r));
		break;
	case 'd':
		dw_write_double(w, dw_read_double(r));
		break;
	case 's':
		dw_write_string(w, dw_read_string(r));
		break;
	case 'o':
		dw_write_path(w, dw_read_path(r));
		break;
	case 'g':
		dw_write_signature(w, dw_read_signature(r));
		break;
	case 'a':
		dw_enter_array(r, NULL);
		dw_open_array(w);
		copy_contents(r, w);
		break;
	case '(':
		dw_enter_struct(r);
		dw_open_struct(w);
		copy_contents(r, w);
		break;
	case '{':
		dw_enter_dict_entry(r);
		dw_open_dict_entry(w);
		copy_contents(r, w);
		break;
	case 'v':
		sig = dw_peek_variant(r);
		dw_enter_variant(r, sig);
		dw_open_variant(w, sig);
		copy_contents(r, w);
		break;
	default:
		abort();	/* dw_msg_parse() let through an h, or a bug */
	}
}

/* Rebuilds m through w; any failure means the two sides disagree. */
static void
rebuild(struct dw_msg *m, struct dw_writer *w, const uint8_t **data,
    size_t *len)
{
	if (dw_msg_begin(w, &m->hdr) != 0)
		abort();
	while (dw_peek_type(&m->body) != 0)
		copy_value(&m->body, w);
	if (dw_reader_end(&m->body) != 0 || dw_msg_finish(w, data, len) != 0)
		abort();
}

static int
same_str(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
check_same(const struct dw_hdr *a, const struct dw_hdr *b)
{
	if (a->type != b->type || a->flags != b->flags ||
	    a->serial != b->serial || a->reply_serial != b->reply_serial ||
	    !same_str(a->path, b->path) ||
	    !same_str(a->interface, b->interface) ||
	    !same_str(a->member, b->member) ||
	    !same_str(a->error_name, b->error_name) ||
	    !same_str(a->destination, b->destination) ||
	    !same_str(a->sender, b->sender) ||
	    !same_str(a->signature, b->signature))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dw_writer w1, w2;
	struct dw_msg m1, m2;
	const uint8_t *out1, *out2;
	size_t len1, len2, total;

	if (dw_msg_parse(&m1, data, size) != 0)
		return 0;
	if (dw_frame_size(data, 0, &total) != 0 || total != size)
		abort();
	/* Other types are for receivers to ignore; the writer refuses them. */
	if (m1.hdr.type < DW_MSG_METHOD_CALL || m1.hdr.type > DW_MSG_SIGNAL)
		return 0;
	dw_writer_init(&w1, 0);
	dw_writer_init(&w2, 0);
	rebuild(&m1, &w1, &out1, &len1);
	if (dw_msg_parse(&m2, out1, len1) != 0)
		abort();
	check_same(&m1.hdr, &m2.hdr);
	rebuild(&m2, &w2, &out2, &len2);
	if (len1 != len2 || memcmp(out1, out2, len1) != 0)
		abort();
	dw_writer_fini(&w1);
	dw_writer_fini(&w2);
	return 0;
}

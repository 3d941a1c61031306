/*
 * dbus_wire.h - the D-Bus wire format: framing, parsing and building
 * messages (D-Bus Specification 0.36, "Message Protocol").
 *
 * Pure code: no I/O and no global state.  Every received byte is checked
 * against the limits and validity rules of the spec.  A struct dw_reader
 * walks a message body type by type, driven by its signature; a struct
 * dw_writer builds a message and checks each value against the signature
 * it was given.  Both keep the first error ("sticky"): later calls do
 * nothing and reads return safe defaults (0, "", and "/" for paths).
 *
 * Errors are negative errno values:
 *	-EBADMSG	the bytes break a rule of the spec
 *	-E2BIG		a size limit of the spec (or the caller's) is exceeded
 *	-ENOMSG		a value is not of the type the caller reads, or the
 *			caller left values unread
 *	-EINVAL		the caller passed a writer something invalid, or
 *			misused the API (leaving a container never entered)
 *	-ENOMEM		out of memory
 */
#ifndef STACD_DBUS_WIRE_H
#define STACD_DBUS_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* Limits from the spec ("Valid Signatures", "Message Format"). */
#define DW_MSG_SIZE_MAX		(1u << 27)	/* a message: 128 MiB */
#define DW_ARRAY_SIZE_MAX	(1u << 26)	/* an array's data: 64 MiB */
#define DW_FIXED_HEADER_SIZE	16	/* what dw_frame_size() needs */
#define DW_NAME_MAX		255	/* bus, interface, member, error */
#define DW_SIGNATURE_MAX	255
#define DW_DEPTH_ARRAYS_MAX	32
#define DW_DEPTH_STRUCTS_MAX	32	/* dict entries count as structs */
#define DW_DEPTH_MAX		64	/* arrays + structs + variants */

/* Message types; a received message of any other type is to be ignored. */
enum dw_msg_type {
	DW_MSG_METHOD_CALL = 1,
	DW_MSG_METHOD_RETURN = 2,
	DW_MSG_ERROR = 3,
	DW_MSG_SIGNAL = 4,
};

/* Header flags; unknown bits are ignored on receipt. */
enum dw_msg_flag {
	DW_FLAG_NO_REPLY_EXPECTED = 0x1,
	DW_FLAG_NO_AUTO_START = 0x2,
	DW_FLAG_ALLOW_INTERACTIVE_AUTH = 0x4,
};

/* private: one open container of a reader */
struct dw_rframe {
	const char	*sig;		/* contents; an array's element type */
	size_t		 sig_len;
	size_t		 sig_pos;	/* next type; stays 0 in arrays */
	size_t		 end;		/* contents end before this offset */
	char		 kind;		/* 0 (top), 'a', '(', '{' or 'v' */
};

/* Reads one message; offsets, and so alignment, count from buf[0]. */
struct dw_reader {
	const uint8_t	*buf;
	size_t		 pos;
	int		 big;		/* byte order 'B' */
	int		 err;		/* first error, or 0 */
	unsigned	 arrays;	/* open arrays, for the depth limits */
	unsigned	 structs;	/* open structs and dict entries */
	unsigned	 depth;		/* open containers, frame[1..depth] */
	struct dw_rframe frame[DW_DEPTH_MAX + 1];
};

/* private: one open container of a writer */
struct dw_wframe {
	size_t		 sig;		/* offset of the type string in buf */
	size_t		 sig_len;
	size_t		 sig_pos;
	size_t		 len_at;	/* array: offset of its length word */
	size_t		 start;		/* array: offset of its first element */
	char		 kind;
};

/* Builds one little-endian message in a growable buffer. */
struct dw_writer {
	uint8_t		*buf;
	size_t		 len;
	size_t		 cap;
	size_t		 max;		/* size cap, at most DW_MSG_SIZE_MAX */
	size_t		 body;		/* offset of the body */
	int		 err;		/* first error, or 0 */
	unsigned	 arrays;
	unsigned	 structs;
	unsigned	 depth;
	struct dw_wframe frame[DW_DEPTH_MAX + 1];
};

/*
 * The header of a message.  Absent string fields are NULL, except
 * signature, which is "" when absent; an absent reply_serial is 0.  After
 * dw_msg_parse() the strings point into the parsed buffer.
 */
struct dw_hdr {
	uint8_t		 type;		/* enum dw_msg_type, or unknown */
	uint8_t		 flags;		/* enum dw_msg_flag bits */
	uint32_t	 serial;
	uint32_t	 reply_serial;
	const char	*path;
	const char	*interface;
	const char	*member;
	const char	*error_name;
	const char	*destination;
	const char	*sender;
	const char	*signature;
};

struct dw_msg {
	struct dw_hdr	 hdr;
	struct dw_reader body;		/* at the first body value */
};

/* Framing and parsing */
int		 dw_frame_size(const uint8_t *, size_t, size_t *);
int		 dw_msg_parse(struct dw_msg *, const uint8_t *, size_t);

/* Reading a body, driven by its signature */
char		 dw_peek_type(const struct dw_reader *);
const char	*dw_peek_variant(struct dw_reader *);
uint8_t		 dw_read_byte(struct dw_reader *);
int		 dw_read_bool(struct dw_reader *);
int16_t		 dw_read_int16(struct dw_reader *);
uint16_t	 dw_read_uint16(struct dw_reader *);
int32_t		 dw_read_int32(struct dw_reader *);
uint32_t	 dw_read_uint32(struct dw_reader *);
int64_t		 dw_read_int64(struct dw_reader *);
uint64_t	 dw_read_uint64(struct dw_reader *);
double		 dw_read_double(struct dw_reader *);
const char	*dw_read_string(struct dw_reader *);
const char	*dw_read_path(struct dw_reader *);
const char	*dw_read_signature(struct dw_reader *);
void		 dw_enter_array(struct dw_reader *, const char *);
void		 dw_enter_struct(struct dw_reader *);
void		 dw_enter_dict_entry(struct dw_reader *);
void		 dw_enter_variant(struct dw_reader *, const char *);
void		 dw_leave(struct dw_reader *);
void		 dw_skip(struct dw_reader *);
int		 dw_reader_end(struct dw_reader *);

/* Building */
void		 dw_writer_init(struct dw_writer *, size_t);
void		 dw_writer_fini(struct dw_writer *);
int		 dw_msg_begin(struct dw_writer *, const struct dw_hdr *);
int		 dw_msg_begin_call(struct dw_writer *, uint32_t, const char *,
		    const char *, const char *, const char *, const char *);
int		 dw_msg_begin_return(struct dw_writer *, uint32_t,
		    const struct dw_hdr *, const char *);
int		 dw_msg_begin_error(struct dw_writer *, uint32_t,
		    const struct dw_hdr *, const char *, const char *);
int		 dw_msg_begin_signal(struct dw_writer *, uint32_t, const char *,
		    const char *, const char *, const char *);
void		 dw_write_byte(struct dw_writer *, uint8_t);
void		 dw_write_bool(struct dw_writer *, int);
void		 dw_write_int16(struct dw_writer *, int16_t);
void		 dw_write_uint16(struct dw_writer *, uint16_t);
void		 dw_write_int32(struct dw_writer *, int32_t);
void		 dw_write_uint32(struct dw_writer *, uint32_t);
void		 dw_write_int64(struct dw_writer *, int64_t);
void		 dw_write_uint64(struct dw_writer *, uint64_t);
void		 dw_write_double(struct dw_writer *, double);
void		 dw_write_string(struct dw_writer *, const char *);
void		 dw_write_path(struct dw_writer *, const char *);
void		 dw_write_signature(struct dw_writer *, const char *);
void		 dw_open_array(struct dw_writer *);
void		 dw_open_struct(struct dw_writer *);
void		 dw_open_dict_entry(struct dw_writer *);
void		 dw_write_entry_ss(struct dw_writer *, const char *, size_t,
		    const char *, size_t);
void		 dw_open_variant(struct dw_writer *, const char *);
void		 dw_close(struct dw_writer *);
int		 dw_msg_finish(struct dw_writer *, const uint8_t **, size_t *);

/* Validity rules of the spec, for NUL-terminated strings */
size_t		 dw_utf8_sanitize(char *);
size_t		 dw_utf8_sanitize_len(char *, size_t);
int		 dw_signature_valid(const char *);
int		 dw_path_valid(const char *);
int		 dw_interface_valid(const char *);
int		 dw_member_valid(const char *);
int		 dw_bus_name_valid(const char *);

#endif

/*
 * t/test-dbus_wire.c - unit tests of the D-Bus wire codec.
 *
 * Golden messages are checked both ways, ell style: parsing the bytes
 * must give the expected header and body, and building the header and
 * body must give the bytes.  The bytes were derived by hand from the
 * spec, parsed by GLib's GDBusMessage as a second opinion, and the calls
 * were accepted by dbus-daemon 1.14.10; live_* ones were captured from
 * it.  Then every limit and validity rule gets an input that must be
 * rejected with the right error.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dbus_wire.h"
#include "test.h"

#define BUS	"org.freedesktop.DBus"
#define BUS_PATH "/org/freedesktop/DBus"
#define STAC	"org.nvmexpress.stac"
#define STAC_PATH "/org/nvmexpress/stac"

#define CHECK_FIELD(got, want) do {					\
	if ((want) == NULL)						\
		CHECK((got) == NULL);					\
	else								\
		CHECK_STR(got, want);					\
} while (0)

/*
 * Hello(): METHOD_CALL serial 1 with PATH, INTERFACE, MEMBER, DESTINATION
 * and no body, hence no SIGNATURE; the same bytes libdbus sends, as
 * captured from dbus-daemon.  The field array ends at 0x7d, then 3 bytes
 * of padding.
 */
static const uint8_t hello_call[] = {
	0x6c, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,	/* 00 l....... */
	0x01, 0x00, 0x00, 0x00, 0x6d, 0x00, 0x00, 0x00,	/* 08 ....m... */
	0x01, 0x01, 0x6f, 0x00, 0x15, 0x00, 0x00, 0x00,	/* 10 ..o..... */
	0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x66, 0x72, 0x65,	/* 18 /org/fre */
	0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70,	/* 20 edesktop */
	0x2f, 0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00,	/* 28 /DBus... */
	0x02, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00,	/* 30 ..s..... */
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,	/* 38 org.free */
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,	/* 40 desktop. */
	0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00,	/* 48 DBus.... */
	0x03, 0x01, 0x73, 0x00, 0x05, 0x00, 0x00, 0x00,	/* 50 ..s..... */
	0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00, 0x00, 0x00,	/* 58 Hello... */
	0x06, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00,	/* 60 ..s..... */
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,	/* 68 org.free */
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,	/* 70 desktop. */
	0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00,	/* 78 DBus.... */
};

/*
 * Hello's reply laid out our way, fields in code order: METHOD_RETURN,
 * flag NO_REPLY_EXPECTED as the bus sets it, REPLY_SERIAL 1, DESTINATION
 * ":1.0", SENDER, SIGNATURE "s"; the body ":1.0" starts at 0x50.
 */
static const uint8_t hello_reply[] = {
	0x6c, 0x02, 0x01, 0x01, 0x09, 0x00, 0x00, 0x00,	/* 00 l....... */
	0x01, 0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x00,	/* 08 ....?... */
	0x05, 0x01, 0x75, 0x00, 0x01, 0x00, 0x00, 0x00,	/* 10 ..u..... */
	0x06, 0x01, 0x73, 0x00, 0x04, 0x00, 0x00, 0x00,	/* 18 ..s..... */
	0x3a, 0x31, 0x2e, 0x30, 0x00, 0x00, 0x00, 0x00,	/* 20 :1.0.... */
	0x07, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00,	/* 28 ..s..... */
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,	/* 30 org.free */
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,	/* 38 desktop. */
	0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00,	/* 40 DBus.... */
	0x08, 0x01, 0x67, 0x00, 0x01, 0x73, 0x00, 0x00,	/* 48 ..g..s.. */
	0x04, 0x00, 0x00, 0x00, 0x3a, 0x31, 0x2e, 0x30,	/* 50 ....:1.0 */
	0x00,	/* 58 . */
};

/* NameAcquired(":1.0"), the SIGNAL the bus sends after Hello. */
static const uint8_t name_acquired[] = {
	0x6c, 0x04, 0x01, 0x01, 0x09, 0x00, 0x00, 0x00,	/* 00 l....... */
	0x02, 0x00, 0x00, 0x00, 0x8f, 0x00, 0x00, 0x00,	/* 08 ........ */
	0x01, 0x01, 0x6f, 0x00, 0x15, 0x00, 0x00, 0x00,	/* 10 ..o..... */
	0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x66, 0x72, 0x65,	/* 18 /org/fre */
	0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70,	/* 20 edesktop */
	0x2f, 0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00,	/* 28 /DBus... */
	0x02, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00,	/* 30 ..s..... */
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,	/* 38 org.free */
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,	/* 40 desktop. */
	0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00,	/* 48 DBus.... */
	0x03, 0x01, 0x73, 0x00, 0x0c, 0x00, 0x00, 0x00,	/* 50 ..s..... */
	0x4e, 0x61, 0x6d, 0x65, 0x41, 0x63, 0x71, 0x75,	/* 58 NameAcqu */
	0x69, 0x72, 0x65, 0x64, 0x00, 0x00, 0x00, 0x00,	/* 60 ired.... */
	0x06, 0x01, 0x73, 0x00, 0x04, 0x00, 0x00, 0x00,	/* 68 ..s..... */
	0x3a, 0x31, 0x2e, 0x30, 0x00, 0x00, 0x00, 0x00,	/* 70 :1.0.... */
	0x07, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00,	/* 78 ..s..... */
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,	/* 80 org.free */
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,	/* 88 desktop. */
	0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00,	/* 90 DBus.... */
	0x08, 0x01, 0x67, 0x00, 0x01, 0x73, 0x00, 0x00,	/* 98 ..g..s.. */
	0x04, 0x00, 0x00, 0x00, 0x3a, 0x31, 0x2e, 0x30,	/* a0 ....:1.0 */
	0x00,	/* a8 . */
};

/*
 * RequestName("org.nvmexpress.stac", 4 DO_NOT_QUEUE): body "su" at 0x90;
 * the u sits at 0xa8, 4-aligned right after the string's NUL.
 */
static const uint8_t request_name_call[] = {
	0x6c, 0x01, 0x00, 0x01, 0x1c, 0x00, 0x00, 0x00,	/* 00 l....... */
	0x02, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00,	/* 08 ........ */
	0x01, 0x01, 0x6f, 0x00, 0x15, 0x00, 0x00, 0x00,	/* 10 ..o..... */
	0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x66, 0x72, 0x65,	/* 18 /org/fre */
	0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70,	/* 20 edesktop */
	0x2f, 0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00,	/* 28 /DBus... */
	0x02, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00,	/* 30 ..s..... */
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,	/* 38 org.free */
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,	/* 40 desktop. */
	0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00,	/* 48 DBus.... */
	0x03, 0x01, 0x73, 0x00, 0x0b, 0x00, 0x00, 0x00,	/* 50 ..s..... */
	0x52, 0x65, 0x71, 0x75, 0x65, 0x73, 0x74, 0x4e,	/* 58 RequestN */
	0x61, 0x6d, 0x65, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 60 ame..... */
	0x06, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00,	/* 68 ..s..... */
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,	/* 70 org.free */
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,	/* 78 desktop. */
	0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00,	/* 80 DBus.... */
	0x08, 0x01, 0x67, 0x00, 0x02, 0x73, 0x75, 0x00,	/* 88 ..g..su. */
	0x13, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e,	/* 90 ....org. */
	0x6e, 0x76, 0x6d, 0x65, 0x78, 0x70, 0x72, 0x65,	/* 98 nvmexpre */
	0x73, 0x73, 0x2e, 0x73, 0x74, 0x61, 0x63, 0x00,	/* a0 ss.stac. */
	0x04, 0x00, 0x00, 0x00,	/* a8 .... */
};

/* RequestName's reply: u 1, PRIMARY_OWNER. */
static const uint8_t request_name_reply[] = {
	0x6c, 0x02, 0x01, 0x01, 0x04, 0x00, 0x00, 0x00,	/* 00 l....... */
	0x03, 0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x00,	/* 08 ....?... */
	0x05, 0x01, 0x75, 0x00, 0x02, 0x00, 0x00, 0x00,	/* 10 ..u..... */
	0x06, 0x01, 0x73, 0x00, 0x04, 0x00, 0x00, 0x00,	/* 18 ..s..... */
	0x3a, 0x31, 0x2e, 0x30, 0x00, 0x00, 0x00, 0x00,	/* 20 :1.0.... */
	0x07, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00,	/* 28 ..s..... */
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,	/* 30 org.free */
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,	/* 38 desktop. */
	0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00,	/* 40 DBus.... */
	0x08, 0x01, 0x67, 0x00, 0x01, 0x75, 0x00, 0x00,	/* 48 ..g..u.. */
	0x01, 0x00, 0x00, 0x00,	/* 50 .... */
};

/* AddMatch(rule) for stafd's NameOwnerChanged. */
static const uint8_t add_match_call[] = {
	0x6c, 0x01, 0x00, 0x01, 0x65, 0x00, 0x00, 0x00,	/* 00 l...e... */
	0x03, 0x00, 0x00, 0x00, 0x7f, 0x00, 0x00, 0x00,	/* 08 ........ */
	0x01, 0x01, 0x6f, 0x00, 0x15, 0x00, 0x00, 0x00,	/* 10 ..o..... */
	0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x66, 0x72, 0x65,	/* 18 /org/fre */
	0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70,	/* 20 edesktop */
	0x2f, 0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00,	/* 28 /DBus... */
	0x02, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00,	/* 30 ..s..... */
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,	/* 38 org.free */
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,	/* 40 desktop. */
	0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00,	/* 48 DBus.... */
	0x03, 0x01, 0x73, 0x00, 0x08, 0x00, 0x00, 0x00,	/* 50 ..s..... */
	0x41, 0x64, 0x64, 0x4d, 0x61, 0x74, 0x63, 0x68,	/* 58 AddMatch */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 60 ........ */
	0x06, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00,	/* 68 ..s..... */
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,	/* 70 org.free */
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,	/* 78 desktop. */
	0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00,	/* 80 DBus.... */
	0x08, 0x01, 0x67, 0x00, 0x01, 0x73, 0x00, 0x00,	/* 88 ..g..s.. */
	0x60, 0x00, 0x00, 0x00, 0x74, 0x79, 0x70, 0x65,	/* 90 `...type */
	0x3d, 0x27, 0x73, 0x69, 0x67, 0x6e, 0x61, 0x6c,	/* 98 ='signal */
	0x27, 0x2c, 0x73, 0x65, 0x6e, 0x64, 0x65, 0x72,	/* a0 ',sender */
	0x3d, 0x27, 0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72,	/* a8 ='org.fr */
	0x65, 0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f,	/* b0 eedeskto */
	0x70, 0x2e, 0x44, 0x42, 0x75, 0x73, 0x27, 0x2c,	/* b8 p.DBus', */
	0x6d, 0x65, 0x6d, 0x62, 0x65, 0x72, 0x3d, 0x27,	/* c0 member=' */
	0x4e, 0x61, 0x6d, 0x65, 0x4f, 0x77, 0x6e, 0x65,	/* c8 NameOwne */
	0x72, 0x43, 0x68, 0x61, 0x6e, 0x67, 0x65, 0x64,	/* d0 rChanged */
	0x27, 0x2c, 0x61, 0x72, 0x67, 0x30, 0x3d, 0x27,	/* d8 ',arg0=' */
	0x6f, 0x72, 0x67, 0x2e, 0x6e, 0x76, 0x6d, 0x65,	/* e0 org.nvme */
	0x78, 0x70, 0x72, 0x65, 0x73, 0x73, 0x2e, 0x73,	/* e8 xpress.s */
	0x74, 0x61, 0x66, 0x27, 0x00,	/* f0 taf'. */
};

/* list_controllers(true) from ":1.5" to us, as the bus delivers it. */
static const uint8_t list_call[] = {
	0x6c, 0x01, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00,	/* 00 l....... */
	0x07, 0x00, 0x00, 0x00, 0x97, 0x00, 0x00, 0x00,	/* 08 ........ */
	0x01, 0x01, 0x6f, 0x00, 0x14, 0x00, 0x00, 0x00,	/* 10 ..o..... */
	0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x6e, 0x76, 0x6d,	/* 18 /org/nvm */
	0x65, 0x78, 0x70, 0x72, 0x65, 0x73, 0x73, 0x2f,	/* 20 express/ */
	0x73, 0x74, 0x61, 0x63, 0x00, 0x00, 0x00, 0x00,	/* 28 stac.... */
	0x02, 0x01, 0x73, 0x00, 0x13, 0x00, 0x00, 0x00,	/* 30 ..s..... */
	0x6f, 0x72, 0x67, 0x2e, 0x6e, 0x76, 0x6d, 0x65,	/* 38 org.nvme */
	0x78, 0x70, 0x72, 0x65, 0x73, 0x73, 0x2e, 0x73,	/* 40 xpress.s */
	0x74, 0x61, 0x63, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 48 tac..... */
	0x03, 0x01, 0x73, 0x00, 0x10, 0x00, 0x00, 0x00,	/* 50 ..s..... */
	0x6c, 0x69, 0x73, 0x74, 0x5f, 0x63, 0x6f, 0x6e,	/* 58 list_con */
	0x74, 0x72, 0x6f, 0x6c, 0x6c, 0x65, 0x72, 0x73,	/* 60 trollers */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 68 ........ */
	0x06, 0x01, 0x73, 0x00, 0x13, 0x00, 0x00, 0x00,	/* 70 ..s..... */
	0x6f, 0x72, 0x67, 0x2e, 0x6e, 0x76, 0x6d, 0x65,	/* 78 org.nvme */
	0x78, 0x70, 0x72, 0x65, 0x73, 0x73, 0x2e, 0x73,	/* 80 xpress.s */
	0x74, 0x61, 0x63, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 88 tac..... */
	0x07, 0x01, 0x73, 0x00, 0x04, 0x00, 0x00, 0x00,	/* 90 ..s..... */
	0x3a, 0x31, 0x2e, 0x35, 0x00, 0x00, 0x00, 0x00,	/* 98 :1.5.... */
	0x08, 0x01, 0x67, 0x00, 0x01, 0x62, 0x00, 0x00,	/* a0 ..g..b.. */
	0x01, 0x00, 0x00, 0x00,	/* a8 .... */
};

/*
 * Its reply, "aa{ss}": a dict with two entries, then an empty one.  Body
 * at 0x38: outer length 0x44 (elements are arrays, 4-aligned, so no
 * padding), inner length 0x35, padding to 8, entries at 0x40 and 0x58;
 * the empty dict's length at 0x78 is still followed by padding to 8,
 * which the outer length counts.
 */
static const uint8_t list_reply[] = {
	0x6c, 0x02, 0x00, 0x01, 0x48, 0x00, 0x00, 0x00,	/* 00 l...H... */
	0x05, 0x00, 0x00, 0x00, 0x24, 0x00, 0x00, 0x00,	/* 08 ....$... */
	0x05, 0x01, 0x75, 0x00, 0x07, 0x00, 0x00, 0x00,	/* 10 ..u..... */
	0x06, 0x01, 0x73, 0x00, 0x04, 0x00, 0x00, 0x00,	/* 18 ..s..... */
	0x3a, 0x31, 0x2e, 0x35, 0x00, 0x00, 0x00, 0x00,	/* 20 :1.5.... */
	0x08, 0x01, 0x67, 0x00, 0x06, 0x61, 0x61, 0x7b,	/* 28 ..g..aa{ */
	0x73, 0x73, 0x7d, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 30 ss}..... */
	0x44, 0x00, 0x00, 0x00, 0x35, 0x00, 0x00, 0x00,	/* 38 D...5... */
	0x09, 0x00, 0x00, 0x00, 0x74, 0x72, 0x61, 0x6e,	/* 40 ....tran */
	0x73, 0x70, 0x6f, 0x72, 0x74, 0x00, 0x00, 0x00,	/* 48 sport... */
	0x03, 0x00, 0x00, 0x00, 0x74, 0x63, 0x70, 0x00,	/* 50 ....tcp. */
	0x06, 0x00, 0x00, 0x00, 0x74, 0x72, 0x61, 0x64,	/* 58 ....trad */
	0x64, 0x72, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00,	/* 60 dr...... */
	0x31, 0x39, 0x32, 0x2e, 0x31, 0x36, 0x38, 0x2e,	/* 68 192.168. */
	0x31, 0x2e, 0x31, 0x30, 0x00, 0x00, 0x00, 0x00,	/* 70 1.10.... */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 78 ........ */
};

/* Properties.Get's reply: v holding b true (sig 01 'b' 00, pad, 1). */
static const uint8_t get_reply[] = {
	0x6c, 0x02, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00,	/* 00 l....... */
	0x06, 0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00,	/* 08 ........ */
	0x05, 0x01, 0x75, 0x00, 0x08, 0x00, 0x00, 0x00,	/* 10 ..u..... */
	0x06, 0x01, 0x73, 0x00, 0x04, 0x00, 0x00, 0x00,	/* 18 ..s..... */
	0x3a, 0x31, 0x2e, 0x35, 0x00, 0x00, 0x00, 0x00,	/* 20 :1.5.... */
	0x08, 0x01, 0x67, 0x00, 0x01, 0x76, 0x00, 0x00,	/* 28 ..g..v.. */
	0x01, 0x62, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,	/* 30 .b...... */
};

/* ERROR UnknownMethod replying to serial 9, its message an s. */
static const uint8_t error_reply[] = {
	0x6c, 0x03, 0x00, 0x01, 0x13, 0x00, 0x00, 0x00,	/* 00 l....... */
	0x07, 0x00, 0x00, 0x00, 0x57, 0x00, 0x00, 0x00,	/* 08 ....W... */
	0x04, 0x01, 0x73, 0x00, 0x28, 0x00, 0x00, 0x00,	/* 10 ..s.(... */
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,	/* 18 org.free */
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,	/* 20 desktop. */
	0x44, 0x42, 0x75, 0x73, 0x2e, 0x45, 0x72, 0x72,	/* 28 DBus.Err */
	0x6f, 0x72, 0x2e, 0x55, 0x6e, 0x6b, 0x6e, 0x6f,	/* 30 or.Unkno */
	0x77, 0x6e, 0x4d, 0x65, 0x74, 0x68, 0x6f, 0x64,	/* 38 wnMethod */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 40 ........ */
	0x05, 0x01, 0x75, 0x00, 0x09, 0x00, 0x00, 0x00,	/* 48 ..u..... */
	0x06, 0x01, 0x73, 0x00, 0x04, 0x00, 0x00, 0x00,	/* 50 ..s..... */
	0x3a, 0x31, 0x2e, 0x35, 0x00, 0x00, 0x00, 0x00,	/* 58 :1.5.... */
	0x08, 0x01, 0x67, 0x00, 0x01, 0x73, 0x00, 0x00,	/* 60 ..g..s.. */
	0x0e, 0x00, 0x00, 0x00, 0x4e, 0x6f, 0x20, 0x73,	/* 68 ....No s */
	0x75, 0x63, 0x68, 0x20, 0x6d, 0x65, 0x74, 0x68,	/* 70 uch meth */
	0x6f, 0x64, 0x00,	/* 78 od. */
};

/* Every basic type but h: SIGNAL with body "ybnqiuxtdsog". */
static const uint8_t basic_types[] = {
	0x6c, 0x04, 0x00, 0x01, 0x48, 0x00, 0x00, 0x00,	/* 00 l...H... */
	0x08, 0x00, 0x00, 0x00, 0x62, 0x00, 0x00, 0x00,	/* 08 ....b... */
	0x01, 0x01, 0x6f, 0x00, 0x14, 0x00, 0x00, 0x00,	/* 10 ..o..... */
	0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x6e, 0x76, 0x6d,	/* 18 /org/nvm */
	0x65, 0x78, 0x70, 0x72, 0x65, 0x73, 0x73, 0x2f,	/* 20 express/ */
	0x73, 0x74, 0x61, 0x63, 0x00, 0x00, 0x00, 0x00,	/* 28 stac.... */
	0x02, 0x01, 0x73, 0x00, 0x13, 0x00, 0x00, 0x00,	/* 30 ..s..... */
	0x6f, 0x72, 0x67, 0x2e, 0x6e, 0x76, 0x6d, 0x65,	/* 38 org.nvme */
	0x78, 0x70, 0x72, 0x65, 0x73, 0x73, 0x2e, 0x73,	/* 40 xpress.s */
	0x74, 0x61, 0x63, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 48 tac..... */
	0x03, 0x01, 0x73, 0x00, 0x05, 0x00, 0x00, 0x00,	/* 50 ..s..... */
	0x42, 0x61, 0x73, 0x69, 0x63, 0x00, 0x00, 0x00,	/* 58 Basic... */
	0x08, 0x01, 0x67, 0x00, 0x0c, 0x79, 0x62, 0x6e,	/* 60 ..g..ybn */
	0x71, 0x69, 0x75, 0x78, 0x74, 0x64, 0x73, 0x6f,	/* 68 qiuxtdso */
	0x67, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 70 g....... */
	0xfe, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,	/* 78 ........ */
	0xfe, 0xff, 0xfe, 0xff, 0xfd, 0xff, 0xff, 0xff,	/* 80 ........ */
	0xfd, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,	/* 88 ........ */
	0xfc, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* 90 ........ */
	0xfc, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* 98 ........ */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x40,	/* a0 .......@ */
	0x03, 0x00, 0x00, 0x00, 0x68, 0xc3, 0xa9, 0x00,	/* a8 ....h... */
	0x04, 0x00, 0x00, 0x00, 0x2f, 0x61, 0x2f, 0x62,	/* b0 ..../a/b */
	0x00, 0x05, 0x61, 0x7b, 0x73, 0x76, 0x7d, 0x00,	/* b8 ..a{sv}. */
};

/* The same, big-endian: every integer and length swapped. */
static const uint8_t basic_types_be[] = {
	0x42, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, 0x48,	/* 00 B......H */
	0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x62,	/* 08 .......b */
	0x01, 0x01, 0x6f, 0x00, 0x00, 0x00, 0x00, 0x14,	/* 10 ..o..... */
	0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x6e, 0x76, 0x6d,	/* 18 /org/nvm */
	0x65, 0x78, 0x70, 0x72, 0x65, 0x73, 0x73, 0x2f,	/* 20 express/ */
	0x73, 0x74, 0x61, 0x63, 0x00, 0x00, 0x00, 0x00,	/* 28 stac.... */
	0x02, 0x01, 0x73, 0x00, 0x00, 0x00, 0x00, 0x13,	/* 30 ..s..... */
	0x6f, 0x72, 0x67, 0x2e, 0x6e, 0x76, 0x6d, 0x65,	/* 38 org.nvme */
	0x78, 0x70, 0x72, 0x65, 0x73, 0x73, 0x2e, 0x73,	/* 40 xpress.s */
	0x74, 0x61, 0x63, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 48 tac..... */
	0x03, 0x01, 0x73, 0x00, 0x00, 0x00, 0x00, 0x05,	/* 50 ..s..... */
	0x42, 0x61, 0x73, 0x69, 0x63, 0x00, 0x00, 0x00,	/* 58 Basic... */
	0x08, 0x01, 0x67, 0x00, 0x0c, 0x79, 0x62, 0x6e,	/* 60 ..g..ybn */
	0x71, 0x69, 0x75, 0x78, 0x74, 0x64, 0x73, 0x6f,	/* 68 qiuxtdso */
	0x67, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 70 g....... */
	0xfe, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,	/* 78 ........ */
	0xff, 0xfe, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xfd,	/* 80 ........ */
	0xff, 0xff, 0xff, 0xfd, 0x00, 0x00, 0x00, 0x00,	/* 88 ........ */
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfc,	/* 90 ........ */
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfc,	/* 98 ........ */
	0x40, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* a0 @....... */
	0x00, 0x00, 0x00, 0x03, 0x68, 0xc3, 0xa9, 0x00,	/* a8 ....h... */
	0x00, 0x00, 0x00, 0x04, 0x2f, 0x61, 0x2f, 0x62,	/* b0 ..../a/b */
	0x00, 0x05, 0x61, 0x7b, 0x73, 0x76, 0x7d, 0x00,	/* b8 ..a{sv}. */
};

/*
 * Properties.Set("org.nvmexpress.stac.debug", "tron", <true>) from a
 * big-endian peer, serial 0x01020304; the bus forwards it untouched.
 */
static const uint8_t set_call_be[] = {
	0x42, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x30,	/* 00 B......0 */
	0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x91,	/* 08 ........ */
	0x01, 0x01, 0x6f, 0x00, 0x00, 0x00, 0x00, 0x14,	/* 10 ..o..... */
	0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x6e, 0x76, 0x6d,	/* 18 /org/nvm */
	0x65, 0x78, 0x70, 0x72, 0x65, 0x73, 0x73, 0x2f,	/* 20 express/ */
	0x73, 0x74, 0x61, 0x63, 0x00, 0x00, 0x00, 0x00,	/* 28 stac.... */
	0x02, 0x01, 0x73, 0x00, 0x00, 0x00, 0x00, 0x1f,	/* 30 ..s..... */
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,	/* 38 org.free */
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,	/* 40 desktop. */
	0x44, 0x42, 0x75, 0x73, 0x2e, 0x50, 0x72, 0x6f,	/* 48 DBus.Pro */
	0x70, 0x65, 0x72, 0x74, 0x69, 0x65, 0x73, 0x00,	/* 50 perties. */
	0x03, 0x01, 0x73, 0x00, 0x00, 0x00, 0x00, 0x03,	/* 58 ..s..... */
	0x53, 0x65, 0x74, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 60 Set..... */
	0x06, 0x01, 0x73, 0x00, 0x00, 0x00, 0x00, 0x13,	/* 68 ..s..... */
	0x6f, 0x72, 0x67, 0x2e, 0x6e, 0x76, 0x6d, 0x65,	/* 70 org.nvme */
	0x78, 0x70, 0x72, 0x65, 0x73, 0x73, 0x2e, 0x73,	/* 78 xpress.s */
	0x74, 0x61, 0x63, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 80 tac..... */
	0x07, 0x01, 0x73, 0x00, 0x00, 0x00, 0x00, 0x04,	/* 88 ..s..... */
	0x3a, 0x31, 0x2e, 0x39, 0x00, 0x00, 0x00, 0x00,	/* 90 :1.9.... */
	0x08, 0x01, 0x67, 0x00, 0x03, 0x73, 0x73, 0x76,	/* 98 ..g..ssv */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* a0 ........ */
	0x00, 0x00, 0x00, 0x19, 0x6f, 0x72, 0x67, 0x2e,	/* a8 ....org. */
	0x6e, 0x76, 0x6d, 0x65, 0x78, 0x70, 0x72, 0x65,	/* b0 nvmexpre */
	0x73, 0x73, 0x2e, 0x73, 0x74, 0x61, 0x63, 0x2e,	/* b8 ss.stac. */
	0x64, 0x65, 0x62, 0x75, 0x67, 0x00, 0x00, 0x00,	/* c0 debug... */
	0x00, 0x00, 0x00, 0x04, 0x74, 0x72, 0x6f, 0x6e,	/* c8 ....tron */
	0x00, 0x01, 0x62, 0x00, 0x00, 0x00, 0x00, 0x01,	/* d0 ..b..... */
};

/*
 * Captured from dbus-daemon 1.14.10 on the dev machine: Hello's reply,
 * fields in the bus's order 6, 5, 8, 7.
 */
static const uint8_t live_hello_reply[] = {
	0x6c, 0x02, 0x01, 0x01, 0x09, 0x00, 0x00, 0x00,	/* 00 l....... */
	0x01, 0x00, 0x00, 0x00, 0x3d, 0x00, 0x00, 0x00,	/* 08 ....=... */
	0x06, 0x01, 0x73, 0x00, 0x04, 0x00, 0x00, 0x00,	/* 10 ..s..... */
	0x3a, 0x31, 0x2e, 0x30, 0x00, 0x00, 0x00, 0x00,	/* 18 :1.0.... */
	0x05, 0x01, 0x75, 0x00, 0x01, 0x00, 0x00, 0x00,	/* 20 ..u..... */
	0x08, 0x01, 0x67, 0x00, 0x01, 0x73, 0x00, 0x00,	/* 28 ..g..s.. */
	0x07, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00,	/* 30 ..s..... */
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,	/* 38 org.free */
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,	/* 40 desktop. */
	0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00,	/* 48 DBus.... */
	0x04, 0x00, 0x00, 0x00, 0x3a, 0x31, 0x2e, 0x30,	/* 50 ....:1.0 */
	0x00,	/* 58 . */
};

/* Captured likewise: NameAcquired, fields in order 1, 2, 3, 6, 8, 7. */
static const uint8_t live_name_acquired[] = {
	0x6c, 0x04, 0x01, 0x01, 0x09, 0x00, 0x00, 0x00,	/* 00 l....... */
	0x02, 0x00, 0x00, 0x00, 0x8d, 0x00, 0x00, 0x00,	/* 08 ........ */
	0x01, 0x01, 0x6f, 0x00, 0x15, 0x00, 0x00, 0x00,	/* 10 ..o..... */
	0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x66, 0x72, 0x65,	/* 18 /org/fre */
	0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70,	/* 20 edesktop */
	0x2f, 0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00,	/* 28 /DBus... */
	0x02, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00,	/* 30 ..s..... */
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,	/* 38 org.free */
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,	/* 40 desktop. */
	0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00,	/* 48 DBus.... */
	0x03, 0x01, 0x73, 0x00, 0x0c, 0x00, 0x00, 0x00,	/* 50 ..s..... */
	0x4e, 0x61, 0x6d, 0x65, 0x41, 0x63, 0x71, 0x75,	/* 58 NameAcqu */
	0x69, 0x72, 0x65, 0x64, 0x00, 0x00, 0x00, 0x00,	/* 60 ired.... */
	0x06, 0x01, 0x73, 0x00, 0x04, 0x00, 0x00, 0x00,	/* 68 ..s..... */
	0x3a, 0x31, 0x2e, 0x30, 0x00, 0x00, 0x00, 0x00,	/* 70 :1.0.... */
	0x08, 0x01, 0x67, 0x00, 0x01, 0x73, 0x00, 0x00,	/* 78 ..g..s.. */
	0x07, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00,	/* 80 ..s..... */
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,	/* 88 org.free */
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,	/* 90 desktop. */
	0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00,	/* 98 DBus.... */
	0x04, 0x00, 0x00, 0x00, 0x3a, 0x31, 0x2e, 0x30,	/* a0 ....:1.0 */
	0x00,	/* a8 . */
};

/* Captured likewise: RequestName's reply. */
static const uint8_t live_request_name_reply[] = {
	0x6c, 0x02, 0x01, 0x01, 0x04, 0x00, 0x00, 0x00,	/* 00 l....... */
	0x04, 0x00, 0x00, 0x00, 0x3d, 0x00, 0x00, 0x00,	/* 08 ....=... */
	0x06, 0x01, 0x73, 0x00, 0x04, 0x00, 0x00, 0x00,	/* 10 ..s..... */
	0x3a, 0x31, 0x2e, 0x30, 0x00, 0x00, 0x00, 0x00,	/* 18 :1.0.... */
	0x05, 0x01, 0x75, 0x00, 0x02, 0x00, 0x00, 0x00,	/* 20 ..u..... */
	0x08, 0x01, 0x67, 0x00, 0x01, 0x75, 0x00, 0x00,	/* 28 ..g..u.. */
	0x07, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00,	/* 30 ..s..... */
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,	/* 38 org.free */
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,	/* 40 desktop. */
	0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00,	/* 48 DBus.... */
	0x01, 0x00, 0x00, 0x00,	/* 50 .... */
};


/* --- body readers and writers of the golden messages -------------------- */

static void
check_unique_name(struct dw_reader *r)
{
	CHECK_STR(dw_read_string(r), ":1.0");
}

static void
write_unique_name(struct dw_writer *w)
{
	dw_write_string(w, ":1.0");
}

static void
check_request_name(struct dw_reader *r)
{
	CHECK_STR(dw_read_string(r), STAC);
	CHECK_INT(dw_read_uint32(r), 4);
}

static void
write_request_name(struct dw_writer *w)
{
	dw_write_string(w, STAC);
	dw_write_uint32(w, 4);
}

static void
check_one(struct dw_reader *r)
{
	CHECK_INT(dw_read_uint32(r), 1);
}

static void
write_one(struct dw_writer *w)
{
	dw_write_uint32(w, 1);
}

#define RULE	"type='signal',sender='org.freedesktop.DBus'," \
		"member='NameOwnerChanged',arg0='org.nvmexpress.staf'"

static void
check_rule(struct dw_reader *r)
{
	CHECK_STR(dw_read_string(r), RULE);
}

static void
write_rule(struct dw_writer *w)
{
	dw_write_string(w, RULE);
}

static void
check_true(struct dw_reader *r)
{
	CHECK_INT(dw_read_bool(r), 1);
}

static void
write_true(struct dw_writer *w)
{
	dw_write_bool(w, 1);
}

/* The loop a caller writes for "aa{ss}". */
static void
check_controllers(struct dw_reader *r)
{
	static const char *want[] = { "transport", "tcp", "traddr",
	    "192.168.1.10" };
	size_t dicts = 0, entries = 0;

	dw_enter_array(r, "a{ss}");
	while (dw_peek_type(r) != 0) {
		dw_enter_array(r, "{ss}");
		while (dw_peek_type(r) != 0) {
			dw_enter_dict_entry(r);
			if (dicts == 0 && entries < 2) {
				CHECK_STR(dw_read_string(r), want[2 * entries]);
				CHECK_STR(dw_read_string(r),
				    want[2 * entries + 1]);
			}
			dw_leave(r);
			entries++;
		}
		dw_leave(r);
		dicts++;
	}
	dw_leave(r);
	CHECK_INT(dicts, 2);
	CHECK_INT(entries, 2);
}

static void
write_controllers(struct dw_writer *w)
{
	dw_open_array(w);
	dw_open_array(w);
	dw_open_dict_entry(w);
	dw_write_string(w, "transport");
	dw_write_string(w, "tcp");
	dw_close(w);
	dw_open_dict_entry(w);
	dw_write_string(w, "traddr");
	dw_write_string(w, "192.168.1.10");
	dw_close(w);
	dw_close(w);
	dw_open_array(w);
	dw_close(w);
	dw_close(w);
}

static void
check_variant_true(struct dw_reader *r)
{
	CHECK_STR(dw_peek_variant(r), "b");
	dw_enter_variant(r, "b");
	CHECK_INT(dw_read_bool(r), 1);
	dw_leave(r);
}

static void
write_variant_true(struct dw_writer *w)
{
	dw_open_variant(w, "b");
	dw_write_bool(w, 1);
	dw_close(w);
}

static void
check_no_method(struct dw_reader *r)
{
	CHECK_STR(dw_read_string(r), "No such method");
}

static void
write_no_method(struct dw_writer *w)
{
	dw_write_string(w, "No such method");
}

static void
check_basic(struct dw_reader *r)
{
	CHECK_INT(dw_read_byte(r), 0xfe);
	CHECK_INT(dw_read_bool(r), 1);
	CHECK_INT(dw_read_int16(r), -2);
	CHECK_INT(dw_read_uint16(r), 0xfffe);
	CHECK_INT(dw_read_int32(r), -3);
	CHECK_INT(dw_read_uint32(r), 0xfffffffd);
	CHECK_INT(dw_read_int64(r), -4);
	CHECK(dw_read_uint64(r) == UINT64_C(0xfffffffffffffffc));
	CHECK(dw_read_double(r) == 2.5);
	CHECK_STR(dw_read_string(r), "h\xc3\xa9");
	CHECK_STR(dw_read_path(r), "/a/b");
	CHECK_STR(dw_read_signature(r), "a{sv}");
}

static void
write_basic(struct dw_writer *w)
{
	dw_write_byte(w, 0xfe);
	dw_write_bool(w, 1);
	dw_write_int16(w, -2);
	dw_write_uint16(w, 0xfffe);
	dw_write_int32(w, -3);
	dw_write_uint32(w, 0xfffffffd);
	dw_write_int64(w, -4);
	dw_write_uint64(w, UINT64_C(0xfffffffffffffffc));
	dw_write_double(w, 2.5);
	dw_write_string(w, "h\xc3\xa9");
	dw_write_path(w, "/a/b");
	dw_write_signature(w, "a{sv}");
}

static void
check_set_tron(struct dw_reader *r)
{
	CHECK_STR(dw_read_string(r), STAC ".debug");
	CHECK_STR(dw_read_string(r), "tron");
	dw_enter_variant(r, "b");
	CHECK_INT(dw_read_bool(r), 1);
	dw_leave(r);
}

/* --- golden messages, both ways ----------------------------------------- */

struct golden {
	const uint8_t	*data;
	size_t		 len;
	struct dw_hdr	 hdr;
	void		(*check)(struct dw_reader *);
	void		(*write)(struct dw_writer *);	/* NULL: parse only */
};

#define DATA(a)	a, sizeof(a)

static const struct golden g_hello_call = { DATA(hello_call), {
	.type = DW_MSG_METHOD_CALL, .serial = 1, .path = BUS_PATH,
	.interface = BUS, .member = "Hello", .destination = BUS,
	.signature = "" }, NULL, NULL };

static const struct golden g_hello_reply = { DATA(hello_reply), {
	.type = DW_MSG_METHOD_RETURN, .flags = DW_FLAG_NO_REPLY_EXPECTED,
	.serial = 1, .reply_serial = 1, .destination = ":1.0", .sender = BUS,
	.signature = "s" }, check_unique_name, write_unique_name };

static const struct golden g_name_acquired = { DATA(name_acquired), {
	.type = DW_MSG_SIGNAL, .flags = DW_FLAG_NO_REPLY_EXPECTED,
	.serial = 2, .path = BUS_PATH, .interface = BUS,
	.member = "NameAcquired", .destination = ":1.0", .sender = BUS,
	.signature = "s" }, check_unique_name, write_unique_name };

static const struct golden g_request_name_call = { DATA(request_name_call), {
	.type = DW_MSG_METHOD_CALL, .serial = 2, .path = BUS_PATH,
	.interface = BUS, .member = "RequestName", .destination = BUS,
	.signature = "su" }, check_request_name, write_request_name };

static const struct golden g_request_name_reply = {
	DATA(request_name_reply), {
	.type = DW_MSG_METHOD_RETURN, .flags = DW_FLAG_NO_REPLY_EXPECTED,
	.serial = 3, .reply_serial = 2, .destination = ":1.0", .sender = BUS,
	.signature = "u" }, check_one, write_one };

static const struct golden g_add_match_call = { DATA(add_match_call), {
	.type = DW_MSG_METHOD_CALL, .serial = 3, .path = BUS_PATH,
	.interface = BUS, .member = "AddMatch", .destination = BUS,
	.signature = "s" }, check_rule, write_rule };

static const struct golden g_list_call = { DATA(list_call), {
	.type = DW_MSG_METHOD_CALL, .serial = 7, .path = STAC_PATH,
	.interface = STAC, .member = "list_controllers", .destination = STAC,
	.sender = ":1.5", .signature = "b" }, check_true, write_true };

static const struct golden g_list_reply = { DATA(list_reply), {
	.type = DW_MSG_METHOD_RETURN, .serial = 5, .reply_serial = 7,
	.destination = ":1.5", .signature = "aa{ss}" },
	check_controllers, write_controllers };

static const struct golden g_get_reply = { DATA(get_reply), {
	.type = DW_MSG_METHOD_RETURN, .serial = 6, .reply_serial = 8,
	.destination = ":1.5", .signature = "v" },
	check_variant_true, write_variant_true };

static const struct golden g_error_reply = { DATA(error_reply), {
	.type = DW_MSG_ERROR, .serial = 7, .reply_serial = 9,
	.error_name = "org.freedesktop.DBus.Error.UnknownMethod",
	.destination = ":1.5", .signature = "s" },
	check_no_method, write_no_method };

static const struct golden g_basic_types = { DATA(basic_types), {
	.type = DW_MSG_SIGNAL, .serial = 8, .path = STAC_PATH,
	.interface = STAC, .member = "Basic", .signature = "ybnqiuxtdsog" },
	check_basic, write_basic };

static const struct golden g_basic_types_be = { DATA(basic_types_be), {
	.type = DW_MSG_SIGNAL, .serial = 8, .path = STAC_PATH,
	.interface = STAC, .member = "Basic", .signature = "ybnqiuxtdsog" },
	check_basic, NULL };

static const struct golden g_set_call_be = { DATA(set_call_be), {
	.type = DW_MSG_METHOD_CALL, .serial = 0x01020304, .path = STAC_PATH,
	.interface = "org.freedesktop.DBus.Properties", .member = "Set",
	.destination = STAC, .sender = ":1.9", .signature = "ssv" },
	check_set_tron, NULL };

static const struct golden g_live_hello_reply = { DATA(live_hello_reply), {
	.type = DW_MSG_METHOD_RETURN, .flags = DW_FLAG_NO_REPLY_EXPECTED,
	.serial = 1, .reply_serial = 1, .destination = ":1.0", .sender = BUS,
	.signature = "s" }, check_unique_name, NULL };

static const struct golden g_live_name_acquired = {
	DATA(live_name_acquired), {
	.type = DW_MSG_SIGNAL, .flags = DW_FLAG_NO_REPLY_EXPECTED,
	.serial = 2, .path = BUS_PATH, .interface = BUS,
	.member = "NameAcquired", .destination = ":1.0", .sender = BUS,
	.signature = "s" }, check_unique_name, NULL };

static const struct golden g_live_request_name_reply = {
	DATA(live_request_name_reply), {
	.type = DW_MSG_METHOD_RETURN, .flags = DW_FLAG_NO_REPLY_EXPECTED,
	.serial = 4, .reply_serial = 2, .destination = ":1.0", .sender = BUS,
	.signature = "u" }, check_one, NULL };

static void
golden_parse(const struct golden *g)
{
	struct dw_msg m;
	size_t total = 0;

	CHECK_INT(dw_frame_size(g->data, 0, &total), 0);
	CHECK_INT(total, g->len);
	CHECK_INT(dw_msg_parse(&m, g->data, g->len), 0);
	CHECK_INT(m.hdr.type, g->hdr.type);
	CHECK_INT(m.hdr.flags, g->hdr.flags);
	CHECK_INT(m.hdr.serial, g->hdr.serial);
	CHECK_INT(m.hdr.reply_serial, g->hdr.reply_serial);
	CHECK_FIELD(m.hdr.path, g->hdr.path);
	CHECK_FIELD(m.hdr.interface, g->hdr.interface);
	CHECK_FIELD(m.hdr.member, g->hdr.member);
	CHECK_FIELD(m.hdr.error_name, g->hdr.error_name);
	CHECK_FIELD(m.hdr.destination, g->hdr.destination);
	CHECK_FIELD(m.hdr.sender, g->hdr.sender);
	CHECK_STR(m.hdr.signature, g->hdr.signature);
	if (g->check != NULL)
		g->check(&m.body);
	CHECK_INT(dw_reader_end(&m.body), 0);
}

/* Fails with the first differing offset, to find the byte at fault. */
static void
check_bytes(const uint8_t *got, size_t got_len, const uint8_t *want,
    size_t want_len)
{
	size_t i;

	CHECK_INT(got_len, want_len);
	for (i = 0; got != NULL && i < got_len && i < want_len; i++)
		if (got[i] != want[i]) {
			printf("#   first difference at 0x%zx: %02x, "
			    "want %02x\n", i, got[i], want[i]);
			CHECK(got[i] == want[i]);
			break;
		}
}

static void
golden_build(const struct golden *g)
{
	struct dw_writer w;
	const uint8_t *data = NULL;
	size_t len = 0;

	dw_writer_init(&w, 0);
	CHECK_INT(dw_msg_begin(&w, &g->hdr), 0);
	if (g->write != NULL)
		g->write(&w);
	CHECK_INT(dw_msg_finish(&w, &data, &len), 0);
	check_bytes(data, len, g->data, g->len);
	dw_writer_fini(&w);
}

#define GOLDEN(name)							\
static void name##_parse(void) { golden_parse(&g_##name); }		\
static void name##_build(void) { golden_build(&g_##name); }

#define GOLDEN_PARSE(name)						\
static void name##_parse(void) { golden_parse(&g_##name); }

GOLDEN(hello_call)
GOLDEN(hello_reply)
GOLDEN(name_acquired)
GOLDEN(request_name_call)
GOLDEN(request_name_reply)
GOLDEN(add_match_call)
GOLDEN(list_call)
GOLDEN(list_reply)
GOLDEN(get_reply)
GOLDEN(error_reply)
GOLDEN(basic_types)
GOLDEN_PARSE(basic_types_be)
GOLDEN_PARSE(set_call_be)
GOLDEN_PARSE(live_hello_reply)
GOLDEN_PARSE(live_name_acquired)
GOLDEN_PARSE(live_request_name_reply)

/* The short builders give the same bytes as the generic one. */
static void
builders(void)
{
	struct dw_hdr call = { .serial = 7, .sender = ":1.5" };
	struct dw_hdr unknown = { .serial = 9, .sender = ":1.5" };
	struct dw_writer w;
	const uint8_t *data = NULL;
	size_t len = 0;

	dw_writer_init(&w, 0);
	CHECK_INT(dw_msg_begin_call(&w, 1, BUS, BUS_PATH, BUS, "Hello", NULL),
	    0);
	CHECK_INT(dw_msg_finish(&w, &data, &len), 0);
	check_bytes(data, len, hello_call, sizeof(hello_call));

	CHECK_INT(dw_msg_begin_call(&w, 2, BUS, BUS_PATH, BUS, "RequestName",
	    "su"), 0);
	write_request_name(&w);
	CHECK_INT(dw_msg_finish(&w, &data, &len), 0);
	check_bytes(data, len, request_name_call, sizeof(request_name_call));

	CHECK_INT(dw_msg_begin_return(&w, 5, &call, "aa{ss}"), 0);
	write_controllers(&w);
	CHECK_INT(dw_msg_finish(&w, &data, &len), 0);
	check_bytes(data, len, list_reply, sizeof(list_reply));

	CHECK_INT(dw_msg_begin_error(&w, 7, &unknown,
	    "org.freedesktop.DBus.Error.UnknownMethod", "No such method"), 0);
	CHECK_INT(dw_msg_finish(&w, &data, &len), 0);
	check_bytes(data, len, error_reply, sizeof(error_reply));

	CHECK_INT(dw_msg_begin_signal(&w, 8, STAC_PATH, STAC, "Basic",
	    "ybnqiuxtdsog"), 0);
	write_basic(&w);
	CHECK_INT(dw_msg_finish(&w, &data, &len), 0);
	check_bytes(data, len, basic_types, sizeof(basic_types));
	dw_writer_fini(&w);
	dw_writer_fini(&w);	/* idempotent */
}

/* --- hand-assembled messages for the negative tests --------------------- */

struct raw_field {
	uint8_t		 code;
	char		 type;		/* s, o, g or u */
	const char	*s;
	uint32_t	 u;
};

/* A little-endian message built without the code under test. */
struct raw {
	uint8_t		 buf[4096];
	size_t		 len;
};

static void
raw_pad(struct raw *m, size_t align)
{
	while (m->len % align)
		m->buf[m->len++] = 0;
}

static void
raw_u32(struct raw *m, uint32_t v)
{
	raw_pad(m, 4);
	m->buf[m->len++] = v & 0xff;
	m->buf[m->len++] = (v >> 8) & 0xff;
	m->buf[m->len++] = (v >> 16) & 0xff;
	m->buf[m->len++] = v >> 24;
}

static void
raw_set32(struct raw *m, size_t at, uint32_t v)
{
	size_t len = m->len;

	m->len = at;
	raw_u32(m, v);
	m->len = len;
}

static void
raw_str(struct raw *m, char type, const char *s)
{
	size_t n = strlen(s);

	if (type == 'g')
		m->buf[m->len++] = (uint8_t)n;
	else
		raw_u32(m, (uint32_t)n);
	memcpy(m->buf + m->len, s, n + 1);
	m->len += n + 1;
}

static void
raw_msg(struct raw *m, uint8_t type, const struct raw_field *f, size_t nf,
    const void *body, size_t body_len)
{
	size_t i;

	m->len = 0;
	m->buf[m->len++] = 'l';
	m->buf[m->len++] = type;
	m->buf[m->len++] = 0;
	m->buf[m->len++] = 1;
	raw_u32(m, (uint32_t)body_len);
	raw_u32(m, 1);			/* serial */
	raw_u32(m, 0);			/* field array length, below */
	for (i = 0; i < nf; i++) {
		raw_pad(m, 8);
		m->buf[m->len++] = f[i].code;
		m->buf[m->len++] = 1;
		m->buf[m->len++] = (uint8_t)f[i].type;
		m->buf[m->len++] = 0;
		if (f[i].type == 'u')
			raw_u32(m, f[i].u);
		else
			raw_str(m, f[i].type, f[i].s);
	}
	raw_set32(m, 12, (uint32_t)(m->len - 16));
	raw_pad(m, 8);
	memcpy(m->buf + m->len, body, body_len);
	m->len += body_len;
}

/* A METHOD_RETURN to serial 1 with signature sig and the given body. */
static void
raw_body(struct raw *m, const char *sig, const void *body, size_t len)
{
	struct raw_field f[] = {
		{ 5, 'u', NULL, 1 },
		{ 8, 'g', sig, 0 },
	};

	raw_msg(m, DW_MSG_METHOD_RETURN, f, *sig != '\0' ? 2 : 1, body, len);
}

static int
raw_parse(const struct raw *m)
{
	struct dw_msg msg;

	return dw_msg_parse(&msg, m->buf, m->len);
}

/* --- framing ------------------------------------------------------------ */

static void
set32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = v >> 24;
}

static void
framing(void)
{
	struct dw_msg m;
	uint8_t h[16];
	size_t total = 0;

	memcpy(h, hello_call, sizeof(h));
	CHECK_INT(dw_frame_size(h, 0, &total), 0);
	CHECK_INT(total, sizeof(hello_call));
	CHECK_INT(dw_frame_size(h, sizeof(hello_call), &total), 0);
	/* The caller's cap, e.g. the system bus's 32 MiB. */
	CHECK_INT(dw_frame_size(h, sizeof(hello_call) - 1, &total), -E2BIG);
	CHECK_INT(dw_frame_size(basic_types_be, 0, &total), 0);
	CHECK_INT(total, sizeof(basic_types_be));

	/* 128 MiB in all is the most; the 128-byte header counts. */
	set32(h + 4, DW_MSG_SIZE_MAX - 128);
	CHECK_INT(dw_frame_size(h, 0, &total), 0);
	CHECK_INT(total, DW_MSG_SIZE_MAX);
	CHECK_INT(dw_frame_size(h, SIZE_MAX, &total), 0);
	set32(h + 4, DW_MSG_SIZE_MAX - 127);
	CHECK_INT(dw_frame_size(h, 0, &total), -E2BIG);
	CHECK_INT(dw_frame_size(h, SIZE_MAX, &total), -E2BIG);
	set32(h + 4, UINT32_MAX);
	CHECK_INT(dw_frame_size(h, 0, &total), -E2BIG);

	/* The field array is an array: 64 MiB at most. */
	set32(h + 4, 0);
	set32(h + 12, DW_ARRAY_SIZE_MAX + 1);
	CHECK_INT(dw_frame_size(h, 0, &total), -E2BIG);
	CHECK_INT(dw_msg_parse(&m, h, sizeof(h)), -E2BIG);
	set32(h + 12, DW_ARRAY_SIZE_MAX);
	CHECK_INT(dw_frame_size(h, 0, &total), 0);
	CHECK_INT(total, DW_ARRAY_SIZE_MAX + 16);

	memcpy(h, hello_call, sizeof(h));
	h[0] = 'x';
	CHECK_INT(dw_frame_size(h, 0, &total), -EBADMSG);
	h[0] = 'l';
	h[3] = 2;
	CHECK_INT(dw_frame_size(h, 0, &total), -EBADMSG);
}

/* --- header rules ------------------------------------------------------- */

struct patch {
	const uint8_t	*data;
	size_t		 len;
	size_t		 at;
	uint8_t		 val;
	int		 err;
	const char	*why;
};

#define AT(a)	a, sizeof(a)

static const struct patch patches[] = {
	{ AT(hello_call), 0x00, 'x', -EBADMSG, "byte order" },
	{ AT(hello_call), 0x01, 0, -EBADMSG, "type 0 is INVALID" },
	{ AT(hello_call), 0x01, 5, 0, "unknown type: parsed, to be ignored" },
	{ AT(hello_call), 0x02, 0xff, 0, "unknown flags are ignored" },
	{ AT(hello_call), 0x03, 2, -EBADMSG, "version 2" },
	{ AT(hello_call), 0x08, 0, -EBADMSG, "serial 0" },
	{ AT(hello_call), 0x2e, 1, -EBADMSG, "padding between fields" },
	{ AT(hello_call), 0x7d, 1, -EBADMSG, "padding after the fields" },
	{ AT(hello_call), 0x12, 's', -EBADMSG, "PATH as s" },
	{ AT(hello_call), 0x10, 0, -EBADMSG, "field code 0" },
	{ AT(hello_call), 0x50, 2, -EBADMSG, "INTERFACE twice" },
	{ AT(hello_call), 0x50, 10, -EBADMSG, "call without MEMBER" },
	{ AT(hello_call), 0x10, 200, -EBADMSG, "call without PATH" },
	{ AT(hello_call), 0x14, 0x16, -EBADMSG, "path length past its NUL" },
	{ AT(hello_reply), 0x10, 0x7f, -EBADMSG, "no REPLY_SERIAL" },
	{ AT(hello_reply), 0x14, 0, -EBADMSG, "REPLY_SERIAL 0" },
	{ AT(hello_reply), 0x18, 100, 0, "unknown field code: skipped" },
	{ AT(hello_reply), 0x4a, 'u', -EBADMSG, "SIGNATURE as u" },
	{ AT(hello_reply), 0x4d, 'y', -EBADMSG, "body not of its signature" },
	{ AT(hello_reply), 0x55, 0, -EBADMSG, "NUL inside a string" },
	{ AT(error_reply), 0x10, 11, -EBADMSG, "error without ERROR_NAME" },
	{ AT(name_acquired), 0x30, 11, -EBADMSG, "signal without INTERFACE" },
	{ AT(get_reply), 0x34, 2, -EBADMSG, "boolean 2 in a variant" },
	{ AT(get_reply), 0x33, 1, -EBADMSG, "padding inside a variant" },
	{ AT(list_reply), 0x7c, 1, -EBADMSG, "padding after an empty array" },
	{ AT(list_reply), 0x3c, 0x36, -EBADMSG, "array length off by one" },
	{ AT(basic_types_be), 0x00, 'l', -E2BIG, "BE lengths read as LE" },
};

static void
header_patches(void)
{
	struct dw_msg m;
	uint8_t buf[256];
	size_t i;
	int r;

	for (i = 0; i < sizeof(patches) / sizeof(patches[0]); i++) {
		const struct patch *p = &patches[i];

		memcpy(buf, p->data, p->len);
		buf[p->at] = p->val;
		if ((r = dw_msg_parse(&m, buf, p->len)) != p->err)
			printf("#   %s: got %d, want %d\n", p->why, r, p->err);
		CHECK_INT(r, p->err);
	}
	memcpy(buf, hello_call, sizeof(hello_call));
	buf[1] = 5;
	CHECK_INT(dw_msg_parse(&m, buf, sizeof(hello_call)), 0);
	CHECK_INT(m.hdr.type, 5);
	/* The length must be the framed one, exactly. */
	CHECK_INT(dw_msg_parse(&m, hello_call, sizeof(hello_call) - 1),
	    -EBADMSG);
	buf[1] = 1;
	buf[sizeof(hello_call)] = 0;
	CHECK_INT(dw_msg_parse(&m, buf, sizeof(hello_call) + 1), -EBADMSG);
	CHECK_INT(dw_msg_parse(&m, hello_call, 15), -EBADMSG);
	/* A failed parse leaves nothing half-set. */
	CHECK(m.hdr.path == NULL && m.hdr.serial == 0);
}

/* An unknown field with a nested value is skipped, the rest kept. */
static void
header_unknown_field(void)
{
	static const char body[] = "";
	struct raw_field f[] = {
		{ 1, 'o', "/p", 0 },
		{ 3, 's', "M", 0 },
		{ 10, 'o', "/container", 0 },	/* dbus 1.14 extension */
		{ 200, 'g', "a{sv}", 0 },
	};
	struct raw m;
	struct dw_msg msg;

	raw_msg(&m, DW_MSG_METHOD_CALL, f, 4, body, 0);
	CHECK_INT(dw_msg_parse(&msg, m.buf, m.len), 0);
	CHECK_STR(msg.hdr.path, "/p");
	CHECK_STR(msg.hdr.member, "M");
}

struct field_case {
	struct raw_field f;
	int		 err;
};

static char long_name[DW_NAME_MAX + 2];
static char long_member[DW_NAME_MAX + 2];

static const struct field_case field_cases[] = {
	{ { 1, 'o', "/a//b", 0 }, -EBADMSG },
	{ { 1, 'o', "/a/", 0 }, -EBADMSG },
	{ { 1, 'o', "/org/freedesktop/DBus/Local", 0 }, -EBADMSG },
	{ { 1, 'o', "/org/freedesktop/DBus/Local2", 0 }, 0 },
	{ { 2, 's', "org", 0 }, -EBADMSG },
	{ { 2, 's', "org..x", 0 }, -EBADMSG },
	{ { 2, 's', ".org.x", 0 }, -EBADMSG },
	{ { 2, 's', "org.x.", 0 }, -EBADMSG },
	{ { 2, 's', "org.1x", 0 }, -EBADMSG },
	{ { 2, 's', "org.a-b", 0 }, -EBADMSG },
	{ { 2, 's', "org.x\xc3\xa9", 0 }, -EBADMSG },
	{ { 2, 's', "org.freedesktop.DBus.Local", 0 }, -EBADMSG },
	{ { 2, 's', "_a.b_1.C9", 0 }, 0 },
	{ { 3, 's', "1x", 0 }, -EBADMSG },
	{ { 3, 's', "a.b", 0 }, -EBADMSG },
	{ { 3, 's', "a-b", 0 }, -EBADMSG },
	{ { 3, 's', "", 0 }, -EBADMSG },
	{ { 4, 's', "NoDots", 0 }, -EBADMSG },
	{ { 4, 's', "org.Error.1", 0 }, -EBADMSG },
	{ { 6, 's', "org", 0 }, -EBADMSG },
	{ { 6, 's', "1org.x", 0 }, -EBADMSG },
	{ { 6, 's', ":", 0 }, -EBADMSG },
	{ { 6, 's', ":1", 0 }, -EBADMSG },
	{ { 6, 's', ":1..2", 0 }, -EBADMSG },
	{ { 6, 's', "", 0 }, -EBADMSG },
	{ { 6, 's', ":1.42", 0 }, 0 },
	{ { 6, 's', "org.a-b.c_1", 0 }, 0 },
	{ { 7, 's', "org.a b", 0 }, -EBADMSG },
	{ { 8, 'g', "a{vs}", 0 }, -EBADMSG },
	{ { 8, 'g', "((", 0 }, -EBADMSG },
	{ { 9, 'u', NULL, 0 }, 0 },		/* UNIX_FDS, no h in the body */
	{ { 9, 's', "x", 0 }, -EBADMSG },
	{ { 2, 's', long_name, 0 }, -EBADMSG },
	{ { 3, 's', long_member, 0 }, -EBADMSG },
	{ { 3, 's', long_member + 1, 0 }, 0 },
	{ { 6, 's', long_name, 0 }, -EBADMSG },
	{ { 2, 's', long_name + 1, 0 }, 0 },
	{ { 6, 's', long_name + 1, 0 }, 0 },
};

/* Each case replaces PATH or MEMBER of a valid call, or is added to it. */
static void
header_fields(void)
{
	struct raw_field f[3];
	struct raw m;
	size_t i, n;
	int r;

	/* 256 bytes, and 255 from the second byte on. */
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[3] = '.';
	memset(long_member, 'a', sizeof(long_member) - 1);
	for (i = 0; i < sizeof(field_cases) / sizeof(field_cases[0]); i++) {
		const struct field_case *c = &field_cases[i];

		f[0] = (struct raw_field){ 1, 'o', "/p", 0 };
		f[1] = (struct raw_field){ 3, 's', "M", 0 };
		n = 2;
		if (c->f.code == 1 || c->f.code == 3)
			f[c->f.code == 3] = c->f;
		else
			f[n++] = c->f;
		raw_msg(&m, DW_MSG_METHOD_CALL, f, n, "", 0);
		if ((r = raw_parse(&m)) != c->err)
			printf("#   field %d \"%.20s\": got %d, want %d\n",
			    c->f.code, c->f.s ? c->f.s : "", r, c->err);
		CHECK_INT(r, c->err);
	}
}

/* --- body rules --------------------------------------------------------- */

struct body_case {
	const char	*sig;
	const char	*body;
	size_t		 len;
	int		 err;
	const char	*why;
};

#define B(s)	s, sizeof(s) - 1

static const struct body_case body_cases[] = {
	{ "", B(""), 0, "no body" },
	{ "", B("\0"), -EBADMSG, "body without signature" },
	{ "y", B(""), -EBADMSG, "value missing" },
	{ "y", B("\1\0"), -EBADMSG, "byte left over" },
	{ "b", B("\1\0\0\0"), 0, "true" },
	{ "b", B("\2\0\0\0"), -EBADMSG, "boolean 2" },
	{ "yu", B("\1\1\0\0\5\0\0\0"), -EBADMSG, "non-zero padding" },
	{ "s", B("\3\0\0\0abc"), -EBADMSG, "string without NUL" },
	{ "s", B("\3\0\0\0abcd"), -EBADMSG, "no NUL after the length" },
	{ "s", B("\3\0\0\0a\0c\0"), -EBADMSG, "NUL inside a string" },
	{ "s", B("\xff\xff\xff\xff\0"), -EBADMSG, "length past the end" },
	{ "s", B("\3\0\0\0\xef\xbf\xbf\0"), 0, "noncharacter U+FFFF" },
	{ "s", B("\4\0\0\0\xf4\x8f\xbf\xbf\0"), 0, "U+10FFFF" },
	{ "s", B("\2\0\0\0\xc0\x80\0"), -EBADMSG, "overlong NUL" },
	{ "s", B("\2\0\0\0\xc1\xbf\0"), -EBADMSG, "overlong 2-byte" },
	{ "s", B("\3\0\0\0\xe0\x9f\xbf\0"), -EBADMSG, "overlong 3-byte" },
	{ "s", B("\4\0\0\0\xf0\x8f\xbf\xbf\0"), -EBADMSG, "overlong 4-byte" },
	{ "s", B("\3\0\0\0\xed\xa0\x80\0"), -EBADMSG, "surrogate D800" },
	{ "s", B("\3\0\0\0\xed\xbf\xbf\0"), -EBADMSG, "surrogate DFFF" },
	{ "s", B("\4\0\0\0\xf4\x90\x80\x80\0"), -EBADMSG, "above 10FFFF" },
	{ "s", B("\1\0\0\0\x80\0"), -EBADMSG, "lone continuation" },
	{ "s", B("\1\0\0\0\xc3\0"), -EBADMSG, "truncated sequence" },
	{ "s", B("\2\0\0\0\xc3\x28\0"), -EBADMSG, "bad continuation" },
	{ "s", B("\1\0\0\0\xf8\0"), -EBADMSG, "5-byte lead" },
	{ "o", B("\1\0\0\0/\0"), 0, "root path" },
	{ "o", B("\4\0\0\0/a//\0"), -EBADMSG, "empty path element" },
	{ "o", B("\3\0\0\0/a/\0"), -EBADMSG, "trailing slash" },
	{ "o", B("\1\0\0\0a\0"), -EBADMSG, "relative path" },
	{ "o", B("\0\0\0\0\0"), -EBADMSG, "empty path" },
	{ "o", B("\2\0\0\0/-\0"), -EBADMSG, "'-' in a path" },
	{ "g", B("\2vv\0"), 0, "g holds any number of types" },
	{ "g", B("\0\0"), 0, "empty g" },
	{ "g", B("\1{\0"), -EBADMSG, "lone {" },
	{ "g", B("\1a\0"), -EBADMSG, "lone a" },
	{ "g", B("\2()\0"), -EBADMSG, "empty struct" },
	{ "g", B("\1r\0"), -EBADMSG, "reserved r" },
	{ "g", B("\1yy"), -EBADMSG, "g without NUL" },
	{ "v", B("\1y\0\x2a"), 0, "variant y" },
	{ "v", B(""), -EBADMSG, "variant cut before its signature" },
	{ "v", B("\5ab"), -EBADMSG, "variant signature past the end" },
	{ "v", B("\2ii\0"), -EBADMSG, "variant of two types" },
	{ "v", B("\0\0"), -EBADMSG, "variant of no type" },
	{ "v", B("\4{sv}\0"), -EBADMSG, "dict entry outside an array" },
	{ "at", B("\0\0\0\0\0\0\0\0"), 0, "empty at, padded to 8" },
	{ "at", B("\0\0\0\0"), -EBADMSG, "empty at, padding missing" },
	{ "at", B("\0\0\0\0\1\0\0\0"), -EBADMSG, "non-zero array padding" },
	{ "au", B("\0\0"), -EBADMSG, "array length cut short" },
	{ "au", B("\4\0\0\4"), -E2BIG, "array over 64 MiB" },
	{ "au", B("\x08\0\0\0\1\0\0\0"), -EBADMSG, "array past the end" },
	{ "au", B("\6\0\0\0\1\0\0\0\2\0"), -EBADMSG, "half an element" },
	{ "a(yy)", B("\x0a\0\0\0\0\0\0\0\1\2\0\0\0\0\0\0\3\4"), 0,
	    "elements padded to 8" },
	{ "a(yy)", B("\x09\0\0\0\0\0\0\0\1\2\0\0\0\0\0\0\3"), -EBADMSG,
	    "length ends inside an element" },
	{ "ah", B("\0\0\0\0"), 0, "ah without elements" },
	{ "h", B("\0\0\0\0"), -EBADMSG, "fd index without fds" },
};

static void
bodies(void)
{
	struct raw m;
	size_t i;
	int r;

	for (i = 0; i < sizeof(body_cases) / sizeof(body_cases[0]); i++) {
		const struct body_case *c = &body_cases[i];

		raw_body(&m, c->sig, c->body, c->len);
		if ((r = raw_parse(&m)) != c->err)
			printf("#   %s: got %d, want %d\n", c->why, r, c->err);
		CHECK_INT(r, c->err);
	}
}

/* A 255-byte signature is the longest; 'g' can't even encode more. */
static void
signature_length(void)
{
	char sig[DW_SIGNATURE_MAX + 2];
	uint8_t body[DW_SIGNATURE_MAX];
	struct dw_writer w;
	struct raw m;

	memset(sig, 'y', sizeof(sig) - 1);
	sig[sizeof(sig) - 1] = '\0';
	memset(body, 7, sizeof(body));
	CHECK(!dw_signature_valid(sig));
	dw_writer_init(&w, 0);
	CHECK_INT(dw_msg_begin_signal(&w, 1, "/", "a.b", "c", sig), -EINVAL);
	sig[DW_SIGNATURE_MAX] = '\0';
	CHECK(dw_signature_valid(sig));
	raw_body(&m, sig, body, sizeof(body));
	CHECK_INT(raw_parse(&m), 0);
	dw_writer_fini(&w);
}

/* The body of n nested variants around a byte. */
static size_t
nested_variants(uint8_t *body, size_t n)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		body[len++] = 1;
		body[len++] = i + 1 < n ? 'v' : 'y';
		body[len++] = 0;
	}
	body[len++] = 42;
	return len;
}

/*
 * 32 arrays, 32 structs and 64 containers in all, variants included
 * ("Valid Signatures"); the array and struct counts add up across
 * variants as well.
 */
static void
nesting(void)
{
	char sig[128];
	uint8_t body[256];
	struct raw m;
	size_t len;

	memset(sig, 'a', 32);
	strcpy(sig + 32, "y");
	CHECK(dw_signature_valid(sig));
	memset(sig, 'a', 33);
	strcpy(sig + 33, "y");
	CHECK(!dw_signature_valid(sig));
	memset(sig, '(', 32);
	sig[32] = 'y';
	memset(sig + 33, ')', 32);
	sig[65] = '\0';
	CHECK(dw_signature_valid(sig));
	memset(sig, '(', 33);
	sig[33] = 'y';
	memset(sig + 34, ')', 33);
	sig[67] = '\0';
	CHECK(!dw_signature_valid(sig));
	/* Dict entries count as structs. */
	memset(sig, 0, sizeof(sig));
	memset(sig, '(', 32);
	strcpy(sig + 32, "a{yy}");
	memset(sig + 37, ')', 32);
	CHECK(!dw_signature_valid(sig));
	raw_body(&m, sig, "", 0);
	CHECK_INT(raw_parse(&m), -EBADMSG);

	len = nested_variants(body, 64);
	raw_body(&m, "v", body, len);
	CHECK_INT(raw_parse(&m), 0);
	len = nested_variants(body, 65);
	raw_body(&m, "v", body, len);
	CHECK_INT(raw_parse(&m), -EBADMSG);

	/* "av" holding an empty array of 31 or 32 more levels. */
	memset(body, 0, sizeof(body));
	set32(body, 40);
	body[4] = 32;
	memset(body + 5, 'a', 31);
	body[36] = 'y';
	raw_body(&m, "av", body, 44);
	CHECK_INT(raw_parse(&m), 0);
	body[4] = 33;
	memset(body + 5, 'a', 32);
	body[37] = 'y';
	body[38] = 0;
	raw_body(&m, "av", body, 44);
	CHECK_INT(raw_parse(&m), -EBADMSG);
}

/* --- the reader's API --------------------------------------------------- */

static void
reader_sticky(void)
{
	struct dw_msg m;
	struct dw_reader *r = &m.body;

	CHECK_INT(dw_msg_parse(&m, list_reply, sizeof(list_reply)), 0);
	CHECK_INT(dw_peek_type(r), 'a');
	CHECK_INT(dw_read_uint32(r), 0);
	CHECK_INT(dw_peek_type(r), 0);
	CHECK_STR(dw_read_string(r), "");
	CHECK_STR(dw_read_path(r), "/");
	CHECK_STR(dw_read_signature(r), "");
	CHECK_STR(dw_peek_variant(r), "");
	CHECK_INT(dw_read_bool(r), 0);
	CHECK(dw_read_double(r) == 0);
	dw_enter_array(r, NULL);
	dw_leave(r);
	dw_leave(r);
	dw_skip(r);
	CHECK_INT(dw_reader_end(r), -ENOMSG);
	CHECK_INT(dw_reader_end(r), -ENOMSG);
}

static void
reader_mismatch(void)
{
	struct dw_msg m;
	struct dw_reader *r = &m.body;

	CHECK_INT(dw_msg_parse(&m, list_reply, sizeof(list_reply)), 0);
	dw_enter_array(r, "a{sv}");
	CHECK_INT(dw_reader_end(r), -ENOMSG);

	CHECK_INT(dw_msg_parse(&m, get_reply, sizeof(get_reply)), 0);
	dw_enter_variant(r, "s");
	CHECK_INT(dw_reader_end(r), -ENOMSG);

	CHECK_INT(dw_msg_parse(&m, hello_reply, sizeof(hello_reply)), 0);
	CHECK_STR(dw_peek_variant(r), "");
	CHECK_INT(dw_reader_end(r), -ENOMSG);

	/* Values left unread, e.g. a call with more arguments than ours. */
	CHECK_INT(dw_msg_parse(&m, request_name_call,
	    sizeof(request_name_call)), 0);
	CHECK_STR(dw_read_string(r), STAC);
	CHECK_INT(dw_reader_end(r), -ENOMSG);

	/* Reading past the last value. */
	CHECK_INT(dw_msg_parse(&m, hello_reply, sizeof(hello_reply)), 0);
	CHECK_STR(dw_read_string(r), ":1.0");
	CHECK_INT(dw_read_byte(r), 0);
	CHECK_INT(dw_reader_end(r), -ENOMSG);

	/* Misuse: a container never left, or left without entering. */
	CHECK_INT(dw_msg_parse(&m, list_reply, sizeof(list_reply)), 0);
	dw_enter_array(r, "a{ss}");
	CHECK_INT(dw_reader_end(r), -EINVAL);
	CHECK_INT(dw_msg_parse(&m, hello_reply, sizeof(hello_reply)), 0);
	dw_leave(r);
	CHECK_INT(dw_reader_end(r), -EINVAL);
}

/* dw_leave() and dw_skip() pass over what the caller doesn't want. */
static void
reader_skip(void)
{
	struct dw_msg m;
	struct dw_reader *r = &m.body;
	int i;

	CHECK_INT(dw_msg_parse(&m, list_reply, sizeof(list_reply)), 0);
	dw_enter_array(r, NULL);
	dw_enter_array(r, NULL);
	dw_enter_dict_entry(r);
	CHECK_STR(dw_read_string(r), "transport");
	dw_leave(r);
	dw_leave(r);
	CHECK_INT(dw_peek_type(r), 'a');
	dw_leave(r);
	CHECK_INT(dw_reader_end(r), 0);

	CHECK_INT(dw_msg_parse(&m, basic_types_be, sizeof(basic_types_be)), 0);
	for (i = 0; i < 12; i++)
		dw_skip(r);
	CHECK_INT(dw_reader_end(r), 0);
	dw_skip(r);
	CHECK_INT(dw_reader_end(r), -ENOMSG);

	CHECK_INT(dw_msg_parse(&m, get_reply, sizeof(get_reply)), 0);
	dw_enter_variant(r, NULL);
	dw_leave(r);
	CHECK_INT(dw_reader_end(r), 0);
}

/*
 * The body of PropertiesChanged("com.example.Demo1", {"Label": <"x">},
 * ["Count"]) as a live dbus-daemon carried it; tested both ways.
 */
static const uint8_t props_changed[] = {
	0x11, 0x00, 0x00, 0x00, 'c', 'o', 'm', '.',
	'e', 'x', 'a', 'm', 'p', 'l', 'e', '.',
	'D', 'e', 'm', 'o', '1', 0x00, 0x00, 0x00,
	0x16, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x05, 0x00, 0x00, 0x00, 'L', 'a', 'b', 'e',
	'l', 0x00, 0x01, 's', 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 'x', 0x00, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00,
	'C', 'o', 'u', 'n', 't', 0x00,
};

static void
properties_changed(void)
{
	struct raw_field f[] = {
		{ 1, 'o', "/com/example/Demo1", 0 },
		{ 2, 's', "org.freedesktop.DBus.Properties", 0 },
		{ 3, 's', "PropertiesChanged", 0 },
		{ 8, 'g', "sa{sv}as", 0 },
	};
	struct dw_writer w;
	struct dw_msg m;
	struct dw_reader *r = &m.body;
	struct raw raw;
	const uint8_t *data = NULL;
	size_t len = 0;

	raw_msg(&raw, DW_MSG_SIGNAL, f, 4, props_changed,
	    sizeof(props_changed));
	CHECK_INT(dw_msg_parse(&m, raw.buf, raw.len), 0);
	CHECK_STR(dw_read_string(r), "com.example.Demo1");
	dw_enter_array(r, "{sv}");
	while (dw_peek_type(r) == '{') {
		dw_enter_dict_entry(r);
		CHECK_STR(dw_read_string(r), "Label");
		CHECK_STR(dw_peek_variant(r), "s");
		dw_enter_variant(r, "s");
		CHECK_STR(dw_read_string(r), "x");
		dw_leave(r);
		dw_leave(r);
	}
	dw_leave(r);
	dw_enter_array(r, "s");
	CHECK_STR(dw_read_string(r), "Count");
	dw_leave(r);
	CHECK_INT(dw_reader_end(r), 0);

	dw_writer_init(&w, 0);
	CHECK_INT(dw_msg_begin_signal(&w, 1, "/com/example/Demo1",
	    "org.freedesktop.DBus.Properties", "PropertiesChanged",
	    "sa{sv}as"), 0);
	dw_write_string(&w, "com.example.Demo1");
	dw_open_array(&w);
	dw_open_dict_entry(&w);
	dw_write_string(&w, "Label");
	dw_open_variant(&w, "s");
	dw_write_string(&w, "x");
	dw_close(&w);
	dw_close(&w);
	dw_close(&w);
	dw_open_array(&w);
	dw_write_string(&w, "Count");
	dw_close(&w);
	CHECK_INT(dw_msg_finish(&w, &data, &len), 0);
	CHECK(len > sizeof(props_changed));
	if (len > sizeof(props_changed))
		check_bytes(data + len - sizeof(props_changed),
		    sizeof(props_changed), props_changed,
		    sizeof(props_changed));
	dw_writer_fini(&w);
}

/* The {ss} shortcut: the bytes of the long way, and its type check. */
static void
entry_ss(void)
{
	struct dw_writer a, b;
	const uint8_t *da = NULL, *db = NULL;
	size_t la = 0, lb = 0;

	dw_writer_init(&a, 0);
	dw_writer_init(&b, 0);
	CHECK_INT(dw_msg_begin_signal(&a, 3, "/", "a.b", "c", "ya{ss}"), 0);
	CHECK_INT(dw_msg_begin_signal(&b, 3, "/", "a.b", "c", "ya{ss}"), 0);
	dw_write_byte(&a, 1);
	dw_write_byte(&b, 1);
	dw_open_array(&a);
	dw_open_array(&b);
	dw_open_dict_entry(&a);
	dw_write_string(&a, "traddr");
	dw_write_string(&a, "caf\xc3\xa9 10.0.0.1");
	dw_close(&a);
	dw_write_entry_ss(&b, "traddr", 6, "caf\xc3\xa9 10.0.0.1", 14);
	dw_open_dict_entry(&a);
	dw_write_string(&a, "");
	dw_write_string(&a, "x");
	dw_close(&a);
	dw_write_entry_ss(&b, "", 0, "x", 1);
	dw_close(&a);
	dw_close(&b);
	CHECK_INT(dw_msg_finish(&a, &da, &la), 0);
	CHECK_INT(dw_msg_finish(&b, &db, &lb), 0);
	check_bytes(db, lb, da, la);
	dw_writer_fini(&a);
	dw_writer_fini(&b);

	/* Not {ss} next, or not UTF-8: the message fails. */
	dw_writer_init(&a, 0);
	CHECK_INT(dw_msg_begin_signal(&a, 3, "/", "a.b", "c", "a{sv}"), 0);
	dw_open_array(&a);
	dw_write_entry_ss(&a, "k", 1, "v", 1);
	CHECK_INT(dw_msg_finish(&a, &da, &la), -EINVAL);
	dw_writer_fini(&a);
	dw_writer_init(&a, 0);
	CHECK_INT(dw_msg_begin_signal(&a, 3, "/", "a.b", "c", "a{ss}"), 0);
	dw_open_array(&a);
	dw_write_entry_ss(&a, "k", 1, "\xc3", 1);
	CHECK_INT(dw_msg_finish(&a, &da, &la), -EINVAL);
	dw_writer_fini(&a);
}

/* Every container and type through the writer and back. */
static void
round_trip(void)
{
	struct dw_writer w;
	struct dw_msg m;
	struct dw_reader *r = &m.body;
	const uint8_t *data = NULL;
	size_t len = 0;

	dw_writer_init(&w, 0);
	CHECK_INT(dw_msg_begin_signal(&w, 9, "/", "a.b", "c",
	    "a{sv}(ybd)aavat"), 0);
	dw_open_array(&w);
	dw_open_dict_entry(&w);
	dw_write_string(&w, "list");
	dw_open_variant(&w, "ai");
	dw_open_array(&w);
	dw_write_int32(&w, -1);
	dw_write_int32(&w, 2);
	dw_close(&w);
	dw_close(&w);
	dw_close(&w);
	dw_open_dict_entry(&w);
	dw_write_string(&w, "pair");
	dw_open_variant(&w, "(so)");
	dw_open_struct(&w);
	dw_write_string(&w, "x");
	dw_write_path(&w, "/x");
	dw_close(&w);
	dw_close(&w);
	dw_close(&w);
	dw_close(&w);
	dw_open_struct(&w);
	dw_write_byte(&w, 3);
	dw_write_bool(&w, 5);
	dw_write_double(&w, -0.25);
	dw_close(&w);
	dw_open_array(&w);
	dw_open_array(&w);
	dw_open_variant(&w, "v");
	dw_open_variant(&w, "q");
	dw_write_uint16(&w, 7);
	dw_close(&w);
	dw_close(&w);
	dw_close(&w);
	dw_close(&w);
	dw_open_array(&w);
	dw_close(&w);
	CHECK_INT(dw_msg_finish(&w, &data, &len), 0);

	CHECK_INT(dw_msg_parse(&m, data, len), 0);
	dw_enter_array(r, "{sv}");
	dw_enter_dict_entry(r);
	CHECK_STR(dw_read_string(r), "list");
	dw_enter_variant(r, "ai");
	dw_enter_array(r, "i");
	CHECK_INT(dw_read_int32(r), -1);
	CHECK_INT(dw_read_int32(r), 2);
	CHECK_INT(dw_peek_type(r), 0);
	dw_leave(r);
	dw_leave(r);
	dw_leave(r);
	dw_enter_dict_entry(r);
	CHECK_STR(dw_read_string(r), "pair");
	CHECK_STR(dw_peek_variant(r), "(so)");
	dw_enter_variant(r, NULL);
	dw_enter_struct(r);
	CHECK_STR(dw_read_string(r), "x");
	CHECK_STR(dw_read_path(r), "/x");
	dw_leave(r);
	dw_leave(r);
	dw_leave(r);
	CHECK_INT(dw_peek_type(r), 0);
	dw_leave(r);
	dw_enter_struct(r);
	CHECK_INT(dw_read_byte(r), 3);
	CHECK_INT(dw_read_bool(r), 1);
	CHECK(dw_read_double(r) == -0.25);
	dw_leave(r);
	dw_enter_array(r, "av");
	dw_enter_array(r, "v");
	dw_enter_variant(r, "v");
	dw_enter_variant(r, "q");
	CHECK_INT(dw_read_uint16(r), 7);
	dw_leave(r);
	dw_leave(r);
	dw_leave(r);
	dw_leave(r);
	dw_enter_array(r, "t");
	CHECK_INT(dw_peek_type(r), 0);
	dw_leave(r);
	CHECK_INT(dw_reader_end(r), 0);
	/* An empty at still carries its padding to 8. */
	CHECK(len >= 8 && memcmp(data + len - 8, "\0\0\0\0\0\0\0\0", 8) == 0);
	dw_writer_fini(&w);
}

/* --- the writer's rules ------------------------------------------------- */

static int
finish(struct dw_writer *w)
{
	const uint8_t *data;
	size_t len;

	return dw_msg_finish(w, &data, &len);
}

static void
writer_signature(void)
{
	struct dw_writer w;

	dw_writer_init(&w, 0);
	CHECK_INT(finish(&w), -EINVAL);		/* nothing begun */
	dw_msg_begin_signal(&w, 1, "/", "a.b", "c", "s");
	dw_write_uint32(&w, 1);
	dw_write_string(&w, "after the error");
	CHECK_INT(finish(&w), -EINVAL);
	dw_msg_begin_signal(&w, 1, "/", "a.b", "c", "su");
	dw_write_string(&w, "x");
	CHECK_INT(finish(&w), -EINVAL);		/* too few */
	dw_msg_begin_signal(&w, 1, "/", "a.b", "c", "s");
	dw_write_string(&w, "x");
	dw_write_string(&w, "y");
	CHECK_INT(finish(&w), -EINVAL);		/* too many */
	dw_msg_begin_signal(&w, 1, "/", "a.b", "c", "as");
	dw_open_array(&w);
	CHECK_INT(finish(&w), -EINVAL);		/* left open */
	dw_msg_begin_signal(&w, 1, "/", "a.b", "c", "");
	dw_close(&w);
	CHECK_INT(finish(&w), -EINVAL);		/* nothing to close */
	dw_msg_begin_signal(&w, 1, "/", "a.b", "c", "(ss)");
	dw_open_struct(&w);
	dw_write_string(&w, "x");
	dw_close(&w);
	CHECK_INT(finish(&w), -EINVAL);		/* struct short of a field */
	dw_msg_begin_signal(&w, 1, "/", "a.b", "c", "v");
	dw_open_variant(&w, "s");
	dw_close(&w);
	CHECK_INT(finish(&w), -EINVAL);		/* empty variant */
	dw_msg_begin_signal(&w, 1, "/", "a.b", "c", "a{sv}");
	dw_open_array(&w);
	dw_open_struct(&w);
	CHECK_INT(finish(&w), -EINVAL);		/* ( where { is due */
	dw_msg_begin_signal(&w, 1, "/", "a.b", "c", "s");
	dw_write_string(&w, "x");
	CHECK_INT(finish(&w), 0);		/* begin cleared the error */
	dw_writer_fini(&w);
}

/* Each kind of value where the signature wants another. */
static void
writer_types(void)
{
	struct dw_writer w;

	dw_writer_init(&w, 0);
#define WRONG(sig, call) do {						\
	dw_msg_begin_signal(&w, 1, "/", "a.b", "c", sig);		\
	call;								\
	CHECK_INT(finish(&w), -EINVAL);					\
} while (0)
	WRONG("v", dw_write_byte(&w, 1));
	WRONG("v", dw_write_bool(&w, 1));
	WRONG("v", dw_write_int16(&w, 1));
	WRONG("v", dw_write_uint16(&w, 1));
	WRONG("v", dw_write_int32(&w, 1));
	WRONG("v", dw_write_uint32(&w, 1));
	WRONG("v", dw_write_int64(&w, 1));
	WRONG("v", dw_write_uint64(&w, 1));
	WRONG("v", dw_write_double(&w, 1));
	WRONG("v", dw_write_string(&w, "s"));
	WRONG("v", dw_write_path(&w, "/"));
	WRONG("v", dw_write_signature(&w, "s"));
	WRONG("v", dw_open_array(&w));
	WRONG("v", dw_open_struct(&w));
	WRONG("v", dw_open_dict_entry(&w));
	WRONG("y", dw_open_variant(&w, "y"));
#undef WRONG
	dw_writer_fini(&w);
}

static void
writer_values(void)
{
	struct dw_writer w;

	dw_writer_init(&w, 0);
	dw_msg_begin_signal(&w, 1, "/", "a.b", "c", "s");
	dw_write_string(&w, "\xed\xa0\x80");
	CHECK_INT(finish(&w), -EINVAL);
	dw_msg_begin_signal(&w, 1, "/", "a.b", "c", "o");
	dw_write_path(&w, "/a/");
	CHECK_INT(finish(&w), -EINVAL);
	dw_msg_begin_signal(&w, 1, "/", "a.b", "c", "g");
	dw_write_signature(&w, "a{vs}");
	CHECK_INT(finish(&w), -EINVAL);
	dw_msg_begin_signal(&w, 1, "/", "a.b", "c", "v");
	dw_open_variant(&w, "ss");
	CHECK_INT(finish(&w), -EINVAL);
	dw_msg_begin_signal(&w, 1, "/", "a.b", "c", "v");
	dw_open_variant(&w, "");
	CHECK_INT(finish(&w), -EINVAL);
	dw_writer_fini(&w);
}

static void
writer_header(void)
{
	static const struct dw_hdr bad[] = {
		{ .type = DW_MSG_METHOD_CALL, .serial = 0, .path = "/",
		    .member = "m" },
		{ .type = 0, .serial = 1, .path = "/", .member = "m" },
		{ .type = 5, .serial = 1, .path = "/", .member = "m" },
		{ .type = DW_MSG_METHOD_CALL, .serial = 1, .path = "/" },
		{ .type = DW_MSG_METHOD_CALL, .serial = 1, .member = "m" },
		{ .type = DW_MSG_METHOD_RETURN, .serial = 1 },
		{ .type = DW_MSG_ERROR, .serial = 1, .reply_serial = 1 },
		{ .type = DW_MSG_SIGNAL, .serial = 1, .path = "/",
		    .member = "m" },
		{ .type = DW_MSG_METHOD_CALL, .serial = 1, .path = "//",
		    .member = "m" },
		{ .type = DW_MSG_METHOD_CALL, .serial = 1,
		    .path = "/org/freedesktop/DBus/Local", .member = "m" },
		{ .type = DW_MSG_METHOD_CALL, .serial = 1, .path = "/",
		    .interface = "org.freedesktop.DBus.Local", .member = "m" },
		{ .type = DW_MSG_METHOD_CALL, .serial = 1, .path = "/",
		    .member = "m.n" },
		{ .type = DW_MSG_METHOD_CALL, .serial = 1, .path = "/",
		    .member = "m", .destination = "nodot" },
		{ .type = DW_MSG_METHOD_CALL, .serial = 1, .path = "/",
		    .member = "m", .sender = ":" },
		{ .type = DW_MSG_ERROR, .serial = 1, .reply_serial = 1,
		    .error_name = "Failed" },
		{ .type = DW_MSG_METHOD_CALL, .serial = 1, .path = "/",
		    .member = "m", .signature = "a{vs}" },
	};
	struct dw_writer w;
	size_t i;

	dw_writer_init(&w, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(dw_msg_begin(&w, &bad[i]), -EINVAL);
		CHECK_INT(finish(&w), -EINVAL);
	}
	dw_writer_fini(&w);
}

static void
writer_limits(void)
{
	struct dw_writer w;
	const uint8_t *data;
	char *mib;
	size_t i, len;

	/* The caller's cap counts the whole message. */
	dw_writer_init(&w, sizeof(hello_call));
	CHECK_INT(dw_msg_begin(&w, &g_hello_call.hdr), 0);
	CHECK_INT(dw_msg_finish(&w, &data, &len), 0);
	dw_writer_fini(&w);
	dw_writer_init(&w, sizeof(hello_call) - 1);
	CHECK_INT(dw_msg_begin(&w, &g_hello_call.hdr), -E2BIG);
	dw_writer_fini(&w);
	dw_writer_init(&w, 200);
	CHECK_INT(dw_msg_begin_signal(&w, 1, "/", "a.b", "c", "s"), 0);
	dw_write_string(&w, RULE RULE);
	CHECK_INT(finish(&w), -E2BIG);
	dw_writer_fini(&w);

	/*
	 * One array holds 64 MiB at most: 64 strings of 1 MiB with their
	 * length word and NUL fit, 65 don't.
	 */
	if ((mib = malloc(1 << 20)) == NULL) {
		CHECK(mib != NULL);
		return;
	}
	memset(mib, 'x', 1 << 20);
	mib[(1 << 20) - 8] = '\0';
	dw_writer_init(&w, 0);
	CHECK_INT(dw_msg_begin_signal(&w, 1, "/", "a.b", "c", "as"), 0);
	dw_open_array(&w);
	for (i = 0; i < 64; i++)
		dw_write_string(&w, mib);
	dw_close(&w);
	CHECK_INT(finish(&w), 0);
	CHECK_INT(dw_msg_begin_signal(&w, 1, "/", "a.b", "c", "as"), 0);
	dw_open_array(&w);
	for (i = 0; i < 65; i++)
		dw_write_string(&w, mib);
	dw_close(&w);
	CHECK_INT(finish(&w), -E2BIG);
	dw_writer_fini(&w);
	free(mib);
}

/* The writer keeps to the nesting limits the reader enforces. */
static void
writer_nesting(void)
{
	struct dw_writer w;
	struct dw_msg m;
	const uint8_t *data = NULL;
	size_t i, len = 0;
	char sig[40];

	dw_writer_init(&w, 0);
	CHECK_INT(dw_msg_begin_signal(&w, 1, "/", "a.b", "c", "v"), 0);
	for (i = 0; i < 64; i++)
		dw_open_variant(&w, i < 63 ? "v" : "y");
	dw_write_byte(&w, 42);
	for (i = 0; i < 64; i++)
		dw_close(&w);
	CHECK_INT(dw_msg_finish(&w, &data, &len), 0);
	CHECK_INT(dw_msg_parse(&m, data, len), 0);

	CHECK_INT(dw_msg_begin_signal(&w, 1, "/", "a.b", "c", "v"), 0);
	for (i = 0; i < 65; i++)
		dw_open_variant(&w, i < 64 ? "v" : "y");
	CHECK_INT(finish(&w), -EINVAL);

	memset(sig, 'a', 32);
	strcpy(sig + 32, "y");
	CHECK_INT(dw_msg_begin_signal(&w, 1, "/", "a.b", "c", "av"), 0);
	dw_open_array(&w);
	dw_open_variant(&w, sig);
	CHECK_INT(finish(&w), -EINVAL);
	dw_writer_fini(&w);
}

/* --- validators --------------------------------------------------------- */

static void
validators(void)
{
	static const char *sig_ok[] = { "", "y", "a{sv}", "aa{ss}",
	    "(i(ii)a(s))", "a{ya{s(v)}}", "vvv", "h", "ybnqiuxtdsogh" };
	static const char *sig_bad[] = { "a", "aa", "{sv}", "a{vs}",
	    "a{sss}", "a{s}", "a{}", "()", "(", ")", "(y", "y)", "a{sv",
	    "a{s(v}", "r", "e", "m", "*", "?", "@", "&", "^", "z",
	    "a{(s)v}", "{", "}" };
	static const char *path_ok[] = { "/", "/a", "/a_b/C9", "/0" };
	static const char *path_bad[] = { "", "a", "//", "/a/", "/a//b",
	    "/a-b", "/a.b", "/\xc3\xa9" };
	static const char *iface_ok[] = { "a.b", "_a.b_", "A.B9.c",
	    "org.freedesktop.DBus.Error.Failed" };
	static const char *iface_bad[] = { "", "a", ".a", "a.", "a..b",
	    "a.9b", "9a.b", "a-b.c", "a.b c", ":a.b" };
	static const char *member_ok[] = { "a", "_", "list_controllers",
	    "A9" };
	static const char *member_bad[] = { "", "9a", "a.b", "a-b", "a b" };
	static const char *bus_ok[] = { "a.b", "org.nvmexpress.stac",
	    "a-b.c-d", "_.-", ":1.0", ":1.42", ":a-b.9" };
	static const char *bus_bad[] = { "", "a", ":", ":1", "a..b",
	    "9a.b", "a.9b", ":1..2", "a.b.", "a/b.c" };
	char name[DW_NAME_MAX + 2];
	size_t i;

#define EACH(a, fn, want)						\
	for (i = 0; i < sizeof(a) / sizeof(a[0]); i++)			\
		if (fn(a[i]) != (want)) {				\
			printf("#   %s(\"%s\") != %d\n", #fn, a[i], want);\
			CHECK(fn(a[i]) == (want));			\
		}
	EACH(sig_ok, dw_signature_valid, 1);
	EACH(sig_bad, dw_signature_valid, 0);
	EACH(path_ok, dw_path_valid, 1);
	EACH(path_bad, dw_path_valid, 0);
	EACH(iface_ok, dw_interface_valid, 1);
	EACH(iface_bad, dw_interface_valid, 0);
	EACH(member_ok, dw_member_valid, 1);
	EACH(member_bad, dw_member_valid, 0);
	EACH(bus_ok, dw_bus_name_valid, 1);
	EACH(bus_bad, dw_bus_name_valid, 0);
#undef EACH

	/* 255 bytes at most: "a.aaa...". */
	memset(name, 'a', DW_NAME_MAX);
	name[1] = '.';
	name[DW_NAME_MAX] = '\0';
	CHECK(dw_interface_valid(name));
	CHECK(dw_bus_name_valid(name));
	CHECK(dw_member_valid(name + 2));
	name[DW_NAME_MAX] = 'a';
	name[DW_NAME_MAX + 1] = '\0';
	CHECK(!dw_interface_valid(name));
	CHECK(!dw_bus_name_valid(name));
	CHECK(!dw_member_valid(name + 1));
	memcpy(name, ":1.", 3);
	CHECK(!dw_bus_name_valid(name));
	name[DW_NAME_MAX] = '\0';
	CHECK(dw_bus_name_valid(name));
}

/* Whether our writer takes s as a string value. */
static int
writer_takes(const char *s)
{
	struct dw_writer w;
	const uint8_t *data;
	size_t len;
	int r;

	dw_writer_init(&w, 0);
	dw_msg_begin_signal(&w, 1, "/a", "a.b", "c", "s");
	dw_write_string(&w, s);
	r = dw_msg_finish(&w, &data, &len);
	dw_writer_fini(&w);
	return r == 0;
}

/* Text from outside made fit for a reply: bad bytes '?', a cut tail gone. */
static void
utf8_sanitize(void)
{
	static const struct {
		const char	*in, *out;
	} cases[] = {
		{ "plain", "plain" },
		{ "caf\xc3\xa9", "caf\xc3\xa9" },
		{ "\xff\xfe", "??" },
		{ "a\xc3x", "a?x" },			/* lead, no continuation */
		{ "a\x80" "b", "a?b" },			/* lone continuation */
		{ "\xc0\xaf", "??" },			/* overlong '/' */
		{ "\xed\xa0\x80", "???" },		/* a surrogate */
		{ "\xf4\x90\x80\x80", "????" },	/* above U+10FFFF */
		{ "ok\xe2\x82", "ok" },		/* cut in a character */
		{ "ok\xf0\x9f\x98", "ok" },
		{ "\xe2\x82\xac", "\xe2\x82\xac" },	/* the euro sign */
	};
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", cases[i].in);
		CHECK_INT(dw_utf8_sanitize(buf), strlen(cases[i].out));
		CHECK_STR(buf, cases[i].out);
		CHECK(writer_takes(buf));
	}
}

int
main(void)
{
	TEST(utf8_sanitize);
	TEST(hello_call_parse);
	TEST(hello_call_build);
	TEST(hello_reply_parse);
	TEST(hello_reply_build);
	TEST(name_acquired_parse);
	TEST(name_acquired_build);
	TEST(request_name_call_parse);
	TEST(request_name_call_build);
	TEST(request_name_reply_parse);
	TEST(request_name_reply_build);
	TEST(add_match_call_parse);
	TEST(add_match_call_build);
	TEST(list_call_parse);
	TEST(list_call_build);
	TEST(list_reply_parse);
	TEST(list_reply_build);
	TEST(get_reply_parse);
	TEST(get_reply_build);
	TEST(error_reply_parse);
	TEST(error_reply_build);
	TEST(basic_types_parse);
	TEST(basic_types_build);
	TEST(basic_types_be_parse);
	TEST(set_call_be_parse);
	TEST(live_hello_reply_parse);
	TEST(live_name_acquired_parse);
	TEST(live_request_name_reply_parse);
	TEST(builders);
	TEST(framing);
	TEST(header_patches);
	TEST(header_unknown_field);
	TEST(header_fields);
	TEST(bodies);
	TEST(signature_length);
	TEST(nesting);
	TEST(reader_sticky);
	TEST(reader_mismatch);
	TEST(reader_skip);
	TEST(properties_changed);
	TEST(round_trip);
	TEST(entry_ss);
	TEST(writer_signature);
	TEST(writer_types);
	TEST(writer_values);
	TEST(writer_header);
	TEST(writer_limits);
	TEST(writer_nesting);
	TEST(validators);
	return TEST_EXIT();
}

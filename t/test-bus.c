/* t/test-bus.c - D-Bus address parsing (the socket side is in t/dbus-tier.sh). */
#include <errno.h>
#include <stddef.h>

#include "bus.h"
#include "test.h"

static void
address_path(void)
{
	struct sockaddr_un sa;
	socklen_t len;

	CHECK_INT(bus_parse_address("unix:path=/run/dbus/system_bus_socket",
	    &sa, &len), 0);
	CHECK_STR(sa.sun_path, "/run/dbus/system_bus_socket");
	CHECK_INT(len, offsetof(struct sockaddr_un, sun_path) +
	    strlen("/run/dbus/system_bus_socket") + 1);
	/* %XX escapes, extra keys, and the guid are fine */
	CHECK_INT(bus_parse_address("unix:path=/tmp/my%20bus%2c1.sock,guid="
	    "0123456789abcdef0123456789abcdef", &sa, &len), 0);
	CHECK_STR(sa.sun_path, "/tmp/my bus,1.sock");
}

static void
address_abstract(void)
{
	struct sockaddr_un sa;
	socklen_t len;

	CHECK_INT(bus_parse_address("unix:abstract=dbw-test", &sa, &len), 0);
	CHECK_INT(sa.sun_path[0], 0);
	CHECK(memcmp(sa.sun_path + 1, "dbw-test", 8) == 0);
	/* exactly the name: trailing zero bytes would be part of it */
	CHECK_INT(len, offsetof(struct sockaddr_un, sun_path) + 1 + 8);
}

static void
address_lists_and_errors(void)
{
	struct sockaddr_un sa;
	socklen_t len;
	char longpath[300];

	CHECK_INT(bus_parse_address("tcp:host=localhost,port=1;"
	    "unix:path=/b", &sa, &len), 0);
	CHECK_STR(sa.sun_path, "/b");
	CHECK_INT(bus_parse_address("tcp:host=localhost,port=1", &sa, &len),
	    -EINVAL);
	CHECK_INT(bus_parse_address("unix:path=/a%2", &sa, &len), -EINVAL);
	CHECK_INT(bus_parse_address("unix:path=/a%zz", &sa, &len), -EINVAL);
	CHECK_INT(bus_parse_address("unix:path=", &sa, &len), -EINVAL);
	CHECK_INT(bus_parse_address("unix:path=/a,abstract=b", &sa, &len),
	    -EINVAL);
	CHECK_INT(bus_parse_address("unix:runtime=yes", &sa, &len), -EINVAL);
	CHECK_INT(bus_parse_address("", &sa, &len), -EINVAL);
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	memcpy(longpath, "unix:path=/", 11);
	CHECK_INT(bus_parse_address(longpath, &sa, &len), -ENAMETOOLONG);
}

static void
serials_skip_zero(void)
{
	struct bus b;

	bus_init(&b);
	CHECK_INT(bus_serial(&b), 1);
	b.serial = UINT32_MAX;
	CHECK_INT(bus_serial(&b), 1);
	bus_fini(&b);
}

int
main(void)
{
	TEST(address_path);
	TEST(address_abstract);
	TEST(address_lists_and_errors);
	TEST(serials_skip_zero);
	return TEST_EXIT();
}

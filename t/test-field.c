/* t/test-field.c - validation of values bound for /dev/nvme-fabrics. */
#include "field.h"
#include "test.h"

/* base64 of 52 and 68 bytes: 48- and 64-byte keys with their CRC */
#define K52 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMw=="
#define K68 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkM="

struct field_case {
	enum field	 f;
	enum trtype	 t;
	const char	*value;
	bool		 ok;
};

static const struct field_case cases[] = {
	{ FIELD_TRADDR, TRTYPE_TCP, "192.168.1.20", true },
	{ FIELD_TRADDR, TRTYPE_TCP, "::1", true },
	{ FIELD_TRADDR, TRTYPE_TCP, "fe80::1%eth0", true },
	{ FIELD_TRADDR, TRTYPE_TCP, "fe80::1%", false },
	{ FIELD_TRADDR, TRTYPE_TCP, "storage-1.example.com", true },
	{ FIELD_TRADDR, TRTYPE_TCP, "a..b", false },
	{ FIELD_TRADDR, TRTYPE_TCP, "10.0.0.1,hostnqn=x", false },
	{ FIELD_TRADDR, TRTYPE_TCP, "10.0.0.1\nhostnqn=x", false },
	{ FIELD_TRADDR, TRTYPE_TCP, "", false },
	{ FIELD_TRADDR, TRTYPE_FC, "nn-0x203400a098fd4ca6:pn-0x203600a098fd4ca6", true },
	{ FIELD_TRADDR, TRTYPE_FC, "nn-0x203400a098fd4ca6:pn-0x203600a098fd4ca", false },
	{ FIELD_TRADDR, TRTYPE_FC, "10.0.0.1", false },
	{ FIELD_TRADDR, TRTYPE_LOOP, "port1", true },
	{ FIELD_HOST_TRADDR, TRTYPE_TCP, "10.0.0.5", true },
	{ FIELD_HOST_TRADDR, TRTYPE_TCP, "myhost", false },
	{ FIELD_TRSVCID, TRTYPE_TCP, "4420", true },
	{ FIELD_TRSVCID, TRTYPE_TCP, "65535", true },
	{ FIELD_TRSVCID, TRTYPE_TCP, "65536", false },
	{ FIELD_TRSVCID, TRTYPE_TCP, "0", false },
	{ FIELD_TRSVCID, TRTYPE_TCP, "44a0", false },
	{ FIELD_TRSVCID, TRTYPE_TCP, "04420", false },
	{ FIELD_NQN, TRTYPE_TCP, "nqn.2014-08.org.example:sub 1", true },
	{ FIELD_NQN, TRTYPE_TCP, "nqn.a=b", false },
	{ FIELD_NQN, TRTYPE_TCP, "nqn.a,b", false },
	{ FIELD_NQN, TRTYPE_TCP, "nqn.a\x7f", false },
	{ FIELD_HOST_IFACE, TRTYPE_TCP, "eth0.100", true },
	{ FIELD_HOST_IFACE, TRTYPE_TCP, "sixteen-chars-xx", false },
	{ FIELD_HOST_IFACE, TRTYPE_TCP, "eth/0", false },
	{ FIELD_HOST_IFACE, TRTYPE_TCP, "..", false },
	{ FIELD_HOSTID, TRTYPE_NONE, "0b7d3a4c-2b1e-4c55-9a86-3c1f2f0e9d11", true },
	{ FIELD_HOSTID, TRTYPE_NONE, "0b7d3a4c-2b1e-4c55-9a86-3c1f2f0e9d1", false },
	{ FIELD_HOSTID, TRTYPE_NONE, "0b7d3a4c+2b1e-4c55-9a86-3c1f2f0e9d11", false },
	{ FIELD_DHCHAP_SECRET, TRTYPE_NONE,
	    "DHHC-1:00:ia6zGodOr4SEG0Zzaw398rpY0wqipUWj4jWjUh4HWUz6aQ2n:", true },
	{ FIELD_DHCHAP_SECRET, TRTYPE_NONE, "DHHC-1:02:" K52 ":", true },
	{ FIELD_DHCHAP_SECRET, TRTYPE_NONE, "DHHC-1:03:" K68 ":", true },
	{ FIELD_DHCHAP_SECRET, TRTYPE_NONE, "DHHC-1:03:" K68 "x:", false },
	{ FIELD_DHCHAP_SECRET, TRTYPE_NONE, "DHHC-1:02:" K52 ",tls:", false },
	{ FIELD_DHCHAP_SECRET, TRTYPE_NONE, "DHHC-1:03:YWJjZA==:", false },
	{ FIELD_DHCHAP_SECRET, TRTYPE_NONE, "DHHC-1:04:" K52 ":", false },
	{ FIELD_DHCHAP_SECRET, TRTYPE_NONE, "DHHC-2:02:" K52 ":", false },
};

static void
field_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = field_problem(cases[i].f, cases[i].t,
		    cases[i].value);

		if ((why == NULL) != cases[i].ok) {
			printf("#   case %zu \"%s\": %s\n", i, cases[i].value,
			    why ? why : "accepted");
			CHECK(0);
		}
	}
}

static void
trtype_names(void)
{
	CHECK_STR(trtype_name(TRTYPE_RDMA), "rdma");
	CHECK_INT(trtype_from_name("loop"), TRTYPE_LOOP);
	CHECK_INT(trtype_from_name("TCP"), TRTYPE_NONE);
	CHECK_INT(trtype_from_name("pcie"), TRTYPE_NONE);
}

int
main(void)
{
	TEST(field_table);
	TEST(trtype_names);
	return TEST_EXIT();
}

/*
 * t/test-ctrl_id.c - what makes two controllers the same: adoption
 * matching of wanted identities with the kernel's controllers (tcp
 * host side with and without src_addr, IPv6 text forms, fc addresses)
 * and which kernel controllers are I/O controllers.
 */
#include <string.h>

#include "ctrl_id.h"
#include "fixtures.h"
#include "log.h"
#include "test.h"

static struct kctrl
kctrl_tcp(const char *traddr, const char *src)
{
	struct kctrl k = fx_kctrl(0, "tcp", traddr, "nqn.x:y");

	k.state[0] = '\0';
	snprintf(k.src_addr, sizeof(k.src_addr), "%s", src);
	return k;
}

static struct ctrl_id
id_tcp(const char *traddr)
{
	return fx_id_tcp(traddr, "nqn.x:y");
}
static void
matching_tcp(void)
{
	struct kctrl k = kctrl_tcp("::ffff:10.0.0.1", "10.0.0.5");
	struct ctrl_id id = id_tcp("10.0.0.1");

	strcpy(k.src_iface, "eth0");
	CHECK(ctrl_id_matches(&k, &id, HOSTNQN));
	CHECK(!ctrl_id_matches(&k, &id, "nqn.other-host"));
	strcpy(id.host_nqn, "nqn.other-host");
	CHECK(!ctrl_id_matches(&k, &id, HOSTNQN));
	id.host_nqn[0] = '\0';
	strcpy(id.host_traddr, "10.0.0.5");
	CHECK(ctrl_id_matches(&k, &id, HOSTNQN));
	strcpy(id.host_traddr, "255.255.255.255");
	CHECK(!ctrl_id_matches(&k, &id, HOSTNQN));
	id.host_traddr[0] = '\0';
	strcpy(id.host_iface, "eth0");
	CHECK(ctrl_id_matches(&k, &id, HOSTNQN));
	strcpy(id.host_iface, "blah");
	CHECK(!ctrl_id_matches(&k, &id, HOSTNQN));
	/* legacy kernel: nothing to compare with, so it matches */
	k.src_addr[0] = k.src_iface[0] = '\0';
	CHECK(ctrl_id_matches(&k, &id, HOSTNQN));
	strcpy(k.host_iface, "eth1");
	CHECK(!ctrl_id_matches(&k, &id, HOSTNQN));
	id = id_tcp("10.0.0.2");
	CHECK(!ctrl_id_matches(&k, &id, HOSTNQN));
	id = id_tcp("10.0.0.1");
	strcpy(id.trsvcid, "4421");
	CHECK(!ctrl_id_matches(&k, &id, HOSTNQN));
	id = id_tcp("10.0.0.1");
	strcpy(id.subsysnqn, "nqn.x:other");
	CHECK(!ctrl_id_matches(&k, &id, HOSTNQN));
	id.transport = TRTYPE_RDMA;
	strcpy(id.subsysnqn, "nqn.x:y");
	CHECK(!ctrl_id_matches(&k, &id, HOSTNQN));
}

/*
 * The tcp host side, every combination: the kernel's controller (with
 * src_addr, or a legacy one showing host_traddr and/or host_iface) and
 * the wanted host-traddr / host-iface.  The host: eth0 has 10.0.0.5 and
 * 2001:db8::5 first, lo 127.0.0.1 and ::1.
 */
static const struct {
	const char	*src, *k_traddr, *k_iface;	/* the kernel's */
	const char	*w_traddr, *w_iface;		/* wanted */
	bool		 match;
} host_side[] = {
	/* src_addr (>= 6.1): where the connection comes from */
	{ "10.0.0.5", "", "", "", "", true },
	{ "10.0.0.5", "", "", "10.0.0.5", "", true },
	{ "10.0.0.5", "", "", "::ffff:10.0.0.5", "", true },
	{ "10.0.0.5", "", "", "10.0.0.6", "", false },
	{ "10.0.0.5", "", "", "", "eth0", true },
	{ "10.0.0.5", "", "", "", "eth1", false },
	{ "10.0.0.5", "", "", "10.0.0.5", "eth0", true },
	{ "10.0.0.5", "", "", "10.0.0.5", "eth1", false },
	{ "10.0.0.5", "", "", "255.255.255.255", "", false },
	{ "2001:db8::5", "", "", "2001:db8:0::5", "eth0", true },
	{ "2001:db8::5", "", "", "2001:db8::6", "", false },
	/* legacy, host_traddr only */
	{ "", "10.0.0.5", "", "", "", true },
	{ "", "10.0.0.5", "", "10.0.0.5", "", true },
	{ "", "10.0.0.5", "", "10.0.0.6", "", false },
	{ "", "10.0.0.5", "", "", "eth0", true },
	{ "", "10.0.0.5", "", "", "eth1", false },
	{ "", "127.0.0.1", "", "", "blah", false },
	{ "", "127.0.0.1", "", "", "lo", true },
	{ "", "2001:db8::5", "", "", "eth0", true },
	{ "", "2001:db8::5", "", "2001:db8::6", "", false },
	/* legacy, host_iface only: its first address is the source */
	{ "", "", "eth0", "", "", true },
	{ "", "", "eth0", "", "eth0", true },
	{ "", "", "eth0", "", "eth1", false },
	{ "", "", "eth0", "10.0.0.5", "", true },
	{ "", "", "eth0", "10.0.0.6", "", false },
	{ "", "", "eth0", "2001:db8::5", "", true },
	{ "", "", "eth0", "2001:db8::6", "", false },
	{ "", "", "lo", "1.1.1.1", "", false },
	{ "", "", "lo", "::2", "", false },
	{ "", "", "lo", "127.0.0.1", "lo", true },
	{ "", "", "eth9", "10.0.0.5", "", false },	/* no address */
	/* legacy, both */
	{ "", "10.0.0.5", "eth0", "10.0.0.5", "eth0", true },
	{ "", "10.0.0.5", "eth0", "10.0.0.5", "eth1", false },
	{ "", "10.0.0.5", "eth0", "10.0.0.6", "eth0", false },
	/* legacy, nothing shown: nothing to compare with */
	{ "", "", "", "10.0.0.5", "eth0", true },
};

/* The host's interfaces as nvmf_scan() fills them in. */
static void
host_facts(struct kctrl *k)
{
	static const struct { const char *name, *v4, *v6; } ifs[] = {
		{ "eth0", "10.0.0.5", "2001:db8::5" },
		{ "lo", "127.0.0.1", "::1" },
	};
	size_t i;

	for (i = 0; i < sizeof(ifs) / sizeof(ifs[0]); i++) {
		if (ip_equal(k->src_addr, ifs[i].v4) ||
		    ip_equal(k->src_addr, ifs[i].v6))
			strcpy(k->src_iface, ifs[i].name);
		if (ip_equal(k->host_traddr, ifs[i].v4) ||
		    ip_equal(k->host_traddr, ifs[i].v6))
			strcpy(k->host_traddr_iface, ifs[i].name);
		if (strcmp(k->host_iface, ifs[i].name) == 0) {
			strcpy(k->host_iface_v4, ifs[i].v4);
			strcpy(k->host_iface_v6, ifs[i].v6);
		}
	}
}

static void
matching_tcp_host_side(void)
{
	size_t i;

	for (i = 0; i < sizeof(host_side) / sizeof(host_side[0]); i++) {
		struct kctrl k = kctrl_tcp("10.0.0.1", host_side[i].src);
		struct ctrl_id id = id_tcp("10.0.0.1");
		bool got;

		strcpy(k.host_traddr, host_side[i].k_traddr);
		strcpy(k.host_iface, host_side[i].k_iface);
		host_facts(&k);
		strcpy(id.host_traddr, host_side[i].w_traddr);
		strcpy(id.host_iface, host_side[i].w_iface);
		if ((got = ctrl_id_matches(&k, &id, HOSTNQN)) !=
		    host_side[i].match)
			printf("#   row %zu: kernel src=%s host_traddr=%s "
			    "host_iface=%s, wanted host-traddr=%s host-iface=%s:"
			    " %s\n", i, host_side[i].src, host_side[i].k_traddr,
			    host_side[i].k_iface, host_side[i].w_traddr,
			    host_side[i].w_iface, got ? "matched" : "no match");
		CHECK(got == host_side[i].match);
	}
}

static void
matching_ipv6_text(void)
{
	struct kctrl k = kctrl_tcp("0::1", "");
	struct ctrl_id id = id_tcp("::1");

	CHECK(ctrl_id_matches(&k, &id, HOSTNQN));
}

static void
matching_fc(void)
{
	struct kctrl k;
	struct ctrl_id id;

	memset(&k, 0, sizeof(k));
	memset(&id, 0, sizeof(id));
	strcpy(k.transport, "fc");
	strcpy(k.traddr, "nn-0x20000024FF19AB71:pn-0x21000024ff19ab71");
	strcpy(k.host_traddr, "nn-0x1000000000000001:pn-0x2000000000000001");
	strcpy(k.subsysnqn, "nqn.x:y");
	strcpy(k.hostnqn, HOSTNQN);
	id.transport = TRTYPE_FC;
	strcpy(id.traddr, "nn-0x20000024ff19ab71:pn-0x21000024ff19ab71");
	strcpy(id.host_traddr, "nn-0x1000000000000001:pn-0x2000000000000001");
	strcpy(id.subsysnqn, "nqn.x:y");
	CHECK(ctrl_id_matches(&k, &id, HOSTNQN));
	strcpy(id.host_traddr, "nn-0x1000000000000001:pn-0x2000000000000002");
	CHECK(!ctrl_id_matches(&k, &id, HOSTNQN));
}

/* What a kernel controller is, with and without cntrltype (< 5.18). */
static const struct {
	const char	*transport, *cntrltype, *nqn;
	bool		 has_ns, io, discovery;
} classes[] = {
	{ "tcp", "io", "nqn.x:y", false, true, false },
	{ "tcp", "discovery", "nqn.x:y", false, false, true },
	{ "tcp", "discovery", DISCOVERY_NQN, false, false, true },
	{ "pcie", "io", "nqn.x:y", true, false, false },
	{ "", "io", "nqn.x:y", true, false, false },
	/* no cntrltype: only a controller with a namespace is I/O */
	{ "tcp", "", "nqn.x:y", true, true, false },
	{ "tcp", "", "nqn.x:y", false, false, true },
	{ "tcp", "", DISCOVERY_NQN, false, false, true },
	{ "tcp", "", DISCOVERY_NQN, true, false, true },
	{ "rdma", "", "nqn.x:unique-dc", false, false, true },
};

static void
io_classification(void)
{
	size_t i;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		struct kctrl k = kctrl_tcp("10.0.0.1", "");

		strcpy(k.transport, classes[i].transport);
		strcpy(k.cntrltype, classes[i].cntrltype);
		strcpy(k.subsysnqn, classes[i].nqn);
		k.has_ns = classes[i].has_ns;
		if (kctrl_is_io(&k) != classes[i].io ||
		    kctrl_is_discovery(&k) != classes[i].discovery)
			printf("#   row %zu\n", i);
		CHECK(kctrl_is_io(&k) == classes[i].io);
		CHECK(kctrl_is_discovery(&k) == classes[i].discovery);
	}
}

int
main(void)
{
	log_init(LOG_TO_STDERR);
	TEST(matching_tcp);
	TEST(matching_tcp_host_side);
	TEST(matching_ipv6_text);
	TEST(matching_fc);
	TEST(io_classification);
	return TEST_EXIT();
}

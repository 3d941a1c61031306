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

static void
io_classification(void)
{
	struct kctrl k = kctrl_tcp("10.0.0.1", "");

	CHECK(kctrl_is_io(&k));
	strcpy(k.cntrltype, "discovery");
	CHECK(!kctrl_is_io(&k));
	k.cntrltype[0] = '\0';
	CHECK(kctrl_is_io(&k));
	strcpy(k.subsysnqn, "nqn.2014-08.org.nvmexpress.discovery");
	CHECK(!kctrl_is_io(&k));
	strcpy(k.transport, "pcie");
	strcpy(k.cntrltype, "io");
	CHECK(!kctrl_is_io(&k));
}

int
main(void)
{
	log_init(LOG_TO_STDERR);
	TEST(matching_tcp);
	TEST(matching_ipv6_text);
	TEST(matching_fc);
	TEST(io_classification);
	return TEST_EXIT();
}

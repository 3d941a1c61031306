/* t/test-nvmf.c - option strings, sysfs text and adoption matching. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "nvmf.h"
#include "fixtures.h"
#include "test.h"

#define K52	"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMw=="

static const char kernel_61[] = "instance=-1,cntlid=-1,transport=%s,"
    "traddr=%s,trsvcid=%s,nqn=%s,queue_size=%d,nr_io_queues=%d,"
    "reconnect_delay=%d,ctrl_loss_tmo=%d,keep_alive_tmo=%d,hostnqn=%s,"
    "host_traddr=%s,host_iface=%s,hostid=%s,duplicate_connect,"
    "disable_sqflow,hdr_digest,data_digest,nr_write_queues=%d,"
    "nr_poll_queues=%d,tos=%d,fast_io_fail_tmo=%d,discovery,"
    "dhchap_secret=%s,dhchap_ctrl_secret=%s\n";

static struct host_conf host = { HOSTNQN, HOSTID, "", "" };

static struct conf
conf_of(const char *text)
{
	struct conf c;

	conf_init(&c);
	CHECK_INT(conf_parse(&c, text, strlen(text), "t"), 0);
	return c;
}

static void
supported_options(void)
{
	uint32_t m = nvmf_parse_supported(kernel_61);

	CHECK_INT(m, (1u << OPT_COUNT) - 1);
	m = nvmf_parse_supported("instance=-1,cntlid=-1,transport=%s,"
	    "hostnqn=%s,hostid=%s\n");
	CHECK_INT(m, 1u << OPT_HOSTID);
	CHECK(!(nvmf_legacy_supported() & (1u << OPT_DHCHAP_SECRET)));
	CHECK(nvmf_legacy_supported() & (1u << OPT_HOST_IFACE));
}

static void
default_option_string(void)
{
	struct conf c = conf_of("[Controllers]\ncontroller=transport=tcp;"
	    "traddr=127.0.0.1;nqn=nqn.2014-08.org.example:s1\n");
	char buf[1024];
	uint32_t dropped;
	int n;

	n = nvmf_build_options(buf, sizeof(buf), FX_CONF(c.ctrls[0]),
	    &c, &host, nvmf_parse_supported(kernel_61), &dropped);
	CHECK_STR(buf, "nqn=nqn.2014-08.org.example:s1,transport=tcp,"
	    "traddr=127.0.0.1,trsvcid=4420,hostnqn=" HOSTNQN ",hostid="
	    HOSTID);
	CHECK_INT(n, strlen(buf));
	CHECK_INT(dropped, 0);
	conf_fini(&c);
}

static void
tunables_in_option_string(void)
{
	struct conf c = conf_of("[Global]\nkato=30\nhdr-digest=true\n"
	    "nr-io-queues=0\nctrl-loss-tmo=-1\n[Controllers]\n"
	    "controller=transport=tcp;traddr=::1;host-iface=lo;"
	    "host-traddr=::1;nqn=nqn.x:y;kato=7;data-digest=true;"
	    "queue-size=64;dhchap-secret=DHHC-1:02:" K52 ":\n"
	    "controller=transport=rdma;traddr=10.0.0.1;nqn=nqn.x:z\n");
	struct ctrl_conf own;
	char buf[1024];
	uint32_t dropped;

	CHECK(nvmf_build_options(buf, sizeof(buf), FX_CONF(c.ctrls[0]),
	    &c, &host, nvmf_parse_supported(kernel_61), &dropped) > 0);
	CHECK_STR(buf, "nqn=nqn.x:y,transport=tcp,traddr=::1,host_traddr=::1,"
	    "host_iface=lo,trsvcid=4420,hostnqn=" HOSTNQN ",hostid=" HOSTID
	    ",dhchap_secret=DHHC-1:02:" K52 ":,hdr_digest,data_digest,"
	    "keep_alive_tmo=7,queue_size=64,ctrl_loss_tmo=-1");
	/* rdma: no digests, no host_iface */
	CHECK(nvmf_build_options(buf, sizeof(buf), FX_CONF(c.ctrls[1]),
	    &c, &host, nvmf_parse_supported(kernel_61), &dropped) > 0);
	CHECK_STR(buf, "nqn=nqn.x:z,transport=rdma,traddr=10.0.0.1,"
	    "trsvcid=4420,hostnqn=" HOSTNQN ",hostid=" HOSTID
	    ",keep_alive_tmo=30,ctrl_loss_tmo=-1");
	/* nvme-fabrics.conf's: its own tunables only, [Global] not */
	rec_unpack(c.ctrls[1], &own);
	own.own_tunables = true;
	CHECK(nvmf_build_options(buf, sizeof(buf), &own, &c, &host,
	    nvmf_parse_supported(kernel_61), &dropped) > 0);
	CHECK_STR(buf, "nqn=nqn.x:z,transport=rdma,traddr=10.0.0.1,"
	    "trsvcid=4420,hostnqn=" HOSTNQN ",hostid=" HOSTID);
	conf_fini(&c);
}

static void
unsupported_options_dropped(void)
{
	struct conf c = conf_of("[Controllers]\ncontroller=transport=tcp;"
	    "traddr=10.0.0.1;host-iface=eth0;nqn=nqn.x:y;"
	    "dhchap-secret=DHHC-1:02:" K52 ":\n");
	char buf[1024];
	uint32_t dropped;

	CHECK(nvmf_build_options(buf, sizeof(buf), FX_CONF(c.ctrls[0]),
	    &c, &host, nvmf_legacy_supported() & ~(1u << OPT_HOST_IFACE),
	    &dropped) > 0);
	CHECK_INT(dropped, 1u << OPT_HOST_IFACE | 1u << OPT_DHCHAP_SECRET);
	CHECK(strstr(buf, "host_iface") == NULL);
	CHECK(strstr(buf, "dhchap") == NULL);
	conf_fini(&c);
}

static void
smuggled_values_refused(void)
{
	struct ctrl_conf cc;
	struct conf c;
	struct host_conf bad = host;
	char buf[1024];
	uint32_t dropped;

	conf_init(&c);
	memset(&cc, 0, sizeof(cc));
	cc.id.transport = TRTYPE_TCP;
	strcpy(cc.id.traddr, "10.0.0.1");
	strcpy(cc.id.trsvcid, "4420");
	strcpy(cc.id.subsysnqn, "nqn.x:y,duplicate_connect");
	CHECK_INT(nvmf_build_options(buf, sizeof(buf), &cc, &c, &host, ~0u,
	    &dropped), -EINVAL);
	CHECK_STR(buf, "");
	strcpy(cc.id.subsysnqn, "nqn.x:y");
	strcpy(cc.id.traddr, "10.0.0.1\nhostnqn=evil");
	CHECK_INT(nvmf_build_options(buf, sizeof(buf), &cc, &c, &host, ~0u,
	    &dropped), -EINVAL);
	strcpy(cc.id.traddr, "10.0.0.1");
	strcpy(bad.id, "not-a-uuid,tos=3");
	CHECK_INT(nvmf_build_options(buf, sizeof(buf), &cc, &c, &bad, ~0u,
	    &dropped), -EINVAL);
	CHECK_INT(nvmf_build_options(buf, 40, &cc, &c, &host, ~0u, &dropped),
	    -ENOSPC);
}

static void
reply_parsing(void)
{
	CHECK_INT(nvmf_parse_reply("instance=3,cntlid=1\n"), 3);
	CHECK_INT(nvmf_parse_reply("instance=12,cntlid=65535"), 12);
	CHECK_INT(nvmf_parse_reply("instance=-1,cntlid=-1,transport=%s"),
	    -EBADMSG);
	CHECK_INT(nvmf_parse_reply("garbage"), -EBADMSG);
	CHECK_INT(nvmf_parse_reply(""), -EBADMSG);
}

static void
address_parsing(void)
{
	struct kctrl k;

	memset(&k, 0, sizeof(k));
	nvmf_parse_address(&k, "traddr=192.168.1.20,trsvcid=4420,"
	    "host_iface=eth1,src_addr=192.168.1.5\n");
	CHECK_STR(k.traddr, "192.168.1.20");
	CHECK_STR(k.trsvcid, "4420");
	CHECK_STR(k.host_iface, "eth1");
	CHECK_STR(k.host_traddr, "");
	CHECK_STR(k.src_addr, "192.168.1.5");
	nvmf_parse_address(&k, "traddr=nn-0x1:pn-0x2,host_traddr=none\n");
	CHECK_STR(k.traddr, "nn-0x1:pn-0x2");
	CHECK_STR(k.trsvcid, "");
	CHECK_STR(k.host_traddr, "");
	nvmf_parse_address(&k, "traddr=fe80::1,trsvcid=4420,src_addr=fe80::2%eth0");
	CHECK_STR(k.src_addr, "fe80::2");
}

/* A fake sysfs tree under a root prefix. */
static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int
sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static void
scan_fake_tree(void)
{
	char root[] = "/tmp/stacd-test-XXXXXX", p[512];
	struct kctrl *v = NULL;
	int n;

	CHECK(mkdtemp(root) != NULL);
	CHECK_INT(sh("mkdir -p %s/sys/class/nvme/nvme10 %s/sys/class/nvme/nvme2"
	    " %s/sys/class/nvme/notnvme", root, root, root), 0);
	snprintf(p, sizeof(p), "%s/sys/class/nvme/nvme10/transport", root);
	put(p, "tcp\n");
	snprintf(p, sizeof(p), "%s/sys/class/nvme/nvme10/address", root);
	put(p, "traddr=127.0.0.1,trsvcid=4420,src_addr=127.0.0.1\n");
	snprintf(p, sizeof(p), "%s/sys/class/nvme/nvme10/state", root);
	put(p, "live\n");
	snprintf(p, sizeof(p), "%s/sys/class/nvme/nvme2/transport", root);
	put(p, "pcie\n");
	/* Legacy kernels (no src_addr): the host's interfaces fill in. */
	CHECK_INT(sh("mkdir -p %s/sys/class/nvme/nvme3 %s/sys/class/nvme/nvme4",
	    root, root), 0);
	snprintf(p, sizeof(p), "%s/sys/class/nvme/nvme3/transport", root);
	put(p, "tcp\n");
	snprintf(p, sizeof(p), "%s/sys/class/nvme/nvme3/address", root);
	put(p, "traddr=127.0.0.1,trsvcid=4420,host_traddr=127.0.0.1\n");
	/* no cntrltype: nvme3 has a namespace (multipath name), nvme4 not */
	CHECK_INT(sh("mkdir -p %s/sys/class/nvme/nvme3/nvme0c3n1", root), 0);
	snprintf(p, sizeof(p), "%s/sys/class/nvme/nvme4/transport", root);
	put(p, "tcp\n");
	snprintf(p, sizeof(p), "%s/sys/class/nvme/nvme4/address", root);
	put(p, "traddr=127.0.0.1,trsvcid=4420,host_iface=lo\n");
	n = nvmf_scan(root, &v);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_STR(v[0].name, "nvme2");		/* sorted by instance */
		CHECK_STR(v[3].name, "nvme10");
		CHECK_STR(v[3].traddr, "127.0.0.1");
		CHECK_STR(v[3].state, "live");
		CHECK_STR(v[3].src_iface, "lo");
		CHECK_STR(v[1].host_traddr_iface, "lo");
		CHECK_STR(v[2].host_iface_v4, "127.0.0.1");
		CHECK(v[1].has_ns && !v[2].has_ns);
		CHECK(!v[3].has_ns);	/* nvme10: no namespace */
	}
	free(v);
	CHECK_INT(sh("rm -rf %s", root), 0);
	CHECK_INT(nvmf_scan("/nonexistent-root", &v), 0);
}

/* ROOT/sys/class/nvme/DEV/ATTR gets text. */
static void
put_attr(const char *root, const char *dev, const char *attr,
    const char *text)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/sys/class/nvme/%s/%s", root, dev, attr);
	put(p, text);
}

/* One controller re-read (a uevent, a job's end): present, gone, bogus. */
static void
scan_one_device(void)
{
	char root[] = "/tmp/stacd-test-XXXXXX";
	struct kctrl k;

	CHECK(mkdtemp(root) != NULL);
	CHECK_INT(nvmf_scan_one(root, "nvme5", &k), 0);	/* no class dir */
	CHECK_INT(sh("mkdir -p %s/sys/class/nvme/nvme5", root), 0);
	put_attr(root, "nvme5", "transport", "tcp\n");
	put_attr(root, "nvme5", "address",
	    "traddr=127.0.0.1,trsvcid=4420,src_addr=127.0.0.1\n");
	put_attr(root, "nvme5", "state", "connecting\n");
	CHECK_INT(nvmf_scan_one(root, "nvme5", &k), 1);
	CHECK_STR(k.name, "nvme5");
	CHECK_INT(k.instance, 5);
	CHECK_STR(k.traddr, "127.0.0.1");
	CHECK_STR(k.state, "connecting");
	CHECK_STR(k.src_iface, "lo");		/* as nvmf_scan() fills it */
	CHECK_INT(nvmf_scan_one(root, "nvme6", &k), 0);
	CHECK_INT(nvmf_scan_one(root, "sda", &k), -EINVAL);
	CHECK_INT(sh("rm -rf %s/sys/class/nvme/nvme5", root), 0);
	CHECK_INT(nvmf_scan_one(root, "nvme5", &k), 0);	/* removed */
	CHECK_INT(sh("rm -rf %s", root), 0);
}

/* What a disconnect would take away: mounted, swapped on, or held. */
static void
namespaces_in_use(void)
{
	char root[] = "/tmp/stacd-test-XXXXXX", p[512], why[96];

	CHECK(mkdtemp(root) != NULL);
	CHECK_INT(sh("mkdir -p %s/proc/self %s/sys/class/nvme/nvme3/nvme0c3n1 "
	    "%s/sys/block/nvme0n1 %s/sys/class/nvme/nvme4/nvme4n1 "
	    "%s/sys/block/nvme4n1/nvme4n1p2/holders/dm-0 "
	    "%s/sys/class/nvme/nvme5/nvme5n1 %s/sys/block/nvme5n1/holders "
	    "%s/sys/class/nvme/nvme6/nvme6n1 %s/sys/class/nvme/nvme1/nvme1n1",
	    root, root, root, root, root, root, root, root, root), 0);
	snprintf(p, sizeof(p), "%s/sys/block/nvme0n1/dev", root);
	put(p, "259:0\n");
	/* the root as the kernel mounted it (/dev/root), by device number;
	 * a partition of nvme6n1; nvme1n10 is not nvme1n1 */
	snprintf(p, sizeof(p), "%s/proc/self/mountinfo", root);
	put(p, "22 1 259:0 / / ro,relatime - ext4 /dev/root ro\n"
	    "30 22 259:7 / /boot rw - ext4 /dev/nvme6n1p1 rw\n"
	    "31 22 259:9 / /data rw - xfs /dev/nvme1n10 rw\n");
	CHECK(nvmf_in_use(root, "nvme3", why, sizeof(why)));
	CHECK_STR(why, "nvme0n1 is mounted or a swap");
	CHECK(nvmf_in_use(root, "nvme4", why, sizeof(why)));
	CHECK_STR(why, "nvme4n1 is held (device mapper, md...)");
	CHECK(!nvmf_in_use(root, "nvme5", why, sizeof(why)));
	CHECK(nvmf_in_use(root, "nvme6", why, sizeof(why)));
	CHECK(!nvmf_in_use(root, "nvme1", why, sizeof(why)));
	CHECK(!nvmf_in_use(root, "nvme9", why, sizeof(why)));
	snprintf(p, sizeof(p), "%s/proc/swaps", root);
	put(p, "Filename Type Size Used Priority\n"
	    "/dev/nvme5n1 partition 1 0 -2\n");
	CHECK(nvmf_in_use(root, "nvme5", why, sizeof(why)));
	CHECK_INT(sh("rm -rf %s", root), 0);
}

int
main(void)
{
	log_init(LOG_TO_STDERR);
	TEST(supported_options);
	TEST(default_option_string);
	TEST(tunables_in_option_string);
	TEST(unsupported_options_dropped);
	TEST(smuggled_values_refused);
	TEST(reply_parsing);
	TEST(address_parsing);
	TEST(scan_fake_tree);
	TEST(scan_one_device);
	TEST(namespaces_in_use);
	return TEST_EXIT();
}

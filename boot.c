/*
 * boot.c - the boot sources (NBFT, kernel command line) as a host
 * identity and boot controllers.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "boot.h"
#include "log.h"
#include "util.h"

/* One table from a file (--nbft): the same rules as the firmware's. */
static int
load_nbft_file(struct boot *b, const char *file)
{
	char *buf;
	size_t len;
	int r;

	if ((b->nbft = calloc(1, sizeof(*b->nbft))) == NULL)
		return -ENOMEM;
	if ((r = read_file(file, NBFT_SIZE_MAX, &buf, &len)) < 0) {
		log_warnx("%s: %s", file, read_file_strerror(r));
		return r == -ENOMEM ? r : 0;
	}
	if (nbft_parse((const uint8_t *)buf, len, file, b->nbft) == 0)
		b->n_nbft = 1;
	free(buf);
	return 0;
}

/* The first table's host descriptor, where the command line says none. */
static void
nbft_host(const struct boot *b, struct host_conf *h)
{
	const struct nbft *t = b->nbft;

	if (b->n_nbft == 0 || b->cmdline.hostnqn[0] || t->host_nqn[0] == '\0')
		return;
	if (strcmp(t->host_nqn, h->nqn) != 0)
		log_info("%s: host NQN %s (instead of %s)", t->name,
		    t->host_nqn, h->nqn);
	snprintf(h->nqn, sizeof(h->nqn), "%s", t->host_nqn);
	if (b->cmdline.hostid[0] || t->host_id[0] == '\0')
		return;
	if (strcasecmp(t->host_id, h->id) != 0)
		log_info("%s: host ID %s (instead of %s)", t->name, t->host_id,
		    h->id);
	snprintf(h->id, sizeof(h->id), "%s", t->host_id);
}

int
boot_load(struct boot *b, const char *root, const char *nbft_file,
    struct host_conf *h)
{
	int r;

	memset(b, 0, sizeof(*b));
	if ((r = cmdline_load(root, &b->cmdline)) == -ENOMEM)
		return r;
	if (b->cmdline.fc_auto)
		log_warnx("%s:%u: rd.nvmf.discover=fc,auto: stacd does no FC "
		    "autodiscovery; ignored", b->cmdline.name,
		    b->cmdline.fc_auto_pos);
	if (b->cmdline.nonbft)
		r = 0;
	else if (nbft_file)
		r = load_nbft_file(b, nbft_file);
	else
		r = nbft_load(root, &b->nbft, &b->n_nbft);
	if (r < 0 || h == NULL)
		return r;
	nbft_host(b, h);
	cmdline_host(&b->cmdline, h);	/* it says what it changed */
	return 0;
}

void
boot_fini(struct boot *b)
{
	free(b->nbft);
	memset(b, 0, sizeof(*b));
}

/* "52:54:00:12:34:56" as bytes; false when it is not a MAC address. */
static bool
mac_parse(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	int n = 0, i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &v[0], &v[1], &v[2], &v[3],
	    &v[4], &v[5], &n) != 6 || (s[n] != '\0' && s[n] != '\n'))
		return false;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return true;
}

/*
 * The interface of an HFI: the one in ROOT/sys/class/net with its MAC
 * address; with a VLAN, the one named BASE.VLAN (a VLAN device shares its
 * parent's address), else one without a '.'.
 */
struct net_root {
	const char	*root;
};

static int
ifname_of_mac(void *ctx, const uint8_t mac[6], uint16_t vlan, char *ifname,
    size_t size)
{
	const char *root = ((const struct net_root *)ctx)->root;
	char dir[PATH_BUF], path[PATH_BUF], want[32], *buf, *dot;
	uint8_t m[6];
	struct dirent *de;
	size_t len;
	DIR *d;
	int r = -ENOENT;

	if (path_under(dir, sizeof(dir), root, "/sys/class/net") < 0 ||
	    (d = opendir(dir)) == NULL)
		return -ENOENT;
	snprintf(want, sizeof(want), ".%u", vlan);
	while (r != 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= size ||
		    path_under(path, sizeof(path), dir, "/%s/address",
		    de->d_name) < 0 || read_file(path, 64, &buf, &len) < 0)
			continue;
		dot = strchr(de->d_name, '.');
		if (mac_parse(buf, m) && memcmp(m, mac, 6) == 0 &&
		    (vlan ? dot && strcmp(dot, want) == 0 : dot == NULL)) {
			snprintf(ifname, size, "%s", de->d_name);
			r = 0;
		}
		free(buf);
	}
	closedir(d);
	return r;
}

int
boot_ctrls(const struct boot *b, const char *root, struct fabconf *f)
{
	char origin[FABCONF_ORIGIN_MAX];
	struct net_root net = { root };
	struct ctrl_conf *v;
	size_t i, k, n;
	int r = 0;

	for (i = 0; i < b->n_nbft && r == 0; i++) {
		if ((r = nbft_ctrls(&b->nbft[i], ifname_of_mac, &net, &v,
		    &n)) < 0)
			break;
		for (k = 0; k < n && r == 0; k++) {
			v[k].origin = ORIGIN_NBFT;
			/* The firmware's own values; not stacd.conf's [Global]. */
			v[k].own_tunables = true;
			snprintf(origin, sizeof(origin), "%s:%s %zu",
			    b->nbft[i].name, v[k].discovery_ctrl ? "discovery" :
			    "subsystem", k + 1);
			r = fabconf_push(f, &v[k], origin);
		}
		free(v);
	}
	if (r == 0)
		r = cmdline_fabconf(&b->cmdline, f);
	return r;
}

void
boot_print(FILE *out, const struct boot *b)
{
	char *text = NULL, *line, *save = NULL;
	size_t i, len = 0;
	FILE *mem;

	/* As comments: --check's output reads back as a stacd.conf. */
	for (i = 0; i < b->n_nbft; i++) {
		if ((mem = open_memstream(&text, &len)) == NULL)
			break;
		nbft_print(mem, &b->nbft[i]);
		fclose(mem);
		for (line = strtok_r(text, "\n", &save); line;
		    line = strtok_r(NULL, "\n", &save))
			fprintf(out, "# %s\n", line);
		free(text);
		text = NULL;
	}
	cmdline_print(out, &b->cmdline);
}

#define HFI_IP_MAX	512

/* h's ip= value on ifname; false, said why, when it has none to give. */
static bool
hfi_ip(const struct nbft *t, const struct nbft_hfi *h, const char *ifname,
    char ip[HFI_IP_MAX])
{
	if (nbft_ip_setting(h, ifname, ip, HFI_IP_MAX) == 0)
		return true;
	log_warnx("%s: HFI %u: static, without an address; not brought up",
	    t->name, h->index);
	return false;
}

/*
 * One HFI in dracut's terms: the interface is named nbftINDEX by its MAC
 * address (ifname=), so it need not exist yet, and a VLAN is dracut's to
 * create (vlan=).  Return: 1 when it was printed, else 0.
 */
static int
print_hfi_dracut(FILE *out, const struct nbft *t, const struct nbft_hfi *h)
{
	char base[8], ifname[HOST_IFACE_MAX + 1], ip[HFI_IP_MAX];

	snprintf(base, sizeof(base), "nbft%u", h->index);	/* "nbft255" */
	if (h->vlan)
		snprintf(ifname, sizeof(ifname), "%s.%u", base, h->vlan);
	else
		snprintf(ifname, sizeof(ifname), "%s", base);
	if (!hfi_ip(t, h, ifname, ip))
		return 0;
	fprintf(out, "ifname=%s:%s\n", base, h->mac_str);
	if (h->vlan)
		fprintf(out, "vlan=%s:%s\n", ifname, base);
	fprintf(out, "%s\n", ip);
	return 1;
}

/* One HFI on the interface that has its MAC address now. */
static int
print_hfi_ip(FILE *out, const struct nbft *t, const struct nbft_hfi *h,
    const char *root)
{
	char ifname[HOST_IFACE_MAX + 1], ip[HFI_IP_MAX];
	struct net_root net = { root };

	if (h->vlan) {
		log_warnx("%s: HFI %u: VLAN %u is not brought up by stacd; give "
		    "vlan= and ip= on the kernel command line", t->name,
		    h->index, h->vlan);
		return 0;
	}
	if (ifname_of_mac(&net, h->mac, 0, ifname, sizeof(ifname)) < 0) {
		log_warnx("%s: HFI %u: no interface has MAC address %s",
		    t->name, h->index, h->mac_str);
		return 0;
	}
	if (!hfi_ip(t, h, ifname, ip))
		return 0;
	fprintf(out, "%s\n", ip);
	return 1;
}

int
boot_print_network(FILE *out, const struct boot *b, const char *root,
    bool dracut)
{
	const struct nbft *t;
	size_t i, k;
	int n = 0;

	for (i = 0; i < b->n_nbft; i++)
		for (t = &b->nbft[i], k = 0; k < t->n_hfi; k++)
			n += dracut ? print_hfi_dracut(out, t, &t->hfi[k]) :
			    print_hfi_ip(out, t, &t->hfi[k], root);
	return n;
}

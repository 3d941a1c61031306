/*
 * boot.h - the boot sources: the firmware's NVMe Boot Firmware Table
 * (nbft.h) and the kernel command line's rd.nvmf.* keys (cmdline.h), as
 * a host identity and controllers to connect.  Read once at start-up:
 * neither changes while the system runs.
 *
 * The host identity, most specific first: rd.nvmf.hostnqn/hostid, the
 * first NBFT's host descriptor, sys.conf, /etc/nvme.  A boot entry names
 * the identity its target was set up with.
 */
#ifndef STACD_BOOT_H
#define STACD_BOOT_H

#include <stdio.h>

#include "cmdline.h"
#include "conf.h"
#include "fabconf.h"
#include "nbft.h"

struct boot {
	struct boot_cmdline cmdline;
	struct nbft	*nbft;		/* the tables, unless rd.nvmf.nonbft */
	size_t		 n_nbft;
};

/*
 * boot_load - ROOT/proc/cmdline, and the NBFTs: nbft_file when it is not
 * NULL (--nbft), else ROOT/sys/firmware/acpi/tables/NBFT*; then the host
 * identity h (as host_load() made it; NULL: none) overridden as above,
 * each change logged.  A table that cannot be read or is refused is logged and left
 * out.  Return: 0, or -ENOMEM.
 */
int	boot_load(struct boot *b, const char *root, const char *nbft_file,
	    struct host_conf *h);

void	boot_fini(struct boot *b);

/*
 * boot_ctrls - append the boot controllers to f: the NBFTs' (origin
 * NBFT, origins "NBFT:..."; host-iface found from the HFI's MAC address
 * in ROOT/sys/class/net), then the command line's discovery controllers
 * (origin CMDLINE, "cmdline:N").  Return: 0, or -ENOMEM.
 */
int	boot_ctrls(const struct boot *b, const char *root, struct fabconf *f);

/* --check: each NBFT as nbft_print() shows it, and the command line's. */
void	boot_print(FILE *out, const struct boot *b);

/*
 * boot_print_network - --boot-network: the kernel parameters that bring
 * up each NBFT HFI (nbft_ip_setting()).  Without dracut: one ip= value per
 * HFI, on the interface that has its MAC address under ROOT/sys/class/net;
 * an HFI on a VLAN or whose interface is missing is logged and left out.
 * With dracut (whose cmdline stage runs before the interfaces exist): per
 * HFI, ifname=nbftINDEX:MAC, vlan=nbftINDEX.VLAN:nbftINDEX for a VLAN, and
 * ip= on that interface.  A static HFI without an address is logged and
 * left out.  Return: the number of HFIs printed.
 */
int	boot_print_network(FILE *out, const struct boot *b, const char *root,
	    bool dracut);

#endif

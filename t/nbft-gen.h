/*
 * t/nbft-gen.h - an NBFT (NVMe Boot Specification 1.0 ACPI table) made
 * from a text description, for t/mknbft (the VM tier hands its output to
 * QEMU with -acpitable file=NBFT.bin) and t/test-nbft.c.
 *
 * One item a line, "#" starts a comment, values run to the next space:
 *
 *	table [oem=ID] [oem-table=ID] [revision=N] [minor=N] [control=invalid]
 *	host nqn=NQN [id=UUID]
 *	hfi mac=MAC [ip=ADDR/PREFIX] [gw=ADDR] [dns=ADDR] [dns2=ADDR]
 *	    [origin=static|dhcp|ra] [dhcp-server=ADDR] [vlan=N] [metric=N]
 *	    [hostname=NAME] [index=N] [pci=N] [invalid]
 *	subsys traddr=ADDR trsvcid=PORT nqn=NQN hfi=N[,N...] [index=N]
 *	    [nsid=N] [port=N] [flags=unavailable,discovered,nonboot,invalid]
 *	    [digest=hdr,data] [discovery=N] [security=N] [cntlid=N]
 *	    [asqsz=N] [trtype=N]
 *	discovery uri=URI [hfi=N] [nqn=NQN] [index=N] [security=N]
 *	security [index=N] [flags=N] [secret-type=N]
 *
 * Indexes default to the item's place among its kind, from 1; a
 * discovery NQN to the well-known one ("nqn=" writes none).  The
 * layout is the one UEFI firmware writes: header, control, host, then
 * the HFI, SSNS, security and discovery lists, then the heap, each heap
 * object followed by a NUL that its length does not count.  Values are
 * written as given, unchecked, so tests can make hostile tables.
 */
#ifndef STACD_T_NBFT_GEN_H
#define STACD_T_NBFT_GEN_H

#include <stddef.h>
#include <stdint.h>

/* Offsets a test needs to damage a table on purpose. */
#define NBFT_GEN_HEADER		64
#define NBFT_GEN_CONTROL	64	/* size, at offset NBFT_GEN_HEADER */
#define NBFT_GEN_HOST_SIZE	32
#define NBFT_GEN_HFI_SIZE	32
#define NBFT_GEN_SSNS_SIZE	128
#define NBFT_GEN_SEC_SIZE	64
#define NBFT_GEN_DISC_SIZE	32
#define NBFT_GEN_TRINFO_SIZE	128

/*
 * nbft_gen - the table described by text[0..len).
 * Return: 0 with *out (free it) and *out_len, and in err "" or a warning
 * (the table is not one nvme-cli would take); -EINVAL with "line N: why"
 * in err; -ENOMEM.
 */
int	nbft_gen(const char *text, size_t len, uint8_t **out,
	    size_t *out_len, char *err, size_t err_size);

/*
 * Set byte 9 so that the bytes up to the table's length field (at most
 * len) sum to 0.
 */
void	nbft_gen_checksum(uint8_t *table, size_t len);

#endif

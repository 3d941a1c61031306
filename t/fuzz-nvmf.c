/*
 * t/fuzz-nvmf.c - the parsers of text the kernel or the environment
 * hands us: the sysfs address attribute, the option list and connect
 * reply of /dev/nvme-fabrics, and a D-Bus address.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "nvmf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_un sa;
	struct kctrl k;
	socklen_t len;
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';		/* sysfs reads are NUL-terminated too */
	memset(&k, 0, sizeof(k));
	nvmf_parse_address(&k, text);
	/* Every field stays terminated inside its buffer. */
	if (strlen(k.traddr) >= sizeof(k.traddr) ||
	    strlen(k.trsvcid) >= sizeof(k.trsvcid) ||
	    strlen(k.host_traddr) >= sizeof(k.host_traddr) ||
	    strlen(k.host_iface) >= sizeof(k.host_iface) ||
	    strlen(k.src_addr) >= sizeof(k.src_addr))
		abort();
	if (nvmf_parse_supported(text) >= (1u << OPT_COUNT))
		abort();
	if (nvmf_parse_reply(text) < -EBADMSG)
		abort();
	if (bus_parse_address(text, &sa, &len) == 0 &&
	    (len <= offsetof(struct sockaddr_un, sun_path) ||
	    len > sizeof(sa)))
		abort();
	free(text);
	return 0;
}

# stacd - NVMe-oF STorage Appliance Connector daemon (C implementation)
#
# Plain GNU make, no configure step.  Nothing beyond libc.
#   make            ./stacd
#   make static     a static, stripped ./stacd.static (musl-gcc when present)
#   make check      every test tier; the unit tier runs under ASan+UBSan
#   make fuzz       libFuzzer targets (clang), run briefly over t/corpus
#   make install    DESTDIR=... PREFIX=/usr
#   make boot-demo  a diskless VM boots from another VM's NVMe/TCP target
#                   (Debian's mkinitramfs; STACD_BOOT_SOURCE=nbft|discover)
#   make bench      benchmarks, printing numbers

VERSION	= 0.1.0
PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR	?= $(PREFIX)/lib/systemd/system
DBUSPOLICYDIR ?= $(PREFIX)/share/dbus-1/system.d
# initramfs-tools reads only /usr/share/initramfs-tools, whatever PREFIX is.
INITRAMFSDIR ?= /usr/share/initramfs-tools
# dracut reads its modules from /usr/lib/dracut/modules.d, whatever PREFIX is.
DRACUTDIR ?= /usr/lib/dracut

CC	?= cc
CFLAGS	?= -O2 -g
WARNINGS = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wmissing-declarations -Wpointer-arith \
	-Wcast-qual -Wsign-compare -Wformat=2 -Wundef -Wswitch-enum \
	-Wwrite-strings -Wvla -Wimplicit-fallthrough
STDFLAGS = -std=c11 -D_GNU_SOURCE -DSTACD_VERSION='"$(VERSION)"'
ALL_CFLAGS = $(STDFLAGS) $(WARNINGS) $(CFLAGS)
LDLIBS	= -lpthread

SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -O1 -g

# Every module but the one holding main(); unit tests link these.
LIB_SRCS = $(filter-out stacd.c,$(wildcard *.c))
UNIT_TESTS = $(patsubst t/%.c,%,$(wildcard t/test-*.c))
FUZZERS	= $(filter-out fuzz-main,$(patsubst t/%.c,%,$(wildcard t/fuzz-*.c)))

B	= build

# Objects are compiled once per flavour, with header dependencies (-MMD):
#   build/obj      the flags of ./stacd (bench links these)
#   build/asan     ASan+UBSan: the tested stacd, unit tests, corpus replay
#   build/libfuzzer clang with -fsanitize=fuzzer-no-link
OBJ	= $(B)/obj
ASAN	= $(B)/asan
LIBFUZZ	= $(B)/libfuzzer
lib_objs = $(addprefix $(1)/,$(LIB_SRCS:.c=.o))

# Objects of the test programs are intermediate for make: keep them (no
# rebuilds, and no "rm" after the summary line of make check).
.SECONDARY:

.PHONY: all static check deps unit dev test fuzz bench install uninstall clean demo update-golden lint-man

all: stacd

$(OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -I. -MMD -MP -c -o $@ $<

$(ASAN)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(STDFLAGS) $(WARNINGS) $(SANFLAGS) -I. -MMD -MP -c -o $@ $<

$(LIBFUZZ)/%.o: %.c
	@mkdir -p $(@D)
	clang $(STDFLAGS) -fsanitize=fuzzer-no-link,address,undefined -g -O1 \
		-I. -MMD -MP -c -o $@ $<

stacd: $(OBJ)/stacd.o $(call lib_objs,$(OBJ))
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

# musl gives a much smaller static binary than glibc; both work.
STATIC_CC = $(shell command -v musl-gcc >/dev/null 2>&1 && echo musl-gcc || echo $(CC))
static: stacd.static
stacd.static: stacd.c $(LIB_SRCS) $(wildcard *.h)
	$(STATIC_CC) $(STDFLAGS) $(WARNINGS) -Os -static -s -o $@ stacd.c $(LIB_SRCS) $(LDLIBS)
	@echo "stacd.static: $$(stat -c %s $@) bytes ($(STATIC_CC))"

# --- tests -------------------------------------------------------------------
$(ASAN)/stacd: $(ASAN)/stacd.o $(call lib_objs,$(ASAN))
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)

$(ASAN)/test-%: $(ASAN)/t/test-%.o $(call lib_objs,$(ASAN))
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)

# The fuzz targets double as corpus replayers (t/fuzz-main.c) under ASan
# when libFuzzer is not used, so make check exercises them too.
$(ASAN)/fuzz-%: $(ASAN)/t/fuzz-%.o $(ASAN)/t/fuzz-main.o $(call lib_objs,$(ASAN))
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)

$(LIBFUZZ)/fuzz-%: $(LIBFUZZ)/t/fuzz-%.o $(call lib_objs,$(LIBFUZZ))
	clang -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS)

-include $(wildcard $(OBJ)/*.d $(ASAN)/*.d $(ASAN)/t/*.d $(LIBFUZZ)/*.d $(LIBFUZZ)/t/*.d)

# Test dependencies: installed when root (Debian), else reported.
deps:
	@sh t/deps.sh

UNIT_BINS = $(addprefix $(ASAN)/,$(UNIT_TESTS))
TEST_BINS = stacd $(ASAN)/stacd $(UNIT_BINS) $(addprefix $(ASAN)/,$(FUZZERS)) \
	$(B)/mknbft

# The whole suite, as CI runs it (installs what the tiers need).
check: deps $(TEST_BINS)
	@sh t/run-tests.sh

# The unit tier alone.
unit: $(UNIT_BINS)
	@sh t/run-tests.sh unit

# For developers: unit, golden, CLI, fuzz replay and man tiers; no
# apt-get, no D-Bus or VM tier.
dev: $(TEST_BINS)
	@sh t/run-tests.sh dev

# One unit test: make test T=conf
test: $(ASAN)/test-$(T)
	@$(ASAN)/test-$(T)

# New inputs go to build/corpus/NAME; t/corpus/NAME seeds it (copy
# findings worth keeping there by hand, minimised).
fuzz: $(addprefix $(B)/libfuzzer/,$(FUZZERS))
	@for f in $(FUZZERS); do \
		n=$${f#fuzz-}; mkdir -p $(B)/corpus/$$n; \
		echo "== $$f"; $(B)/libfuzzer/$$f -max_total_time=$${FUZZ_SECONDS:-30} \
			$(B)/corpus/$$n t/corpus/$$n || exit 1; \
	done

# The NBFT generator: the VM tier hands its tables to QEMU (-acpitable).
$(B)/mknbft: t/mknbft.c t/nbft-gen.c t/nbft-gen.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -I. -o $@ t/mknbft.c t/nbft-gen.c

$(B)/bench: $(OBJ)/t/bench.o $(call lib_objs,$(OBJ))
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

# build/bench (the hot paths in-process), then t/bench.sh (the daemon as
# a process: size, RSS, start-up, CPU, D-Bus, uevents), which records its
# figures in BENCHMARKS.md.
bench: $(B)/bench stacd
	@$(B)/bench
	@sh t/bench.sh

update-golden: $(ASAN)/stacd
	@sh t/conf/update-golden.sh

# The README's main job: boot a VM, let stacd connect, show the result.
demo: deps stacd.static
	@t/vm/run.sh -t 300 t/vm/demo.sh

# Root on NVMe/TCP across two VMs: A exports the root image with nvmet-tcp,
# B (no disk) boots Debian's mkinitramfs image with stacd's
# initramfs-tools files from it; shows both consoles and the checks.
.PHONY: boot-demo
boot-demo: deps stacd.static $(B)/mknbft
	@t/vm/boot-demo.sh -t 300

lint-man:
	mandoc -Tlint -Wwarning stacd.8 stacd.conf.5

# --- install -----------------------------------------------------------------
install: stacd
	install -D -m 755 stacd $(DESTDIR)$(SBINDIR)/stacd
	install -D -m 644 stacd.8 $(DESTDIR)$(MANDIR)/man8/stacd.8
	install -D -m 644 stacd.conf.5 $(DESTDIR)$(MANDIR)/man5/stacd.conf.5
	@# never overwrite an administrator's configuration
	[ -e $(DESTDIR)$(SYSCONFDIR)/stas/stacd.conf ] || \
		install -D -m 644 etc/stacd.conf $(DESTDIR)$(SYSCONFDIR)/stas/stacd.conf
	@mkdir -p $(B)
	sed 's|@SBINDIR@|$(SBINDIR)|g' etc/stacd.service.in > $(B)/stacd.service
	install -D -m 644 $(B)/stacd.service $(DESTDIR)$(UNITDIR)/stacd.service
	install -D -m 644 etc/org.nvmexpress.stac.conf \
		$(DESTDIR)$(DBUSPOLICYDIR)/org.nvmexpress.stac.conf
	@# initramfs-tools (Debian): root on NVMe-oF.  Installed as
	@#   $(INITRAMFSDIR)/hooks/stacd               stacd, its configuration, nvme-tcp
	@#   $(INITRAMFSDIR)/scripts/local-top/stacd   connect, wait for root= (stacd.timeout=)
	@#   $(INITRAMFSDIR)/scripts/init-bottom/stacd SIGTERM: hand over to the system's stacd
	@# They take effect at the next update-initramfs -u.
	sed 's|@SBINDIR@|$(SBINDIR)|g' etc/initramfs-tools/hooks/stacd > $(B)/initramfs-hook
	install -D -m 755 $(B)/initramfs-hook $(DESTDIR)$(INITRAMFSDIR)/hooks/stacd
	install -D -m 755 etc/initramfs-tools/scripts/local-top/stacd \
		$(DESTDIR)$(INITRAMFSDIR)/scripts/local-top/stacd
	install -D -m 755 etc/initramfs-tools/scripts/init-bottom/stacd \
		$(DESTDIR)$(INITRAMFSDIR)/scripts/init-bottom/stacd
	@# dracut (Fedora, RHEL, SUSE...): the same job as a dracut module,
	@#   $(DRACUTDIR)/modules.d/90stacd/  module-setup.sh and its hooks
	@# (etc/dracut/modules.d/90stacd/module-setup.sh lists them).  It takes
	@# effect at the next dracut -f; leave out dracut's nvmf module then:
	@# omit_dracutmodules+=" nvmf " in /etc/dracut.conf.d/.
	install -d $(DESTDIR)$(DRACUTDIR)/modules.d/90stacd
	install -m 755 etc/dracut/modules.d/90stacd/*.sh \
		$(DESTDIR)$(DRACUTDIR)/modules.d/90stacd/

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/stacd $(DESTDIR)$(MANDIR)/man8/stacd.8 \
		$(DESTDIR)$(MANDIR)/man5/stacd.conf.5 \
		$(DESTDIR)$(UNITDIR)/stacd.service \
		$(DESTDIR)$(DBUSPOLICYDIR)/org.nvmexpress.stac.conf
	rm -f $(DESTDIR)$(INITRAMFSDIR)/hooks/stacd \
		$(DESTDIR)$(INITRAMFSDIR)/scripts/local-top/stacd \
		$(DESTDIR)$(INITRAMFSDIR)/scripts/init-bottom/stacd
	rm -rf $(DESTDIR)$(DRACUTDIR)/modules.d/90stacd
	@echo "kept $(DESTDIR)$(SYSCONFDIR)/stas/stacd.conf (configuration is yours)"

clean:
	rm -rf $(B) stacd stacd.static

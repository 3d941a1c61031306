# stacd - NVMe-oF STorage Appliance Connector daemon (C implementation)
#
# Plain GNU make, no configure step.  Nothing beyond libc.
#   make            ./stacd
#   make static     a static, stripped ./stacd.static (musl-gcc when present)
#   make check      every test tier; the unit tier runs under ASan+UBSan
#   make fuzz       libFuzzer targets (clang), run briefly over t/corpus
#   make install    DESTDIR=... PREFIX=/usr
#   make bench      benchmarks, printing numbers

VERSION	= 0.1.0
PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR	?= $(PREFIX)/lib/systemd/system
DBUSPOLICYDIR ?= $(PREFIX)/share/dbus-1/system.d

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
HDRS	= $(wildcard *.h)
UNIT_TESTS = $(patsubst t/%.c,%,$(wildcard t/test-*.c))
FUZZERS	= $(filter-out fuzz-main,$(patsubst t/%.c,%,$(wildcard t/fuzz-*.c)))

B	= build

.PHONY: all static check deps unit fuzz bench install uninstall clean demo update-golden lint-man

all: stacd

stacd: stacd.c $(LIB_SRCS) $(HDRS)
	$(CC) $(ALL_CFLAGS) -o $@ stacd.c $(LIB_SRCS) $(LDFLAGS) $(LDLIBS)

# musl gives a much smaller static binary than glibc; both work.
STATIC_CC = $(shell command -v musl-gcc >/dev/null 2>&1 && echo musl-gcc || echo $(CC))
static: stacd.static
stacd.static: stacd.c $(LIB_SRCS) $(HDRS)
	$(STATIC_CC) $(STDFLAGS) $(WARNINGS) -Os -static -s -o $@ stacd.c $(LIB_SRCS) $(LDLIBS)
	@echo "stacd.static: $$(stat -c %s $@) bytes ($(STATIC_CC))"

# --- tests -------------------------------------------------------------------
$(B)/asan/stacd: stacd.c $(LIB_SRCS) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(STDFLAGS) $(WARNINGS) $(SANFLAGS) -o $@ stacd.c $(LIB_SRCS) $(LDLIBS)

$(B)/asan/test-%: t/test-%.c t/test.h $(LIB_SRCS) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(STDFLAGS) $(WARNINGS) $(SANFLAGS) -I. -o $@ $< $(LIB_SRCS) $(LDLIBS)

# The fuzz targets double as corpus replayers (t/fuzz-main.c) under ASan
# when libFuzzer is not used, so make check exercises them too.
$(B)/asan/fuzz-%: t/fuzz-%.c t/fuzz-main.c $(LIB_SRCS) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(STDFLAGS) $(WARNINGS) $(SANFLAGS) -I. -o $@ $< t/fuzz-main.c $(LIB_SRCS) $(LDLIBS)

$(B)/libfuzzer/fuzz-%: t/fuzz-%.c $(LIB_SRCS) $(HDRS)
	@mkdir -p $(@D)
	clang $(STDFLAGS) -fsanitize=fuzzer,address,undefined -g -O1 -I. -o $@ $< $(LIB_SRCS) $(LDLIBS)

# Test dependencies: installed when root (Debian), else reported.
deps:
	@sh t/deps.sh

check: deps stacd $(B)/asan/stacd $(addprefix $(B)/asan/,$(UNIT_TESTS) $(FUZZERS))
	@sh t/run-tests.sh

# New inputs go to build/corpus/NAME; t/corpus/NAME seeds it (copy
# findings worth keeping there by hand, minimised).
fuzz: $(addprefix $(B)/libfuzzer/,$(FUZZERS))
	@for f in $(FUZZERS); do \
		n=$${f#fuzz-}; mkdir -p $(B)/corpus/$$n; \
		echo "== $$f"; $(B)/libfuzzer/$$f -max_total_time=$${FUZZ_SECONDS:-30} \
			$(B)/corpus/$$n t/corpus/$$n || exit 1; \
	done

$(B)/bench: t/bench.c $(LIB_SRCS) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -I. -o $@ t/bench.c $(LIB_SRCS) $(LDLIBS)

bench: $(B)/bench
	@$(B)/bench

update-golden: $(B)/asan/stacd
	@sh t/conf/update-golden.sh

# The README's main job: boot a VM, let stacd connect, show the result.
demo: deps stacd.static
	@t/vm/run.sh -t 300 t/vm/demo.sh

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

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/stacd $(DESTDIR)$(MANDIR)/man8/stacd.8 \
		$(DESTDIR)$(MANDIR)/man5/stacd.conf.5 \
		$(DESTDIR)$(UNITDIR)/stacd.service \
		$(DESTDIR)$(DBUSPOLICYDIR)/org.nvmexpress.stac.conf
	@echo "kept $(DESTDIR)$(SYSCONFDIR)/stas/stacd.conf (configuration is yours)"

clean:
	rm -rf $(B) stacd stacd.static

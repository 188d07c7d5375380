# SPDX-License-Identifier: GPL-2.0-or-later
# xlat464: plain Makefile.  `make` builds, `make check` runs every test,
# `make demo` runs the lab, `make bench` the benchmark.

CC      ?= cc
CLANG   ?= clang
CFLAGS  ?= -O2 -g
BUILD   ?= build
PREFIX  ?= /usr/local
SYSCONFDIR ?= /etc
DESTDIR ?=
LIBEXECDIR ?= $(PREFIX)/libexec
# Where the DHCP clients look for integrations (Debian 12 paths: dpkg -L
# dhcpcd-base; NetworkManager's dispatcher directory).
DHCPCD_HOOKDIR ?= /usr/lib/dhcpcd/dhcpcd-hooks
NM_DISPATCHDIR ?= /etc/NetworkManager/dispatcher.d
SYSTEMD_UNITDIR ?= /etc/systemd/system
# The unit's User= (systemd/xlatd.sysusers); a package: /usr/lib/sysusers.d.
SYSUSERSDIR ?= /etc/sysusers.d

XCFLAGS  = -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -D_GNU_SOURCE -Isrc/engine -Isrc -Itests/lib
LDLIBS_D = -lmnl -lpthread -lbpf -lelf -lz -luring

ENGINE_SRC  := $(sort $(wildcard src/engine/*.c))
DAEMON_SRC  := $(sort $(wildcard src/datapath/*.c src/control/*.c \
		 $(filter-out src/xlatd/main.c,$(wildcard src/xlatd/*.c))))
XLATD_MAIN  := src/xlatd/main.c
XLATCTL_MAIN := src/xlatctl/main.c
XLATCTL_SRC := $(sort $(filter-out $(XLATCTL_MAIN),$(wildcard src/xlatctl/*.c)))
UNIT_SRC    := $(sort $(wildcard tests/unit/test_*.c))
TOOL_SRC    := $(sort $(wildcard tests/tools/*.c bench/tools/*.c))
FUZZ_SRC    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
TESTLIB_SRC := $(sort $(wildcard tests/lib/*.c))
# The fuzz targets compile the test library in without libbpf.
FUZZ_TESTLIB := $(filter-out tests/lib/bpf_run.c,$(TESTLIB_SRC))
XGEN_SRC    := $(sort $(wildcard bench/tools/xgen/*.c))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

ENGINE_OBJ := $(call obj,$(ENGINE_SRC))
DAEMON_OBJ := $(call obj,$(DAEMON_SRC))
XLATCTL_OBJ := $(call obj,$(XLATCTL_SRC))
TESTLIB_OBJ := $(call obj,$(TESTLIB_SRC))
UNIT_BIN   := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
TOOL_BIN   := $(patsubst %.c,$(BUILD)/tools/%,$(notdir $(TOOL_SRC)))
FUZZ_BIN   := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))

PROGS := $(BUILD)/xlatd $(BUILD)/xlatctl

# Keep objects of test programs and tools: they are not throw-away.
.SECONDARY:

.PHONY: all progs deps check unit demo bench soak install install-integrations clean fuzz asan tools format

all: $(PROGS) $(UNIT_BIN) $(TOOL_BIN)

progs: $(PROGS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(XCFLAGS) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libxlat.a: $(ENGINE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libxlatd.a: $(DAEMON_OBJ)
	@rm -f $@
	ar rcs $@ $^

# xlatctl's renderers, apart from its main() so unit tests link them.
$(BUILD)/libxlatctl.a: $(XLATCTL_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libxlattest.a: $(TESTLIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/xlatd: $(call obj,$(XLATD_MAIN)) $(BUILD)/libxlatd.a $(BUILD)/libxlat.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS_D)

$(BUILD)/xlatctl: $(call obj,$(XLATCTL_MAIN)) $(BUILD)/libxlatctl.a $(BUILD)/libxlatd.a $(BUILD)/libxlat.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS_D)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/libxlattest.a $(BUILD)/libxlatctl.a $(BUILD)/libxlatd.a $(BUILD)/libxlat.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS_D)

$(BUILD)/tools/%: $(BUILD)/obj/tests/tools/%.o $(BUILD)/libxlattest.a $(BUILD)/libxlat.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) -lpthread

$(BUILD)/tools/%: $(BUILD)/obj/bench/tools/%.o $(BUILD)/libxlattest.a $(BUILD)/libxlat.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) -lpthread

# xgen's sender and sink are in bench/tools/xgen/ (not tools of their own).
$(BUILD)/tools/xgen: $(BUILD)/obj/bench/tools/xgen.o $(call obj,$(XGEN_SRC)) $(BUILD)/libxlattest.a $(BUILD)/libxlat.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) -lpthread

# discovery_probe and nexthop_probe drive the control library: they need
# libxlatd and libmnl.
$(BUILD)/tools/discovery_probe: $(BUILD)/obj/tests/tools/discovery_probe.o $(BUILD)/libxlattest.a $(BUILD)/libxlatd.a $(BUILD)/libxlat.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS_D)

$(BUILD)/tools/nexthop_probe: $(BUILD)/obj/tests/tools/nexthop_probe.o $(BUILD)/libxlattest.a $(BUILD)/libxlatd.a $(BUILD)/libxlat.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS_D)

# eBPF fast path (src/bpf/): a CO-RE object against vmlinux.h from the
# running kernel's BTF, and the libbpf skeleton bpf_loader.c compiles in.
BPFTOOL ?= bpftool
BPF_CFLAGS = -O2 -g -target bpf -D__TARGET_ARCH_x86 -I $(BUILD)/bpf -Isrc/bpf

$(BUILD)/bpf/vmlinux.h:
	@mkdir -p $(dir $@)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp
	@mv $@.tmp $@

$(BUILD)/bpf/clat.bpf.o: src/bpf/clat.bpf.c src/bpf/tc_common.h src/bpf/clat_fp.h src/bpf/clat_pkt.h src/bpf/icmp4_zero.h src/bpf/rfc6052.h src/engine/ipv4_special.h $(BUILD)/bpf/vmlinux.h
	$(CLANG) $(BPF_CFLAGS) -c -o $@ $<

$(BUILD)/bpf/clat.skel.h: $(BUILD)/bpf/clat.bpf.o
	$(BPFTOOL) gen skeleton $< name clat_bpf > $@.tmp
	@mv $@.tmp $@

$(BUILD)/obj/src/datapath/bpf_loader.o: $(BUILD)/bpf/clat.skel.h
$(BUILD)/obj/src/datapath/bpf_loader.o: XCFLAGS += -I$(BUILD)/bpf

# The shared-address CLAT's uplink ingress program (docs/clat-shared.md).
$(BUILD)/bpf/clat_shared.bpf.o: src/bpf/clat_shared.bpf.c src/bpf/tc_common.h src/bpf/clat_shared.h $(BUILD)/bpf/vmlinux.h
	$(CLANG) $(BPF_CFLAGS) -c -o $@ $<

$(BUILD)/bpf/clat_shared.skel.h: $(BUILD)/bpf/clat_shared.bpf.o
	$(BPFTOOL) gen skeleton $< name clat_shared_bpf > $@.tmp
	@mv $@.tmp $@

$(BUILD)/obj/src/datapath/bpf_shared.o: $(BUILD)/bpf/clat_shared.skel.h
$(BUILD)/obj/src/datapath/bpf_shared.o: XCFLAGS += -I$(BUILD)/bpf

# The NAT64 fast path: a TC program on the [nat64] TUN's egress.
$(BUILD)/bpf/nat64.bpf.o: src/bpf/nat64.bpf.c src/bpf/tc_common.h src/bpf/nat64_fp.h src/bpf/icmp4_zero.h src/bpf/rfc6052.h $(BUILD)/bpf/vmlinux.h
	$(CLANG) $(BPF_CFLAGS) -c -o $@ $<

$(BUILD)/bpf/nat64.skel.h: $(BUILD)/bpf/nat64.bpf.o
	$(BPFTOOL) gen skeleton $< name nat64_fp_bpf > $@.tmp
	@mv $@.tmp $@

$(BUILD)/obj/src/datapath/nat64_bpf.o: $(BUILD)/bpf/nat64.skel.h
$(BUILD)/obj/src/datapath/nat64_bpf.o: XCFLAGS += -I$(BUILD)/bpf

# libFuzzer targets: clang only, with ASan and UBSan.  The engine targets
# compile the engine into themselves; the control-plane ones link an
# instrumented build of the daemon's library.
FUZZFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined
FUZZOBJFLAGS = -g -O1 -fsanitize=fuzzer-no-link,address,undefined \
	       -fno-sanitize-recover=undefined
# The control-plane targets (also listed in tests/run.sh, which gives
# them FUZZ_PARSER_SECONDS); every other fuzz_*.c is an engine target.
FUZZ_CTL    := $(patsubst %,$(BUILD)/fuzz/fuzz_%,ra ndp rfc7050 link_monitor \
		 rtnl nexthop config ctl)
FUZZ_ENGINE := $(filter-out $(FUZZ_CTL),$(FUZZ_BIN))
fuzzobj = $(patsubst %.c,$(BUILD)/fuzzobj/%.o,$(1))

$(FUZZ_ENGINE): $(BUILD)/fuzz/%: tests/fuzz/%.c $(ENGINE_SRC) $(FUZZ_TESTLIB) $(wildcard src/engine/*.h tests/lib/*.h tests/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(XCFLAGS) $(FUZZFLAGS) -o $@ $< $(ENGINE_SRC) $(FUZZ_TESTLIB)

$(BUILD)/fuzzobj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) $(XCFLAGS) $(FUZZOBJFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/fuzzobj/src/datapath/bpf_loader.o: $(BUILD)/bpf/clat.skel.h
$(BUILD)/fuzzobj/src/datapath/bpf_loader.o: XCFLAGS += -I$(BUILD)/bpf
$(BUILD)/fuzzobj/src/datapath/bpf_shared.o: $(BUILD)/bpf/clat_shared.skel.h
$(BUILD)/fuzzobj/src/datapath/bpf_shared.o: XCFLAGS += -I$(BUILD)/bpf
$(BUILD)/fuzzobj/src/datapath/nat64_bpf.o: $(BUILD)/bpf/nat64.skel.h
$(BUILD)/fuzzobj/src/datapath/nat64_bpf.o: XCFLAGS += -I$(BUILD)/bpf

$(BUILD)/libxlatd-fuzz.a: $(call fuzzobj,$(DAEMON_SRC) $(ENGINE_SRC))
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_CTL): $(BUILD)/fuzz/%: $(BUILD)/fuzzobj/tests/fuzz/%.o $(BUILD)/libxlatd-fuzz.a
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS_D)

fuzz: $(FUZZ_BIN)

# The whole build again under AddressSanitizer and UBSan, in build-asan/.
asan:
	$(MAKE) BUILD=build-asan \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
		all

deps:
	@scripts/deps.sh

unit: all
	tests/run.sh --unit

check: deps
	$(MAKE) all
	$(MAKE) asan
	$(MAKE) fuzz
	tests/run.sh

demo: deps
	$(MAKE) all
	lab/demo.sh $(if $(KEEP),--keep)

# About 15 minutes: the CLAT rows (native, ebpf, clat, tayclat) and the
# SIIT/NAT64 rows, 3 interleaved repetitions; prints both tables and draws
# the chart (docs/bench.md).  QUICK=1, REPS=N and CASES="..." pass through.
bench: deps
	$(MAKE) all
	bench/run.sh

# About 12 minutes (SOAK_SECONDS=600 of load, a warm-up, two idle
# windows); not part of check.  Figures in build/soak/figures.txt.
soak: deps
	$(MAKE) all
	tests/soak/soak.sh

# Installs for any distribution (DESTDIR for staging, as debian/rules
# does).  The unit goes where the local administrator's units go unless
# SYSTEMD_UNITDIR says otherwise (a package: /lib/systemd/system); the sample
# /etc/xlatd.conf never replaces an existing one.
install: $(PROGS) install-integrations
	install -D -m 0755 $(BUILD)/xlatd $(DESTDIR)$(PREFIX)/sbin/xlatd
	install -D -m 0755 $(BUILD)/xlatctl $(DESTDIR)$(PREFIX)/sbin/xlatctl
	for m in man/*.[0-9]; do \
		s=$${m##*.}; \
		install -D -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/$${m##*/}; \
	done
	if [ -f systemd/xlatd.service ]; then \
		sed 's|@SBINDIR@|$(PREFIX)/sbin|g' systemd/xlatd.service > xlatd.service.tmp && \
		install -D -m 0644 xlatd.service.tmp $(DESTDIR)$(SYSTEMD_UNITDIR)/xlatd.service && \
		rm -f xlatd.service.tmp; \
		install -D -m 0644 systemd/xlatd.sysusers $(DESTDIR)$(SYSUSERSDIR)/xlatd.conf; \
	fi
	[ -e $(DESTDIR)$(SYSCONFDIR)/xlatd.conf ] || \
		install -D -m 0644 etc/xlatd.conf $(DESTDIR)$(SYSCONFDIR)/xlatd.conf
	install -D -m 0644 completions/xlatctl.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/xlatctl

# RFC 8925 integrations (docs/clat-auto.md): installed, never enabled.
SUBST_LIBEXEC = sed 's|@LIBEXECDIR@|$(LIBEXECDIR)|g'
install-integrations:
	install -D -m 0755 integrations/dhcpcd/dhcpcd-conf $(DESTDIR)$(LIBEXECDIR)/xlat464/dhcpcd-conf
	install -D -m 0755 integrations/networkd/networkd-dropins $(DESTDIR)$(LIBEXECDIR)/xlat464/networkd-dropins
	mkdir -p $(DESTDIR)$(DHCPCD_HOOKDIR) $(DESTDIR)$(SYSTEMD_UNITDIR) \
		$(DESTDIR)$(PREFIX)/share/doc/xlat464/examples
	$(SUBST_LIBEXEC) integrations/dhcpcd/60-xlat464 > $(DESTDIR)$(DHCPCD_HOOKDIR)/60-xlat464
	chmod 0644 $(DESTDIR)$(DHCPCD_HOOKDIR)/60-xlat464
	$(SUBST_LIBEXEC) integrations/dhcpcd/dhcpcd.service.d-xlat464.conf > \
		$(DESTDIR)$(PREFIX)/share/doc/xlat464/examples/dhcpcd.service.d-xlat464.conf
	$(SUBST_LIBEXEC) integrations/networkd/xlat464-networkd.service > \
		$(DESTDIR)$(SYSTEMD_UNITDIR)/xlat464-networkd.service
	install -m 0644 integrations/networkd/xlat464-networkd.path $(DESTDIR)$(SYSTEMD_UNITDIR)/
	install -D -m 0755 integrations/networkmanager/90-xlat464 $(DESTDIR)$(NM_DISPATCHDIR)/90-xlat464

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD) build-asan -name '*.d' 2>/dev/null)

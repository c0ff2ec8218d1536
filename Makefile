# iommu-inflight: GNU make build.
#
#   make                  library, CLI and (when present) the crash extension
#   make extension CRASH_INCLUDE=DIR   the library and the extension only, against
#                         DIR/defs.h (default /usr/include/crash: the host's crash)
#   make check            every test: unit tests (plain and ASan+UBSan), CLI tests,
#                         the lab's dumps, the fuzz targets' smoke run
#   make deps             install missing Debian packages
#   make bench            benchmarks (figures, not pass/fail)
#   make fuzz [FUZZ_RUNS=10000000]   the fuzz targets (fuzz/), clang + libFuzzer
#                         under ASan+UBSan: executions and coverage per target
#   make fuzz-smoke       regression inputs and a few seconds of each target
#   make install PREFIX=/usr/local DESTDIR=
#   make deb              Debian packages in build/deb/ (dpkg-buildpackage, lintian)
#   make rpm              the reference flush's DKMS RPM in build/rpm/ (rpmbuild)
#
# The pure code (hardware formats, log parser, analysis) goes into
# build/libiommu-inflight.a and never includes crash's defs.h.

PREFIX  ?= /usr/local
# The crash whose defs.h the extension is built against: an extension is
# built for one crash version (struct program_context and others change).
CRASH_INCLUDE ?= /usr/include/crash
# That crash's version (pc->program_version): the extension refuses to load
# into another crash (tools/crash-version.sh; empty when it cannot be told,
# and then the check is off).  Set it when the defs.h comes from elsewhere.
ifeq ($(origin CRASH_VERSION),undefined)
CRASH_VERSION := $(shell sh tools/crash-version.sh $(CRASH_INCLUDE))
endif
DESTDIR ?=
CC      ?= cc
BUILD   ?= build

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(WARN) -fPIC -Iinclude $(CFLAGS)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# Pure library: every .c under src/ except the CLI front end.
LIB_SRC  := $(sort $(shell find src -name '*.c' -not -path 'src/cli/*'))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
EXT_SRC  := $(sort $(wildcard extensions/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/*.c))
BENCH_SRC:= $(sort $(wildcard bench/*.c))
HDRS     := $(shell find include -name '*.h')

LIB      := $(BUILD)/libiommu-inflight.a
CLI      := $(BUILD)/iommu-inflight
EXT      := $(BUILD)/iommu_inflight.so
MAN1     := $(BUILD)/man/iommu-inflight.1
HELP_SRC := man/iommu-inflight.help
CRASH_HELP := $(BUILD)/gen/crash_help.h
TESTS    := $(BUILD)/tests/unit-tests
TESTS_SAN:= $(BUILD)/san/unit-tests

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
SAN_OBJ  := $(LIB_SRC:%.c=$(BUILD)/san/%.o)

# Test files define their suites without a header: no prototype warning there.
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null) -Wno-missing-prototypes -Itests/unit
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)

.PHONY: FORCE all extension synth deps install-dkms package-tests deb rpm check unit-tests cli-tests cache-tests lab-tests crash-tests standalone-tests scale-tests dumps demo bench fuzz-deps fuzz-build fuzz fuzz-smoke install uninstall clean
all: $(LIB) $(CLI) $(EXT) $(MAN1)
extension: $(LIB) $(EXT)

deps:
	@bash tools/deps.sh lab package

$(BUILD)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DUMP_CFLAGS) -c $< -o $@

$(BUILD)/san/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DUMP_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# The standalone reader (src/dump/) uses libdw for types and symbols and
# libkdumpfile for the dump; only the CLI links them.
DUMP_CFLAGS = $(shell pkg-config --cflags libkdumpfile libdw 2>/dev/null)
DUMP_LIBS   = $(shell pkg-config --libs libkdumpfile libaddrxlat libdw 2>/dev/null || echo -lkdumpfile -laddrxlat -ldw -lelf)

$(CLI): $(CLI_SRC) $(LIB) $(HDRS)
	$(CC) $(ALL_CFLAGS) $(DUMP_CFLAGS) -o $@ $(CLI_SRC) $(LIB) $(LDFLAGS) $(DUMP_LIBS) -lm

# The crash extension is the only code that sees crash's defs.h.
# crash dlopens it RTLD_GLOBAL: bind our own references inside the .so
# (-Bsymbolic) and export none of the library's symbols (--exclude-libs).
# The crash it is built for is part of what the .so is: a stamp that changes
# with CRASH_INCLUDE or CRASH_VERSION rebuilds it.
EXT_FOR := $(CRASH_INCLUDE) $(CRASH_VERSION)
$(BUILD)/crash-target.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(EXT_FOR)' | cmp -s - $@ || echo '$(EXT_FOR)' > $@
FORCE:

$(BUILD)/iommu_inflight.so: $(EXT_SRC) $(wildcard extensions/*.h) $(LIB) $(HDRS) $(BUILD)/crash-target.stamp $(CRASH_HELP)
	$(CC) $(ALL_CFLAGS) -Wno-shadow -Wno-strict-prototypes -Wno-missing-prototypes \
	  -Wno-unused-parameter -Wno-sign-compare -DX86_64 -I$(CRASH_INCLUDE) -I$(BUILD)/gen \
	  -DIIF_CRASH_VERSION='"$(CRASH_VERSION)"' \
	  -shared -Wl,-Bsymbolic -Wl,--exclude-libs,ALL -o $@ $(EXT_SRC) $(LIB) $(LDFLAGS)

# The manual's one source, man/iommu-inflight.help, gives both the man page
# and the crash command's help array (man/gen-help.awk).  The page's date is
# SOURCE_DATE_EPOCH's (package builds), else the source's own.
$(CRASH_HELP): $(HELP_SRC) man/gen-help.awk
	@mkdir -p $(@D)
	awk -v out=crash -f man/gen-help.awk $(HELP_SRC) > $@.tmp && mv $@.tmp $@

MAN_DATE = $(shell date -u -d @$${SOURCE_DATE_EPOCH:-$$(stat -c %Y $(HELP_SRC))} +%Y-%m-%d)
$(MAN1): $(HELP_SRC) man/gen-help.awk include/version.h
	@mkdir -p $(@D)
	awk -v out=man -v version=$(IIF_VERSION) -v date=$(MAN_DATE) -f man/gen-help.awk $(HELP_SRC) > $@.tmp && mv $@.tmp $@

# Unit tests: every tests/unit/*.c may define `Suite *NAME_suite(void)`;
# the list of suites is generated so that adding a test file is all it takes.
$(BUILD)/tests/suites.h: $(TEST_SRC)
	@mkdir -p $(@D)
	@sed -n 's/^Suite \*\([a-z0-9_]*\)_suite(void).*/SUITE(\1)/p' $(TEST_SRC) > $@.tmp
	@cmp -s $@.tmp $@ 2>/dev/null && rm -f $@.tmp || mv $@.tmp $@

$(TESTS): $(TEST_SRC) $(LIB) $(BUILD)/tests/suites.h $(HDRS)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -I$(BUILD)/tests -o $@ $(TEST_SRC) $(LIB) $(CHECK_LIBS) $(DUMP_LIBS) -lm

$(TESTS_SAN): $(TEST_SRC) $(SAN_OBJ) $(BUILD)/tests/suites.h $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(CHECK_CFLAGS) -I$(BUILD)/tests -o $@ $(TEST_SRC) $(SAN_OBJ) $(CHECK_LIBS) $(DUMP_LIBS) -lm

unit-tests: $(TESTS) $(TESTS_SAN)
	@echo "== unit tests"
	CK_FORK=yes IIF_SRCDIR=$(CURDIR) $(TESTS)
	@echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
	CK_FORK=no ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 IIF_SRCDIR=$(CURDIR) $(TESTS_SAN)

cli-tests: $(CLI) $(MAN1) $(CRASH_HELP)
	@echo "== command-line tests"
	@bash tests/cli/run.sh $(CLI)

# Everything: unit and CLI tests, then the lab's real dumps (built when missing
# or stale; a dump that cannot be made fails the run with the reason) and the
# analysis of them through crash and through the standalone reader.
# Every group runs even when an earlier one fails (a failed lab build still
# leaves the crash and standalone tests to say what they can); the last line
# counts the groups.
CHECK_GROUPS := unit-tests cli-tests cache-tests lab-tests package-tests crash-tests standalone-tests scale-tests fuzz-smoke
check: deps
	$(MAKE) all
	@failed=; for g in $(CHECK_GROUPS); do $(MAKE) --no-print-directory $$g || failed="$$failed $$g"; done; \
	  n=$(words $(CHECK_GROUPS)); f=$$(echo $$failed | wc -w); \
	  [ -z "$$failed" ] || echo "check: failed:$$failed"; \
	  echo "check: $$((n - f)) passed, $$f failed"; [ -z "$$failed" ]

crash-tests: all
	@echo "== crash 8.0.2 with the extension on every 6.1 lab dump"
	@r=0; bash tests/crash/run.sh || r=1; \
	  echo "== the extension in crash 8.0.2, 8.0.6 and 9.0.x (the lab's trixie and sid chroots) on every dump"; \
	  bash tests/crash/matrix.sh || r=1; \
	  echo "== make install in a fresh system of each crash's suite: extend by bare name, help, uninstall"; \
	  bash tests/crash/install.sh || r=1; exit $$r

standalone-tests: all synth
	@echo "== iommu-inflight analyze on every lab dump of both kernels"
	@r=0; bash tests/standalone/run.sh $(CLI) || r=1; \
	  echo "== damaged dumps: the lab's dumps cut short, in every format and series"; \
	  bash tests/standalone/damaged.sh $(CLI) || r=1; \
	  echo "== damaged dumps: one structure made wild, excluded or zeroed, in every series"; \
	  bash tests/standalone/corrupted.sh $(CLI) || r=1; exit $$r

# The synthetic dump generator (tools/synth) and the scale tests on its
# images; they use the lab's 6.1 vmlinux for the kernel's types.
synth: all
	@$(MAKE) -s -C tools/synth BUILD=$(abspath $(BUILD))

scale-tests: synth
	@echo "== synthetic dumps: several IOMMUs and segments, big domains, corruption"
	@bash tests/scale/run.sh $(CLI)

# The QEMU + kdump lab (tests/lab): real vmcores of real Debian kernels, in a
# cache outside the repository.  `make dumps KERNEL=6.1 SCENARIO=stock` builds one.
KERNEL   ?=
SCENARIO ?=
dumps:
	@bash tools/deps.sh lab
	@bash tests/lab/make-dumps.sh $(if $(KERNEL),--kernel $(KERNEL)) $(if $(SCENARIO),--scenario $(SCENARIO))

# The lab's artefact cache: concurrent producers, producers killed half-way,
# damaged artefacts (synthetic ones, then a real .deb and headers tree).
cache-tests:
	@echo "== lab cache: locks, atomic publication, repair of damaged artefacts"
	@bash tests/lab/test-cache.sh

lab-tests:
	@echo "== lab: build missing dumps, then their self-tests"
	@bash tests/lab/run-tests.sh

# The main job, end to end on real input: the lab's Debian 6.1 `stock` vmcore
# (made on first use, then reused) opened in crash, and `iommu_inflight` run
# on it with the capture kernel's log correlated (tools/demo.sh).
demo:
	@bash tools/deps.sh lab
	@$(MAKE) -s all
	@bash tools/demo.sh

bench: deps synth
	@bash bench/run.sh $(BUILD)

# Fuzzing (docs/fuzzing.md): the library compiled again with Debian's clang,
# libFuzzer, ASan and UBSan into $(BUILD)/fuzz (the gcc build is untouched),
# one binary per fuzz/*.c, seed corpora from the tests' logs and fixtures.
# `make fuzz` runs FUZZ_RUNS executions in all and prints them with the
# coverage per target (a figure; a crash fails it); `make fuzz-smoke` replays
# fuzz/regressions/ and fuzzes each target for FUZZ_SMOKE_TIME seconds.
FUZZ_RUNS ?= 10000000
fuzz-deps:
	@bash tools/deps.sh fuzz

fuzz-build: fuzz-deps
	@bash fuzz/build.sh $(BUILD)

fuzz: fuzz-build
	@FUZZ_RUNS=$(FUZZ_RUNS) bash fuzz/run.sh $(BUILD) fuzz

fuzz-smoke: fuzz-build
	@echo "== fuzz targets: regression inputs, then a few seconds each (ASan+UBSan)"
	@bash fuzz/run.sh $(BUILD) smoke

# crash finds a bare `extend iommu_inflight.so` only in $CRASH_EXTENSIONS,
# /usr/lib64/crash/extensions, /usr/lib/crash/extensions and ./extensions: when
# PREFIX puts the extension elsewhere, a link in CRASHEXTDIR points to it
# (CRASHEXTDIR= turns that off).
CRASHEXTDIR ?= /usr/lib/crash/extensions
EXTDIR      := $(PREFIX)/lib/crash/extensions

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(CLI) $(DESTDIR)$(PREFIX)/bin/iommu-inflight
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 $(MAN1) $(DESTDIR)$(PREFIX)/share/man/man1/iommu-inflight.1
	install -d $(DESTDIR)$(EXTDIR)
	install -m 755 $(BUILD)/iommu_inflight.so $(DESTDIR)$(EXTDIR)/iommu_inflight.so
	@if [ -n "$(CRASHEXTDIR)" ] && [ "$(abspath $(EXTDIR))" != "$(abspath $(CRASHEXTDIR))" ]; then \
	  echo "install: link $(DESTDIR)$(CRASHEXTDIR)/iommu_inflight.so -> $(EXTDIR)/iommu_inflight.so"; \
	  install -d $(DESTDIR)$(CRASHEXTDIR) && \
	  ln -sf $(EXTDIR)/iommu_inflight.so $(DESTDIR)$(CRASHEXTDIR)/iommu_inflight.so; fi

# The reference flush module as a DKMS source tree (module/iommu_ref_flush,
# its lib/ filled by prepare.sh, dkms.conf with the version), and the
# modules-load.d entry that loads it at boot:
#   make install-dkms [DKMS_SRC=/usr/src] [DESTDIR=...]
DKMS_SRC ?= /usr/src
IIF_VERSION := $(shell sed -n 's/^\#define IIF_VERSION[^"]*"\(.*\)"/\1/p' include/version.h)
DKMS_DIR = $(DESTDIR)$(DKMS_SRC)/iommu-ref-flush-$(IIF_VERSION)

install-dkms:
	install -d $(DKMS_DIR)/compat
	install -m 644 module/iommu_ref_flush/Kbuild module/iommu_ref_flush/ref_flush.h \
		module/iommu_ref_flush/ref_flush_main.c module/iommu_ref_flush/ref_flush_vtd.c $(DKMS_DIR)/
	install -m 644 module/iommu_ref_flush/compat/* $(DKMS_DIR)/compat/
	sh module/iommu_ref_flush/prepare.sh $(DKMS_DIR)
	sed 's/@VERSION@/$(IIF_VERSION)/' module/iommu_ref_flush/dkms.conf > $(DKMS_DIR)/dkms.conf
	install -D -m 644 module/iommu_ref_flush/modules-load.conf \
		$(DESTDIR)/usr/lib/modules-load.d/iommu-ref-flush.conf
	@echo "install-dkms: $(DKMS_DIR)"

# The packages (make deb, make rpm) built, installed into fresh systems of
# the lab's suites (DKMS builds the module for the lab's kernels there),
# used on a lab dump and purged: tests/package/run.sh.
package-tests: all
	@echo "== packages: make deb and rpm, installed and purged in fresh bookworm and trixie systems"
	@BUILD=$(BUILD) bash tests/package/run.sh

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/iommu-inflight $(DESTDIR)$(EXTDIR)/iommu_inflight.so \
	      $(DESTDIR)$(PREFIX)/share/man/man1/iommu-inflight.1
	@if [ -n "$(CRASHEXTDIR)" ] && [ -L $(DESTDIR)$(CRASHEXTDIR)/iommu_inflight.so ]; then \
	  rm -f $(DESTDIR)$(CRASHEXTDIR)/iommu_inflight.so; fi

# ---------------------------------------------------------------- packages
# Debian packages (debian/): iommu-inflight, crash-iommu-inflight and
# iommu-ref-flush-dkms, built by dpkg-buildpackage -b in a copy of the
# tracked files as they are in the working tree (git stash create: edits not
# yet committed are included, and a new file once it is git-added; untracked
# files and build/ are left out; it needs a git checkout), so that the tree
# itself stays clean.  The
# .debs, .changes and .buildinfo land in build/deb/; lintian then fails the
# target on any error.
DEB_DIR = $(BUILD)/deb
deb:
	@bash tools/deps.sh package
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/iommu-inflight-$(IIF_VERSION)
	c=$$(git -c user.name=make-deb -c user.email=make-deb@localhost stash create) && \
	  git archive --format=tar -o $(DEB_DIR)/tree.tar $${c:-HEAD} && \
	  tar -x -C $(DEB_DIR)/iommu-inflight-$(IIF_VERSION) -f $(DEB_DIR)/tree.tar && rm $(DEB_DIR)/tree.tar
	cd $(DEB_DIR)/iommu-inflight-$(IIF_VERSION) && \
	  env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD dpkg-buildpackage -us -uc -b
	lintian --fail-on error $(DEB_DIR)/*.changes
	@ls -l $(DEB_DIR)/*.deb

# The reference flush as a noarch RPM for RHEL and its kin
# (rpm/iommu-ref-flush-dkms.spec): the install-dkms tree in a tarball, built
# with rpmbuild -bb into build/rpm/ (RPMS/noarch/).  DKMS builds the module
# on the target, so the build needs neither dkms nor kernel headers.
RPM_DIR = $(abspath $(BUILD))/rpm
RPM_SRC = iommu-ref-flush-$(IIF_VERSION)
rpm:
	@bash tools/deps.sh package
	rm -rf $(RPM_DIR) && mkdir -p $(RPM_DIR)/SOURCES $(RPM_DIR)/SPECS
	$(MAKE) --no-print-directory install-dkms DESTDIR=$(RPM_DIR)/stage/$(RPM_SRC) DKMS_SRC=/usr/src
	tar -C $(RPM_DIR)/stage --sort=name --owner=0 --group=0 --numeric-owner \
	  -czf $(RPM_DIR)/SOURCES/$(RPM_SRC).tar.gz $(RPM_SRC)
	sed 's/@VERSION@/$(IIF_VERSION)/g' rpm/iommu-ref-flush-dkms.spec > $(RPM_DIR)/SPECS/iommu-ref-flush-dkms.spec
	rpmbuild -bb --define '_topdir $(RPM_DIR)' $(RPM_DIR)/SPECS/iommu-ref-flush-dkms.spec
	@ls -l $(RPM_DIR)/RPMS/noarch/*.rpm
# ------------------------------------------------------------ end packages

clean:
	rm -rf $(BUILD)

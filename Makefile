# rapport — build, test, install. See README.md ("make demo", "make test").
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR    = $(PREFIX)/bin
DATADIR   = $(PREFIX)/share/rapport
MANDIR    = $(PREFIX)/share/man/man1

# Variants build into build/VARIANT: release (default), clang (CC=clang),
# asan (ASan+UBSan). `make CC=clang` alone also selects build/clang.
ifeq ($(origin VARIANT),undefined)
  VARIANT := $(if $(findstring clang,$(CC)),clang,release)
endif
ifeq ($(VARIANT),clang)
  ifneq ($(origin CC),command line)
    CC := clang
  endif
endif
BUILD    := build/$(VARIANT)
PKGS     := ncursesw libpq libcjson uuid libcurl

# ncursesw's .pc adds -D_XOPEN_SOURCE=600 -D_DEFAULT_SOURCE; CPPFLAGS sets them once.
PKG_CFLAGS := $(filter-out -D_XOPEN_SOURCE=% -D_DEFAULT_SOURCE,$(shell pkg-config --cflags $(PKGS) 2>/dev/null))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

OPT      ?= -O2 -g
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2
CFLAGS   ?=
CPPFLAGS += -Iinclude -Isrc -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE_EXTENDED \
            -DRAPPORT_DATADIR='"$(DATADIR)"'
# `make V=1` shows full compiler command lines.
Q        := $(if $(V),,@)
say       = $(if $(V)$(findstring s,$(firstword -$(MAKEFLAGS))),,@printf '  %-6s %s\n' $(1) $(2))
ALL_CFLAGS = -std=c11 $(OPT) $(WARN) $(SAN) $(PKG_CFLAGS) $(CFLAGS)
LIBS     := $(PKG_LIBS) -lstemmer -lm -lpthread

ifeq ($(VARIANT),asan)
  SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  OPT := -O1 -g
endif
# libFuzzer builds (tests/fuzz/run.sh): the library instrumented for coverage.
ifeq ($(VARIANT),fuzz)
  ifneq ($(origin CC),command line)
    CC := clang
  endif
  SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
         -fno-sanitize-recover=undefined
  OPT := -O1 -g
endif

SRC      := $(shell find src -name '*.c' | sort)
LIB_SRC  := $(filter-out src/main.c,$(SRC))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/migrations.o $(BUILD)/gen/themes.o
MIGRATIONS := $(sort $(wildcard src/db/migrations/*.sql))
THEMES   := $(sort $(wildcard themes/*.theme))
LIB      := $(BUILD)/librapport.a
BIN      := $(BUILD)/rapport

TEST_COMMON := $(sort $(wildcard tests/common/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c tests/db/test_*.c tests/e2e/test_*.c))
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(BUILD)/tests/fuzz/replay_%)

.PHONY: FORCE fuzzers all deps test test-asan bench fuzz demo screenshots install uninstall clean format tests
# ./rapport follows plain builds; sanitizer builds stay in build/VARIANT.
ifneq ($(filter asan fuzz,$(VARIANT)),)
all: $(BIN)
else
all: rapport
endif

rapport: $(BIN)
	@ln -sf $(BIN) rapport

$(BIN): $(BUILD)/src/main.o $(LIB)
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(call say,AR,$@)
	$(Q)ar rcs $@ $^

# RAPPORT_DATADIR is compiled in: objects rebuild when PREFIX changes.
DATADIR_STAMP := $(BUILD)/datadir.stamp
$(DATADIR_STAMP): FORCE
	@mkdir -p $(dir $@)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' > $@
FORCE:

$(BUILD)/%.o: %.c $(DATADIR_STAMP)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# SQL migrations and theme files are compiled into the binary from the same text users read.
$(BUILD)/gen/migrations.c: $(MIGRATIONS) src/scripts/embed-files.sh
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)
	$(Q)sh src/scripts/embed-files.sh rapport_migrations $(MIGRATIONS) > $@
$(BUILD)/gen/themes.c: $(THEMES) src/scripts/embed-files.sh
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)
	$(Q)sh src/scripts/embed-files.sh rapport_themes $(THEMES) > $@
$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# Tests: every tests/{unit,db,e2e}/test_*.c is one cmocka program.
$(BUILD)/tests/%: tests/%.c $(TEST_COMMON) $(LIB)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(CPPFLAGS) -Itests $(ALL_CFLAGS) -o $@ $< $(TEST_COMMON) $(LIB) $(LIBS) -lcmocka -lvterm -lutil

# Fuzz targets replay their committed corpus in `make test` through a plain driver.
$(BUILD)/tests/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c $(LIB)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(CPPFLAGS) -Itests $(ALL_CFLAGS) -o $@ $< tests/fuzz/replay_main.c $(LIB) $(LIBS)

# libFuzzer binaries (VARIANT=fuzz).
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/fuzz/%)
$(BUILD)/tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(CPPFLAGS) -Itests $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB) $(LIBS)
fuzzers: $(FUZZ_BIN)

tests: $(BIN) $(TEST_BIN) $(REPLAY_BIN)

deps:
	@sh src/scripts/deps.sh

# T=unit|db|e2e|fuzz|shell|NAME runs a subset (see tests/run.sh).
test: tests
	@BUILD=$(BUILD) T='$(T)' sh tests/run.sh

# Leak checking on; UBSan stops at the first report; third-party leaks that
# are not ours go in tests/tools/lsan.supp (with a reason).
# LEAKS=0 turns leak checking off (LeakSanitizer cannot run under ptrace).
LEAKS    ?= 1
ASAN_ENV := ASAN_OPTIONS=detect_leaks=$(LEAKS):abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1 \
            LSAN_OPTIONS=suppressions=$(CURDIR)/tests/tools/lsan.supp:print_suppressions=0 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
test-asan:
	@$(ASAN_ENV) $(MAKE) --no-print-directory VARIANT=asan test

bench: all
	@BUILD=$(BUILD) sh tests/bench/run.sh

fuzz:
	@sh tests/fuzz/run.sh

# demo.sh installs missing packages first, then builds and runs $(BIN).
demo:
	@MAKE='$(MAKE)' VARIANT=$(VARIANT) BIN=$(BIN) DEMO_FLAGS='$(DEMO_FLAGS)' sh src/scripts/demo.sh

screenshots: all tests
	@BUILD=$(BUILD) sh tests/tools/screenshots.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(MANDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/rapport
	$(if $(THEMES),install -m 0644 $(THEMES) $(DESTDIR)$(DATADIR)/themes/)
	install -m 0644 docs/rapport.1 $(DESTDIR)$(MANDIR)/rapport.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/rapport $(DESTDIR)$(MANDIR)/rapport.1
	rm -rf $(DESTDIR)$(DATADIR)

format:
	clang-format -i $(SRC) $(shell find include tests -name '*.[ch]')

clean:
	rm -rf build rapport

-include $(shell find build -name '*.d' 2>/dev/null)

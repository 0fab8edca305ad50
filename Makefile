# libnet suite - top-level build.
#
#   make               libnetsuite (static and shared) and the tools
#   make demo          build, then run the tools against the bundled replay server
#   make check         build and run every test
#   make check SAN=1   the same, built with -fsanitize=address,undefined
#   make valgrind      every test program under valgrind (leaks and errors fail)
#   make bench         benchmarks (by hand; not part of check)
#   make install       PREFIX=/usr/local DESTDIR=
#   make deps          install (as root) or name the missing Debian packages
#
# Installed names avoid Debian's unrelated libnet1 (libnet.h, libnet.so):
# the library is libnetsuite, its headers live in include/netsuite/, and its
# pkg-config module is netsuite.

PREFIX  ?= /usr/local
LIBDIR  ?= $(PREFIX)/lib
INCDIR  ?= $(PREFIX)/include/netsuite
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
PKGCONFIG_DIR ?= $(LIBDIR)/pkgconfig
VERSION := 0.1.0
SOMAJOR := 0

CC      ?= cc
PKG_CONFIG ?= pkg-config
PKGS    := openssl libcares zlib
TEST_PKGS := check
DEB_PKGS := libssl-dev libc-ares-dev zlib1g-dev check pkg-config curl openssl
# Commands the fixture tests run as stock clients against the replay server.
DEB_CMDS := curl openssl

ifeq ($(SAN),1)
BUILD   ?= build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT     ?= -O1
else
BUILD   ?= build/default
SANFLAGS :=
OPT     ?= -O2
endif

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CPPFLAGS += -I. -D_GNU_SOURCE
CFLAGS  ?= $(OPT) -g
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS) $(SANFLAGS) -fPIC -MMD -MP
DEPS_STAMP := $(BUILD)/.deps-ok

# pkg-config is only asked once the dependency check has passed.
pc_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pc_libs   = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)

LIB_SRC  := $(sort $(wildcard libnet/*.c) $(wildcard protocols/*.c) $(wildcard protocols/*/*.c))
LIB_HDR  := $(sort $(wildcard libnet/*.h) $(wildcard protocols/*.h) $(wildcard protocols/*/*.h))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
LIB_A    := $(BUILD)/libnetsuite.a
LIB_SO   := $(BUILD)/libnetsuite.so.$(VERSION)

CLI_COMMON_SRC := $(sort $(wildcard cli/common/*.c))
CLI_COMMON_OBJ := $(CLI_COMMON_SRC:%.c=$(BUILD)/obj/%.o)
CLI_SRC  := $(sort $(wildcard cli/*.c))
CLI_BIN  := $(CLI_SRC:cli/%.c=$(BUILD)/bin/%)

SUPPORT_SRC := $(sort $(wildcard tests/support/*.c))
SUPPORT_OBJ := $(SUPPORT_SRC:%.c=$(BUILD)/obj/%.o)
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# Test-only programs (scripted clients for the fixture self-tests).
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)

BENCH_SRC := $(sort $(wildcard tests/bench/*.c))
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)

.PHONY: all lib tools demo check valgrind bench install uninstall clean deps
all: lib tools
lib: $(LIB_A) $(LIB_SO)
tools: $(CLI_BIN)

deps: $(DEPS_STAMP)

# Check every pkg-config module; on Debian as root install what is missing,
# otherwise print the exact command and stop.
$(DEPS_STAMP):
	@missing=; for c in $(DEB_CMDS); do command -v $$c >/dev/null 2>&1 || missing=1; done; \
	if [ -n "$$missing" ] || ! command -v $(PKG_CONFIG) >/dev/null 2>&1 || ! $(PKG_CONFIG) --exists $(PKGS) $(TEST_PKGS); then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "deps: installing $(DEB_PKGS)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(DEB_PKGS) >/dev/null || exit 1; \
	    $(PKG_CONFIG) --exists $(PKGS) $(TEST_PKGS) || { echo "deps: still missing after apt-get: $(PKGS) $(TEST_PKGS)"; exit 1; }; \
	  else \
	    echo "deps: missing build dependencies. Run:"; \
	    echo "  sudo apt-get install -y $(DEB_PKGS)"; \
	    exit 1; \
	  fi; \
	fi
	@mkdir -p $(@D) && touch $@

$(BUILD)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(call pc_cflags,$(PKGS) $(TEST_PKGS)) -c $< -o $@

$(LIB_A): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(LIB_SO): $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -shared -Wl,-soname,libnetsuite.so.$(SOMAJOR) -o $@ $^ $(call pc_libs,$(PKGS)) $(LDFLAGS)
	ln -sf libnetsuite.so.$(VERSION) $(BUILD)/libnetsuite.so.$(SOMAJOR)
	ln -sf libnetsuite.so.$(VERSION) $(BUILD)/libnetsuite.so

$(BUILD)/bin/%: cli/%.c $(CLI_COMMON_OBJ) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(call pc_cflags,$(PKGS)) $< $(CLI_COMMON_OBJ) $(LIB_A) -o $@ $(call pc_libs,$(PKGS)) $(LDFLAGS)

$(BUILD)/tests/%: tests/unit/%.c $(SUPPORT_OBJ) $(CLI_COMMON_OBJ) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(call pc_cflags,$(PKGS) $(TEST_PKGS)) $< $(SUPPORT_OBJ) $(CLI_COMMON_OBJ) $(LIB_A) -o $@ $(call pc_libs,$(PKGS) $(TEST_PKGS)) -lpthread $(LDFLAGS)

$(BUILD)/tools/%: tests/tools/%.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(call pc_cflags,$(PKGS)) $< $(LIB_A) -o $@ $(call pc_libs,$(PKGS)) $(LDFLAGS)

$(BUILD)/bench/%: tests/bench/%.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(call pc_cflags,$(PKGS)) $< $(LIB_A) -o $@ $(call pc_libs,$(PKGS)) -lpthread $(LDFLAGS)

# Each test program runs from the top of the tree (for tests/certs/ and
# fixtures/); then the fixture runner replays every transcript with a `run`
# header; tests/run-tests prints one closing "N passed, N failed" line.
check: $(TEST_BIN) $(TOOL_BIN) tools
	@BUILD=$(BUILD) sh tests/run-tests $(TEST_BIN)

# Tests run in-process (CK_FORK=no) so valgrind sees every test body.
valgrind: $(TEST_BIN)
	@for t in $(TEST_BIN); do \
	  echo "valgrind $$t"; \
	  CK_FORK=no valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --error-exitcode=9 $$t || exit 1; \
	done

# The main job on its built-in default: every tool against net-replay
# serving dialogues recorded from real servers (tests/demo/steps).
demo: tools
	@BUILD=$(BUILD) sh tests/demo/run-demo

bench: $(BENCH_BIN) tools
	@BUILD=$(BUILD) sh tests/bench/run-bench
	@BUILD=$(BUILD) sh tests/bench/run-http-bench

$(BUILD)/netsuite.pc: Makefile
	@mkdir -p $(@D)
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' 'includedir=$(INCDIR)' '' \
	  'Name: netsuite' 'Description: libnet suite: Internet protocol clients over one connection layer' \
	  'Version: $(VERSION)' 'Requires.private: openssl libcares zlib' \
	  'Cflags: -I$${includedir}' 'Libs: -L$${libdir} -lnetsuite' > $@

install: lib tools $(BUILD)/netsuite.pc
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIG_DIR) $(DESTDIR)$(INCDIR)/libnet $(DESTDIR)$(BINDIR)
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf libnetsuite.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libnetsuite.so.$(SOMAJOR)
	ln -sf libnetsuite.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libnetsuite.so
	install -m 644 $(filter-out %_impl.h,$(wildcard libnet/*.h)) $(DESTDIR)$(INCDIR)/libnet/
	$(foreach d,$(sort $(dir $(filter-out %_impl.h,$(wildcard protocols/*.h protocols/*/*.h)))),install -d $(DESTDIR)$(INCDIR)/$(d) && install -m 644 $(filter-out %_impl.h,$(wildcard $(d)*.h)) $(DESTDIR)$(INCDIR)/$(d);)
	install -m 644 $(BUILD)/netsuite.pc $(DESTDIR)$(PKGCONFIG_DIR)/
	$(if $(CLI_BIN),install -m 755 $(CLI_BIN) $(DESTDIR)$(BINDIR)/)
	$(if $(wildcard cli/man/*.1),install -d $(DESTDIR)$(MANDIR)/man1 && install -m 644 $(wildcard cli/man/*.1) $(DESTDIR)$(MANDIR)/man1/)

uninstall:
	rm -rf $(DESTDIR)$(INCDIR)
	rm -f $(DESTDIR)$(LIBDIR)/libnetsuite.* $(DESTDIR)$(PKGCONFIG_DIR)/netsuite.pc

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(SUPPORT_OBJ:.o=.d) $(CLI_COMMON_OBJ:.o=.d)
-include $(CLI_BIN:%=%.d) $(TEST_BIN:%=%.d) $(TOOL_BIN:%=%.d)

# brig - container host for network labs.
# make | make check | make demo | make bench | make install PREFIX=... | make clean
# make SAN=1 builds with ASan+UBSan (make check uses it for the unit tests).

PREFIX  ?= /usr/local
CC      ?= cc
PKGS    := libnl-3.0 libnl-route-3.0 libnftnl libmnl libseccomp libcap \
           libarchive jansson yaml-0.1
# libcurl is only compiled against, never linked: src/base/curl_lazy.c
# loads it on first use (brig pull, push, login).
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) libcurl 2>/dev/null)
# libgvc (Graphviz) likewise: src/lab/gvc_lazy.c loads it for lab graph's svg/png.
PKG_CFLAGS += $(shell pkg-config --cflags libgvc 2>/dev/null)
# libarchive is not linked into brig: src/archive_lazy.c loads it on first
# use (it costs ~20 ms of loading per exec); unit tests link it directly.
PKG_LIBS   := $(shell pkg-config --libs $(filter-out libarchive yaml-0.1,$(PKGS)) 2>/dev/null)
# libyaml (topology files) and libhttp-parser (brig serve's requests; no .pc
# file) are not linked either: src/lab/yaml_lazy.c and src/api/http_lazy.c
# load them on first use, so a `brig run` does not pay their loading.
PKG_LIBS   += -lpthread
TEST_LIBS  := $(shell pkg-config --libs libarchive 2>/dev/null) -lcmocka

WARN := -std=gnu11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wmissing-declarations -Wold-style-definition \
        -Wformat=2 -Wwrite-strings -Wvla -Wimplicit-fallthrough \
        -Wno-missing-field-initializers -fno-common -fstack-protector-strong \
        -Werror
CFLAGS  ?= -O2 -g
ifeq ($(SAN),1)
BUILD   := build-san
CFLAGS  += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
else
BUILD   := build
endif
# Layers point one way (docs/architecture.md): cli -> engine -> runtime,
# image, lab -> net, cgroup -> base.  Each directory is compiled with the include
# paths of what it may use; tests/lint-layers.py checks the direct includes.
INC_BASE    := -Isrc/base
INC_NET     := $(INC_BASE) -Inet
INC_CGROUP  := $(INC_BASE) -Icgroup
INC_RUNTIME := $(INC_BASE) -Inet -Icgroup -Isrc/runtime
INC_IMAGE   := $(INC_BASE) -Isrc/image
INC_LAB     := $(INC_BASE) -Inet -Icgroup -Isrc/lab
INC_ENGINE  := $(INC_RUNTIME) -Isrc/image -Isrc/lab -Isrc/engine
# src/api (brig serve) is a front end beside the CLI; the CLI sees only
# its entry point, serve.h (tests/lint-layers.py).
INC_API     := $(INC_ENGINE) -Isrc/api
INC_CLI     := $(INC_API) -Isrc/cli
INC         := $(INC_CLI)
ALL_CFLAGS = $(WARN) $(CFLAGS) -D_GNU_SOURCE $(INC) $(PKG_CFLAGS)

SRCS    := $(filter-out src/monitor/%,$(wildcard src/*/*.c net/*.c cgroup/*.c))
OBJS    := $(patsubst %.c,$(BUILD)/%.o,$(SRCS))
LIBOBJS := $(filter-out $(BUILD)/src/cli/main.o,$(OBJS))
UNIT    := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

.PHONY: all deps check unit integration demo bench install clean format fuzz
all: brig

# brig comes with its brig-monitor: a monitor execs the one beside it
brig: $(BUILD)/brig $(BUILD)/brig-monitor
	@if [ "$(BUILD)" = build ]; then cp -f $< $@ && cp -f $(BUILD)/brig-monitor brig-monitor; fi

# V=1 shows the full commands.
Q := $(if $(V),,@)

$(BUILD)/brig: $(OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# brig-monitor: a detached container's monitor once the container runs
# (src/engine/monitor.c execs it, found beside brig or in libexec/brig):
# static, and only the relay's objects, so a thousand monitors share its
# file pages and each keeps little of its own (issue 18).  A SAN build links
# it dynamically (the sanitizers' runtime is not static).
MON_SRCS := src/monitor/brig_monitor.c src/engine/monitor_args.c src/engine/monitor_io.c \
            src/engine/logidx.c src/engine/stream.c src/runtime/slirp_stop.c \
            src/base/err.c src/base/io.c src/base/util.c
MON_STATIC := $(if $(filter 1,$(SAN)),,-static)

brig-monitor: brig

$(BUILD)/brig-monitor: $(patsubst %.c,$(BUILD)/%.o,$(MON_SRCS))
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) $(MON_STATIC) -o $@ $^

$(BUILD)/src/monitor/%.o: INC := $(INC_ENGINE)
$(BUILD)/src/base/%.o: INC := $(INC_BASE)
$(BUILD)/net/%.o: INC := $(INC_NET)
$(BUILD)/cgroup/%.o: INC := $(INC_CGROUP)
$(BUILD)/src/runtime/%.o: INC := $(INC_RUNTIME)
$(BUILD)/src/image/%.o: INC := $(INC_IMAGE)
$(BUILD)/src/lab/%.o: INC := $(INC_LAB)
$(BUILD)/src/engine/%.o: INC := $(INC_ENGINE)
$(BUILD)/src/api/%.o: INC := $(INC_API)

$(BUILD)/%.o: %.c $(wildcard src/*/*.h net/*.h cgroup/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJS)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIBOBJS) $(PKG_LIBS) $(TEST_LIBS)

.PHONY: unit-build
unit-build: $(UNIT) test-helpers

# tests/helpers: small static programs the integration tests bind-mount
# into busybox containers (seccomp.bats: syscalls, confine.bats: tiocsti,
# exec_hygiene.bats: procscan; any image runs them); always under build/, whatever
# SAN says, and built with the unit tests so `make check` has them.
HELPERS := $(patsubst tests/helpers/%.c,build/helpers/%,$(wildcard tests/helpers/*.c))

build/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	@echo "  STATIC  $@"
	$(Q)$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

.PHONY: test-helpers
test-helpers: $(HELPERS)

# tests/bench/relayd: a test-only driver of the user engine's relay
# (bench-relay.sh); not installed, not a brig command.
$(BUILD)/tests/relayd: tests/bench/relayd.c $(LIBOBJS)
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(PKG_LIBS)

.PHONY: relayd
relayd: $(BUILD)/tests/relayd


deps:
	./scripts/install-deps.sh

# The one test command: deps, -Werror build, unit tests under ASan/UBSan,
# integration suites as root; ends with "N passed, N failed".
check: deps
	$(MAKE) brig
	$(MAKE) SAN=1 unit-build
	./tests/run.sh

demo: deps brig
	./scripts/demo.sh

bench: deps brig relayd
	./tests/bench/run.sh

fuzz:
	$(MAKE) -C tests/fuzz

# brig serve's socket is for root and group brig (docs/api.md): the group is
# made here when missing, and the systemd unit installed beside the binary.
install: brig
	install -D -m 0755 brig $(DESTDIR)$(PREFIX)/bin/brig
	install -D -m 0755 brig-monitor $(DESTDIR)$(PREFIX)/libexec/brig/brig-monitor
	install -D -m 0644 scripts/brig.service $(DESTDIR)$(PREFIX)/lib/systemd/system/brig.service
	getent group brig >/dev/null || groupadd --system brig

format:
	clang-format -i $(SRCS) src/monitor/*.c $(wildcard src/*/*.h net/*.h cgroup/*.h tests/unit/*.c)

clean:
	rm -rf build build-san brig brig-monitor

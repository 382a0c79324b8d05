# dcbox - one non-recursive Makefile. Every src/*/ directory is a module;
# its .c files go into libdcbox.a, src/cli/ makes the dcbox binary, each
# tests/unit/test_*.c is one cmocka program, each fuzz/fuzz_*.c a libFuzzer
# target. BUILD=asan builds everything with ASan+UBSan into build-asan/.
#
# Targets: all, check (deps, build, unit, asan, fuzz smoke, net tests),
# unit, check-asan, fuzz, net, demo, bench, bench-quick, bench-ips
# (IPS_MODE=full for the full IPS run), format-check, clean.

BUILD ?= release
ifeq ($(BUILD),asan)
O := build-asan
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer \
       -fno-sanitize-recover=undefined
OPT := -O1
else
O := build
SAN :=
OPT := -O2
endif

# BUILDDIR=DIR puts objects elsewhere (parallel work in one tree)
ifdef BUILDDIR
O := $(BUILDDIR)
endif

CC ?= cc
PKGS := yaml-0.1 libpcap jansson libmnl libpcre2-8 libhs
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
        -Wframe-larger-than=65536 -Wno-missing-field-initializers
CFLAGS := -std=gnu11 $(OPT) -g $(WARN) -D_GNU_SOURCE -fstack-protector-strong \
          -fPIE $(SAN) $(PKG_CFLAGS) -Isrc $(EXTRA_CFLAGS)
ifneq ($(BUILD),asan)
CFLAGS += -D_FORTIFY_SOURCE=2
endif
LDFLAGS := -pie -Wl,-z,relro,-z,now $(SAN)
LDLIBS := $(PKG_LIBS) -lpthread

MODULES := core l3 port ct fw ips node topo ctl
LIB_SRCS := $(foreach m,$(MODULES),$(wildcard src/$(m)/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
CLI_SRCS := $(wildcard src/cli/*.c)
CLI_OBJS := $(CLI_SRCS:%.c=$(O)/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/%)
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(O)/bench/%)
FUZZ_SRCS := $(wildcard fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:fuzz/%.c=build-fuzz/%)

.PHONY: all deps check unit check-asan fuzz fuzz-build net demo bench \
        bench-quick bench-ips format-check clean
all: $(O)/dcbox $(UNIT_BINS) $(BENCH_BINS)

deps:
	@./scripts/install-deps

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(O)/libdcbox.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(O)/dcbox: $(CLI_OBJS) $(O)/libdcbox.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(O)/libdcbox.a $(LDLIBS)

$(O)/tests/%: tests/unit/%.c $(O)/libdcbox.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libdcbox.a $(LDLIBS) -lcmocka

$(O)/bench/%: bench/%.c $(O)/libdcbox.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libdcbox.a $(LDLIBS)

FUZZ_CFLAGS := -std=gnu11 -g -O1 -D_GNU_SOURCE -Isrc $(PKG_CFLAGS) \
	-fsanitize=fuzzer,address,undefined -Wall -Wextra -Werror \
	-Wno-missing-field-initializers
build-fuzz/%: fuzz/%.c $(LIB_SRCS)
	@mkdir -p build-fuzz
	clang $(FUZZ_CFLAGS) -o $@ $< $(PKG_LIBS)

fuzz-build: $(FUZZ_BINS)

# Short fuzz runs for every target from its seed corpus (FUZZ_SECONDS each).
FUZZ_SECONDS ?= 20
fuzz: fuzz-build
	@./tests/fuzz-smoke.sh $(FUZZ_SECONDS) $(FUZZ_BINS)

unit: all
	@./tests/run-unit.sh $(UNIT_BINS)

check-asan:
	$(MAKE) BUILD=asan all
	@./tests/run-unit.sh $(patsubst build/%,build-asan/%,$(UNIT_BINS))

net: all
	@./tests/run-net.sh

check: deps
	@./tests/check.sh

demo: deps all
	@./examples/demo.sh

bench-quick: deps all
	@./bench/run.sh quick

bench: deps all
	@./bench/run.sh full

IPS_MODE ?= quick
bench-ips: deps all
	@BUILDDIR=$(O) ./bench/ips.sh $(IPS_MODE)

format-check:
	clang-format --dry-run --Werror $(LIB_SRCS) $(CLI_SRCS)

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d)

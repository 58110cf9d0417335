# flopbench: `make` builds build/runner; `make test` runs every test;
# `make paper` rebuilds paper/paper.pdf from the experiments.
# Quiet by default; `make V=1` shows the commands.

BUILD   ?= build
ifeq ($(origin CC),default)
CC      = gcc
endif
NVCC    ?= nvcc
CUDA_HOME ?= /usr/local/cuda
# Portable x86-64 with AVX2 and FMA: the same binary runs here, in CI and on
# the GPU host it is carried to. ARCH=native tunes for this machine alone.
ARCH    ?= x86-64-v3
# CUDA=0 builds without the GPU backends (they then list as not built).
CUDA    ?= $(if $(shell command -v $(NVCC) 2>/dev/null),1,0)
SAN     ?= 0
# FUZZ=1 (with CC=clang) instruments the code for libFuzzer: `make fuzz`.
FUZZ    ?= 0

# Jobs for building (compiling is parallel; measuring never is).
JOBS ?= $(shell nproc 2>/dev/null || echo 1)

V ?= 0
ifeq ($(V),0)
Q = @
say = @printf '  %-6s %s\n' $(1) $(2);
else
Q =
say =
endif

PKGS_CFLAGS := $(shell pkg-config --cflags lua5.4 openblas 2>/dev/null)
# An unpacked artifact (tools/artifact.sh) names its commit in COMMIT.
COMMIT  := $(shell cat COMMIT 2>/dev/null || git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)

WARN     = -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Wpointer-arith -Wformat=2
OPT      = -O2 -g -march=$(ARCH)
CPPFLAGS = -Ikernels -Ikernels/worker -Irunner -I$(BUILD)/gen $(PKGS_CFLAGS) -DFLOPBENCH_CUDA=$(CUDA)
CFLAGS   = -std=c11 $(OPT) $(WARN) -fno-strict-aliasing
KERNEL_CFLAGS = -O3 -g -march=$(ARCH) -std=c11 $(WARN)
# Hopper machine code as sm_90a (sm_90 plus the Hopper-only instructions,
# wgmma, that the f32 fused kernel uses; it runs on every compute capability
# 9.0 GPU: H100, H200), and compute_90 PTX that newer GPUs compile at load
# (without wgmma: kernels/cuda/fused.cu then takes its mma.sync kernel).
NVFLAGS  = -O3 -std=c++17 -Ikernels -I$(BUILD)/gen -gencode arch=compute_90a,code=sm_90a \
           -gencode arch=compute_90,code=compute_90 -Xcompiler -Wall,-Wextra
ifeq ($(SAN),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
KERNEL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(FUZZ),1)
CFLAGS  += -fsanitize=fuzzer-no-link
KERNEL_CFLAGS += -fsanitize=fuzzer-no-link
endif

# Lua, libcsv and libmd are linked statically so that build/runner runs on a
# GPU host that has none of them; OpenBLAS and cuBLAS come from the host.
LDLIBS  = -Wl,-Bstatic -llua5.4 -lcsv -lmd -Wl,-Bdynamic \
          $(shell pkg-config --libs openblas 2>/dev/null || echo -lopenblas) -lm -ldl -lpthread
ifeq ($(CUDA),1)
LDLIBS += -L$(CUDA_HOME)/lib64 -Wl,-rpath,$(CUDA_HOME)/lib64 -lcublas -lcudart_static -lrt -lstdc++
endif

RUNNER_SRC = $(filter-out runner/main.c,$(wildcard runner/*.c))
KERNEL_SRC = $(wildcard kernels/*.c) $(wildcard kernels/cpu/*.c) $(wildcard kernels/worker/*.c)
ifeq ($(CUDA),1)
CUDA_SRC   = $(wildcard kernels/cuda/*.cu)
else
KERNEL_SRC += kernels/cuda/cuda_none.c
endif
LUA_SRC    = $(wildcard lua/*.lua)

LIB_OBJ = $(RUNNER_SRC:%.c=$(BUILD)/obj/%.o) $(KERNEL_SRC:%.c=$(BUILD)/obj/%.o) \
          $(CUDA_SRC:%.cu=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/lua_embedded.o \
          $(BUILD)/obj/gen/version.o
LIB     = $(BUILD)/libflopbench.a
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps test unit fuzz fuzz-targets bench bench-gpu bench-frameworks paper clean
.DEFAULT_GOAL := all

all: $(BUILD)/runner

deps:
	$(Q)tools/deps.sh all

$(BUILD)/runner: $(BUILD)/obj/runner/main.o $(LIB)
	$(call say,LINK,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(LIB): $(LIB_OBJ)
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $^

$(BUILD)/obj/kernels/%.o: kernels/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CPPFLAGS) $(KERNEL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/%.o: %.cu
	@mkdir -p $(dir $@)
	$(call say,NVCC,$<)$(NVCC) $(NVFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The Lua side of the language is compiled into the binary, once luac has
# checked that every file parses (a syntax error fails the build, not a run;
# one file a call: luac 5.4.4 -p frees twice when given several).
LUAC ?= luac5.4
$(BUILD)/gen/lua_embedded.c: $(LUA_SRC) tools/embed.sh
	@mkdir -p $(dir $@)
	$(call say,LUAC,$(LUA_SRC))for f in $(LUA_SRC); do $(LUAC) -p $$f || exit 1; done
	$(call say,EMBED,$(LUA_SRC))tools/embed.sh $(LUA_SRC) > $@.tmp && mv $@.tmp $@

# The wgmma wrappers, one for each tile width (tools/gen_wgmma.sh says why).
$(BUILD)/gen/wgmma_tf32.inc: tools/gen_wgmma.sh
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)tools/gen_wgmma.sh > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/kernels/cuda/fused.o: $(BUILD)/gen/wgmma_tf32.inc

# Rewritten only when the commit changes, so that nothing else relinks.
$(BUILD)/gen/version.c: FORCE
	@mkdir -p $(dir $@)
	@printf 'const char flopbench_commit[] = "%s";\nconst char flopbench_cflags[] = "%s";\nconst char flopbench_kernel_cflags[] = "%s";\nconst char flopbench_nvflags[] = "%s";\n' \
	  '$(COMMIT)' '$(CC) $(CFLAGS)' '$(CC) $(KERNEL_CFLAGS)' '$(if $(filter 1,$(CUDA)),$(NVCC) $(NVFLAGS),none (CUDA=0))' > $@.tmp
	@cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@
FORCE:

$(BUILD)/tests/%: tests/unit/%.c $(LIB) tests/unit/check.h
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/unit -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

# The shim that makes the k-th fsync, rename, ... fail, for tests/e2e/sets.sh.
$(BUILD)/tests/failat.so: tests/e2e/failat.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) -std=c11 -O2 $(WARN) -shared -fPIC -o $@ $< -ldl

unit: $(UNIT_BIN) $(BUILD)/tests/failat.so

# Fuzzing: the targets of tests/fuzz/, built by clang with libFuzzer, ASan
# and UBSan in build-fuzz/, then run on their regression cases and for a
# bounded time (FUZZ_SECONDS each) by tests/fuzz/run.sh.
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_SECONDS ?= 30

$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

fuzz-targets: $(FUZZ_BIN)

fuzz:
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) CC=clang CUDA=0 SAN=1 FUZZ=1 BUILD=build-fuzz fuzz-targets
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh build-fuzz

test:
	$(Q)tools/deps.sh all
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) all unit
	$(Q)tests/run.sh

bench: all
	$(Q)tools/bench.sh cpu

bench-gpu: all
	$(Q)tools/bench.sh gpu

bench-frameworks: all
	$(Q)tools/bench.sh frameworks

clean:
	rm -rf build build-san build-nocuda build-fuzz

-include $(LIB_OBJ:.o=.d) $(BUILD)/obj/runner/main.d
-include reports/paper.mk
-include reports/evaluate.mk

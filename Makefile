# bento build. `make` builds build/bento and build/bento-sandbox; `make check` runs every test.
CC      ?= gcc
BUILD   := build
WARN    := -std=c11 -Wall -Wextra -Werror -g
# The sandbox is freestanding: no libc, no %fs, no vector registers (DESIGN.md section 3).
SB_CFLAGS := $(WARN) -O2 -ffreestanding -fno-stack-protector -mgeneral-regs-only \
	-fPIE -fvisibility=hidden -fno-asynchronous-unwind-tables -fcf-protection=none \
	-fno-strict-aliasing -fno-common -Iinclude -Isrc -D_GNU_SOURCE
SB_LDFLAGS := -static-pie -nostdlib -Wl,-z,noexecstack -Wl,--no-dynamic-linker \
	-Wl,-z,text -Wl,--build-id=none
HOST_CFLAGS := $(WARN) -O2 -Iinclude -Isrc -D_GNU_SOURCE
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

LIB_SRC      := $(wildcard src/lib/*.c)
KERNEL_SRC   := $(wildcard src/kernel/*.c)
LINUX_SRC    := $(wildcard src/linux/*.c)
PLATFORM_SRC := $(wildcard src/platform/linux/*.c) $(wildcard src/platform/linux/*.S)
CLI_SRC      := $(wildcard src/cli/*.c)
SB_SRC := $(LIB_SRC) $(KERNEL_SRC) $(LINUX_SRC) $(PLATFORM_SRC)
SB_OBJ := $(patsubst %,$(BUILD)/sb/%.o,$(SB_SRC))
HEADERS := $(shell find include src -name '*.h')

all: $(BUILD)/bento $(BUILD)/bento-sandbox

$(BUILD)/sb/%.c.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(SB_CFLAGS) -c $< -o $@

$(BUILD)/sb/%.S.o: %.S $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(SB_CFLAGS) -c $< -o $@

$(BUILD)/bento-sandbox: $(SB_OBJ)
	@echo "  LD      $@"
	@$(CC) $(SB_CFLAGS) $(SB_LDFLAGS) $(SB_OBJ) -o $@ -lgcc

# Linked statically (position-independent, so still randomized): no
# dynamic loader at each start, and cheaper forks and exec of the sandbox
# (docs/performance.md, start-up).
$(BUILD)/bento: $(CLI_SRC) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -static-pie $(CLI_SRC) -o $@

# The front end again, with AddressSanitizer and UBSan, for the tests.
$(BUILD)/san/bento: $(CLI_SRC) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(CLI_SRC) -o $@

check: all $(BUILD)/san/bento
	@tests/run-all.sh

bench: all
	@bench/run.sh

clean:
	rm -rf $(BUILD)

.PHONY: all check clean bench

# unit.mk — builds the unit-test binaries into build/unit/: src/lib and
# src/kernel compiled as an ordinary host program with ASan and UBSan,
# linked with the mock platform and cmocka. Run from the top of the tree
# (tests/unit/run.sh does): make -f tests/unit/unit.mk
CC ?= gcc
U := build/unit
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
BASE := -g -O1 $(SAN) -Wall -Wextra -Iinclude -Isrc -Itests/unit -D_GNU_SOURCE -MMD -MP
SRC_CFLAGS := -std=c11 $(BASE)
TEST_CFLAGS := -std=gnu11 $(BASE)

# src/lib/string.c defines libc's names; in a libc program its versions
# are built under lib_* names (tested against libc's), and libc's serve
# the kernel. Its other helpers (strlcpy, str_starts, ...) keep their names.
STRING_RENAME := -Dmemcpy=lib_memcpy -Dmemmove=lib_memmove -Dmemset=lib_memset \
	-Dmemcmp=lib_memcmp -Dstrlen=lib_strlen -Dstrnlen=lib_strnlen -Dstrcmp=lib_strcmp \
	-Dstrncmp=lib_strncmp -Dstrchr=lib_strchr -Dstrrchr=lib_strrchr
STRING_CFLAGS := $(SRC_CFLAGS) $(STRING_RENAME) -fno-builtin -fno-tree-loop-distribute-patterns

# Every allocator entry point goes through heapcheck.c (see heapcheck.h).
WRAP := -Wl,--wrap=kmalloc,--wrap=kzalloc,--wrap=krealloc,--wrap=kfree,--wrap=kstrdup \
	-Wl,--wrap=heap_alloc,--wrap=heap_free

KERNEL_SRC := $(wildcard src/kernel/*.c)
LIB_SRC := $(filter-out src/lib/string.c,$(wildcard src/lib/*.c))
SUPPORT_SRC := tests/unit/mock_platform.c tests/unit/heapcheck.c tests/unit/unit.c
TEST_SRC := $(wildcard tests/unit/test_*.c)

SRC_OBJ := $(patsubst %.c,$(U)/obj/%.o,$(KERNEL_SRC) $(LIB_SRC)) $(U)/obj/src/lib/string.o
SUPPORT_OBJ := $(patsubst %.c,$(U)/obj/%.o,$(SUPPORT_SRC))
BINS := $(patsubst tests/unit/%.c,$(U)/%,$(TEST_SRC))

all: $(BINS)

$(U)/obj/src/lib/string.o: src/lib/string.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(STRING_CFLAGS) -c $< -o $@

$(U)/obj/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(SRC_CFLAGS) -c $< -o $@

$(U)/obj/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(TEST_CFLAGS) -c $< -o $@

$(U)/test_%: $(U)/obj/tests/unit/test_%.o $(SRC_OBJ) $(SUPPORT_OBJ)
	@echo "  LD      $@"
	@$(CC) $(SAN) $(WRAP) $^ -o $@ -lcmocka -lpthread

-include $(shell find $(U)/obj -name '*.d' 2>/dev/null)

.PHONY: all
.SECONDARY:

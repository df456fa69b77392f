/* elf.h — the ELF64 file and program headers, as the System V ABI lays
 * them out, for the loader (src/linux) and the rewriter's function map
 * (src/platform/linux). */
#ifndef LIB_ELF_H
#define LIB_ELF_H

#include <stdint.h>

#define ET_EXEC 2
#define ET_DYN 3
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PT_GNU_EH_FRAME 0x6474e550

struct elf_hdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

_Static_assert(sizeof(struct elf_hdr) == 64, "Elf64_Ehdr");
_Static_assert(sizeof(struct elf_phdr) == 56, "Elf64_Phdr");

#endif

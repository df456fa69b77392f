/* loader.c — loading ELF x86-64 executables (static, static-pie and
 * dynamic through the interpreter named in PT_INTERP) into the guest's
 * address space, and building the initial register state. */
#include "linux/shim.h"

#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define ET_EXEC 2
#define ET_DYN 3

struct ehdr {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

_Static_assert(sizeof(struct ehdr) == 64, "Elf64_Ehdr");
_Static_assert(sizeof(struct phdr) == 56, "Elf64_Phdr");

#define PAGE 4096UL
#define DOWN(x) ((x) & ~(PAGE - 1))
#define UP(x) (((x) + PAGE - 1) & ~(PAGE - 1))

struct elf_file {
	int fd;
	struct ehdr eh;
	struct phdr ph[64];
};

static int read_exact(int fd, void *buf, size_t n, int64_t off)
{
	size_t done = 0;
	while (done < n) {
		long r = file_pread(fd, (char *)buf + done, n - done, off + (int64_t)done);
		if (r < 0)
			return (int)r;
		if (r == 0)
			return -ENOEXEC;
		done += (size_t)r;
	}
	return 0;
}

static int read_headers(struct elf_file *ef)
{
	int r = read_exact(ef->fd, &ef->eh, sizeof(ef->eh), 0);
	if (r < 0)
		return r;
	struct ehdr *e = &ef->eh;
	if (memcmp(e->ident, "\177ELF", 4) || e->ident[4] != 2 /* 64-bit */ || e->ident[5] != 1)
		return -ENOEXEC;
	if (e->machine != 62 /* x86-64 */ || (e->type != ET_EXEC && e->type != ET_DYN))
		return -ENOEXEC;
	if (e->phentsize != sizeof(struct phdr) || e->phnum == 0 || e->phnum > 64)
		return -ENOEXEC;
	return read_exact(ef->fd, ef->ph, sizeof(struct phdr) * e->phnum, (int64_t)e->phoff);
}

static int prot_of(uint32_t pflags)
{
	return ((pflags & 4) ? K_PROT_READ : 0) | ((pflags & 2) ? K_PROT_WRITE : 0) |
	       ((pflags & 1) ? K_PROT_EXEC : 0);
}

/* A random, page-aligned load address for position-independent programs,
 * in the range Linux uses for PIE executables. */
static uintptr_t random_base(void)
{
	uint64_t r = 0;
	random_get(&r, sizeof(r));
	return 0x555555554000UL + ((r & 0xfffffUL) << 12);
}

/* Zero the end of the last file-backed page and map anonymous memory for
 * the rest of the segment (.bss). */
static int map_bss(const struct phdr *p, uintptr_t base)
{
	uintptr_t file_end = base + p->vaddr + p->filesz;
	uintptr_t mem_end = base + p->vaddr + p->memsz;
	if (p->memsz <= p->filesz)
		return 0;
	if ((file_end & (PAGE - 1)) && (p->flags & 2)) {
		static const char zeros[PAGE];
		size_t n = UP(file_end) - file_end;
		if (copy_out((void *)file_end, zeros, n) < 0)
			return -EFAULT;
	}
	if (UP(mem_end) > UP(file_end)) {
		long r = vm_mmap(UP(file_end), UP(mem_end) - UP(file_end), prot_of(p->flags),
				 K_MAP_PRIVATE | K_MAP_ANONYMOUS | K_MAP_FIXED, -1, 0);
		if (r < 0)
			return (int)r;
	}
	return 0;
}

/* Map every PT_LOAD of ef; fills *base_out and *end_out (highest address). */
static int map_segments(struct elf_file *ef, int is_main, uintptr_t *base_out, uintptr_t *end_out)
{
	uintptr_t lo = ~0UL, hi = 0;
	for (int i = 0; i < ef->eh.phnum; i++) {
		struct phdr *p = &ef->ph[i];
		if (p->type != PT_LOAD)
			continue;
		if (p->filesz > p->memsz || (p->offset & (PAGE - 1)) != (p->vaddr & (PAGE - 1)))
			return -ENOEXEC;
		if (DOWN(p->vaddr) < lo)
			lo = DOWN(p->vaddr);
		if (UP(p->vaddr + p->memsz) > hi)
			hi = UP(p->vaddr + p->memsz);
	}
	if (hi <= lo)
		return -ENOEXEC;
	uintptr_t base = 0;
	if (ef->eh.type == ET_DYN) {
		/* Reserve the whole span first so segments land together. */
		long r = vm_mmap(is_main ? random_base() : 0, hi - lo, 0,
				 K_MAP_PRIVATE | K_MAP_ANONYMOUS, -1, 0);
		if (r < 0)
			return (int)r;
		base = (uintptr_t)r - lo;
	}
	for (int i = 0; i < ef->eh.phnum; i++) {
		struct phdr *p = &ef->ph[i];
		if (p->type != PT_LOAD)
			continue;
		uintptr_t start = DOWN(base + p->vaddr);
		size_t len = UP(base + p->vaddr + p->filesz) - start;
		int fixed = ef->eh.type == ET_DYN ? K_MAP_FIXED : K_MAP_FIXED_NOREPLACE;
		if (p->filesz) {
			long r = vm_mmap(start, len, prot_of(p->flags), K_MAP_PRIVATE | fixed,
					 ef->fd, DOWN(p->offset));
			if (r < 0)
				return (int)r;
			fixed = K_MAP_FIXED;
		}
		int r = map_bss(p, base);
		if (r < 0)
			return r;
	}
	*base_out = base;
	*end_out = base + hi;
	return 0;
}

/* Where the program headers are in memory. */
static uintptr_t phdr_addr(struct elf_file *ef, uintptr_t base)
{
	for (int i = 0; i < ef->eh.phnum; i++)
		if (ef->ph[i].type == PT_PHDR)
			return base + ef->ph[i].vaddr;
	for (int i = 0; i < ef->eh.phnum; i++) {
		struct phdr *p = &ef->ph[i];
		if (p->type == PT_LOAD && p->offset <= ef->eh.phoff &&
		    ef->eh.phoff < p->offset + p->filesz)
			return base + p->vaddr + (ef->eh.phoff - p->offset);
	}
	return 0;
}

static int open_elf(const char *path, struct elf_file *ef, char *canon, size_t n)
{
	int fd = vfs_openat(K_AT_FDCWD, path, K_O_RDONLY | K_O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	(void)canon, (void)n;
	ef->fd = fd;
	int r = read_headers(ef);
	if (r < 0)
		fd_close(fd);
	return r;
}

static int find_interp(struct elf_file *ef, char *out, size_t n)
{
	for (int i = 0; i < ef->eh.phnum; i++) {
		struct phdr *p = &ef->ph[i];
		if (p->type != PT_INTERP)
			continue;
		if (p->filesz == 0 || p->filesz >= n)
			return -ENOEXEC;
		int r = read_exact(ef->fd, out, p->filesz, (int64_t)p->offset);
		if (r < 0)
			return r;
		out[p->filesz] = 0;
		return 1;
	}
	return 0;
}

/* Is path an x86-64 ELF program whose interpreter (if any) is one too?
 * Touches nothing: used before execve's point of no return. */
int elf_check(const char *path)
{
	struct elf_file *ef = kmalloc(sizeof(*ef));
	char interp_path[256];
	if (!ef)
		return -ENOMEM;
	int r = open_elf(path, ef, NULL, 0);
	if (r < 0) {
		kfree(ef);
		return r;
	}
	r = find_interp(ef, interp_path, sizeof(interp_path));
	fd_close(ef->fd);
	if (r == 1) {
		r = open_elf(interp_path, ef, NULL, 0);
		if (r == 0)
			fd_close(ef->fd);
	}
	kfree(ef);
	return r < 0 ? r : 0;
}

/* Load path (already checked to be an executable regular file) and its
 * interpreter; fill img. */
int elf_load(const char *path, struct exec_image *img)
{
	struct elf_file *prog = kmalloc(sizeof(*prog)), *interp = kmalloc(sizeof(*interp));
	char interp_path[256];
	int r = -ENOMEM;
	if (!prog || !interp)
		goto out;
	if ((r = open_elf(path, prog, NULL, 0)) < 0)
		goto out;
	uintptr_t base, end;
	r = find_interp(prog, interp_path, sizeof(interp_path));
	if (r >= 0) {
		int has_interp = r;
		r = map_segments(prog, 1, &base, &end);
		if (r == 0) {
			img->prog_entry = base + prog->eh.entry;
			img->entry = img->prog_entry;
			img->phdr = phdr_addr(prog, base);
			img->phnum = prog->eh.phnum;
			img->brk = end;
			img->interp_base = 0;
		}
		if (r == 0 && has_interp) {
			if ((r = open_elf(interp_path, interp, NULL, 0)) == 0) {
				uintptr_t ib, ie;
				r = map_segments(interp, 0, &ib, &ie);
				if (r == 0) {
					img->interp_base = ib;
					img->entry = ib + interp->eh.entry;
				}
				fd_close(interp->fd);
			}
		}
	}
	fd_close(prog->fd);
out:
	kfree(prog);
	kfree(interp);
	return r;
}

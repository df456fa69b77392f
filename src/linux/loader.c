/* loader.c — loading ELF x86-64 executables (static, static-pie and
 * dynamic through the interpreter named in PT_INTERP) into the guest's
 * address space, and building the initial register state. */
#include "linux/shim.h"

#include "lib/elf.h"

#define PAGE 4096UL
#define DOWN(x) ((x) & ~(PAGE - 1))
#define UP(x) (((x) + PAGE - 1) & ~(PAGE - 1))

/* An ELF file as execve plans it: the open file (a reference, not a
 * descriptor, so that exec's closing of descriptors leaves it alone), its
 * headers and the interpreter it names. */
struct elf_file {
	struct file *file;
	int fd;                 /* while it is being read or mapped */
	struct elf_hdr eh;
	struct elf_phdr ph[64];
	char interp[256];       /* PT_INTERP, "" for none */
};

/* The program and its interpreter, from elf_open to elf_load. */
struct elf_pair {
	struct elf_file prog, interp;
	int has_interp;
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

/* n bytes at off: from head (the first got bytes of the file, already
 * read) when they are all in it, else from the file. */
static int read_at(int fd, const char *head, size_t got, void *buf, size_t n, uint64_t off)
{
	if (off <= got && n <= got - off) {
		memcpy(buf, head + off, n);
		return 0;
	}
	return read_exact(fd, buf, n, (int64_t)off);
}

static int read_headers(struct elf_file *ef, const char *head, size_t got)
{
	int r = read_at(ef->fd, head, got, &ef->eh, sizeof(ef->eh), 0);
	if (r < 0)
		return r;
	struct elf_hdr *e = &ef->eh;
	if (memcmp(e->ident, "\177ELF", 4) || e->ident[4] != 2 /* 64-bit */ || e->ident[5] != 1)
		return -ENOEXEC;
	if (e->machine != 62 /* x86-64 */ || (e->type != ET_EXEC && e->type != ET_DYN))
		return -ENOEXEC;
	if (e->phentsize != sizeof(struct elf_phdr) || e->phnum == 0 || e->phnum > 64)
		return -ENOEXEC;
	return read_at(ef->fd, head, got, ef->ph, sizeof(struct elf_phdr) * e->phnum, e->phoff);
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
static int map_bss(const struct elf_phdr *p, uintptr_t base)
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
		struct elf_phdr *p = &ef->ph[i];
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
		struct elf_phdr *p = &ef->ph[i];
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
		struct elf_phdr *p = &ef->ph[i];
		if (p->type == PT_LOAD && p->offset <= ef->eh.phoff &&
		    ef->eh.phoff < p->offset + p->filesz)
			return base + p->vaddr + (ef->eh.phoff - p->offset);
	}
	return 0;
}

static int find_interp(struct elf_file *ef, const char *head, size_t got)
{
	ef->interp[0] = 0;
	for (int i = 0; i < ef->eh.phnum; i++) {
		struct elf_phdr *p = &ef->ph[i];
		if (p->type != PT_INTERP)
			continue;
		if (p->filesz == 0 || p->filesz >= sizeof(ef->interp))
			return -ENOEXEC;
		int r = read_at(ef->fd, head, got, ef->interp, p->filesz, p->offset);
		if (r < 0)
			return r;
		ef->interp[p->filesz] = 0;
		return 1;
	}
	return 0;
}

/* Check the ELF file open at fd (head: its first got bytes) and keep it:
 * the descriptor is closed, the file kept by reference. */
static int keep_elf(struct elf_file *ef, int fd, const char *head, size_t got)
{
	ef->fd = fd;
	ef->file = NULL;
	int r = read_headers(ef, head, got);
	if (r >= 0)
		r = find_interp(ef, head, got);
	if (r >= 0 && !(ef->file = fd_get(fd)))
		r = -EBADF;
	fd_close(fd);
	ef->fd = -1;
	return r;
}

static int open_interp(struct elf_file *ef, const char *path)
{
	char head[ELF_HEAD];
	int fd = vfs_openat(K_AT_FDCWD, path, K_O_RDONLY | K_O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	long got = file_pread(fd, head, sizeof(head), 0);
	if (got < 0) {
		fd_close(fd);
		return (int)got;
	}
	return keep_elf(ef, fd, head, (size_t)got);
}

void elf_release(struct elf_pair *pair)
{
	if (!pair)
		return;
	if (pair->prog.file)
		file_put(pair->prog.file);
	if (pair->interp.file)
		file_put(pair->interp.file);
	kfree(pair);
}

/* Is the file open at fd (head: its first got bytes) an x86-64 ELF program
 * whose interpreter (if any) is one too? On success *out holds both open
 * for elf_load; fd is closed either way. Maps nothing: execve calls it
 * before its point of no return. */
int elf_open(int fd, const char *head, size_t got, struct elf_pair **out)
{
	struct elf_pair *pair = kzalloc(sizeof(*pair));
	if (!pair) {
		fd_close(fd);
		return -ENOMEM;
	}
	int r = keep_elf(&pair->prog, fd, head, got);
	if (r == 1) {
		pair->has_interp = 1;
		r = open_interp(&pair->interp, pair->prog.interp);
		if (r == 1)
			r = 0; /* an interpreter's own PT_INTERP is ignored, as on Linux */
	}
	if (r < 0) {
		elf_release(pair);
		return r;
	}
	*out = pair;
	return 0;
}

/* Map one kept file: it gets a descriptor again for the mappings. */
static int map_kept(struct elf_file *ef, int is_main, uintptr_t *base, uintptr_t *end)
{
	file_get(ef->file);
	ef->fd = fd_install(ef->file, 1);
	if (ef->fd < 0) {
		file_put(ef->file);
		return ef->fd;
	}
	int r = map_segments(ef, is_main, base, end);
	fd_close(ef->fd);
	ef->fd = -1;
	return r;
}

/* Load the program and interpreter elf_open kept; fill img. Releases
 * pair. */
int elf_load(struct elf_pair *pair, struct exec_image *img)
{
	struct elf_file *prog = &pair->prog, *interp = &pair->interp;
	uintptr_t base, end;
	int r = map_kept(prog, 1, &base, &end);
	if (r == 0) {
		img->prog_entry = base + prog->eh.entry;
		img->entry = img->prog_entry;
		img->phdr = phdr_addr(prog, base);
		img->phnum = prog->eh.phnum;
		img->brk = end;
		img->interp_base = 0;
	}
	if (r == 0 && pair->has_interp) {
		uintptr_t ib, ie;
		r = map_kept(interp, 0, &ib, &ie);
		if (r == 0) {
			img->interp_base = ib;
			img->entry = ib + interp->eh.entry;
		}
	}
	elf_release(pair);
	return r;
}

/* stack.c — a new program image: the initial stack (argv, envp, auxv as
 * the Linux x86-64 ABI lays them out), shebang scripts, and the first
 * registers. */
#include "linux/shim.h"
#include "lib/fmt.h"

#define STACK_SIZE (8UL << 20)
#define MAX_ARGS 4096

const uint64_t *host_auxv;

static uint64_t host_aux(uint64_t type, uint64_t dflt)
{
	for (const uint64_t *a = host_auxv; a && a[0]; a += 2)
		if (a[0] == type)
			return a[1];
	return dflt;
}

/* Writes into the guest stack from the top down. */
struct stack_builder {
	uintptr_t top, sp, bottom;
	int error;
};

static uintptr_t push_bytes(struct stack_builder *b, const void *data, size_t n)
{
	if (b->sp - n < b->bottom) {
		b->error = -E2BIG;
		return 0;
	}
	b->sp -= n;
	if (copy_out((void *)b->sp, data, n) < 0)
		b->error = -EFAULT;
	return b->sp;
}

static uintptr_t push_string(struct stack_builder *b, const char *s)
{
	return push_bytes(b, s, strlen(s) + 1);
}

static int count(char *const *v)
{
	int n = 0;
	while (v && v[n] && n < MAX_ARGS)
		n++;
	return n;
}

/* The strings v[0..n) back to back, each with its NUL, as they lie on
 * the guest stack; NULL when out of memory. */
static char *join_strings(char *const *v, int n, size_t *len)
{
	size_t total = 0;
	for (int i = 0; i < n; i++)
		total += strlen(v[i]) + 1;
	char *block = kmalloc(total ? total : 1);
	if (!block)
		return NULL;
	*len = 0;
	for (int i = 0; i < n; i++) {
		size_t l = strlen(v[i]) + 1;
		memcpy(block + *len, v[i], l);
		*len += l;
	}
	return block;
}

/* Tell the kernel what /proc/self shows of the new image (exe, cmdline,
 * environ, auxv). Failing to record does not fail the exec. */
static void record_exec(const char *prog, char *const *argv, int argc, char *const *envp,
			int envc, const uint64_t *aux, size_t aux_len)
{
	size_t al = 0, el = 0;
	char *a = join_strings(argv, argc, &al), *e = join_strings(envp, envc, &el);
	if (a && e)
		proc_set_exec_info(prog, a, al, e, el, aux, aux_len);
	kfree(a);
	kfree(e);
}

static int build_stack(struct stack_builder *b, const struct exec_image *img, const char *prog,
		       const char *execfn, char *const *argv, char *const *envp)
{
	int argc = count(argv), envc = count(envp);
	uintptr_t *ptrs = kmalloc(sizeof(uintptr_t) * (size_t)(argc + envc + 2));
	if (!ptrs)
		return -ENOMEM;
	uintptr_t fn = push_string(b, execfn);
	for (int i = envc - 1; i >= 0; i--)
		ptrs[argc + 1 + i] = push_string(b, envp[i]);
	for (int i = argc - 1; i >= 0; i--)
		ptrs[i] = push_string(b, argv[i]);
	ptrs[argc] = 0;
	ptrs[argc + 1 + envc] = 0;
	uintptr_t platform = push_string(b, "x86_64");
	uint8_t rnd[16];
	random_get(rnd, sizeof(rnd));
	uintptr_t random = push_bytes(b, rnd, sizeof(rnd));
	int uid, euid, suid, gid, egid, sgid;
	cred_get(&uid, &euid, &suid, &gid, &egid, &sgid);
	uint64_t aux[] = {
		33, host_aux(33, 0),  /* AT_SYSINFO_EHDR: the host's vDSO */
		51, host_aux(51, 2048), /* AT_MINSIGSTKSZ */
		16, host_aux(16, 0),  /* AT_HWCAP */
		6, 4096,              /* AT_PAGESZ */
		17, 100,              /* AT_CLKTCK */
		3, img->phdr, 4, 56, 5, (uint64_t)img->phnum,
		7, img->interp_base, 8, 0, 9, img->prog_entry,
		11, (uint64_t)uid, 12, (uint64_t)euid, 13, (uint64_t)gid, 14, (uint64_t)egid,
		23, 0,                /* AT_SECURE */
		25, random, 26, host_aux(26, 0) /* AT_HWCAP2 */,
		31, fn, 15, platform,
		0, 0,
	};
	/* Align so that rsp is 16-byte aligned at argc. */
	size_t words = (size_t)(1 + argc + 1 + envc + 1) + sizeof(aux) / 8;
	b->sp = (b->sp - words * 8) & ~(uintptr_t)15;
	b->sp += words * 8;
	push_bytes(b, aux, sizeof(aux));
	push_bytes(b, ptrs + argc + 1, sizeof(uintptr_t) * (size_t)(envc + 1));
	push_bytes(b, ptrs, sizeof(uintptr_t) * (size_t)(argc + 1));
	uint64_t c = (uint64_t)argc;
	push_bytes(b, &c, 8);
	kfree(ptrs);
	if (!b->error)
		record_exec(prog, argv, argc, envp, envc, aux, sizeof(aux));
	return b->error;
}

static int setup_stack(struct stack_builder *b)
{
	long r = vm_mmap(0, STACK_SIZE, K_PROT_READ | K_PROT_WRITE,
			 K_MAP_PRIVATE | K_MAP_ANONYMOUS | K_MAP_NORESERVE | K_MAP_STACK, -1, 0);
	if (r < 0)
		return (int)r;
	vm_note((uintptr_t)r, STACK_SIZE, K_PROT_READ | K_PROT_WRITE, K_MAP_PRIVATE, "[stack]", 0);
	b->bottom = (uintptr_t)r;
	b->top = b->sp = (uintptr_t)r + STACK_SIZE;
	b->error = 0;
	return 0;
}

/* "#!interp [arg]" scripts: head holds the first got bytes of the file.
 * Returns 1 and fills interp/arg, 0 for another file, or -errno. Linux
 * reads the line from the first 256 bytes. */
static int parse_shebang(const char *head, size_t got, char *interp, char *arg, size_t n)
{
	char line[256];
	if (got > sizeof(line) - 1)
		got = sizeof(line) - 1;
	if (got < 2 || head[0] != '#' || head[1] != '!')
		return 0;
	memcpy(line, head, got);
	line[got] = 0;
	char *end = strchr(line, '\n');
	if (end)
		*end = 0;
	char *p = line + 2;
	while (*p == ' ' || *p == '\t')
		p++;
	char *q = p;
	while (*q && *q != ' ' && *q != '\t')
		q++;
	char *rest = q;
	if (*rest)
		*rest++ = 0;
	while (*rest == ' ' || *rest == '\t')
		rest++;
	size_t rl = strlen(rest);
	while (rl && (rest[rl - 1] == ' ' || rest[rl - 1] == '\t'))
		rest[--rl] = 0;
	if (!*p)
		return -ENOEXEC;
	strlcpy(interp, p, n);
	strlcpy(arg, rest, n);
	return 1;
}

/* One open and one fstat; the file's path, as the VFS resolved it
 * (canonical), goes into name. O_NONBLOCK keeps a FIFO from blocking the
 * open; it is refused by the mode check like every other non-regular
 * file. */
static int open_program(int dirfd, const char *path, char *name, size_t n)
{
	struct b_stat st;
	int fd = vfs_openat(dirfd, path, K_O_RDONLY | K_O_CLOEXEC | K_O_NONBLOCK | K_O_NOCTTY, 0);
	if (fd < 0) {
		/* Linux says EACCES for anything that is no regular file
		 * (a socket, say, whose open fails otherwise). */
		if (fd != -ENOENT && vfs_statat(dirfd, path, 0, &st) == 0 &&
		    (st.mode & K_S_IFMT) != K_S_IFREG)
			return -EACCES;
		return fd;
	}
	int r = file_stat(fd, &st);
	if (r == 0 && ((st.mode & K_S_IFMT) != K_S_IFREG || !(st.mode & 0111)))
		r = -EACCES;
	if (r == 0)
		r = fd_path(fd, name, n);
	if (r < 0) {
		fd_close(fd);
		return r;
	}
	return fd;
}

/* Follow "#!" interpreters (up to four levels, as Linux does) from path
 * to the ELF program that will really run, rewriting argv on the way, and
 * check that program. Changes nothing, so execve can still fail cleanly. */
int exec_open(struct exec_plan *p, int dirfd, const char *path)
{
	/* The name a "#!" interpreter gets for the script is the path as the
	 * caller gave it, or, relative to a directory descriptor, Linux's
	 * /dev/fd/N/path form. */
	if (dirfd == K_AT_FDCWD || path[0] == '/')
		strlcpy(p->script, path, sizeof(p->script));
	else
		fmt_snprintf(p->script, sizeof(p->script), "/dev/fd/%d/%s", dirfd, path);
	return open_program(dirfd, path, p->prog, sizeof(p->prog));
}

int exec_plan(struct exec_plan *p, int fd, char *const *argv)
{
	int argc = count(argv);
	const char *cur = NULL;
	p->argv = (char **)argv;
	p->elf = NULL;
	for (int level = 0;; level++) {
		/* One open and one read serve the "#!" line, or the ELF
		 * headers, and the file stays open until exec_load maps it. */
		char head[ELF_HEAD];
		if (level)
			fd = open_program(K_AT_FDCWD, cur, p->prog, sizeof(p->prog));
		if (fd < 0)
			return fd;
		long got = file_pread(fd, head, sizeof(head), 0);
		int r = got < 0 ? (int)got : parse_shebang(head, (size_t)got, p->interp[level],
							   p->arg[level], sizeof(p->interp[0]));
		if (r != 0)
			fd_close(fd);
		if (r < 0)
			return r;
		if (r == 0)
			return elf_open(fd, head, (size_t)got, &p->elf);
		if (level == 3)
			return -ELOOP;
		/* [interp, arg?, script, the rest of argv]; the script as
		 * execve named it, an interpreter's as its "#!" names it. */
		char **nv = p->vec[level];
		int n = 0;
		nv[n++] = p->interp[level];
		if (p->arg[level][0])
			nv[n++] = p->arg[level];
		nv[n++] = level ? (char *)cur : p->script;
		for (int k = 1; k < argc && n < EXEC_MAX_ARGS + 2; k++)
			nv[n++] = p->argv[k];
		nv[n] = NULL;
		argc = n;
		p->argv = nv;
		cur = p->interp[level];
	}
}

int exec_load(struct exec_plan *p, const char *execfn, char *const *envp, struct cpu_regs *out)
{
	struct exec_image img;
	int r = elf_load(p->elf, &img);
	p->elf = NULL;
	if (r < 0)
		return r;
	vm_brk_init(img.brk);
	struct stack_builder b = { 0, 0, 0, 0 };
	if ((r = setup_stack(&b)) < 0 || (r = build_stack(&b, &img, p->prog, execfn, p->argv, envp)) < 0)
		return r;
	memset(out, 0, sizeof(*out));
	out->rip = img.entry;
	out->rsp = b.sp;
	out->eflags = 0x202;
	return 0;
}

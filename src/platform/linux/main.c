/* main.c — bento-sandbox's start: relocate itself, read the policy the
 * front end passed on the command line, build the guest's file system,
 * close the seccomp gate and run the guest program.
 *
 * Command line (written by the front end, see docs/cli.md):
 *   bento-sandbox [--trace] [--no-rewrite] [--cwd DIR]
 *                 [--mount FD:GUEST:ro|rw]... [--tmpfs GUEST]...
 *                 [--symlink GUEST:TARGET]... [--hide GUEST]...
 *                 -- PROGRAM ARGS...
 */
#include "platform/linux/host.h"
#include "linux/entry.h"
#include <bento/north.h>
#include "lib/string.h"
#include "lib/fmt.h"
#include "lib/lock.h"
#include <linux/futex.h>

#define EXIT_BENTO_ERROR 125

struct dyn { int64_t tag; uint64_t val; };
struct rela { uint64_t off, info; int64_t addend; };

/* Apply R_X86_64_RELATIVE relocations to ourselves. Runs before anything
 * that needs a relocated pointer, so it touches only its arguments. */
static void relocate_self(const struct dyn *dyn, uintptr_t base)
{
	const struct rela *rela = NULL;
	uint64_t size = 0;
	for (; dyn->tag; dyn++) {
		if (dyn->tag == 7) /* DT_RELA */
			rela = (const struct rela *)(base + dyn->val);
		else if (dyn->tag == 8) /* DT_RELASZ */
			size = dyn->val;
	}
	for (uint64_t i = 0; rela && i < size / sizeof(*rela); i++)
		if ((rela[i].info & 0xffffffff) == 8) /* R_X86_64_RELATIVE */
			*(uint64_t *)(base + rela[i].off) = base + (uint64_t)rela[i].addend;
}

static _Noreturn void die(const char *what, long err)
{
	char line[200];
	int n = fmt_snprintf(line, sizeof(line), "bento: %s (error %ld)\n", what, -err);
	plat_log(line, (size_t)n);
	plat_exit(EXIT_BENTO_ERROR);
}

static _Noreturn void die_arg(const char *what, const char *arg)
{
	char line[300];
	int n = fmt_snprintf(line, sizeof(line), "bento: %s '%s'\n", what, arg);
	plat_log(line, (size_t)n);
	plat_exit(EXIT_BENTO_ERROR);
}

static int host_cpus;
int plat_cpu_count(void)
{
	return host_cpus > 0 ? host_cpus : 1;
}

static void count_cpus(void)
{
	uint64_t mask[16];
	long n = HOST3(__NR_sched_getaffinity, 0, sizeof(mask), mask);
	for (long i = 0; i < n / 8; i++)
		host_cpus += __builtin_popcountll(mask[i]);
}

/* "FD:GUEST:MODE" */
static void add_mount(char *spec)
{
	char *c1 = strchr(spec, ':');
	char *c2 = c1 ? strrchr(c1 + 1, ':') : NULL;
	if (!c1 || !c2)
		die("bad --mount argument from the front end", -EINVAL);
	*c1 = 0, *c2 = 0;
	long fd = str_to_ulong(spec);
	if (fd < 0)
		die("bad --mount descriptor", -EINVAL);
	int r = vfs_mount_host(c1 + 1, (int)fd, !strcmp(c2 + 1, "rw"));
	if (r < 0)
		die("cannot mount", r);
}

static void add_symlink(char *spec)
{
	char *c = strchr(spec, ':');
	if (!c)
		die("bad --symlink argument", -EINVAL);
	*c = 0;
	int r = vfs_add_symlink(spec, c + 1);
	if (r < 0)
		die("cannot create symlink", r);
}

/* --net MODE (docs/cli.md): "none" means no inet sockets at all (the
 * host gave no private network namespace); "loopback" and "host" allow
 * them, confined by the namespace or granted by the user. */
static void set_net(const char *mode)
{
	int m;
	if (!strcmp(mode, "none"))
		m = K_NET_NONE;
	else if (!strcmp(mode, "loopback"))
		m = K_NET_LOOPBACK;
	else if (!strcmp(mode, "host"))
		m = K_NET_HOST;
	else
		die_arg("bad --net mode", mode);
	host_net_inet = m != K_NET_NONE;
	sock_net_init(m);
}

/* Parse options; returns the index of the guest's argv[0]. */
static int parse(int argc, char **argv, struct linux_start *s)
{
	int i = 1;
	for (; i < argc; i++) {
		char *a = argv[i];
		char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "--trace"))
			s->trace = 1;
		else if (!strcmp(a, "--no-rewrite"))
			s->no_rewrite = 1;
		else if (!v)
			die("option needs a value", -EINVAL);
		else if (!strcmp(a, "--cwd"))
			s->cwd = v, i++;
		else if (!strcmp(a, "--mount"))
			add_mount(v), i++;
		else if (!strcmp(a, "--tmpfs")) {
			int r = vfs_mount_tmpfs(v);
			if (r < 0)
				die("cannot mount tmpfs", r);
			i++;
		} else if (!strcmp(a, "--symlink"))
			add_symlink(v), i++;
		else if (!strcmp(a, "--hide"))
			vfs_hide(v), i++;
		else if (!strcmp(a, "--net"))
			set_net(v), i++;
		else
			die_arg("unknown sandbox option", a);
	}
	if (i >= argc)
		die("no program given", -EINVAL);
	return i;
}

/* The guest's descriptors 0..2 are the inherited host ones. */
static void adopt_stdio(void)
{
	for (int fd = 0; fd < 3; fd++) {
		long fl = HOST2(__NR_fcntl, fd, 3 /* F_GETFL */);
		if (fl >= 0)
			file_adopt_host(fd, fd, (int)fl);
	}
}

/* Keep bento's own log on a descriptor the guest cannot close. Any free
 * number does (the guest's descriptors are bento's own table): the lowest
 * keeps the host's descriptor table small, which every host fork copies
 * (one at 1000 made it 1,024 slots, ~10 us per fork). */
static void move_log_fd(void)
{
	long fd = HOST3(__NR_fcntl, 2, 1030 /* F_DUPFD_CLOEXEC */, 3);
	if (fd >= 0)
		plat_log_fd = (int)fd;
}

/* Sleeping for bento's spinlocks (lib/lock.h): a host futex on the lock
 * word, not private, since most locks are in the shared arena. */
static void lock_wait(volatile int *word, int val)
{
	HOST4(__NR_futex, word, FUTEX_WAIT, val, NULL);
}

static void lock_wake(volatile int *word)
{
	HOST3(__NR_futex, word, FUTEX_WAKE, 1);
}

static void set_ids(void)
{
	cred_init((int)HOST0(__NR_getuid), (int)HOST0(__NR_getgid));
}

/* The guest starts with the resource limits bento was given, except
 * RLIMIT_CORE (4), which the front end set to 0 for bento's own sake (no
 * core file of the sandbox); the guest's stays unlimited, as before. */
static void adopt_rlimits(void)
{
	for (int r = 0; r < 16; r++) {
		if (r == 4)
			continue;
		uint64_t lim[2];
		if (HOST4(__NR_prlimit64, 0, r, 0, lim) == 0)
			proc_rlimit_inherit(r, lim[0], lim[1]);
	}
}

/* The guest starts with the umask bento was given; the host's becomes 0,
 * so that the guest's (applied by bento) is the only one on its files. */
static void adopt_umask(void)
{
	proc_umask((int)HOST1(__NR_umask, 0));
}

_Noreturn void sandbox_start(uint64_t *sp, const struct dyn *dynamic, uintptr_t base)
{
	relocate_self(dynamic, base);
	extern char _end[];
	vm_reserve(base, (uintptr_t)_end - base);
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	char **e = envp;
	while (*e)
		e++;
	struct plat_cpu *cpu = cpu_create(NULL);
	if (!cpu)
		die("no memory for the first thread", -ENOMEM);
	cpu_activate(cpu);
	static const struct spin_sleep_ops lock_sleep = { lock_wait, lock_wake };
	spin_set_sleep(&lock_sleep);
	move_log_fd();
	count_cpus();
	int r = kernel_init();
	if (r < 0)
		die("kernel start-up failed", r);
	set_ids();
	adopt_umask();
	adopt_rlimits();
	struct linux_start s = { 0 };
	s.host_auxv = (const uint64_t *)(e + 1);
	if ((r = vfs_mount_tmpfs("/")) < 0)
		die("cannot create the root", r);
	sock_net_init(K_NET_NONE); /* --net may widen it */
	int first = parse(argc, argv, &s);
	vfs_mount_devfs("/dev");
	vfs_mount_procfs("/proc");
	adopt_stdio();
	if ((r = gate_install()) < 0)
		die("cannot install the seccomp gate", r);
	rewrite_enabled = !s.no_rewrite;
	if (s.trace) {
		id_shortcut = 0;
		plat_set_ids(0, 0);
	}
	s.argc = argc - first;
	s.argv = argv + first;
	s.envp = envp;
	plat_exit(linux_run(&s));
}

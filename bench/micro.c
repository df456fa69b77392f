/* micro.c — system-call micro-benchmarks for bench/run.sh.
 *
 *     micro CASE [FILE]      prints one number: nanoseconds per operation
 *
 * Each case runs its operation a few hundred times to warm up (under bento
 * the first call at a site traps and the site is rewritten; the process
 * cases, which take a millisecond or so each, 16 times), then in batches
 * of doubling size until at least 200 ms have passed, timed with
 * clock_gettime(CLOCK_MONOTONIC). FILE is a host file of at least 1 MiB
 * (pread, open, stat). The program only measures: it judges nothing.
 *
 * Process cases (issue 3): fork_exit (fork, the child _exits at once,
 * waitpid), fork_exec (fork, the child execs /bin/true, waitpid) and
 * pipe_pingpong (one byte to a child process over one pipe and back over
 * another: a round trip between two processes).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIN_NS 200000000LL /* 200 ms of measurement */
#define WARMUP 256

static const char *file = "data";
static int fd = -1, pfd[2], back[2];
static pid_t partner = -1;	/* pipe_pingpong's other process */
static char buf[4096];
static sigset_t mask;
static uint32_t futex_word;
static volatile long sink;

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void op_getpid(long i)
{
	(void)i;
	sink = getpid();
}

static void op_gettid(long i)
{
	(void)i;
	sink = gettid();
}

static void op_clock(long i)
{
	(void)i;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	sink = ts.tv_nsec;
}

static void op_sigprocmask(long i)
{
	(void)i;
	if (sigprocmask(SIG_SETMASK, &mask, NULL))
		die("sigprocmask");
}

/* glibc inlines its internal futex calls as "mov $202,%eax; syscall";
 * this is the same, on a word nobody waits on. */
static void op_futex_wake(long i)
{
	(void)i;
	long ret;
	register long r10 __asm__("r10") = 0;
	__asm__ volatile("mov $202, %%eax\n\tsyscall"
			 : "=a"(ret)
			 : "D"(&futex_word), "S"((long)(FUTEX_WAKE | FUTEX_PRIVATE_FLAG)),
			   "d"(1L), "r"(r10)
			 : "rcx", "r11", "memory");
	if (ret != 0)
		die("futex");
}

static void op_read_zero(long i)
{
	(void)i;
	if (read(fd, buf, 1) != 1)
		die("read /dev/zero");
}

static void op_pread(long i)
{
	if (pread(fd, buf, 4096, (off_t)(i & 255) * 4096) != 4096)
		die("pread");
}

static void op_pipe(long i)
{
	(void)i;
	if (write(pfd[1], "x", 1) != 1 || read(pfd[0], buf, 1) != 1)
		die("pipe");
}

static void op_open_close(long i)
{
	(void)i;
	int f = open(file, O_RDONLY | O_CLOEXEC);
	if (f < 0 || close(f))
		die("open/close");
}

static void op_stat(long i)
{
	(void)i;
	struct stat st;
	if (stat(file, &st))
		die("stat");
	sink = st.st_size;
}

static void *thread_fn(void *arg)
{
	return arg;
}

static void op_thread(long i)
{
	(void)i;
	pthread_t t;
	void *ret;
	if (pthread_create(&t, NULL, thread_fn, NULL) || pthread_join(t, &ret))
		die("pthread");
}

static void op_mmap(long i)
{
	(void)i;
	const size_t len = 1 << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	for (size_t off = 0; off < len; off += 4096)
		p[off] = 1;
	if (munmap(p, len))
		die("munmap");
}

static void reap(pid_t pid)
{
	int status;

	if (pid < 0)
		die("fork");
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "micro: child failed (status 0x%x)\n", status);
		exit(1);
	}
}

static void op_fork_exit(long i)
{
	(void)i;
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	reap(pid);
}

static void op_fork_exec(long i)
{
	(void)i;
	static char *const argv[] = { "true", NULL };
	pid_t pid = fork();
	if (pid == 0) {
		execv("/bin/true", argv);
		_exit(127);
	}
	reap(pid);
}

static void op_pingpong(long i)
{
	(void)i;
	if (write(pfd[1], "x", 1) != 1 || read(back[0], buf, 1) != 1)
		die("ping-pong");
}

/* pipe_pingpong's partner: echoes every byte until the pipe closes. */
static void start_partner(void)
{
	if (pipe(pfd) || pipe(back))
		die("pipe");
	partner = fork();
	if (partner < 0)
		die("fork");
	if (partner == 0) {
		char c;
		close(pfd[1]);
		close(back[0]);
		while (read(pfd[0], &c, 1) == 1)
			if (write(back[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(pfd[0]);
	close(back[1]);
}

static const struct {
	const char *name;
	void (*op)(long);
	int setup; /* 1: open /dev/zero, 2: open FILE, 3: pipe, 4: sigmask,
		      5: a partner process */
	int warmup;
} cases[] = {
	{ "getpid", op_getpid, 0, WARMUP },
	{ "gettid", op_gettid, 0, WARMUP },
	{ "clock_gettime", op_clock, 0, WARMUP },
	{ "sigprocmask", op_sigprocmask, 4, WARMUP },
	{ "futex_wake", op_futex_wake, 0, WARMUP },
	{ "read_zero", op_read_zero, 1, WARMUP },
	{ "pread_4k", op_pread, 2, WARMUP },
	{ "pipe_rw", op_pipe, 3, WARMUP },
	{ "open_close", op_open_close, 0, WARMUP },
	{ "stat", op_stat, 0, WARMUP },
	{ "thread", op_thread, 0, WARMUP },
	{ "mmap_1m", op_mmap, 0, WARMUP },
	{ "fork_exit", op_fork_exit, 0, 16 },
	{ "fork_exec", op_fork_exec, 0, 16 },
	{ "pipe_pingpong", op_pingpong, 5, WARMUP },
};

int main(int argc, char **argv)
{
	const size_t n = sizeof(cases) / sizeof(cases[0]);
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: micro CASE [FILE]\ncases:");
		for (size_t k = 0; k < n; k++)
			fprintf(stderr, " %s", cases[k].name);
		fprintf(stderr, "\n");
		return 2;
	}
	if (argc == 3)
		file = argv[2];
	size_t c = 0;
	while (c < n && strcmp(cases[c].name, argv[1]))
		c++;
	if (c == n) {
		fprintf(stderr, "micro: unknown case '%s'\n", argv[1]);
		return 2;
	}
	switch (cases[c].setup) {
	case 1:
		if ((fd = open("/dev/zero", O_RDONLY)) < 0)
			die("/dev/zero");
		break;
	case 2:
		if ((fd = open(file, O_RDONLY)) < 0)
			die(file);
		break;
	case 3:
		if (pipe(pfd))
			die("pipe");
		break;
	case 4:
		if (sigprocmask(SIG_SETMASK, NULL, &mask))
			die("sigprocmask");
		break;
	case 5:
		start_partner();
		break;
	}
	void (*op)(long) = cases[c].op;
	long i = 0, warmup = cases[c].warmup;
	for (; i < warmup; i++)
		op(i);
	long ops = 0;
	long long spent = 0;
	for (long batch = 1; spent < MIN_NS; batch *= 2) {
		long long t0 = now_ns();
		for (long k = 0; k < batch; k++, i++)
			op(i);
		spent += now_ns() - t0;
		ops += batch;
	}
	if (partner > 0) {
		close(pfd[1]);
		reap(partner);
	}
	printf("%.1f\n", (double)spent / (double)ops);
	return 0;
}

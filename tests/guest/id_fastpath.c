// id_fastpath.c: getpid and gettid where bento answers them from per-thread
// copies (its trampolines, src/platform/linux/rewrite.c): each is called
// often enough from the same glibc sites to be rewritten, then checked
// against /proc/self and /proc/thread-self (which bento answers from its
// kernel) and against what fork, vfork, posix_spawn and pthread_create
// report: in the parent, a forked child, a child forked from a second
// thread, a vfork child, a posix_spawn'd program, threads, and after exec.
#include "guest.h"
#include <pthread.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/syscall.h>

extern char **environ;

// Many calls from the same sites; all must agree.
static pid_t hot_pid(void)
{
	pid_t p = getpid();
	for (int i = 0; i < 20; i++)
		if (getpid() != p)
			return -1;
	return p;
}

static pid_t hot_tid(void)
{
	pid_t t = gettid();
	for (int i = 0; i < 20; i++)
		if (gettid() != t)
			return -1;
	return t;
}

// The ids as /proc shows them ("PID" and "PID/task/TID").
static pid_t proc_pid(void)
{
	char b[64] = "";
	if (readlink("/proc/self", b, sizeof(b) - 1) < 0)
		return -2;
	return atoi(b);
}

static pid_t proc_tid(void)
{
	char b[64] = "";
	if (readlink("/proc/thread-self", b, sizeof(b) - 1) < 0)
		return -2;
	char *t = strrchr(b, '/');
	return t ? atoi(t + 1) : -2;
}

// 0 when this thread's ids are consistent; one bit per failed check.
static int check_self(int main_thread)
{
	pid_t p = hot_pid(), t = hot_tid();
	int bad = 0;
	if (p <= 0 || p != proc_pid())
		bad |= 1;
	if (t <= 0 || t != proc_tid())
		bad |= 2;
	if (main_thread != (t == p))
		bad |= 4;
	if (syscall(SYS_getpid) != p || syscall(SYS_gettid) != t)
		bad |= 8;
	return bad;
}

struct thr {
	pid_t tid, pid;
	int bad;
	int fork_bad; // a fork from this thread
};

static void *thread_main(void *arg)
{
	struct thr *x = arg;
	x->bad = check_self(0);
	x->tid = hot_tid();
	x->pid = hot_pid();
	pid_t parent = x->pid;
	pid_t c = fork();
	if (c == 0)
		// The child's only thread is its main thread: tid == pid.
		_exit(check_self(1) | (getppid() == parent ? 0 : 16));
	int st;
	x->fork_bad = c < 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
	return NULL;
}

static void threads(void)
{
	enum { N = 4 };
	pthread_t th[N];
	struct thr x[N];
	memset(x, 0, sizeof(x));
	for (int i = 0; i < N; i++)
		pthread_create(&th[i], NULL, thread_main, &x[i]);
	for (int i = 0; i < N; i++)
		pthread_join(th[i], NULL);
	int bad = 0, same_pid = 1, distinct = 1, fork_bad = 0;
	for (int i = 0; i < N; i++) {
		bad |= x[i].bad;
		fork_bad |= x[i].fork_bad;
		if (x[i].pid != getpid() || x[i].tid == getpid())
			same_pid = 0;
		for (int j = 0; j < i; j++)
			if (x[j].tid == x[i].tid)
				distinct = 0;
	}
	printf("threads: ids consistent %s, pid shared %s, tids distinct %s\n", YN(!bad),
	       YN(same_pid), YN(distinct));
	printf("fork from a thread: child's ids consistent %s\n", YN(fork_bad == 0));
}

static void forked(void)
{
	pid_t me = hot_pid();
	pid_t c = fork();
	if (c == 0)
		_exit(check_self(1) | (getppid() == me ? 0 : 16) | (hot_pid() != me ? 0 : 32));
	int st;
	waitpid(c, &st, 0);
	printf("fork child: ids consistent %s\n", YN(WIFEXITED(st) && WEXITSTATUS(st) == 0));
	printf("fork parent: ids unchanged %s\n", YN(hot_pid() == me && check_self(1) == 0));
}

static void vforked(void)
{
	pid_t me = hot_pid();
	pid_t c = vfork();
	if (c == 0) {
		// Only the calls themselves, as vfork allows; the low bits of the
		// child's pid go back through the exit status.
		pid_t p = getpid(), t = gettid();
		_exit(p == t && p != me && getppid() == me ? (p & 0x3f) | 0x40 : 0);
	}
	int st;
	waitpid(c, &st, 0);
	printf("vfork child: ids consistent %s\n",
	       YN(WIFEXITED(st) && WEXITSTATUS(st) == ((c & 0x3f) | 0x40)));
	printf("vfork parent: ids unchanged %s\n", YN(hot_pid() == me && check_self(1) == 0));
}

static void spawned(char *self)
{
	pid_t me = hot_pid(), c;
	char parent[16];
	snprintf(parent, sizeof(parent), "%d", me);
	char *argv[] = { self, "child", parent, NULL };
	int r = posix_spawn(&c, self, NULL, NULL, argv, environ);
	int st = 0;
	if (r == 0)
		waitpid(c, &st, 0);
	printf("posix_spawn child: ids consistent %s\n",
	       YN(r == 0 && WIFEXITED(st) && WEXITSTATUS(st) == ((c & 0x3f) | 0x40)));
}

static void *exec_thread(void *self)
{
	char pid[16];
	hot_tid();
	snprintf(pid, sizeof(pid), "%d", hot_pid());
	char *args[] = { self, "exec", pid, NULL };
	execv(self, args);
	printf("exec failed: %s\n", ename(errno));
	fflush(stdout);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "child")) {
		// A spawned program: its own pid, the spawner its parent.
		pid_t p = hot_pid();
		int ok = check_self(1) == 0 && getppid() == atoi(argv[2]);
		return ok ? (p & 0x3f) | 0x40 : 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "exec")) {
		// The same process after exec: same pid, and the thread that
		// called exec is now the main thread.
		int ok = check_self(1) == 0 && hot_pid() == atoi(argv[2]);
		printf("after exec: ids consistent %s\n", YN(ok));
		return 0;
	}
	printf("parent: ids consistent %s\n", YN(check_self(1) == 0));
	fflush(stdout);
	forked();
	fflush(stdout);
	vforked();
	fflush(stdout);
	threads();
	fflush(stdout);
	spawned(argv[0]);
	fflush(stdout);
	// exec from a second thread: that thread becomes the main one (its
	// tid becomes the pid) and the others end.
	pthread_t th;
	pthread_create(&th, NULL, exec_thread, argv[0]);
	pthread_join(th, NULL);
	return 1;
}

// proc_spawn_errors: posix_spawn reports the child's exec error (ENOENT,
// EACCES) every time, wherever the caller's stack pointer is. glibc's
// child stores the error in the parent's stack frame before _exit(127);
// the parent must see that store. The spawns run on a stack of our own
// whose top is followed by an unmapped page, at many depths, so the
// caller's frame is at every distance from the end of its mapping (as
// with posix_spawn called from main near the top of the process stack),
// and then on the ordinary stack. Each failed spawn must leave no child.
#include "guest.h"
#include <alloca.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>

extern char **environ;

#define STACK_PAGES 8
#define PAGE 4096

static const char *noexec = "/tmp/bento-gt-proc_spawn_errors-noexec";
static int spawns, wrong, leftover;
static char first_wrong[128];

static void one(const char *path, int want)
{
	char *av[] = { "x", NULL };
	pid_t c = -1;
	int rc = posix_spawn(&c, path, NULL, NULL, av, environ);
	spawns++;
	if (rc != want) {
		if (!wrong++)
			snprintf(first_wrong, sizeof first_wrong, "%s: %s", path, rc ? ename(rc) : "ok");
		int st;
		if (rc == 0)
			waitpid(c, &st, 0);
	}
	int st;
	if (waitpid(-1, &st, WNOHANG) >= 0)
		leftover++;
}

// Spawns with depth bytes of this stack used first.
static void at_depth(size_t depth)
{
	volatile char *pad = alloca(depth + 1);
	pad[0] = 1;
	one("/nonexistent/prog", ENOENT);
	one(noexec, EACCES);
}

static ucontext_t main_ctx, spawn_ctx;

static void walk_depths(void)
{
	for (size_t d = 0; d < 6 * PAGE; d += 256)
		at_depth(d);
}

static void report(const char *where)
{
	printf("%s: %d spawns, wrong %d, children left %d\n", where, spawns, wrong, leftover);
	if (wrong)
		printf("  first wrong: %s\n", first_wrong);
	spawns = wrong = leftover = 0;
}

int main(void)
{
	int fd = open(noexec, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	close(fd);

	// STACK_PAGES of stack with an unmapped page right above them.
	char *m = mmap(NULL, (STACK_PAGES + 1) * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || munmap(m + STACK_PAGES * PAGE, PAGE) < 0) {
		printf("mmap: %s\n", ename(errno));
		return 1;
	}
	getcontext(&spawn_ctx);
	spawn_ctx.uc_stack.ss_sp = m;
	spawn_ctx.uc_stack.ss_size = STACK_PAGES * PAGE;
	spawn_ctx.uc_link = &main_ctx;
	makecontext(&spawn_ctx, walk_depths, 0);
	if (swapcontext(&main_ctx, &spawn_ctx) < 0)
		printf("swapcontext: %s\n", ename(errno));
	report("stack ending at an unmapped page");

	walk_depths();
	report("process stack");

	unlink(noexec);
	int st;
	printf("nothing left to reap: %s\n", YN(waitpid(-1, &st, WNOHANG) < 0 && errno == ECHILD));
	return 0;
}

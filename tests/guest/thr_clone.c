// thr_clone: raw clone(2) threads without libc's help: CLONE_PARENT_SETTID
// stores the new tid, the child runs on its own stack in our address space,
// CLONE_CHILD_CLEARTID zeroes the tid word and futex-wakes us when the child
// exits; CLONE_SETTLS gives the child its own %fs. Also set_tid_address.
#include "guest.h"
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

// long raw_clone(flags, stack, ptid, ctid, tls, fn, arg): the child calls
// fn(arg) then exit(2)s with its return value; the parent gets the tid.
__asm__(".text\n"
	".globl raw_clone\n"
	".hidden raw_clone\n"
	"raw_clone:\n"
	"mov 8(%rsp), %rax\n"
	"sub $16, %rsi\n"
	"mov %rax, 8(%rsi)\n"
	"mov %r9, 0(%rsi)\n"
	"mov %rcx, %r10\n"
	"mov $56, %eax\n"
	"syscall\n"
	"test %rax, %rax\n"
	"jnz 1f\n"
	"xor %ebp, %ebp\n"
	"pop %rax\n"
	"pop %rdi\n"
	"call *%rax\n"
	"mov %eax, %edi\n"
	"mov $60, %eax\n"
	"syscall\n"
	"hlt\n"
	"1: ret\n");
long raw_clone(unsigned long flags, void *stack, int *ptid, int *ctid, unsigned long tls, long (*fn)(void *), void *arg);

static long raw(long nr, long a)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "0"(nr), "D"(a) : "rcx", "r11", "memory");
	return ret;
}

static char stack1[65536] __attribute__((aligned(16)));
static char stack2[65536] __attribute__((aligned(16)));
static volatile long child_tid, child_value, child_fs_self;
static uintptr_t tls_block[16] __attribute__((aligned(64)));

// Runs in the child: no libc (it would share our TLS), only raw syscalls.
static long child(void *arg)
{
	child_tid = raw(SYS_gettid, 0);
	child_value = (long)arg * 2;
	return 0;
}

static long child_tls(void *arg)
{
	(void)arg;
	uintptr_t self;
	__asm__ volatile("mov %%fs:0, %0" : "=r"(self));
	child_fs_self = self;
	return 0;
}

static void wait_clear(volatile int *ctid)
{
	int v;
	while ((v = *ctid) != 0)
		syscall(SYS_futex, ctid, FUTEX_WAIT, v, NULL, NULL, 0);
}

int main(void)
{
	const unsigned long base = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
	static volatile int ctid;
	long tid = raw_clone(base | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID, stack1 + sizeof stack1, (int *)&ctid,
			     (int *)&ctid, 0, child, (void *)21);
	printf("clone returned a tid: %s\n", YN(tid > 0));
	wait_clear(&ctid);
	printf("CHILD_CLEARTID cleared and woke us: %s\n", YN(ctid == 0));
	printf("child saw its own tid == clone's result: %s, not our pid: %s\n", YN(child_tid == tid),
	       YN(child_tid != getpid()));
	printf("child computed: %ld\n", child_value);

	tls_block[0] = (uintptr_t)tls_block;
	ctid = 0;
	tid = raw_clone(base | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID, stack2 + sizeof stack2,
			(int *)&ctid, (int *)&ctid, (unsigned long)tls_block, child_tls, NULL);
	wait_clear(&ctid);
	printf("CLONE_SETTLS child's %%fs:0 is its TLS block: %s\n", YN(child_fs_self == (long)tls_block));
	uintptr_t ours;
	__asm__ volatile("mov %%fs:0, %0" : "=r"(ours));
	printf("our %%fs unchanged: %s\n", YN(ours == (uintptr_t)pthread_self()));

	static int dummy;
	printf("set_tid_address returns our tid: %s\n", YN(syscall(SYS_set_tid_address, &dummy) == gettid()));
	long r = raw_clone(CLONE_VM | CLONE_THREAD, stack1 + sizeof stack1, NULL, NULL, 0, child, NULL);
	printf("clone with CLONE_THREAD but no CLONE_SIGHAND: %s\n", r < 0 ? ename((int)-r) : "created");
	r = raw_clone(CLONE_SIGHAND, stack1 + sizeof stack1, NULL, NULL, 0, child, NULL);
	printf("clone with CLONE_SIGHAND but no CLONE_VM: %s\n", r < 0 ? ename((int)-r) : "created");
	return 0;
}

// id_prctl: prctl PR_SET_NAME/PR_GET_NAME (and /proc/self/comm following
// it, truncation to 15 chars), arch_prctl ARCH_GET_FS equal to the thread
// pointer, ARCH_SET_FS to our own block and back, ARCH_GET_GS zero.
#include "guest.h"
#include <asm/prctl.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static __thread int tls_var = 5;

static long raw_arch_prctl(long code, unsigned long addr)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "0"(158L), "D"(code), "S"(addr) : "rcx", "r11", "memory");
	return ret;
}

static void comm(void)
{
	char buf[64] = { 0 };
	int fd = open("/proc/self/comm", O_RDONLY);
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	printf("/proc/self/comm: %.*s", (int)(n > 0 ? n : 0), buf);
}

int main(void)
{
	char name[32] = { 0 };
	say("PR_GET_NAME", prctl(PR_GET_NAME, name));
	printf("initial name: %s\n", name);
	say("PR_SET_NAME", prctl(PR_SET_NAME, "bento-test"));
	prctl(PR_GET_NAME, name);
	printf("name: %s\n", name);
	comm();
	prctl(PR_SET_NAME, "a-very-long-thread-name-indeed");
	prctl(PR_GET_NAME, name);
	printf("long name truncated: %s (%zu chars)\n", name, strlen(name));
	printf("PR_GET_DUMPABLE is 0 or 1: %s\n", YN(prctl(PR_GET_DUMPABLE) == 0 || prctl(PR_GET_DUMPABLE) == 1));
	say("PR_SET_NO_NEW_PRIVS", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	printf("PR_GET_NO_NEW_PRIVS: %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	say("prctl bad option", prctl(0x7fffffff, 0, 0, 0, 0));

	unsigned long fs = 0, gs = 1;
	say("ARCH_GET_FS", syscall(SYS_arch_prctl, ARCH_GET_FS, &fs));
	printf("fs nonzero: %s, fs == pthread_self(): %s\n", YN(fs != 0), YN(fs == (unsigned long)pthread_self()));
	uintptr_t tv = (uintptr_t)&tls_var;
	printf("__thread variable just below fs: %s\n", YN(tv < fs && fs - tv < (1 << 20)));
	say("ARCH_GET_GS", syscall(SYS_arch_prctl, ARCH_GET_GS, &gs));
	printf("gs base zero: %s\n", YN(gs == 0));

	// Point %fs at our own block (no libc until restored), read it back.
	static uintptr_t block[8];
	block[0] = (uintptr_t)block;
	long set = raw_arch_prctl(ARCH_SET_FS, (unsigned long)block);
	uintptr_t self;
	__asm__ volatile("mov %%fs:0, %0" : "=r"(self));
	unsigned long got = 0;
	long get = raw_arch_prctl(ARCH_GET_FS, (unsigned long)&got);
	long restore = raw_arch_prctl(ARCH_SET_FS, fs);
	printf("ARCH_SET_FS: %ld, %%fs:0 reads our block: %s, ARCH_GET_FS agrees: %s, restored: %ld\n", set,
	       YN(self == (uintptr_t)block), YN(get == 0 && got == (unsigned long)block), restore);
	printf("tls after restore: %d\n", tls_var);
	say("arch_prctl bad code", syscall(SYS_arch_prctl, 0x9999, 0));
	return 0;
}

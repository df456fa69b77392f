// err_efault: system calls given bad pointers fail with EFAULT and the
// process keeps running: unmapped low addresses, kernel addresses, a
// PROT_NONE page, and a read-only page as a destination.
#include "guest.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

// Volatile, so the compiler cannot see (and reject) what we pass.
static void *volatile bad_ptr = (void *)1;
static void *volatile kernel_ptr = (void *)0xffff800000001000UL;
#define BAD (bad_ptr)
#define KERNEL (kernel_ptr)

int main(void)
{
	int fd = open("/etc/passwd", O_RDONLY);
	say("read into (void*)1", read(fd, BAD, 10));
	say("read into kernel address", read(fd, KERNEL, 10));
	say("write from (void*)1 to stdout", write(1, BAD, 10));
	say("stat into (void*)1", stat("/etc/passwd", BAD));
	say("open path (char*)1", open((char *)1, O_RDONLY));
	say("open path in kernel space", open(KERNEL, O_RDONLY));
	say("raw clock_gettime into (void*)1", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, BAD));
	say("raw gettimeofday into (void*)1", syscall(SYS_gettimeofday, BAD, NULL));
	say("pipe into (void*)1", syscall(SYS_pipe, BAD));
	say("uname into (void*)1", syscall(SYS_uname, BAD));
	say("raw getcwd into (void*)1", syscall(SYS_getcwd, BAD, 100));
	say("nanosleep with (void*)1", syscall(SYS_nanosleep, BAD, NULL));
	say("rt_sigaction with bad act", syscall(SYS_rt_sigaction, SIGUSR1, BAD, NULL, 8));
	say("writev with bad iovec array", writev(1, BAD, 1));
	struct iovec iov = { BAD, 5 };
	say("writev with bad iov_base", writev(1, &iov, 1));
	say("readlink into (void*)1", readlink("/proc/self/exe", BAD, 100));

	long pg = sysconf(_SC_PAGESIZE);
	char *none = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	say("read into a PROT_NONE page", read(fd, none, 10));
	say("write from a PROT_NONE page", write(1, none, 10));
	char *ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	say("read into a read-only page", read(fd, ro, 10));
	printf("read-only page untouched: %s\n", YN(ro[0] == 0));
	say("write from a read-only page", write(open("/dev/null", O_WRONLY), ro, 10));
	say("clock_gettime into a read-only page", syscall(SYS_clock_gettime, CLOCK_REALTIME, ro));
	char buf[16];
	ssize_t n = read(fd, buf, 5);
	printf("file offset unaffected, next read: %zd '%.5s'\n", n, buf);
	printf("still alive: yes\n");
	return 0;
}

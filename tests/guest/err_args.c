// err_args: ENOSYS for unknown system call numbers, EINVAL for invalid
// arguments to common calls, and the process continuing normally.
#include "guest.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	say("syscall(1000)", syscall(1000));
	say("syscall(100000)", syscall(100000));
	say("syscall(-1)", syscall(-1));
	errno = 0;
	void *m = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mmap length 0: %s\n", m == MAP_FAILED ? ename(errno) : "mapped");
	m = mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0);
	printf("mmap neither private nor shared: %s\n", m == MAP_FAILED ? ename(errno) : "mapped");
	m = mmap((void *)4097, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("mmap MAP_FIXED unaligned: %s\n", m == MAP_FAILED ? ename(errno) : "mapped");
	say("munmap unaligned", munmap((void *)4097, 4096));
	say("munmap length 0", munmap((void *)0x10000, 0));
	int fd = open("/etc/passwd", O_RDONLY);
	say("lseek whence 99", lseek(fd, 0, 99));
	struct timespec ts;
	say("clock_gettime clock 1234", clock_gettime(1234, &ts));
	say("kill signal 1234", kill(getpid(), 1234));
	say("sigaction SIGKILL", sigaction(SIGKILL, &(struct sigaction){ .sa_handler = SIG_IGN }, NULL));
	struct rlimit rl;
	say("getrlimit 999", getrlimit(999, &rl));
	say("socket family 12345", socket(12345, SOCK_STREAM, 0));
	say("socket bad type", socket(AF_UNIX, 12345, 0));
	say("fcntl bad cmd", fcntl(fd, 12345));
	say("openat bad flags combination", open("/tmp", O_RDONLY | O_TMPFILE | O_CREAT));
	say("pipe2 bad flags", pipe2((int[2]){ 0, 0 }, 0x1234));
	say("dup3 same fds", dup3(fd, fd, 0));
	printf("still running: yes\n");
	return 0;
}

// file_dup: dup/dup2/dup3 (shared offset, FD_CLOEXEC rules, same-fd cases),
// close, close_range (closing and CLOSE_RANGE_CLOEXEC) and EBADF/EINVAL.
#include "guest.h"
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <unistd.h>

#define F "/tmp/bento-gt-file_dup-file"

int main(void)
{
	unlink(F);
	int fd = open(F, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	write(fd, "abcdef", 6);
	lseek(fd, 0, SEEK_SET);
	int d = dup(fd);
	printf("dup gives a new fd: %s, without FD_CLOEXEC: %s\n", YN(d >= 0 && d != fd), YN(fcntl(d, F_GETFD) == 0));
	char c;
	read(d, &c, 1);
	printf("offset shared: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
	printf("dup2 to 60: %d\n", dup2(fd, 60));
	printf("dup2 copy without FD_CLOEXEC: %s\n", YN(fcntl(60, F_GETFD) == 0));
	printf("dup2 same fd returns it: %s\n", YN(dup2(fd, fd) == fd));
	int p[2];
	pipe(p);
	printf("dup2 over open fd 60: %d\n", dup2(p[0], 60));
	printf("60 is now the pipe: %s\n", YN((fcntl(60, F_GETFL) & O_ACCMODE) == O_RDONLY));
	printf("dup3 O_CLOEXEC to 61: %d\n", dup3(fd, 61, O_CLOEXEC));
	printf("dup3 copy has FD_CLOEXEC: %s\n", YN(fcntl(61, F_GETFD) == FD_CLOEXEC));
	say("dup3 same fd", dup3(fd, fd, 0));
	say("dup3 bad flags", dup3(fd, 62, 0x1234));
	say("dup2 to -1", dup2(1, -1));
	say("dup2 from bad fd", dup2(999, 62));
	say("dup2 same bad fd", dup2(999, 999));
	say("dup bad fd", dup(999));
	say("close", close(d));
	say("close again", close(d));
	say("close -1", close(-1));

	for (int i = 100; i <= 104; i++)
		dup2(fd, i);
	say("close_range 100-102", syscall(SYS_close_range, 100, 102, 0));
	printf("100-102 closed: %s, 103 open: %s\n",
	       YN(fcntl(100, F_GETFD) < 0 && fcntl(101, F_GETFD) < 0 && fcntl(102, F_GETFD) < 0),
	       YN(fcntl(103, F_GETFD) >= 0));
	say("close_range CLOEXEC 103-104", syscall(SYS_close_range, 103, 104, CLOSE_RANGE_CLOEXEC));
	printf("103 and 104 still open with FD_CLOEXEC: %s\n",
	       YN(fcntl(103, F_GETFD) == FD_CLOEXEC && fcntl(104, F_GETFD) == FD_CLOEXEC));
	say("close_range 103-~0U", syscall(SYS_close_range, 103, ~0U, 0));
	printf("103 closed: %s\n", YN(fcntl(103, F_GETFD) < 0));
	say("close_range first > last", syscall(SYS_close_range, 10, 5, 0));
	say("close_range bad flags", syscall(SYS_close_range, 100, 101, 0x1000));
	printf("stdout still works: yes\n");
	close(p[0]);
	close(p[1]);
	close(60);
	close(61);
	close(fd);
	say("unlink", unlink(F));
	return 0;
}

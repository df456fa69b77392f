// file_fcntl: F_DUPFD (lowest >= arg), F_DUPFD_CLOEXEC, F_GETFD/F_SETFD,
// F_GETFL/F_SETFL with O_APPEND and O_NONBLOCK (access mode unchangeable),
// F_GETPIPE_SZ, and errors for bad descriptors and commands.
#include "guest.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define F "/tmp/bento-gt-file_fcntl-file"

int main(void)
{
	unlink(F);
	int fd = open(F, O_RDWR | O_CREAT, 0600);
	write(fd, "abc", 3);
	int d = fcntl(fd, F_DUPFD, 50);
	printf("F_DUPFD 50 gives >= 50: %s\n", YN(d >= 50));
	printf("F_DUPFD copy has no FD_CLOEXEC: %s\n", YN(fcntl(d, F_GETFD) == 0));
	int d2 = fcntl(fd, F_DUPFD, 50);
	printf("second F_DUPFD 50 gives a higher one: %s\n", YN(d2 > d));
	int dc = fcntl(fd, F_DUPFD_CLOEXEC, 50);
	printf("F_DUPFD_CLOEXEC sets FD_CLOEXEC: %s\n", YN(fcntl(dc, F_GETFD) == FD_CLOEXEC));
	say("F_SETFD 0", fcntl(dc, F_SETFD, 0));
	printf("F_GETFD: %d\n", fcntl(dc, F_GETFD));
	say("F_SETFD FD_CLOEXEC", fcntl(fd, F_SETFD, FD_CLOEXEC));
	printf("F_GETFD: %d, dup unaffected: %d\n", fcntl(fd, F_GETFD), fcntl(d, F_GETFD));

	int fl = fcntl(fd, F_GETFL);
	printf("access mode O_RDWR: %s, O_APPEND: %s, O_NONBLOCK: %s\n", YN((fl & O_ACCMODE) == O_RDWR),
	       YN(fl & O_APPEND), YN(fl & O_NONBLOCK));
	say("F_SETFL O_APPEND|O_NONBLOCK|O_RDONLY", fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK | O_RDONLY));
	fl = fcntl(fd, F_GETFL);
	printf("access mode still O_RDWR: %s, O_APPEND: %s, O_NONBLOCK: %s\n", YN((fl & O_ACCMODE) == O_RDWR),
	       YN(fl & O_APPEND), YN(fl & O_NONBLOCK));
	fl = fcntl(d, F_GETFL);
	printf("status flags shared with dup: %s\n", YN((fl & O_APPEND) && (fl & O_NONBLOCK)));
	lseek(fd, 0, SEEK_SET);
	write(fd, "Z", 1);
	char buf[8] = { 0 };
	pread(fd, buf, 4, 0);
	printf("write with O_APPEND went to end: %s\n", buf);
	say("F_SETFL 0", fcntl(fd, F_SETFL, 0));
	printf("O_APPEND cleared: %s\n", YN(!(fcntl(fd, F_GETFL) & O_APPEND)));

	int p[2];
	pipe(p);
	printf("pipe read end mode O_RDONLY: %s\n", YN((fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY));
	printf("pipe write end mode O_WRONLY: %s\n", YN((fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY));
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	say("read empty non-blocking pipe", read(p[0], buf, 1));
	printf("F_GETPIPE_SZ >= 4096: %s\n", YN(fcntl(p[0], F_GETPIPE_SZ) >= 4096));

	say("F_GETFD bad fd", fcntl(999, F_GETFD));
	say("F_DUPFD negative", fcntl(fd, F_DUPFD, -1));
	say("unknown command", fcntl(fd, 9999));
	close(p[0]);
	close(p[1]);
	close(d);
	close(d2);
	close(dc);
	close(fd);
	say("unlink", unlink(F));
	return 0;
}

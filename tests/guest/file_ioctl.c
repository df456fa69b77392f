// file_ioctl: TCGETS/TIOCGWINSZ on non-terminals fail with ENOTTY, FIONREAD
// on a pipe and a regular file, FIONBIO, FIOCLEX/FIONCLEX, EBADF.
#include "guest.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#define F "/tmp/bento-gt-file_ioctl-file"

int main(void)
{
	struct termios t;
	int null = open("/dev/null", O_RDWR);
	say("TCGETS on /dev/null", ioctl(null, TCGETS, &t));
	errno = 0;
	int tty = isatty(null);
	printf("isatty(/dev/null): %d %s\n", tty, ename(errno));
	struct winsize ws;
	int p[2];
	pipe(p);
	say("TIOCGWINSZ on pipe", ioctl(p[0], TIOCGWINSZ, &ws));
	int n = -1;
	say("FIONREAD empty pipe", ioctl(p[0], FIONREAD, &n));
	printf("bytes: %d\n", n);
	write(p[1], "hello", 5);
	ioctl(p[0], FIONREAD, &n);
	printf("FIONREAD after write: %d\n", n);
	char buf[8];
	read(p[0], buf, 2);
	ioctl(p[0], FIONREAD, &n);
	printf("FIONREAD after reading 2: %d\n", n);
	int on = 1;
	say("FIONBIO on", ioctl(p[0], FIONBIO, &on));
	printf("O_NONBLOCK now set: %s\n", YN(fcntl(p[0], F_GETFL) & O_NONBLOCK));
	read(p[0], buf, 3);
	say("read empty non-blocking", read(p[0], buf, 1));
	say("FIOCLEX", ioctl(p[0], FIOCLEX));
	printf("FD_CLOEXEC: %d\n", fcntl(p[0], F_GETFD));
	say("FIONCLEX", ioctl(p[0], FIONCLEX));
	printf("FD_CLOEXEC: %d\n", fcntl(p[0], F_GETFD));

	unlink(F);
	int fd = open(F, O_RDWR | O_CREAT, 0600);
	write(fd, "0123456789", 10);
	lseek(fd, 3, SEEK_SET);
	n = -1;
	say("FIONREAD regular file", ioctl(fd, FIONREAD, &n));
	printf("bytes left: %d\n", n);
	say("TCGETS on regular file", ioctl(fd, TCGETS, &t));
	say("ioctl bad fd", ioctl(999, FIONREAD, &n));
	close(fd);
	close(p[0]);
	close(p[1]);
	close(null);
	say("unlink", unlink(F));
	return 0;
}

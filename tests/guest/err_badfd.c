// err_badfd: EBADF for descriptors that are closed, out of range, negative,
// or open in the wrong mode; ESPIPE for lseek on a pipe; O_PATH limits.
#include "guest.h"
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	char buf[8];
	struct stat st;
	say("read(999)", read(999, buf, 1));
	say("write(999)", write(999, "x", 1));
	say("close(-1)", close(-1));
	say("close(INT_MAX)", close(INT_MAX));
	say("fstat(12345)", fstat(12345, &st));
	say("dup2(1, -1)", dup2(1, -1));
	say("dup(-5)", dup(-5));
	say("lseek(999)", lseek(999, 0, SEEK_SET));
	say("fcntl(999, F_GETFL)", fcntl(999, F_GETFL));
	say("fsync(999)", fsync(999));
	say("ftruncate(999)", ftruncate(999, 0));
	int w = open("/dev/null", O_WRONLY);
	say("read from O_WRONLY", read(w, buf, 1));
	int r = open("/etc/passwd", O_RDONLY);
	say("write to O_RDONLY", write(r, "x", 1));
	say("ftruncate O_RDONLY", ftruncate(r, 0));
	int p[2];
	pipe(p);
	say("lseek on pipe", lseek(p[0], 0, SEEK_CUR));
	say("pread on pipe", pread(p[0], buf, 1, 0));
	say("write to pipe read end", write(p[0], "x", 1));
	int op = open("/etc/passwd", O_PATH);
	say("O_PATH open", op);
	say("read from O_PATH", read(op, buf, 1));
	say("fstat on O_PATH", fstat(op, &st));
	int dir = open("/etc", O_RDONLY | O_DIRECTORY);
	say("read from a directory", read(dir, buf, 1));
	close(r);
	say("read after close", read(r, buf, 1));
	return 0;
}

// raw_create PATH: tries to create host files and directories at PATH
// (outside every granted path) with raw open(O_CREAT), openat(O_CREAT),
// creat, mkdir, mknod (fifo), symlink and link. run.sh checks on the host
// that none of PATH, PATH.* exists afterwards.
#include "esc.h"
#include <fcntl.h>
#include <sys/stat.h>

static void wr(long fd)
{
	if (fd >= 0) {
		RAW3(SYS_write, fd, "escaped\n", 8);
		RAW1(SYS_close, fd);
	}
}

int main(int argc, char **argv)
{
	static char p[4096];
	if (argc < 2)
		return 2;
	const char *base = argv[1];
	long r;
	r = RAW3(SYS_open, base, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	report("open O_CREAT", r), wr(r);
	strcpy(p, base), strcat(p, ".openat");
	r = RAW4(SYS_openat, AT_FDCWD, p, O_CREAT | O_WRONLY | O_EXCL, 0644);
	report("openat O_CREAT", r), wr(r);
	strcpy(p, base), strcat(p, ".creat");
	r = RAW2(SYS_creat, p, 0644);
	report("creat", r), wr(r);
	strcpy(p, base), strcat(p, ".dir");
	report("mkdir", RAW2(SYS_mkdir, p, 0755));
	strcpy(p, base), strcat(p, ".fifo");
	report("mknod fifo", RAW3(SYS_mknod, p, S_IFIFO | 0644, 0));
	strcpy(p, base), strcat(p, ".sym");
	report("symlink", RAW2(SYS_symlink, "/etc/passwd", p));
	strcpy(p, base), strcat(p, ".link");
	report("link /etc/passwd", RAW2(SYS_link, "/etc/passwd", p));
	strcpy(p, base), strcat(p, ".tmp");
	r = RAW3(SYS_open, "/tmp", O_TMPFILE | O_RDWR, 0644);
	report("O_TMPFILE in /tmp", r);
	if (r >= 0) {
		static char fdpath[64];
		strcpy(fdpath, "/proc/self/fd/");
		char num[16], *q = num + sizeof(num) - 1;
		long v = r;
		*q = 0;
		do
			*--q = (char)('0' + v % 10);
		while (v /= 10);
		strcat(fdpath, q);
		report("linkat O_TMPFILE out", RAW5(SYS_linkat, AT_FDCWD, fdpath, AT_FDCWD, p, AT_SYMLINK_FOLLOW));
	}
	return 0;
}

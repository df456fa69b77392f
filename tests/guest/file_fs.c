// file_fs: umask semantics, statfs/fstatfs basic facts, truncate by path,
// fsync/fdatasync/sync on a /tmp file, and reading host files from /etc.
#include "guest.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define F "/tmp/bento-gt-file_fs-file"

int main(void)
{
	umask(027);
	printf("umask returns previous: %03o\n", umask(077));
	printf("umask now: %03o\n", umask(022));
	unlink(F);
	umask(077);
	int fd = open(F, O_RDWR | O_CREAT, 0666);
	struct stat st;
	fstat(fd, &st);
	printf("mode with umask 077: %o\n", st.st_mode & 0777);
	umask(022);

	struct statfs sf;
	say("statfs /tmp", statfs("/tmp", &sf));
	printf("/tmp f_type nonzero: %s, f_bsize > 0: %s\n", YN(sf.f_type != 0), YN(sf.f_bsize > 0));
	say("fstatfs", fstatfs(fd, &sf));
	printf("fstatfs f_type nonzero: %s, f_namelen >= 255: %s\n", YN(sf.f_type != 0), YN(sf.f_namelen >= 255));
	say("statfs /usr", statfs("/usr", &sf));
	printf("/usr f_type nonzero: %s\n", YN(sf.f_type != 0));
	say("statfs /proc", statfs("/proc", &sf));
	say("statfs missing", statfs("/tmp/bento-gt-file_fs-missing", &sf));
	say("fstatfs bad fd", fstatfs(999, &sf));

	write(fd, "0123456789", 10);
	say("fsync", fsync(fd));
	say("fdatasync", fdatasync(fd));
	sync();
	say("syncfs", syncfs(fd));
	say("truncate by path", truncate(F, 3));
	fstat(fd, &st);
	printf("size: %lld\n", (long long)st.st_size);
	say("truncate missing", truncate("/tmp/bento-gt-file_fs-missing", 3));
	say("truncate directory", truncate("/tmp", 3));
	close(fd);
	say("unlink", unlink(F));

	FILE *f = fopen("/etc/passwd", "r");
	char line[512] = { 0 };
	if (f && fgets(line, sizeof line, f))
		printf("/etc/passwd first line starts with root: %s\n", YN(strncmp(line, "root:", 5) == 0));
	if (f)
		fclose(f);
	f = fopen("/etc/hostname", "r");
	printf("/etc/hostname readable: %s\n", YN(f != NULL));
	if (f)
		fclose(f);
	return 0;
}

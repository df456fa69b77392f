// file_lock: advisory locks within one process: classic F_SETLK/F_GETLK
// (own locks never conflict), open file description locks (F_OFD_*) and
// flock() which do conflict between two opens of the same /tmp file.
#include "guest.h"
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#define F "/tmp/bento-gt-file_lock-file"

static const char *ltype(int t)
{
	return t == F_UNLCK ? "F_UNLCK" : t == F_RDLCK ? "F_RDLCK" : t == F_WRLCK ? "F_WRLCK" : "?";
}

int main(void)
{
	unlink(F);
	int a = open(F, O_RDWR | O_CREAT, 0600);
	int b = open(F, O_RDWR);
	write(a, "0123456789", 10);

	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 5 };
	say("F_SETLK write lock 0-4", fcntl(a, F_SETLK, &fl));
	struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
	say("F_GETLK", fcntl(b, F_GETLK, &q));
	printf("own classic lock does not conflict: %s\n", ltype(q.l_type));
	say("F_SETLK again from other fd", fcntl(b, F_SETLK, &fl));
	fl.l_type = F_UNLCK;
	say("F_SETLK unlock", fcntl(a, F_SETLK, &fl));
	fl.l_type = F_WRLCK;
	say("F_SETLK on O_RDONLY fd wants write", fcntl(open(F, O_RDONLY), F_SETLK, &fl));
	fl.l_type = 77;
	say("F_SETLK bad type", fcntl(a, F_SETLK, &fl));

	struct flock o = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 2, .l_len = 3 };
	say("F_OFD_SETLK write lock 2-4 on a", fcntl(a, F_OFD_SETLK, &o));
	struct flock g = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
	say("F_OFD_GETLK from b", fcntl(b, F_OFD_GETLK, &g));
	printf("conflict: %s start=%lld len=%lld pid=%d\n", ltype(g.l_type), (long long)g.l_start,
	       (long long)g.l_len, g.l_pid);
	struct flock w = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 4, .l_len = 1 };
	say("F_OFD_SETLK overlapping from b", fcntl(b, F_OFD_SETLK, &w));
	w.l_start = 5;
	say("F_OFD_SETLK non-overlapping from b", fcntl(b, F_OFD_SETLK, &w));
	o.l_type = F_UNLCK;
	say("F_OFD_SETLK unlock a", fcntl(a, F_OFD_SETLK, &o));
	w.l_start = 4;
	say("F_OFD_SETLK from b now", fcntl(b, F_OFD_SETLK, &w));
	struct flock bad = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_pid = 1 };
	say("F_OFD_SETLK with l_pid set", fcntl(b, F_OFD_SETLK, &bad));

	say("flock LOCK_EX on a", flock(a, LOCK_EX));
	say("flock LOCK_EX|LOCK_NB on b", flock(b, LOCK_EX | LOCK_NB));
	say("flock LOCK_SH|LOCK_NB on b", flock(b, LOCK_SH | LOCK_NB));
	say("flock LOCK_EX on dup of a", flock(dup(a), LOCK_EX | LOCK_NB));
	say("flock LOCK_UN on a", flock(a, LOCK_UN));
	say("flock LOCK_SH|LOCK_NB on b", flock(b, LOCK_SH | LOCK_NB));
	say("flock LOCK_SH|LOCK_NB on a", flock(a, LOCK_SH | LOCK_NB));
	say("flock bad operation", flock(a, 0));
	say("flock bad fd", flock(999, LOCK_SH));
	close(a);
	close(b);
	say("unlink", unlink(F));
	return 0;
}

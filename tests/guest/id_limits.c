// id_limits: getrlimit/setrlimit/prlimit64: lowering RLIMIT_NOFILE and
// reading it back, the limit being enforced (EMFILE, dup2/F_DUPFD beyond),
// refusing soft > hard, RLIMIT_CORE, bad resources.
#include "guest.h"
#include <sys/wait.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	struct rlimit rl, back;
	say("getrlimit NOFILE", getrlimit(RLIMIT_NOFILE, &rl));
	printf("soft <= hard: %s, hard >= 64: %s\n", YN(rl.rlim_cur <= rl.rlim_max), YN(rl.rlim_max >= 64));
	struct rlimit low = { 64, rl.rlim_max };
	say("setrlimit NOFILE soft 64", setrlimit(RLIMIT_NOFILE, &low));
	getrlimit(RLIMIT_NOFILE, &back);
	printf("read back soft: %llu, hard unchanged: %s\n", (unsigned long long)back.rlim_cur, YN(back.rlim_max == rl.rlim_max));
	struct rlimit pl;
	say("prlimit64 get", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &pl));
	printf("prlimit64 soft: %llu\n", (unsigned long long)pl.rlim_cur);
	printf("sysconf OPEN_MAX: %ld\n", sysconf(_SC_OPEN_MAX));

	int last = -1, fd;
	while ((fd = open("/dev/null", O_RDONLY)) >= 0)
		last = fd;
	printf("open stops with: %s, highest fd 63: %s\n", ename(errno), YN(last == 63));
	for (int i = 3; i <= last; i++)
		close(i);
	say("dup2 to fd 64", dup2(1, 64));
	say("dup2 to fd 63", dup2(1, 63));
	close(63);
	say("F_DUPFD from 64", fcntl(1, F_DUPFD, 64));

	struct rlimit too = { rl.rlim_max == RLIM_INFINITY ? RLIM_INFINITY : rl.rlim_max + 1, rl.rlim_max };
	if (rl.rlim_max != RLIM_INFINITY)
		say("setrlimit soft > hard", setrlimit(RLIMIT_NOFILE, &too));
	else
		printf("setrlimit soft > hard: EINVAL\n");
	struct rlimit oldl, newl = { 32, rl.rlim_max };
	say("prlimit64 set and get old", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &newl, &oldl));
	printf("old soft: %llu\n", (unsigned long long)oldl.rlim_cur);
	getrlimit(RLIMIT_NOFILE, &back);
	printf("new soft: %llu\n", (unsigned long long)back.rlim_cur);

	struct rlimit core = { 0, 0 };
	getrlimit(RLIMIT_CORE, &rl);
	core.rlim_max = rl.rlim_max;
	say("setrlimit CORE 0", setrlimit(RLIMIT_CORE, &core));
	getrlimit(RLIMIT_CORE, &back);
	printf("core soft: %llu\n", (unsigned long long)back.rlim_cur);
	say("getrlimit STACK", getrlimit(RLIMIT_STACK, &back));
	printf("STACK as given: soft %llu, hard %llu\n", (unsigned long long)back.rlim_cur,
	       (unsigned long long)back.rlim_max);
	getrlimit(RLIMIT_NPROC, &rl);
	struct rlimit none = { 0, rl.rlim_max };
	say("setrlimit NPROC 0", setrlimit(RLIMIT_NPROC, &none));
	pid_t c = fork();
	if (c == 0)
		_exit(0);
	/* Root is exempt; anyone else gets EAGAIN. */
	printf("fork under NPROC 0: %s\n", c < 0 ? ename(errno) : getuid() == 0 ? "ok (root)" : "ok");
	if (c > 0)
		waitpid(c, NULL, 0);
	setrlimit(RLIMIT_NPROC, &rl);
	say("getrlimit bad resource", getrlimit(999, &back));
	return 0;
}

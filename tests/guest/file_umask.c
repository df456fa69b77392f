// file_umask: the umask given to the program applies to every kind of
// creation (and only it: no second mask on top); O_CREAT of "name/".
#include "guest.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define D "/tmp/bento-gt-file_umask-d"

static void mode_of(const char *what, const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		printf("%s: %s\n", what, ename(errno));
	else
		printf("%s: %o\n", what, st.st_mode & 07777);
}

int main(void)
{
	mode_t start = umask(0);
	printf("umask at start: %o\n", start);
	rm_tree(D);
	mkdir(D, 0777);
	const mode_t masks[] = { 002, 077, 0 };
	for (int i = 0; i < 3; i++) {
		char p[128];
		umask(masks[i]);
		printf("-- umask %03o\n", masks[i]);
		snprintf(p, sizeof p, D "/dir%d", i);
		mkdir(p, 0777);
		mode_of("mkdir 0777", p);
		snprintf(p, sizeof p, D "/file%d", i);
		close(open(p, O_CREAT | O_WRONLY, 0666));
		mode_of("open O_CREAT 0666", p);
		snprintf(p, sizeof p, D "/fifo%d", i);
		mkfifo(p, 0666);
		mode_of("mkfifo 0666", p);
	}
	say("open O_CREAT of missing \"name/\"", open(D "/none/", O_CREAT | O_WRONLY, 0644));
	say("open O_CREAT of existing dir \"dir0/\"", open(D "/dir0/", O_CREAT | O_WRONLY, 0644));
	say("open O_CREAT of \"file0/\"", open(D "/file0/", O_CREAT | O_WRONLY, 0644));
	say("open O_CREAT of \"missing/name/\"", open(D "/missing/name/", O_CREAT | O_WRONLY, 0644));
	say("open of missing \"name/\" without O_CREAT", open(D "/none/", O_RDONLY));
	rm_tree(D);
	return 0;
}

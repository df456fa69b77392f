// raw_exec PROGRAM MARKER: raw execve(PROGRAM, {"touch", MARKER}) where
// PROGRAM is a host binary (/usr/bin/touch, or a copy of it outside every
// granted path) and MARKER a host path outside every granted path; then
// raw execveat of the same. run.sh checks that MARKER does not exist.
#include "esc.h"
#include <fcntl.h>

int main(int argc, char **argv, char **envp)
{
	if (argc < 3)
		return 2;
	char *args[] = { "touch", argv[2], NULL };
	report("execve", RAW3(SYS_execve, argv[1], args, envp));
	report("execveat", RAW5(SYS_execveat, AT_FDCWD, argv[1], args, envp, 0));
	return 0;
}

// raw_kill PID: raw kill(PID, SIGTERM), tgkill(PID, PID, SIGTERM) and
// tkill(PID, SIGTERM) at a host process run.sh started outside bento, then
// kill(-1, SIGKILL), and last kill(1, SIGKILL) (pid 1 is the guest itself
// inside bento, so this ends it). run.sh checks that the host process, and
// run.sh itself, are still alive. Never run it natively: kill(-1, SIGKILL)
// would end every process of the uid.
#include "esc.h"
#include <signal.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	long pid = atol(argv[1]);
	report("kill PID SIGTERM", RAW2(SYS_kill, pid, SIGTERM));
	report("tgkill PID SIGTERM", RAW3(SYS_tgkill, pid, pid, SIGTERM));
	report("tkill PID SIGTERM", RAW2(SYS_tkill, pid, SIGTERM));
	report("kill -PID SIGTERM", RAW2(SYS_kill, -pid, SIGTERM));
	report("kill -1 SIGKILL", RAW2(SYS_kill, -1, SIGKILL));
	report("kill 1 SIGKILL", RAW2(SYS_kill, 1, SIGKILL));
	out("survived kill 1\n");
	return 0;
}

// raw_ptrace PID...: raw ptrace(PTRACE_ATTACH) and ptrace(PTRACE_SEIZE) on
// each host PID (the bento supervisor, a sleeper run.sh started), and
// process_vm_readv on it; then prints "done" and waits for a line on
// stdin, so that run.sh can look at /proc/PID/status (TracerPid) while the
// would-be tracer is still alive.
#include "esc.h"
#include <sys/ptrace.h>
#include <sys/uio.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		long pid = atol(argv[i]);
		report("ptrace ATTACH", RAW4(SYS_ptrace, PTRACE_ATTACH, pid, 0, 0));
		report("ptrace SEIZE", RAW4(SYS_ptrace, PTRACE_SEIZE, pid, 0, 0));
		char buf[16];
		struct iovec l = { buf, sizeof(buf) }, r = { (void *)0x400000, sizeof(buf) };
		report("process_vm_readv", raw6(SYS_process_vm_readv, pid, (long)&l, 1, (long)&r, 1, 0));
	}
	out("done\n");
	char line[16];
	read_line(line, sizeof(line));
	return 0;
}

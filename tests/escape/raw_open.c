// raw_open PATH...: tries to open each host PATH (outside every granted
// path) for reading with raw open, openat, openat2 (also without any
// RESOLVE_ flag), and openat relative to every descriptor number 3..1023
// with enough "../" to climb to the host's root; whatever opens is copied
// to stdout. run.sh checks that the secret's content never appears.
#include "esc.h"
#include <fcntl.h>

struct how {
	uint64_t flags, mode, resolve;
};

static void try_fd(const char *label, long fd)
{
	report(label, fd);
	if (fd >= 0)
		dump_fd(fd);
}

int main(int argc, char **argv)
{
	static char rel[4096];
	for (int i = 1; i < argc; i++) {
		const char *p = argv[i];
		struct how how = { O_RDONLY, 0, 0 };
		try_fd("open", RAW2(SYS_open, p, O_RDONLY));
		try_fd("openat", RAW4(SYS_openat, AT_FDCWD, p, O_RDONLY, 0));
		try_fd("openat2", RAW4(SYS_openat2, AT_FDCWD, p, &how, sizeof(how)));
		try_fd("open O_PATH", RAW2(SYS_open, p, O_PATH));
		strcpy(rel, "../../../../../../../../../../../../../../../..");
		strncat(rel, p, sizeof(rel) - strlen(rel) - 1);
		long opened = 0;
		for (int fd = 3; fd < 1024; fd++) {
			long r = RAW4(SYS_openat, fd, rel, O_RDONLY, 0);
			if (r == -9 /* EBADF */ || r == -20 /* ENOTDIR */)
				continue;
			report("openat(fd, ../..PATH) fd", fd);
			try_fd("  result", r);
			opened++;
		}
		report("openat(fd, ../..PATH): descriptors that did not say EBADF", opened);
	}
	return 0;
}

// raw_mount DIR...: raw mount("none", DIR, "tmpfs") over each DIR (host
// paths and guest paths), umount2 of the guest's /t, chroot, pivot_root,
// unshare(CLONE_NEWNS|CLONE_NEWUSER) and a new-API fsopen. run.sh checks
// that the host's /proc/self/mountinfo did not change.
#include "esc.h"
#include <sched.h>
#include <sys/mount.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		report("mount tmpfs", RAW5(SYS_mount, "none", argv[i], "tmpfs", 0, 0));
	report("mount bind / on /t", RAW5(SYS_mount, "/", "/t", 0, MS_BIND | MS_REC, 0));
	report("umount2 /t", RAW2(SYS_umount2, "/t", MNT_DETACH));
	report("unshare NEWNS|NEWUSER", RAW1(SYS_unshare, CLONE_NEWNS | CLONE_NEWUSER));
	report("fsopen tmpfs", RAW2(SYS_fsopen, "tmpfs", 0));
	report("pivot_root", RAW2(SYS_pivot_root, "/t", "/t"));
	report("chroot /t", RAW1(SYS_chroot, "/t"));
	return 0;
}

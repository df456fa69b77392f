/* procfs.c — bento's /proc (placeholder until the proc files land). */
#include "kernel/kernel.h"

int vfs_mount_procfs(const char *guest_path)
{
	return vfs_mount_tmpfs(guest_path);
}

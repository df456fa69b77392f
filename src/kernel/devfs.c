/* devfs.c — bento's /dev (placeholder until the device files land). */
#include "kernel/kernel.h"

int vfs_mount_devfs(const char *guest_path)
{
	return vfs_mount_tmpfs(guest_path);
}

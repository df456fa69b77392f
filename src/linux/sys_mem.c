/* sys_mem.c — memory system calls. */
#include "linux/shim.h"

SYSCALL(mmap)
{
	return vm_mmap((uintptr_t)a0, (size_t)a1, (int)a2, (int)a3, (int)a4, (uint64_t)a5);
}

SYSCALL(munmap)
{
	return vm_munmap((uintptr_t)a0, (size_t)a1);
}

SYSCALL(mprotect)
{
	return vm_mprotect((uintptr_t)a0, (size_t)a1, (int)a2);
}

SYSCALL(mremap)
{
	return vm_mremap((uintptr_t)a0, (size_t)a1, (size_t)a2, (int)a3, (uintptr_t)a4);
}

SYSCALL(madvise)
{
	return vm_madvise((uintptr_t)a0, (size_t)a1, (int)a2);
}

SYSCALL(msync)
{
	return vm_msync((uintptr_t)a0, (size_t)a1, (int)a2);
}

SYSCALL(brk)
{
	return vm_brk((uintptr_t)a0);
}

/* Residency: report every page resident (bento does not track it). */
SYSCALL(mincore)
{
	if (a0 & 4095)
		return -EINVAL;
	if (!vm_guest_range_ok((uintptr_t)a0, (size_t)a1) || !vm_is_mapped((uintptr_t)a0, (size_t)a1))
		return -ENOMEM;
	size_t pages = ((size_t)a1 + 4095) / 4096;
	uint8_t ones[256];
	memset(ones, 1, sizeof(ones));
	for (size_t done = 0; done < pages;) {
		size_t n = pages - done < sizeof(ones) ? pages - done : sizeof(ones);
		if (copy_out((char *)a2 + done, ones, n) < 0)
			return -EFAULT;
		done += n;
	}
	return 0;
}

SYSCALL(mlock)
{
	return vm_guest_range_ok((uintptr_t)a0, (size_t)a1) ? 0 : -ENOMEM;
}

SYSCALL(munlock)
{
	return vm_guest_range_ok((uintptr_t)a0, (size_t)a1) ? 0 : -ENOMEM;
}

SYSCALL(membarrier)
{
	if (a0 == 0) /* MEMBARRIER_CMD_QUERY */
		return 0;
	return -EINVAL;
}

SYSCALL(shmget)
{
	return sysv_shmget((int)a0, (size_t)a1, (int)a2);
}

SYSCALL(shmat)
{
	return sysv_shmat((int)a0, (uintptr_t)a1, (int)a2);
}

SYSCALL(shmdt)
{
	return sysv_shmdt((uintptr_t)a0);
}

SYSCALL(shmctl)
{
	char buf[112];
	int cmd = (int)a1 & 0xff; /* IPC_64 may be or'ed in */
	if (cmd == 1 && copy_in(buf, (void *)a2, sizeof(buf)) < 0)
		return -EFAULT;
	int r = sysv_shmctl((int)a0, cmd, buf);
	if (r == 0 && cmd == 2 && copy_out((void *)a2, buf, sizeof(buf)) < 0)
		return -EFAULT;
	return r;
}

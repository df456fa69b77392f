/* uts.c — the sandbox's host and domain names. The sandbox is its own
 * UTS namespace: the names start as K_UTS_NODENAME and K_UTS_DOMAIN, a
 * guest with uid 0 may change them (sethostname, setdomainname), and
 * every process of the sandbox sees the change (uname, /proc/sys/kernel).
 * The host's names are never read or changed. */
#include "kernel/kernel.h"

struct uts_names {
	struct spinlock lock;
	char name[2][K_UTS_LEN + 1]; /* UTS_HOST, UTS_DOMAIN */
};

static struct uts_names *uts;

int uts_init(void)
{
	uts = shm_zalloc(sizeof(*uts));
	if (!uts)
		return -ENOMEM;
	strlcpy(uts->name[UTS_HOST], K_UTS_NODENAME, sizeof(uts->name[0]));
	strlcpy(uts->name[UTS_DOMAIN], K_UTS_DOMAIN, sizeof(uts->name[0]));
	return 0;
}

void uts_get(int which, char out[K_UTS_LEN + 1])
{
	spin_lock(&uts->lock);
	memcpy(out, uts->name[which], K_UTS_LEN + 1);
	spin_unlock(&uts->lock);
}

/* In Linux's order: EPERM unless the caller's effective uid is 0 (root
 * of the sandbox's namespace), then EINVAL for a length outside
 * 0..K_UTS_LEN, then EFAULT when name is NULL (the caller could not read
 * it). The name need not end in NUL; it may hold any bytes. */
int uts_set(int which, const char *name, long len)
{
	int ruid, euid, suid, rgid, egid, sgid;
	cred_get(&ruid, &euid, &suid, &rgid, &egid, &sgid);
	if (euid != 0)
		return -EPERM;
	if (len < 0 || len > K_UTS_LEN)
		return -EINVAL;
	if (!name)
		return -EFAULT;
	spin_lock(&uts->lock);
	memset(uts->name[which], 0, K_UTS_LEN + 1);
	memcpy(uts->name[which], name, (size_t)len);
	spin_unlock(&uts->lock);
	return 0;
}

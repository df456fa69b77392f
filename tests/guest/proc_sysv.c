// proc_sysv: System V shared memory within the sandbox: shmget(IPC_PRIVATE)
// and shmat in the parent, inherited by a forked child (writes seen both
// ways), shmctl IPC_STAT (size, mode, attach count, creator pid), a key
// made with a fixed number found again by another process with shmget,
// IPC_CREAT|IPC_EXCL on an existing key (EEXIST), IPC_RMID then the last
// shmdt, shmat of a removed id (EINVAL), shmdt of a non-attached address.
#include "guest.h"
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

int main(void)
{
	int id = shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);
	if (id < 0) {
		printf("shmget: %s\n", ename(errno));
		return 1;
	}
	char *m = shmat(id, NULL, 0);
	if (m == (void *)-1) {
		printf("shmat: %s\n", ename(errno));
		shmctl(id, IPC_RMID, NULL);
		return 1;
	}
	printf("shmget/shmat: ok, zero-filled: %s\n", YN(m[0] == 0 && m[8191] == 0));
	struct shmid_ds ds;
	shmctl(id, IPC_STAT, &ds);
	printf("IPC_STAT: size %zu, mode %o, nattch %lu, cpid is me %s\n", ds.shm_segsz, ds.shm_perm.mode & 0777,
	       (unsigned long)ds.shm_nattch, YN(ds.shm_cpid == getpid()));
	strcpy(m, "parent");
	pid_t c = fork();
	if (c == 0) {
		struct shmid_ds d2;
		shmctl(id, IPC_STAT, &d2);
		printf("child: sees '%s', nattch after fork %lu\n", m, (unsigned long)d2.shm_nattch);
		strcpy(m + 4096, "child");
		char *again = shmat(id, NULL, 0);
		printf("child: second attach sees the same: %s\n", YN(again != (void *)-1 && !strcmp(again + 4096, "child")));
		shmdt(again);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	printf("parent: sees the child's '%s'\n", m + 4096);
	shmctl(id, IPC_STAT, &ds);
	printf("nattch after the child exited: %lu\n", (unsigned long)ds.shm_nattch);

	// A keyed segment found by another process.
	key_t key = 0x62656e74; // "bent"
	int old = shmget(key, 0, 0);
	if (old >= 0)
		shmctl(old, IPC_RMID, NULL);
	int kid = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	say("shmget keyed IPC_CREAT|IPC_EXCL", kid);
	say("again IPC_CREAT|IPC_EXCL", shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600));
	c = fork();
	if (c == 0) {
		int k2 = shmget(key, 0, 0);
		char *km = shmat(k2, NULL, 0);
		printf("child: found the keyed segment: %s\n", YN(k2 == kid));
		if (km != (void *)-1)
			strcpy(km, "keyed by child");
		_exit(0);
	}
	waitpid(c, &st, 0);
	char *km = shmat(kid, NULL, SHM_RDONLY);
	printf("keyed segment: '%s'\n", km != (void *)-1 ? km : "(shmat failed)");
	shmdt(km);
	say("IPC_RMID keyed", shmctl(kid, IPC_RMID, NULL));
	say("shmget the removed key", shmget(key, 0, 0));

	// IPC_RMID while attached: the memory stays until the last detach.
	say("IPC_RMID while attached", shmctl(id, IPC_RMID, NULL));
	printf("still readable: '%s'\n", m);
	say("shmdt", shmdt(m));
	say("shmdt again", shmdt(m));
	void *r = shmat(id, NULL, 0);
	printf("shmat removed id: %s\n", r == (void *)-1 ? ename(errno) : "attached");
	say("shmget size 0 IPC_PRIVATE", shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600));
	return 0;
}

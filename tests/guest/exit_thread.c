// exit_thread: exit_group called from a non-main thread ends the whole
// process (main blocked in pause, another thread spinning) with status 5.
#include "guest.h"
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

static void *spinner(void *arg)
{
	(void)arg;
	for (;;)
		__asm__ volatile("" ::: "memory");
	return NULL;
}

static void *quitter(void *arg)
{
	(void)arg;
	usleep(20000);
	printf("thread calls exit_group(5)\n");
	fflush(stdout);
	syscall(SYS_exit_group, 5);
	return NULL;
}

int main(void)
{
	pthread_t a, b;
	printf("main waits in pause()\n");
	pthread_create(&a, NULL, spinner, NULL);
	pthread_create(&b, NULL, quitter, NULL);
	for (;;)
		pause();
}

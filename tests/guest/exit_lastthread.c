// exit_lastthread: main calls pthread_exit; the process lives on until the
// last thread returns, and then exits with status 0.
#include "guest.h"
#include <pthread.h>
#include <unistd.h>

static pthread_t main_thread;

static void *last(void *arg)
{
	(void)arg;
	usleep(30000);
	printf("last thread still running after main left\n");
	printf("joining the exited main thread: %s\n", ename(pthread_join(main_thread, NULL)));
	return NULL;
}

int main(void)
{
	main_thread = pthread_self();
	pthread_t t;
	printf("main calls pthread_exit\n");
	pthread_create(&t, NULL, last, NULL);
	pthread_exit(NULL);
}

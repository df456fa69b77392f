// exit_return: returning 42 from main is the exit status, after atexit
// handlers and destructors ran.
#include "guest.h"
#include <stdlib.h>

static void bye(void)
{
	printf("atexit handler ran\n");
}

__attribute__((destructor)) static void dtor(void)
{
	printf("destructor ran\n");
}

int main(void)
{
	atexit(bye);
	printf("returning 42 from main\n");
	return 42;
}

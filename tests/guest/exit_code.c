// exit_code: exit(3) runs atexit handlers in reverse order and flushes
// stdio; the runner sees status 3.
#include "guest.h"
#include <stdlib.h>

static void first(void)
{
	printf("atexit: registered first, runs last\n");
}

static void second(void)
{
	printf("atexit: registered second, runs first\n");
}

int main(void)
{
	atexit(first);
	atexit(second);
	setvbuf(stdout, NULL, _IOFBF, 4096); // fully buffered: exit() must flush
	printf("calling exit(3)\n");
	exit(3);
}

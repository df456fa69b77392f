// sys_sites_mt.c: sys_sites.c with its threads started first, so that
// every site is rewritten while four threads are running it.
#define THREADS_FIRST
#include "sys_sites.c"

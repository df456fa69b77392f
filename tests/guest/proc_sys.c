// proc_sys: system-wide /proc files: cpuinfo, meminfo, uptime, stat,
// version, loadavg, and /proc/self/auxv agreeing with getauxval.
#include "guest.h"
#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <unistd.h>

static char buf[1 << 20];

static ssize_t slurp(const char *path)
{
	return slurp_into(path, buf, sizeof buf);
}

int main(void)
{
	slurp("/proc/cpuinfo");
	int procs = 0;
	for (char *l = buf; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		procs += strncmp(l, "processor", 9) == 0;
	printf("cpuinfo processor lines >= 1: %s\n", YN(procs >= 1));

	slurp("/proc/meminfo");
	char *m = strstr(buf, "MemTotal:");
	printf("meminfo MemTotal > 0: %s\n", YN(m && strtoul(m + 9, NULL, 10) > 0));
	printf("meminfo has MemFree: %s\n", YN(strstr(buf, "\nMemFree:") != NULL));

	slurp("/proc/uptime");
	double up, idle;
	printf("uptime parses as two numbers: %s\n", YN(sscanf(buf, "%lf %lf", &up, &idle) == 2 && up > 0));

	slurp("/proc/stat");
	printf("stat starts with \"cpu \": %s\n", YN(strncmp(buf, "cpu ", 4) == 0));
	slurp("/proc/version");
	printf("version starts with \"Linux version\": %s\n", YN(strncmp(buf, "Linux version", 13) == 0));
	slurp("/proc/loadavg");
	double l1, l5, l15;
	printf("loadavg parses: %s\n", YN(sscanf(buf, "%lf %lf %lf", &l1, &l5, &l15) == 3));

	ssize_t n = slurp("/proc/self/auxv");
	int pagesz = 0, entry = 0, random = 0, end = 0, agree = 1;
	for (Elf64_auxv_t *a = (void *)buf; (char *)(a + 1) <= buf + n; a++) {
		if (a->a_type == AT_NULL) {
			end = 1;
			break;
		}
		if (a->a_type == AT_PAGESZ)
			pagesz = a->a_un.a_val == 4096;
		if (a->a_type == AT_ENTRY)
			entry = a->a_un.a_val != 0;
		if (a->a_type == AT_RANDOM)
			random = a->a_un.a_val != 0;
		if (a->a_type == AT_PAGESZ || a->a_type == AT_ENTRY || a->a_type == AT_PHDR || a->a_type == AT_UID)
			agree &= getauxval(a->a_type) == a->a_un.a_val;
	}
	printf("auxv AT_PAGESZ=4096: %s, AT_ENTRY set: %s, AT_RANDOM set: %s, AT_NULL terminated: %s\n",
	       YN(pagesz), YN(entry), YN(random), YN(end));
	printf("auxv agrees with getauxval: %s\n", YN(agree));
	printf("getauxval(AT_PAGESZ): %lu\n", getauxval(AT_PAGESZ));
	return 0;
}

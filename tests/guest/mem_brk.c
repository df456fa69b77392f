// mem_brk: the program break: sbrk(0) agrees with raw brk(0), growing and
// shrinking with sbrk/brk, the new memory is usable and zeroed, and an
// impossible break is refused (raw brk returns the old break).
#include "guest.h"
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	printf("start\n"); // let stdio allocate its buffer before we look at the break
	char *b0 = sbrk(0);
	char *raw0 = (char *)syscall(SYS_brk, 0);
	int agree = b0 == raw0;
	char *old = sbrk(64 * 1024);
	int ret_old = old == b0;
	char *b1 = sbrk(0);
	int grew = b1 == b0 + 64 * 1024;
	int zero = 1;
	for (int i = 0; i < 64 * 1024; i++)
		zero &= b0[i] == 0;
	memset(b0, 'z', 64 * 1024);
	char *old2 = sbrk(-32 * 1024);
	int shrink_ret = old2 == b1;
	int shrunk = (char *)sbrk(0) == b0 + 32 * 1024;
	int brk_ok = brk(b0 + 1024 * 1024) == 0;
	int big = (char *)sbrk(0) == b0 + 1024 * 1024;
	memset(b0, 'y', 1024 * 1024);
	int usable = b0[1024 * 1024 - 1] == 'y';
	char *raw_bad = (char *)syscall(SYS_brk, (void *)0x7ffffffff000UL);
	int refused = raw_bad == b0 + 1024 * 1024;
	errno = 0;
	int bad = brk((void *)0x7ffffffff000UL);
	int bad_errno = errno;
	int back = brk(b0) == 0 && sbrk(0) == b0;

	printf("sbrk(0) == raw brk(0): %s\n", YN(agree));
	printf("break page-aligned or not, non-null: %s\n", YN(b0 != NULL));
	printf("sbrk returns old break: %s\n", YN(ret_old));
	printf("break grew by 64K: %s\n", YN(grew));
	printf("new memory zeroed: %s\n", YN(zero));
	printf("shrink returns old break: %s\n", YN(shrink_ret));
	printf("break shrank by 32K: %s\n", YN(shrunk));
	printf("brk to +1M ok: %s, at +1M: %s\n", YN(brk_ok), YN(big));
	printf("memory usable: %s\n", YN(usable));
	printf("raw brk to absurd address returns old break: %s\n", YN(refused));
	printf("brk to absurd address: %d %s\n", bad, ename(bad_errno));
	printf("brk back to start: %s\n", YN(back));
	return 0;
}

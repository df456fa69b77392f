/* exec.c — what execve resets before the new image is loaded. */
#include "linux/shim.h"

/* The FPU in its initial state, as a new image or a signal handler gets
 * it on Linux: x87 control word 0x37f, MXCSR 0x1f80, and every XSAVE
 * component marked "init" so the host's restore clears the registers. */
void exec_reset_fpu(struct cpu_regs *r)
{
	if (!r->fpstate || r->fpstate_size <= 520)
		return;
	char *fp = r->fpstate;
	uint16_t fcw = 0x37f;
	uint32_t mxcsr = 0x1f80;
	uint64_t zero = 0;
	memset(fp, 0, 24);
	memcpy(fp, &fcw, 2);
	memcpy(fp + 24, &mxcsr, 4);
	memcpy(fp + 512, &zero, 8); /* XSTATE_BV */
}

/* The calling thread leaves because another one exec'd. */
_Noreturn void thread_die_now(void)
{
	thread_exit_current();
	thread_leave();
}

void exec_reset(void)
{
	struct k_stack off = { 0, 2 /* SS_DISABLE */, 0 };
	thread_kill_others();
	fd_exec();
	sig_exec_reset();
	sig_altstack(&off, NULL, 0);
	vm_unmap_all();
}

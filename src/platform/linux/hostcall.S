/*
 * hostcall.S — bento's host system calls that need a function of their
 * own. They live in their own section so that the seccomp gate can allow
 * host calls from exactly this address range and trap everything else.
 * The HOST* macros (host.h) add one `syscall; jmp back` stub per call
 * site to the same section; nothing else in bento makes host calls.
 */
	.section hostcall_text, "ax", @progbits

/* long host_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
 * (tests/escape jumps to its syscall instruction) */
	.globl host_syscall
	.hidden host_syscall
	.type host_syscall, @function
host_syscall:
	mov %rdi, %rax
	mov %rsi, %rdi
	mov %rdx, %rsi
	mov %rcx, %rdx
	mov %r8, %r10
	mov %r9, %r8
	mov 8(%rsp), %r9
	syscall
	ret

/* long host_clone_thread(unsigned long flags, void *stack, int *ctid)
 * The child starts on stack, whose top holds fn and arg: it calls fn(arg)
 * and then exits the host thread. */
	.globl host_clone_thread
	.hidden host_clone_thread
	.type host_clone_thread, @function
host_clone_thread:
	mov %rdx, %r10          /* ctid */
	mov %rdi, %rdi          /* flags */
	/* rsi = stack */
	xor %edx, %edx          /* ptid */
	xor %r8d, %r8d          /* tls */
	mov $56, %eax           /* SYS_clone */
	syscall
	test %rax, %rax
	jnz 1f
	xor %ebp, %ebp
	pop %rax                /* fn */
	pop %rdi                /* arg */
	and $-16, %rsp
	call *%rax
	mov $60, %eax           /* SYS_exit: this thread only */
	xor %edi, %edi
	syscall
	hlt
1:	ret

/* Restorer for bento's own host signal handlers, and the way into guest
 * code: rt_sigreturn loads a complete register set at once. */
	.globl host_sigreturn
	.hidden host_sigreturn
	.type host_sigreturn, @function
host_sigreturn:
	mov $15, %eax
	syscall
	hlt

/* void host_enter_frame(void *frame_sp): switch to a prepared rt_sigframe
 * and let rt_sigreturn install the registers it holds. */
	.globl host_enter_frame
	.hidden host_enter_frame
	.type host_enter_frame, @function
host_enter_frame:
	mov %rdi, %rsp
	mov $15, %eax
	syscall
	hlt
	.globl hostcall_end_marker
hostcall_end_marker:
	.section .note.GNU-stack, "", @progbits

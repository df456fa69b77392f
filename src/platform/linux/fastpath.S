/*
 * fastpath.S — the way into bento from a rewritten system-call site.
 *
 * A rewritten site jumps to its trampoline (rewrite.c), which runs the
 * instructions moved there, steps over the guest's red zone and calls
 * fast_entry with the number in %rax, which switches to the thread's bento stack, builds
 * a struct cpu_regs, and calls fast_syscall in C. Registers the Linux
 * system-call ABI preserves are preserved (rcx and r11 are clobbered, as
 * the syscall instruction clobbers them), and so are the flags.
 *
 * fast_syscall answers 0 (done), 1 (see below) or 2: a number the fast
 * path does not take; the trampoline then jumps to the syscall
 * instruction itself, with every register as the guest left it, to trap.
 *
 * When signals must be delivered, the call's result is stashed and the
 * guest re-enters bento through a trapping syscall numbered
 * LINUX_DELIVER_NR, so delivery sees the complete state, FPU included.
 */
	.text
	.globl fast_entry
	.hidden fast_entry
	.type fast_entry, @function
fast_entry:
	movl $1, %gs:24                /* CPU_IN_BENTO: host signals only note */
	movl $0, %gs:56                /* CPU_NOTED */
	pushfq
	cld
	mov %rsp, %r11                 /* guest stack: [flags][return into trampoline] */
	mov %gs:48, %rsp               /* CPU_ALT_TOP */
	sub $160, %rsp                 /* struct cpu_regs */
	mov %r8, 0(%rsp)
	mov %r9, 8(%rsp)
	mov %r10, 16(%rsp)
	movq $0, 24(%rsp)              /* r11: clobbered by syscall */
	mov %r12, 32(%rsp)
	mov %r13, 40(%rsp)
	mov %r14, 48(%rsp)
	mov %r15, 56(%rsp)
	mov %rdi, 64(%rsp)
	mov %rsi, 72(%rsp)
	mov %rbp, 80(%rsp)
	mov %rbx, 88(%rsp)
	mov %rdx, 96(%rsp)
	mov %rax, 104(%rsp)
	movq $0, 112(%rsp)             /* rcx: clobbered by syscall */
	lea 144(%r11), %rcx            /* the guest's rsp at the site: flags, return, red zone */
	mov %rcx, 120(%rsp)
	mov 8(%r11), %rcx              /* return address into the trampoline */
	mov %rcx, 128(%rsp)
	mov (%r11), %rcx
	mov %rcx, 136(%rsp)            /* eflags */
	movq $0, 144(%rsp)             /* fpstate: none on the fast path */
	movq $0, 152(%rsp)
	mov %r11, %rbx                 /* keep the guest stack across the call */
	mov %rsp, %rdi
	call fast_syscall
	mov %rax, %rcx                 /* 1: deliver signals through the slow path */
	mov 0(%rsp), %r8
	mov 8(%rsp), %r9
	mov 16(%rsp), %r10
	mov 32(%rsp), %r12
	mov 40(%rsp), %r13
	mov 48(%rsp), %r14
	mov 56(%rsp), %r15
	mov 64(%rsp), %rdi
	mov 72(%rsp), %rsi
	mov 80(%rsp), %rbp
	mov 96(%rsp), %rdx
	mov 104(%rsp), %rax
	mov %rbx, %r11
	mov 88(%rsp), %rbx
	mov %r11, %rsp                 /* back on the guest stack */
	test %rcx, %rcx
	jnz 1f
	movl $0, %gs:24                /* from here on a signal may run a guest handler */
	cmpl $0, %gs:56                /* one was only noted since the last look: */
	jne 2f                         /* deliver it now, through the slow path */
	popfq
	ret
1:	cmp $2, %rcx                   /* 2: not a fast-path call; trap at S */
	jne 3f
	movl $0, %gs:24                /* the trap at S delivers what was noted */
	addq $13, 8(%rsp)              /* TAIL_SLOW: the trampoline's "jmp S" exit */
	popfq                          /* (the flags the add changed come back) */
	ret
2:	movl $1, %gs:24
	/* in_bento stays set up to the trap: a signal delivered here would
	 * run a guest handler whose own calls may replace the stash. */
3:	popfq
	lea 136(%rsp), %rsp            /* drop the return address and the red-zone step */
	mov $0x0be70000, %eax          /* LINUX_DELIVER_NR: traps into the slow path */
	syscall
	ud2
	.section .note.GNU-stack, "", @progbits

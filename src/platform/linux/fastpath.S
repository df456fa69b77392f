/*
 * fastpath.S — the way into bento from a rewritten system-call site.
 *
 * A rewritten site jumps to its trampoline (rewrite.c), which runs the
 * instructions moved there, steps over the guest's red zone and calls
 * fast_entry with the number in %rax. Registers the Linux system-call ABI
 * preserves are preserved (rcx and r11 are clobbered, as the syscall
 * instruction clobbers them), and so are the flags.
 *
 * (The trampoline answers getpid and gettid itself: rewrite.c, "The id
 * shortcut".) fast_entry switches to the thread's bento stack, builds a
 * struct cpu_regs (rip: S+2, read from the trampoline at R+TAIL_RESUME)
 * and calls linux_syscall_fast in C, which answers 0 (done),
 * 1 (see below) or 2: a number the fast path does not take; the
 * trampoline then jumps to the syscall instruction itself, with every
 * register as the guest left it, to trap. The struct records every
 * general register (cur_regs() is complete but for the FPU state), but
 * only what the C code may clobber is loaded back (and rbx, which holds
 * the guest stack across the call): rbp, r12-r15 are
 * callee-saved, and no call the fast path takes writes them (the calls
 * that install a context — rt_sigreturn, execve, clone — always trap).
 *
 * The flags: pushfq saves them on the guest stack (the cpu_regs eflags,
 * and what the two trapping exits popfq); the common exit restores them
 * without popfq (several ns here): OF through an add that overflows
 * exactly when OF was set, then sahf for SF ZF AF PF CF, and std when the
 * guest had DF set (the C code needs it clear). Nothing in between
 * changes the other flags (TF, AC, ID are never written by bento's code).
 *
 * When signals must be delivered, the call's result is stashed and the
 * guest re-enters bento through a trapping syscall numbered
 * LINUX_DELIVER_NR, so delivery sees the complete state, FPU included.
 */
/* struct plat_cpu offsets; host.h checks them against the struct. */
#define CPU_IN_BENTO 24
#define CPU_ALT_TOP 48
#define CPU_NOTED 56
	.text
	.globl fast_entry
	.hidden fast_entry
	.type fast_entry, @function
fast_entry:
	movl $1, %gs:CPU_IN_BENTO      /* host signals only note */
	movl $0, %gs:CPU_NOTED
	pushfq
	cld
	mov %rsp, %r11                 /* guest stack: [flags][return into trampoline] */
	mov %gs:CPU_ALT_TOP, %rsp
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
	mov 8(%r11), %rcx              /* return address R into the trampoline */
	mov 40(%rcx), %rcx             /* TAIL_RESUME: S+2, the call's rip */
	mov %rcx, 128(%rsp)
	mov (%r11), %rcx
	mov %rcx, 136(%rsp)            /* eflags */
	movq $0, 144(%rsp)             /* fpstate: none on the fast path */
	movq $0, 152(%rsp)
	mov %r11, %rbx                 /* keep the guest stack across the call */
	mov %rsp, %rdi
	call linux_syscall_fast
	mov %rax, %rcx                 /* 1: deliver signals through the slow path */
	mov 0(%rsp), %r8
	mov 8(%rsp), %r9
	mov 16(%rsp), %r10
	mov 64(%rsp), %rdi
	mov 72(%rsp), %rsi
	mov 96(%rsp), %rdx
	mov 104(%rsp), %rax
	mov %rbx, %r11
	mov 88(%rsp), %rbx
	mov %r11, %rsp                 /* back on the guest stack, at the flags */
	test %rcx, %rcx
	jnz 1f
	movl $0, %gs:CPU_IN_BENTO      /* from here on a signal may run a guest handler */
	cmpl $0, %gs:CPU_NOTED         /* one was only noted since the last look: */
	jne 2f                         /* deliver it now, through the slow path */
	mov %rax, %r11
	mov (%rsp), %rax               /* the guest's flags */
	test $0x400, %eax              /* DF */
	jz 4f
	std
4:	bt $11, %eax                   /* OF */
	setc %cl
	add $0x7f, %cl                 /* overflows (sets OF) iff cl is 1 */
	mov %al, %ah
	sahf                           /* SF ZF AF PF CF; OF and DF stay */
	mov %r11, %rax
	lea 8(%rsp), %rsp
	ret
1:	cmp $2, %rcx                   /* 2: not a fast-path call; trap at S */
	jne 3f
	movl $0, %gs:CPU_IN_BENTO      /* the trap at S delivers what was noted */
	addq $13, 8(%rsp)              /* TAIL_SLOW: the trampoline's "jmp S" exit */
	popfq                          /* (the flags the add changed come back) */
	ret
2:	movl $1, %gs:CPU_IN_BENTO
	/* in_bento stays set up to the trap: a signal delivered here would
	 * run a guest handler whose own calls may replace the stash. */
3:	popfq
	lea 136(%rsp), %rsp            /* drop the return address and the red-zone step */
	mov $0x0be70000, %eax          /* LINUX_DELIVER_NR: traps into the slow path */
	syscall
	ud2
	.section .note.GNU-stack, "", @progbits

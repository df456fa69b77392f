/*
 * uaccess.S — copies that may touch invalid guest memory. A fault inside
 * [uaccess_begin, uaccess_end) is turned by bento's SIGSEGV/SIGBUS handler
 * into a jump to uaccess_fault, which returns -EFAULT (14).
 */
	.text
	.globl uaccess_begin, uaccess_end, uaccess_fault
	.hidden uaccess_begin, uaccess_end, uaccess_fault

/* int plat_copy(void *dst, const void *src, size_t n) */
	.globl plat_copy
	.hidden plat_copy
	.type plat_copy, @function
/* The sizes system calls copy most (a sigset, an int, one byte) are
 * single moves: rep movsb takes a dozen cycles to start. A fault in a move
 * copies nothing, in rep movsb part; -EFAULT either way. */
uaccess_begin:
plat_copy:
	cmp $8, %rdx
	je 8f
	cmp $4, %rdx
	je 4f
	cmp $1, %rdx
	je 1f
	mov %rdx, %rcx
	rep movsb
	xor %eax, %eax
	ret
8:	mov (%rsi), %rax
	mov %rax, (%rdi)
	xor %eax, %eax
	ret
4:	mov (%rsi), %eax
	mov %eax, (%rdi)
	xor %eax, %eax
	ret
1:	movzbl (%rsi), %eax
	mov %al, (%rdi)
	xor %eax, %eax
	ret

/* long plat_copy_str(char *dst, const char *src, size_t max) */
	.globl plat_copy_str
	.hidden plat_copy_str
	.type plat_copy_str, @function
plat_copy_str:
	xor %eax, %eax
1:	cmp %rdx, %rax
	jae 3f
	movb (%rsi,%rax), %cl
	movb %cl, (%rdi,%rax)
	test %cl, %cl
	jz 2f
	inc %rax
	jmp 1b
2:	ret
3:	mov $-36, %rax          /* -ENAMETOOLONG */
	ret

/* int plat_atomic_cmpxchg32(uint32_t *addr, uint32_t expect, uint32_t desired, uint32_t *old) */
	.globl plat_atomic_cmpxchg32
	.hidden plat_atomic_cmpxchg32
	.type plat_atomic_cmpxchg32, @function
plat_atomic_cmpxchg32:
	mov %esi, %eax
	lock cmpxchg %edx, (%rdi)
	mov %eax, (%rcx)
	xor %eax, %eax
	ret
uaccess_end:
uaccess_fault:
	mov $-14, %rax
	ret
	.section .note.GNU-stack, "", @progbits

/* start.S — process entry of bento-sandbox. */
	.text
	.globl _start
	.type _start, @function
_start:
	xor %ebp, %ebp
	mov %rsp, %rdi                  /* argc, argv, envp, auxv */
	lea _DYNAMIC(%rip), %rsi
	lea __ehdr_start(%rip), %rdx    /* load base of this static-pie */
	and $-16, %rsp
	call sandbox_start
	hlt
	.section .note.GNU-stack, "", @progbits

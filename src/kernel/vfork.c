/* vfork.c — what a vfork child wrote to its parent's stack.
 *
 * A vfork child is a host fork, so its writes land in its own copy of the
 * memory. The parent must still see what the child wrote to the parent's
 * stack (glibc's posix_spawn reports exec errors this way: the child
 * stores the error in the parent's frame, then _exits). The child records
 * the area as it was at the fork and as it is when it leaves without
 * exec; the parent applies only the bytes the child changed, so nothing
 * the parent's other threads did meanwhile is undone.
 *
 * The area is whole pages from the one holding the parent's stack
 * pointer. Each page is recorded or not as a unit: a stack pointer near
 * the top of its mapping (posix_spawn called from main) must not lose the
 * mapped part of the area because the rest of it is unmapped. Only guest
 * pages that are writable count: the host may have bento's own memory
 * right above a guest stack, and that is never the guest's to change. */
#include "kernel/kernel.h"

#define VFORK_PAGES 5 /* at least 16 KiB above the stack pointer */
#define VFORK_SPAN (VFORK_PAGES * PAGE_SIZE)

struct vfork_copy {
	uintptr_t base;              /* first page of the area */
	int changed;                 /* after[] is set */
	uint8_t ok_before[VFORK_PAGES], ok_after[VFORK_PAGES];
	char before[VFORK_SPAN], after[VFORK_SPAN];
};

static int guest_writable(uintptr_t page)
{
	int prot = vm_prot_at(page);
	return prot >= 0 && (prot & K_PROT_WRITE);
}

static void snapshot(uintptr_t base, char *dst, uint8_t *ok)
{
	for (int i = 0; i < VFORK_PAGES; i++) {
		uintptr_t page = base + (uintptr_t)i * PAGE_SIZE;
		char *to = dst + (size_t)i * PAGE_SIZE;
		ok[i] = guest_writable(page) && copy_in(to, (const void *)page, PAGE_SIZE) == 0;
	}
}

/* In the child, right after the fork: the parent's stack as it was. */
void *vfork_copy_take(uintptr_t parent_sp)
{
	struct vfork_copy *c = shm_alloc(sizeof(*c));
	if (!c)
		return NULL;
	c->base = parent_sp & ~(PAGE_SIZE - 1);
	c->changed = 0;
	snapshot(c->base, c->before, c->ok_before);
	return c;
}

/* In the child, leaving without exec: the stack as the child left it. */
void vfork_copy_keep(void *copy)
{
	struct vfork_copy *c = copy;
	snapshot(c->base, c->after, c->ok_after);
	c->changed = 1;
}

/* In the parent, once the child has exec'd or exited: apply the child's
 * changes and free the record. */
void vfork_copy_apply(void *copy)
{
	struct vfork_copy *c = copy;
	for (int i = 0; c->changed && i < VFORK_PAGES; i++) {
		uintptr_t page = c->base + (uintptr_t)i * PAGE_SIZE;
		if (!c->ok_before[i] || !c->ok_after[i] || !guest_writable(page))
			continue;
		size_t off = (size_t)i * PAGE_SIZE;
		for (size_t j = off; j < off + PAGE_SIZE; j++)
			if (c->before[j] != c->after[j])
				copy_out((void *)(c->base + j), &c->after[j], 1);
	}
	shm_free(c);
}

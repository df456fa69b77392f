/* sys_event.c — eventfd, epoll, timerfd and signalfd: the guest's
 * structures in and out of the kernel's event files. */
#include "linux/shim.h"

/* Events returned per epoll_wait at most: every item of a set can be
 * ready at once, and a set holds at most one item per descriptor. */
#define EP_BATCH K_FD_MAX

SYSCALL(eventfd2)
{
	/* EFD_SEMAPHORE, EFD_NONBLOCK and EFD_CLOEXEC are the kernel's flags. */
	return eventfd_create((unsigned int)a0, (int)a1);
}

SYSCALL(eventfd)
{
	return eventfd_create((unsigned int)a0, 0);
}

/* ---- epoll ------------------------------------------------------------ */

SYSCALL(epoll_create1)
{
	return epollfd_create((int)a0); /* EPOLL_CLOEXEC is O_CLOEXEC */
}

SYSCALL(epoll_create)
{
	return (int)a0 <= 0 ? -EINVAL : epollfd_create(0);
}

SYSCALL(epoll_ctl)
{
	struct k_epoll_event kev;
	int op = (int)a1;
	if (op != K_EPOLL_CTL_DEL) {
		struct l_epoll_event lev;
		if (copy_in(&lev, (void *)a3, sizeof(lev)) < 0)
			return -EFAULT;
		kev.events = lev.events;
		kev.data = lev.data;
	}
	return epollfd_ctl((int)a0, op, (int)a2, op != K_EPOLL_CTL_DEL ? &kev : NULL);
}

static long wait_common(int epfd, long uevents, int maxevents, const struct b_timespec *timeout)
{
	if (maxevents <= 0 || maxevents > 0x7fffffff / (int)sizeof(struct l_epoll_event))
		return -EINVAL;
	int n = maxevents < EP_BATCH ? maxevents : EP_BATCH;
	struct k_epoll_event *kev = kmalloc(sizeof(*kev) * (size_t)n);
	struct l_epoll_event *lev = kmalloc(sizeof(*lev) * (size_t)n);
	long r = -ENOMEM;
	if (kev && lev) {
		r = epollfd_wait(epfd, kev, n, timeout);
		for (long i = 0; i < r; i++) {
			lev[i].events = kev[i].events;
			lev[i].data = kev[i].data;
		}
		if (r > 0 && copy_out((void *)uevents, lev, sizeof(*lev) * (size_t)r) < 0)
			r = -EFAULT;
	}
	kfree(kev);
	kfree(lev);
	return r;
}

/* Run the wait with the guest's temporary signal mask, as ppoll does: on
 * EINTR the old mask comes back only after the handler ran. */
static long wait_masked(int epfd, long uevents, int maxevents, const struct b_timespec *timeout,
			long uset, long setsize)
{
	uint64_t set, old = 0;
	if (uset) {
		if (setsize != 8)
			return -EINVAL;
		if (copy_in(&set, (void *)uset, 8) < 0)
			return -EFAULT;
		sig_procmask(2, &set, &old);
	}
	long r = wait_common(epfd, uevents, maxevents, timeout);
	if (uset) {
		finish_masked_wait(r, old);
	}
	return r;
}

static struct b_timespec ms_timeout(int ms)
{
	return (struct b_timespec){ ms / 1000, (int64_t)(ms % 1000) * 1000000 };
}

SYSCALL(epoll_wait)
{
	struct b_timespec ts = ms_timeout((int)a3);
	return wait_common((int)a0, a1, (int)a2, (int)a3 < 0 ? NULL : &ts);
}

SYSCALL(epoll_pwait)
{
	struct b_timespec ts = ms_timeout((int)a3);
	return wait_masked((int)a0, a1, (int)a2, (int)a3 < 0 ? NULL : &ts, a4, a5);
}

SYSCALL(epoll_pwait2)
{
	struct b_timespec ts;
	if (a3) {
		struct l_timespec lt;
		if (copy_in(&lt, (void *)a3, sizeof(lt)) < 0)
			return -EFAULT;
		if (lt.tv_sec < 0 || lt.tv_nsec < 0 || lt.tv_nsec >= 1000000000)
			return -EINVAL;
		ts = (struct b_timespec){ lt.tv_sec, lt.tv_nsec };
	}
	return wait_masked((int)a0, a1, (int)a2, a3 ? &ts : NULL, a4, a5);
}

/* ---- timerfd ---------------------------------------------------------- */

SYSCALL(timerfd_create)
{
	return timerfd_open((int)a0, (int)a1); /* TFD_* flags are O_* flags */
}

static void from_itimerspec(struct b_timespec k[2], const struct l_itimerspec *l)
{
	k[0] = (struct b_timespec){ l->it_interval.tv_sec, l->it_interval.tv_nsec };
	k[1] = (struct b_timespec){ l->it_value.tv_sec, l->it_value.tv_nsec };
}

static int put_itimerspec(long uptr, const struct b_timespec k[2])
{
	struct l_itimerspec l = { { k[0].sec, k[0].nsec }, { k[1].sec, k[1].nsec } };
	return copy_out((void *)uptr, &l, sizeof(l));
}

SYSCALL(timerfd_settime)
{
	struct l_itimerspec l;
	struct b_timespec newv[2], old[2];
	if (copy_in(&l, (void *)a2, sizeof(l)) < 0)
		return -EFAULT;
	from_itimerspec(newv, &l);
	int r = timerfd_set((int)a0, (int)a1, newv, a3 ? old : NULL);
	if (r == 0 && a3 && put_itimerspec(a3, old) < 0)
		return -EFAULT;
	return r;
}

SYSCALL(timerfd_gettime)
{
	struct b_timespec cur[2];
	int r = timerfd_get((int)a0, cur);
	if (r == 0 && put_itimerspec(a1, cur) < 0)
		return -EFAULT;
	return r;
}

/* ---- signalfd --------------------------------------------------------- */

static void encode_siginfo(const struct b_siginfo *in, void *rec)
{
	struct l_signalfd_siginfo s;
	memset(&s, 0, sizeof(s));
	s.ssi_signo = (uint32_t)in->signo;
	s.ssi_errno = in->errnum;
	s.ssi_code = in->code;
	s.ssi_pid = (uint32_t)in->pid;
	s.ssi_uid = (uint32_t)in->uid;
	int sig = in->signo;
	if (sig == 11 || sig == 7 || sig == 4 || sig == 8 || sig == 5) {
		s.ssi_addr = in->addr;
		s.ssi_trapno = (uint32_t)in->trapno;
	} else if (sig == 17) {
		s.ssi_status = in->status;
	} else if (in->code == -1 || in->code == -2) { /* SI_QUEUE, SI_TIMER */
		s.ssi_ptr = in->addr;
		s.ssi_int = (int32_t)in->addr;
	}
	memcpy(rec, &s, sizeof(s));
}

SYSCALL(signalfd4)
{
	uint64_t mask;
	if (a2 != 8)
		return -EINVAL;
	if (copy_in(&mask, (void *)a1, 8) < 0)
		return -EFAULT;
	return signalfd_create((int)a0, mask, (int)a3, sizeof(struct l_signalfd_siginfo), encode_siginfo);
}

SYSCALL(signalfd)
{
	return sys_signalfd4(a0, a1, a2, 0, 0, 0);
}

// sig_mask: sigprocmask blocking, sigpending, delivery on unblock, SIGKILL
// and SIGSTOP unblockable, standard signals coalescing while real-time ones
// queue, rt_sigtimedwait/sigwaitinfo taking a pending signal, timeouts,
// sigsuspend with the mask restored afterwards, rt_sigprocmask size check.
#include "guest.h"
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile int hits[65];

static void on_sig(int sig)
{
	hits[sig]++;
}

int main(void)
{
	sigset_t none, set, old, pend;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGUSR1, on_sig);
	signal(SIGUSR2, on_sig);
	signal(SIGRTMIN, on_sig);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGRTMIN);
	say("block SIGUSR1 and SIGRTMIN", sigprocmask(SIG_BLOCK, &set, &old));
	printf("old mask was empty: %s\n", YN(!sigismember(&old, SIGUSR1)));
	raise(SIGUSR1);
	raise(SIGUSR1);
	raise(SIGUSR1);
	raise(SIGRTMIN);
	raise(SIGRTMIN);
	raise(SIGRTMIN);
	printf("handled while blocked: %d\n", hits[SIGUSR1] + hits[SIGRTMIN]);
	sigpending(&pend);
	printf("pending SIGUSR1: %s, SIGRTMIN: %s, SIGUSR2: %s\n", YN(sigismember(&pend, SIGUSR1)),
	       YN(sigismember(&pend, SIGRTMIN)), YN(sigismember(&pend, SIGUSR2)));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	printf("after unblock: SIGUSR1 handled %d time(s), SIGRTMIN handled %d time(s)\n", hits[SIGUSR1], hits[SIGRTMIN]);
	sigpending(&pend);
	printf("nothing pending: %s\n", YN(!sigismember(&pend, SIGUSR1) && !sigismember(&pend, SIGRTMIN)));

	sigfillset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	sigprocmask(SIG_SETMASK, NULL, &old);
	printf("SIGKILL/SIGSTOP cannot be blocked: %s, SIGTERM blocked: %s\n",
	       YN(!sigismember(&old, SIGKILL) && !sigismember(&old, SIGSTOP)), YN(sigismember(&old, SIGTERM)));
	sigprocmask(SIG_SETMASK, &none, NULL);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR2);
	siginfo_t si;
	struct timespec ts = { 1, 0 };
	int s = sigtimedwait(&set, &si, &ts);
	printf("sigtimedwait took: %d si_signo=%d, handler ran: %d\n", s, si.si_signo, hits[SIGUSR2]);
	ts.tv_sec = 0;
	ts.tv_nsec = 20000000;
	say("sigtimedwait with nothing pending", sigtimedwait(&set, &si, &ts));
	raise(SIGUSR2);
	printf("sigwaitinfo: %d\n", sigwaitinfo(&set, &si));
	raise(SIGUSR2);
	int got = 0;
	int sw = sigwait(&set, &got);
	printf("sigwait: %d sig=%d\n", sw, got);
	say("raw rt_sigtimedwait zero timeout", syscall(SYS_rt_sigtimedwait, &set, NULL, &(struct timespec){ 0, 0 }, 8));

	raise(SIGUSR2);
	sigset_t wait_mask;
	sigemptyset(&wait_mask);
	int r = sigsuspend(&wait_mask);
	printf("sigsuspend: %d %s, handler ran: %d\n", r, ename(errno), hits[SIGUSR2]);
	sigprocmask(SIG_SETMASK, NULL, &old);
	printf("mask restored after sigsuspend (SIGUSR2 blocked): %s\n", YN(sigismember(&old, SIGUSR2)));
	sigprocmask(SIG_SETMASK, &none, NULL);

	say("rt_sigprocmask wrong sigsetsize", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4));
	say("sigprocmask bad how", sigprocmask(99, &set, NULL));
	return 0;
}

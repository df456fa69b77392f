// sig_basic: SA_SIGINFO handlers for signals sent by raise(), kill(getpid()),
// tgkill and sigqueue with the right siginfo (si_signo, si_code, si_pid,
// si_uid, si_value), synchronous delivery before the sender returns,
// SIG_IGN, old-action queries, and kill's errors.
#include "guest.h"
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile int got_sig, got_code, got_pid, got_uid, got_val, count;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_pid = si->si_pid;
	got_uid = si->si_uid;
	got_val = si->si_value.sival_int;
	count++;
}

static const char *code(int c)
{
	return c == SI_USER ? "SI_USER" : c == SI_TKILL ? "SI_TKILL" : c == SI_QUEUE ? "SI_QUEUE" : c == SI_KERNEL ? "SI_KERNEL" : "other";
}

static void show(const char *how)
{
	printf("%s: delivered=%d signo=%d code=%s pid_is_us=%s uid_is_us=%s\n", how, count, got_sig, code(got_code),
	       YN(got_pid == getpid()), YN((uid_t)got_uid == getuid()));
	count = 0;
}

int main(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	struct sigaction sa = { .sa_sigaction = on_sig, .sa_flags = SA_SIGINFO }, old;
	sigemptyset(&sa.sa_mask);
	say("sigaction SIGUSR1", sigaction(SIGUSR1, &sa, &old));
	printf("previous action was SIG_DFL: %s\n", YN(old.sa_handler == SIG_DFL));
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGRTMIN + 1, &sa, NULL);

	raise(SIGUSR1);
	show("raise(SIGUSR1)");
	kill(getpid(), SIGUSR1);
	show("kill(getpid(), SIGUSR1)");
	syscall(SYS_tgkill, getpid(), gettid(), SIGUSR2);
	show("tgkill(SIGUSR2)");
	syscall(SYS_tkill, gettid(), SIGUSR2);
	show("tkill(SIGUSR2)");
	union sigval v = { .sival_int = 1234 };
	sigqueue(getpid(), SIGRTMIN + 1, v);
	show("sigqueue(SIGRTMIN+1)");
	printf("sigqueue value: %d\n", got_val);

	sigaction(SIGUSR1, NULL, &old);
	printf("query returns our handler: %s, SA_SIGINFO: %s\n", YN(old.sa_sigaction == on_sig), YN(old.sa_flags & SA_SIGINFO));
	signal(SIGUSR1, SIG_IGN);
	raise(SIGUSR1);
	printf("ignored SIGUSR1 survived, handler runs: %d\n", count);
	sigaction(SIGUSR1, NULL, &old);
	printf("query returns SIG_IGN: %s\n", YN(old.sa_handler == SIG_IGN));

	say("kill(getpid(), 0)", kill(getpid(), 0));
	say("kill bad signal", kill(getpid(), 99));
	say("tgkill wrong tgid", syscall(SYS_tgkill, 999999, gettid(), SIGUSR2));
	say("sigaction SIGKILL", sigaction(SIGKILL, &sa, NULL));
	say("sigaction SIGSTOP", sigaction(SIGSTOP, &sa, NULL));
	say("sigaction signal 0", sigaction(0, &sa, NULL));
	say("sigaction signal 65", sigaction(65, &sa, NULL));
	say("query SIGKILL", sigaction(SIGKILL, NULL, &old));
	return 0;
}

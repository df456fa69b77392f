/* tty.c — job control on the sandbox's terminal: the foreground process
 * group is bento's (proc.c keeps it), so tcgetpgrp/tcsetpgrp and the
 * background-read rule are answered here rather than by the host, whose
 * terminal sees every sandbox process as one group. */
#include "kernel/kernel.h"

int tty_is_job_ioctl(unsigned long req)
{
	/* TIOCGPGRP TIOCSPGRP TIOCGSID TIOCSCTTY TIOCNOTTY */
	return req == 0x540F || req == 0x5410 || req == 0x5429 || req == 0x540E || req == 0x5422;
}

/* Is f a terminal? (TCGETS works on it.) */
static int is_terminal(struct file *f)
{
	char termios[64];
	return f->ops->ioctl && f->ops->ioctl(f, 0x5401, termios) == 0;
}

/* Job control on the terminal is the sandbox's own: its process groups
 * are not the host's. */
int tty_job_ioctl(struct file *f, unsigned long req, void *uarg)
{
	int v;
	if (!is_terminal(f))
		return -ENOTTY;
	switch (req) {
	case 0x540F: /* TIOCGPGRP */
	case 0x5429: /* TIOCGSID */
		v = req == 0x540F ? tty_get_pgrp() : tty_get_sid();
		return v < 0 ? v : copy_out(uarg, &v, sizeof(v));
	case 0x5410: /* TIOCSPGRP */
		if (copy_in(&v, uarg, sizeof(v)) < 0)
			return -EFAULT;
		return tty_set_pgrp(v);
	default: /* TIOCSCTTY, TIOCNOTTY: the terminal stays the session's */
		return 0;
	}
}

/* A background process reading its terminal gets SIGTTIN (EIO when it
 * ignores or blocks it), as the terminal driver does on Linux. */
long tty_background_read(struct file *f)
{
	if (tty_in_foreground() || !is_terminal(f))
		return 0;
	struct k_sigaction act;
	sig_action(21, NULL, &act);
	if (act.handler == 1 || (sig_get_mask() & (1ULL << 20)))
		return -EIO;
	struct b_siginfo info = { .signo = 21, .code = 0x80 };
	proc_kill(-proc_getpgid(0), 21, &info);
	return -EINTR;
}


/*
 * supervisor.h — the process that stays outside the sandbox: it forks the
 * sandbox, relays signals to it, enforces --timeout, collects its status,
 * and ends whatever the sandbox left behind.
 *
 * Signals: the supervisor does not install handlers; it keeps the relayed
 * signals (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH)
 * and SIGCHLD blocked and takes them synchronously with sigtimedwait(), so
 * there is no async-signal-safety to get wrong and the timeout is just the
 * wait's deadline.
 */
#ifndef BENTO_CLI_SUPERVISOR_H
#define BENTO_CLI_SUPERVISOR_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Makes the caller the reaper of its orphaned descendants (Linux "child
 * subreaper"), so that processes the sandbox leaves behind become its
 * children and supervisor_wait() can end them. Returns 0 or -1.
 */
int supervisor_become_subreaper(void);

/*
 * Blocks the relayed signals, SIGCHLD and SIGPIPE from now on, so that
 * none of them can end the caller: call it before making anything that
 * must be cleaned up when the sandbox is gone (the scratch directories).
 * A relayed signal that arrives before the fork stays pending and is
 * relayed to the child by supervisor_wait(). Remembers the mask it
 * replaced for supervisor_fork()'s child. Idempotent.
 */
void supervisor_hold_signals(void);

/*
 * Forks, as fork() returns. In the parent the signals of
 * supervisor_hold_signals() are (or stay) blocked for supervisor_wait();
 * in the child the signal mask is the one the caller had before holding,
 * so nothing is lost or changed for the program the child executes.
 * SIGCHLD gets its default disposition in both, since an inherited
 * SIG_IGN would make the kernel reap the child for us.
 */
pid_t supervisor_fork(void);

/*
 * Waits for child (from supervisor_fork()), relaying signals to it, and
 * kills it with SIGKILL once timeout seconds have passed (0: no timeout).
 * With end_orphans, afterwards kills and reaps every remaining child of
 * the caller (see supervisor_become_subreaper()). Returns the status bento
 * exits with: the child's exit status, 128+N when it was killed by signal
 * N, 124 when the timeout expired.
 */
int supervisor_wait(pid_t child, double timeout, bool end_orphans);

#endif

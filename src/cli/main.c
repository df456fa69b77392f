/*
 * main.c — bento's command line: `bento run [options] [--] PROGRAM ARGS`.
 *
 * The parent parses the options into a policy, opens the host descriptors
 * and stays as the supervisor; the child enters namespaces, confines
 * itself and executes bento-sandbox, which runs the guest. docs/cli.md is
 * the manual and the contract with bento-sandbox.
 *
 * Hidden test hooks (environment): BENTO_SANDBOX=PATH runs PATH instead of
 * the bento-sandbox next to bento; BENTO_PRINT_ARGV=1 prints the sandbox's
 * argv, one word a line, in place of executing it (after confinement, so it
 * shows what the sandbox would really get); BENTO_NO_NAMESPACES=1 creates
 * no namespaces, as on a host that refuses them all (so the tmpfs mounts are
 * host directories too); BENTO_NO_TMPFS=1 makes the tmpfs mounts host
 * directories even inside the namespaces, as on a kernel that refuses a
 * detached tmpfs; BENTO_DEBUG=1 reports skipped namespaces, a missing
 * Landlock and what each tmpfs mount is.
 */
#include "cli/cli.h"
#include "cli/confine.h"
#include "cli/landlock.h"
#include "cli/policy.h"
#include "cli/proc.h"
#include "cli/scratch.h"
#include "cli/supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

/* Everything `bento run` needs after parsing. */
struct run {
	struct policy policy;
	double timeout;		/* seconds; 0: none */
	char **prog;		/* the guest's argv, inside main's argv */
	char sandbox[PATH_MAX];	/* path of bento-sandbox */
	int sandbox_fd;		/* O_PATH, close-on-exec; -1 when absent */
	pid_t supervisor;	/* pid of the parent, for the child */
	int ruleset_fd;		/* the Landlock ruleset (supervise()); -1: none */
	int ruleset_abi;	/* its ABI version */
	int ruleset_ready;	/* read end: the supervisor added the rules */
	bool print_argv;	/* BENTO_PRINT_ARGV */
	bool namespaces;	/* not BENTO_NO_NAMESPACES */
	bool tmpfs;		/* not BENTO_NO_TMPFS */
	bool help;
};

static const char top_usage[] =
	"usage: bento COMMAND [ARGS...]\n"
	"\n"
	"commands:\n"
	"  run      run a program in a sandbox (see: bento run --help)\n";

static const char run_usage[] =
	"usage: bento run [options] [--] PROGRAM [ARGS...]\n"
	"\n"
	"Runs PROGRAM, a Linux x86-64 executable, in a sandbox. By default the\n"
	"guest sees the host's /usr, /bin, /sbin, /lib*, /etc read-only (without\n"
	"/etc/shadow and other secrets), a private /tmp, bento's own /dev and\n"
	"/proc, no network but a private loopback, and bento's environment.\n"
	"\n"
	"options:\n"
	"  --root DIR[:ro|rw]          host directory DIR is the guest's / instead\n"
	"  --mount HOST:GUEST[:ro|rw]  show host path HOST at GUEST (default ro)\n"
	"  --tmpfs PATH                a private in-memory file system at PATH\n"
	"  --env NAME=VALUE            set a variable in the guest's environment\n"
	"  --cwd DIR                   the guest's working directory (default /)\n"
	"  --net none|host             private loopback only (default), or the host's\n"
	"  --timeout SECONDS           kill the sandbox after SECONDS (suffix s, m,\n"
	"                              h or d allowed) and exit with status 124\n"
	"  --trace                     log every guest system call on stderr\n"
	"  --no-rewrite                never rewrite system call sites (slower)\n"
	"  --help                      show this help\n"
	"--mount, --tmpfs and --env may be repeated; a later --mount or --tmpfs\n"
	"at the same path replaces an earlier one.\n"
	"\n"
	"exit status: PROGRAM's; 128+N when it was killed by signal N; 124 on\n"
	"timeout; 125 when bento failed; 126 when PROGRAM is not executable;\n"
	"127 when it is not found; 2 for a bad command line.\n";

/* Parses --timeout's "N[.N][s|m|h|d]" into seconds. Returns 0 or -1. */
static int parse_duration(const char *s, double *seconds)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v) || v < 0)
		return -1;
	switch (*end) {
	case '\0': case 's': break;
	case 'm': v *= 60; break;
	case 'h': v *= 3600; break;
	case 'd': v *= 86400; break;
	default: return -1;
	}
	if (*end && end[1])
		return -1;
	*seconds = v;
	return 0;
}

static int opt_root(struct run *r, const char *v) { return policy_set_root(&r->policy, v); }
static int opt_mount(struct run *r, const char *v) { return policy_add_mount(&r->policy, v); }
static int opt_tmpfs(struct run *r, const char *v) { return policy_add_tmpfs(&r->policy, v); }
static int opt_env(struct run *r, const char *v) { return policy_add_env(&r->policy, v); }
static int opt_cwd(struct run *r, const char *v) { return policy_set_cwd(&r->policy, v); }
static int opt_net(struct run *r, const char *v) { return policy_set_net(&r->policy, v); }
static int opt_trace(struct run *r, const char *v) { (void)v; r->policy.trace = true; return 0; }
static int opt_no_rewrite(struct run *r, const char *v) { (void)v; r->policy.no_rewrite = true; return 0; }
static int opt_help(struct run *r, const char *v) { (void)v; r->help = true; return 0; }

static int opt_timeout(struct run *r, const char *v)
{
	if (parse_duration(v, &r->timeout) == 0)
		return 0;
	snprintf(r->policy.err, sizeof r->policy.err,
		 "--timeout '%s': expected a number of seconds", v);
	return -1;
}

/* The options of `bento run`: one line each. */
static const struct option {
	const char *name;
	bool takes_value;
	int (*apply)(struct run *r, const char *value);
} run_options[] = {
	{ "--root",	  true,  opt_root },
	{ "--mount",	  true,  opt_mount },
	{ "--tmpfs",	  true,  opt_tmpfs },
	{ "--env",	  true,  opt_env },
	{ "--cwd",	  true,  opt_cwd },
	{ "--net",	  true,  opt_net },
	{ "--timeout",	  true,  opt_timeout },
	{ "--trace",	  false, opt_trace },
	{ "--no-rewrite", false, opt_no_rewrite },
	{ "--help",	  false, opt_help },
	{ "-h",		  false, opt_help },
};

/* Finds the option named like arg (up to a '=' in arg), or NULL. */
static const struct option *find_option(const char *arg)
{
	size_t n = strcspn(arg, "=");

	for (size_t i = 0; i < sizeof run_options / sizeof *run_options; i++)
		if (strncmp(run_options[i].name, arg, n) == 0 &&
		    run_options[i].name[n] == '\0')
			return &run_options[i];
	return NULL;
}

/*
 * Applies the option at argv[*i] (taking its value from "=VALUE" or the
 * next word), advancing *i past what it used. Returns 0, or -1 after
 * printing the one-line error.
 */
static int apply_option(struct run *r, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *eq = strchr(arg, '='), *value = NULL;
	const struct option *o = find_option(arg);

	if (!o) {
		fprintf(stderr, "bento: unknown option '%.*s'\n",
			(int)strcspn(arg, "="), arg);
		return -1;
	}
	if (o->takes_value && eq) {
		value = eq + 1;
	} else if (o->takes_value) {
		if (*i + 1 >= argc) {
			fprintf(stderr, "bento: option '%s' needs a value\n", o->name);
			return -1;
		}
		value = argv[++*i];
	} else if (eq) {
		fprintf(stderr, "bento: option '%s' takes no value\n", o->name);
		return -1;
	}
	(*i)++;
	if (o->apply(r, value) < 0) {
		fprintf(stderr, "bento: %s\n", r->policy.err);
		return -1;
	}
	return 0;
}

/*
 * Parses `bento run`'s arguments: options, then "--" or the first word
 * that is not an option, then the program and its arguments. Returns 0
 * or -1 after printing the error.
 */
static int parse_run(struct run *r, int argc, char **argv)
{
	int i = 0;

	while (i < argc && argv[i][0] == '-' && argv[i][1] != '\0') {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (apply_option(r, argc, argv, &i) < 0)
			return -1;
		if (r->help)
			return 0;
	}
	if (i >= argc) {
		fprintf(stderr, "bento: run: missing PROGRAM "
			"(see: bento run --help)\n");
		return -1;
	}
	r->prog = &argv[i];
	return 0;
}

/* Sets r->sandbox: $BENTO_SANDBOX, else bento-sandbox next to bento. */
static int locate_sandbox(struct run *r)
{
	const char *hook = getenv("BENTO_SANDBOX");
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	if (hook && *hook) {
		if (strlen(hook) >= sizeof r->sandbox)
			return -1;
		strcpy(r->sandbox, hook);
		return 0;
	}
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return -1;
	self[n] = '\0';
	slash = strrchr(self, '/');
	*slash = '\0';
	if (snprintf(r->sandbox, sizeof r->sandbox, "%s/bento-sandbox",
		     self) >= (int)sizeof r->sandbox)
		return -1;
	return 0;
}

/* Writes the sandbox argv, one word a line: the BENTO_PRINT_ARGV hook. */
static int print_argv(char **argv)
{
	for (size_t i = 0; argv[i]; i++)
		printf("%s\n", argv[i]);
	return fflush(stdout) == 0 ? 0 : BENTO_EXIT_INTERNAL;
}

/* Gives the sandbox its descriptors: the mounts, nothing else above 2. */
static int hand_over_fds(const struct policy *p)
{
	int keep[p->n_entries + 1];
	size_t n = 0;

	for (size_t i = 0; i < p->n_entries; i++)
		if (p->entries[i].kind == ENTRY_MOUNT)
			keep[n++] = p->entries[i].fd;
	return confine_fds(keep, n);
}

/*
 * Opens the single file of clone for good: in the empty root the sandbox
 * has no /proc/self/fd to reopen an O_PATH descriptor through. Read-write
 * when the mount is and the file lets us, else read-only; never blocking
 * (a FIFO) nor becoming the controlling terminal. Returns the descriptor,
 * or -1 with errno set.
 */
static int open_file_mount(int clone, bool rw)
{
	const int flags = O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	char path[64];
	int fd = -1;

	/* Still the host's /proc: the empty root comes after. */
	snprintf(path, sizeof path, "/proc/self/fd/%d", clone);
	if (rw)
		fd = open(path, O_RDWR | flags);
	if (fd < 0)
		fd = open(path, O_RDONLY | flags);
	/* Non-blocking was for the open only. */
	if (fd >= 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* Moves descriptor from to number to, closing from. Returns 0 or -1. */
static int replace_fd(int to, int from)
{
	int saved = dup2(from, to) < 0 ? errno : 0;

	close(from);
	errno = saved;
	return saved ? -1 : 0;
}

/*
 * Replaces e's descriptor, at the same number, by one of a detached clone
 * of its mount (read-only for a read-only mount). A host directory made
 * for a tmpfs keeps its kind of descriptor: open, with its shared flock;
 * a single file is opened (docs/cli.md).
 */
static int clone_mount(struct entry *e)
{
	int clone = confine_clone(e->fd, e->host, !e->rw), saved;

	if (clone >= 0 && (e->scratch || !e->is_dir)) {
		int fd = e->scratch ? scratch_reopen(clone) :
			 open_file_mount(clone, e->rw);
		/* A file the user may not open (or a socket) stays O_PATH,
		 * as it was: the guest could not read it before either. */
		if (fd < 0 && !e->scratch && errno != EMFILE && errno != ENFILE)
			return replace_fd(e->fd, clone);
		saved = errno;
		close(clone);
		errno = saved;
		clone = fd;
	}
	if (clone < 0)
		return -1;
	return replace_fd(e->fd, clone);
}

/*
 * Gives every mount but the detached tmpfs ones (detached already) a
 * detached clone: ".." from a mount's descriptor then stops at its root,
 * and the read-only ones are read-only. Returns 0, 1 when the kernel has
 * no open_tree or mount_setattr (the rest keep the host's descriptors),
 * or -1 after printing the error.
 */
static int clone_mounts(struct policy *p)
{
	for (size_t i = 0; i < p->n_entries; i++) {
		struct entry *e = &p->entries[i];
		if (e->kind != ENTRY_MOUNT || e->fd < 0 || e->detached)
			continue;
		if (clone_mount(e) == 0)
			continue;
		if (errno == ENOSYS) {
			cli_debug("no open_tree or mount_setattr: the mounts "
				  "are the host's, and writable for chmod and "
				  "utimes");
			return 1;
		}
		fprintf(stderr, "bento: clone of mount %s: %s\n", e->host,
			strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * In the new mount namespace: each mount becomes a detached clone (before
 * the rest is made read-only, which a clone would inherit), then every
 * mount left in the namespace is made read-only (Landlock does not check
 * chmod or utimes, see confine.h), then the process moves into an empty
 * root, so that from here on no host path resolves: the sandbox reaches
 * the host only through its descriptors (docs/security.md).
 */
static int isolate_from_host(struct policy *p)
{
	int rc = clone_mounts(p);

	if (rc < 0)
		return -1;
	rc = confine_readonly_root();
	if (rc < 0) {
		fprintf(stderr, "bento: read-only host: %s\n", strerror(errno));
		return -1;
	}
	if (rc > 0)
		cli_debug("no mount_setattr: the host stays writable for "
			  "chmod and utimes");
	rc = confine_empty_root();
	if (rc < 0) {
		fprintf(stderr, "bento: empty root: %s\n", strerror(errno));
		return -1;
	}
	if (rc > 0)
		cli_debug("no empty root (%s): host paths still resolve",
			  strerror(errno));
	return 0;
}

/* What the sandbox is told about the network (docs/cli.md). */
static const char *net_label(const struct policy *p, int created)
{
	if (p->net == NET_HOST)
		return "host";
	return (created & CONFINE_NET) ? "loopback" : "none";
}

/*
 * The child's Landlock: waits until the supervisor says it has added the
 * rules to the ruleset they share (supervise()), then restricts itself
 * with it. Returns the ABI version, 0 without Landlock, or -1 with err.
 */
static int child_landlock(struct run *r, char *err, size_t errlen)
{
	char msg[sizeof r->policy.err + 1];
	ssize_t n;

	if (r->ruleset_fd < 0)
		return 0;
	do
		n = read(r->ruleset_ready, msg, sizeof msg - 1);
	while (n < 0 && errno == EINTR);
	close(r->ruleset_ready);
	if (n <= 0) {
		snprintf(err, errlen, "landlock: no rules from the supervisor");
		return -1;
	}
	msg[n] = '\0';
	if (msg[0] != 'y') {
		snprintf(err, errlen, "%s", msg + 1);
		return -1;
	}
	/* The tmpfs mounts were made here, after the supervisor's rules. */
	if (landlock_add_scratch_rules(r->ruleset_fd, &r->policy,
				       r->ruleset_abi, err, errlen) < 0 ||
	    landlock_restrict(r->ruleset_fd, &r->policy, r->ruleset_abi, err,
			      errlen) < 0)
		return -1;
	close(r->ruleset_fd);
	return r->ruleset_abi;
}

/*
 * The child: confine, then execute bento-sandbox (or print its argv).
 * Returns the exit status when it could not execute it.
 */
static int run_child(struct run *r)
{
	char err[sizeof r->policy.err];
	bool private_net = r->policy.net == NET_NONE;
	int created = confine_namespaces(r->supervisor, private_net,
					 r->namespaces), abi;
	char **argv;

	if (created < 0)
		return BENTO_EXIT_INTERNAL;
	confine_report(created, private_net);
	/* Before the host goes read-only and out of reach: a host directory
	 * is made through a descriptor of the host's mount, opened before the
	 * namespaces. */
	if (policy_make_scratch(&r->policy,
				r->tmpfs && (created & CONFINE_MNT)) < 0) {
		fprintf(stderr, "bento: %s\n", r->policy.err);
		return BENTO_EXIT_INTERNAL;
	}
	if ((created & CONFINE_MNT) && isolate_from_host(&r->policy) < 0)
		return BENTO_EXIT_INTERNAL;
	if (confine_process() < 0) {
		fprintf(stderr, "bento: confine: %s\n", strerror(errno));
		return BENTO_EXIT_INTERNAL;
	}
	r->policy.net_private = private_net && (created & CONFINE_NET);
	abi = child_landlock(r, err, sizeof err);
	if (abi < 0) {
		fprintf(stderr, "bento: %s\n", err);
		return BENTO_EXIT_INTERNAL;
	}
	if (abi == 0)
		cli_debug("warning: no Landlock in this kernel; "
			  "host paths are confined by the sandbox alone");
	argv = policy_sandbox_argv(&r->policy, r->sandbox,
				   net_label(&r->policy, created), r->prog);
	if (hand_over_fds(&r->policy) < 0) {
		fprintf(stderr, "bento: descriptors: %s\n", strerror(errno));
		return BENTO_EXIT_INTERNAL;
	}
	if (r->print_argv)
		return print_argv(argv);
	syscall(SYS_execveat, r->sandbox_fd, "", argv, r->policy.env.v,
		AT_EMPTY_PATH);
	fprintf(stderr, "bento: cannot execute %s: %s\n", r->sandbox,
		strerror(errno));
	return BENTO_EXIT_INTERNAL;
}

/* Opens bento-sandbox before any confinement, so Landlock cannot hide it. */
static int open_sandbox(struct run *r)
{
	if (locate_sandbox(r) < 0) {
		fprintf(stderr, "bento: cannot locate bento-sandbox\n");
		return -1;
	}
	r->sandbox_fd = open(r->sandbox, O_PATH | O_CLOEXEC);
	if (r->sandbox_fd >= 0 || r->print_argv)
		return 0;	/* printing the argv does not need it */
	fprintf(stderr, "bento: cannot open %s: %s\n", r->sandbox,
		strerror(errno));
	return -1;
}

/*
 * Makes the empty Landlock ruleset, to be shared with the child, and the
 * pipe on which the child learns that its rules are in (ready[1]: the
 * supervisor's end). Without Landlock, neither (ready[1] is -1). Returns
 * 0, or -1 after printing the error.
 */
static int start_landlock(struct run *r, int ready[2])
{
	int abi = landlock_abi();

	ready[0] = ready[1] = -1;
	if (abi <= 0)
		return 0;
	r->ruleset_fd = landlock_create(&r->policy, abi, r->policy.err,
					sizeof r->policy.err);
	if (r->ruleset_fd < 0) {
		fprintf(stderr, "bento: %s\n", r->policy.err);
		return -1;
	}
	r->ruleset_abi = abi;
	if (pipe2(ready, O_CLOEXEC) < 0) {
		fprintf(stderr, "bento: pipe: %s\n", strerror(errno));
		close(r->ruleset_fd);
		r->ruleset_fd = -1;
		return -1;
	}
	r->ruleset_ready = ready[0];
	return 0;
}

/*
 * The supervisor's half of Landlock, done while the child makes its
 * namespaces (about as long, on another CPU): adds the policy's rules to
 * the shared ruleset and tells the child on ready_w, "y", or "n" and the
 * reason. Then closes its own handles of both.
 */
static void add_landlock_rules(struct run *r, int ready_w)
{
	char msg[sizeof r->policy.err + 1];

	if (r->ruleset_fd < 0)
		return;
	msg[1] = '\0';
	msg[0] = landlock_add_rules(r->ruleset_fd, &r->policy, r->ruleset_abi,
				    r->sandbox_fd, msg + 1,
				    sizeof msg - 1) == 0 ? 'y' : 'n';
	if (msg[0] == 'y')
		msg[1] = '\0';
	/* Shorter than PIPE_BUF: one write that never blocks. EPIPE (SIGPIPE
	 * is held) when the child is gone already: nobody to tell. */
	if (write(ready_w, msg, 1 + strlen(msg + 1)) < 0)
		cli_debug("landlock: the child is gone: %s", strerror(errno));
	close(ready_w);
	close(r->ruleset_ready);
	close(r->ruleset_fd);
	r->ruleset_fd = r->ruleset_ready = -1;
}

/* The CPU process pid last ran or is queued on (/proc/PID/stat), or -1. */
static int cpu_of(pid_t pid)
{
	char buf[PROC_STAT_MAX];
	const char *p = proc_stat_field(pid, 39, buf, sizeof buf);

	return p ? atoi(p) : -1;
}

/*
 * A new child is most often queued on its parent's CPU (5 times in 6
 * here), and the load balancer takes milliseconds to notice an idle one:
 * the two halves of supervise() would then take turns on one CPU while
 * another idles. So when the child is queued where we run, move to the
 * other CPUs we may use. Returns true when it moved, with the mask to
 * restore in *saved.
 */
static bool leave_cpu_of(pid_t child, cpu_set_t *saved)
{
	cpu_set_t others;
	int here = sched_getcpu();

	if (here < 0 || cpu_of(child) != here ||
	    sched_getaffinity(0, sizeof *saved, saved) < 0)
		return false;
	others = *saved;
	CPU_CLR(here, &others);
	if (CPU_COUNT(&others) == 0)
		return false;
	return sched_setaffinity(0, sizeof others, &others) == 0;
}

/* Forks the sandbox and supervises it. Returns the exit status. */
static int supervise(struct run *r)
{
	cpu_set_t cpus;
	bool moved = false;
	int ready[2];
	pid_t pid;

	if (supervisor_become_subreaper() < 0)
		cli_debug("cannot become a subreaper: %s", strerror(errno));
	r->supervisor = getpid();
	if (start_landlock(r, ready) < 0)
		return BENTO_EXIT_INTERNAL;
	fflush(NULL);	/* the child must not inherit unwritten output */
	pid = supervisor_fork();
	if (pid < 0) {
		fprintf(stderr, "bento: fork: %s\n", strerror(errno));
		if (ready[1] >= 0) {
			close(ready[1]);
			close(r->ruleset_ready);
			close(r->ruleset_fd);
			r->ruleset_fd = r->ruleset_ready = -1;
		}
		return BENTO_EXIT_INTERNAL;
	}
	if (pid == 0) {
		if (ready[1] >= 0)
			close(ready[1]);
		_exit(run_child(r));
	}
	if (ready[1] >= 0)
		moved = leave_cpu_of(pid, &cpus);
	add_landlock_rules(r, ready[1]);
	if (moved)
		sched_setaffinity(0, sizeof cpus, &cpus);
	/* Returns once the sandbox and every process it left are gone. */
	return supervisor_wait(pid, r->timeout, true);
}

/*
 * Prepares, runs the sandbox, and cleans up. Returns the exit status.
 * The sandbox's process makes its tmpfs mounts itself: detached tmpfs
 * instances, which vanish with the sandbox whatever becomes of bento, or,
 * without namespaces, host directories named after bento's pid and start
 * time. Every way out passes through policy_remove_scratch(), which
 * removes those: the signals that could end bento are held (and relayed
 * once the sandbox runs), the sandbox's end, its death by a signal and
 * --timeout all return from supervise(), and nothing in between exits.
 * After a SIGKILL of bento, the next bento removes them
 * (policy_prepare_scratch()).
 */
static int launch(struct run *r)
{
	int status;

	if (open_sandbox(r) < 0)
		return BENTO_EXIT_INTERNAL;
	supervisor_hold_signals();
	if (policy_prepare_scratch(&r->policy) < 0 ||
	    policy_open(&r->policy) < 0) {
		fprintf(stderr, "bento: %s\n", r->policy.err);
		status = BENTO_EXIT_INTERNAL;
	} else {
		status = supervise(r);
	}
	if (policy_remove_scratch(&r->policy) < 0)
		fprintf(stderr, "bento: %s\n", r->policy.err);
	return status;
}

/* True when environment variable name is set to neither "" nor "0". */
static bool env_flag(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0") != 0;
}

/* `bento run ...`: argv starts after "run". */
static int cmd_run(int argc, char **argv)
{
	static struct run r;	/* static: large, and lives until exit */
	int status;

	policy_init(&r.policy);
	r.sandbox_fd = -1;
	r.ruleset_fd = r.ruleset_ready = -1;
	r.print_argv = env_flag("BENTO_PRINT_ARGV");
	r.namespaces = !env_flag("BENTO_NO_NAMESPACES");
	r.tmpfs = !env_flag("BENTO_NO_TMPFS");
	if (parse_run(&r, argc, argv) < 0) {
		status = BENTO_EXIT_USAGE;
	} else if (r.help) {
		fputs(run_usage, stdout);
		status = 0;
	} else if (policy_finish(&r.policy, environ) < 0) {
		fprintf(stderr, "bento: %s\n", r.policy.err);
		status = BENTO_EXIT_USAGE;
	} else {
		status = launch(&r);
	}
	if (r.sandbox_fd >= 0)
		close(r.sandbox_fd);
	policy_free(&r.policy);
	return status;
}

/*
 * Makes sure descriptors 0, 1 and 2 are open, so that a descriptor bento
 * opens can never be mistaken for the guest's stdin, stdout or stderr.
 */
static void ensure_std_fds(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", O_RDWR) < 0)
			_exit(BENTO_EXIT_INTERNAL);
}

int main(int argc, char **argv)
{
	ensure_std_fds();
	if (argc < 2) {
		fputs(top_usage, stderr);
		return BENTO_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(top_usage, stdout);
		return 0;
	}
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 2, argv + 2);
	if (argv[1][0] == '-')
		fprintf(stderr, "bento: unknown option '%s'\n", argv[1]);
	else
		fprintf(stderr, "bento: unknown command '%s'\n", argv[1]);
	return BENTO_EXIT_USAGE;
}

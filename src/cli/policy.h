/*
 * policy.h — what a sandbox may see and do, as the front end decided it.
 *
 * A policy is a guest mount table (host directories or files, in-memory
 * tmpfs, symlinks), a list of hidden guest paths, the guest's environment,
 * its working directory and a few flags. main.c fills it from the command
 * line, policy_finish() adds the defaults, policy_prepare_scratch() (in the
 * supervisor) readies the host side of the tmpfs mounts, policy_open()
 * opens the host descriptors, policy_make_scratch() (in the sandbox's
 * process, inside its namespaces) gives each tmpfs its file system, and
 * policy_sandbox_argv() turns it into the argument vector of bento-sandbox
 * (the contract is in docs/cli.md); policy_remove_scratch() cleans up once
 * the sandbox is gone. landlock.c turns the same policy into host-level
 * Landlock rules.
 *
 * Every function that can fail returns 0 or -1 and leaves a one-line reason
 * (without the "bento: " prefix) in policy->err. Running out of memory ends
 * the program with status 125: the front end is short-lived, and threading
 * ENOMEM through every caller would buy nothing.
 */
#ifndef BENTO_CLI_POLICY_H
#define BENTO_CLI_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/scratch.h"

enum entry_kind {
	ENTRY_MOUNT,	/* a host directory or file, through a descriptor */
	ENTRY_TMPFS,	/* a private in-memory file system */
	ENTRY_SYMLINK,	/* a symbolic link the sandbox creates in its tree */
};

/*
 * One line of the guest mount table. A TMPFS entry becomes a MOUNT of a
 * detached tmpfs or of a fresh host directory in policy_make_scratch():
 * then scratch is set.
 */
struct entry {
	enum entry_kind kind;
	char *guest;	/* normalized absolute guest path */
	char *host;	/* MOUNT: host path; SYMLINK: link target; TMPFS: NULL */
	bool rw;	/* MOUNT: writable */
	bool is_dir;	/* MOUNT: the host path is a directory */
	bool user;	/* came from the command line, not from the defaults */
	int fd;		/* MOUNT: descriptor from policy_open(), else -1 */
	bool scratch;	/* MOUNT made from a TMPFS (its fd is set) */
	bool detached;	/* MOUNT: fd is a detached mount already (a tmpfs) */
};

enum net_mode {
	NET_NONE,	/* no network but a private loopback (the default) */
	NET_HOST,	/* the host's network */
};

/* A growable NULL-terminated vector of strings it owns. */
struct strv {
	char **v;
	size_t n, cap;
};

struct policy {
	struct entry *entries;	/* the mount table, in order */
	size_t n_entries, cap_entries;
	struct strv hides;	/* guest paths the sandbox must not show */
	struct strv env;	/* the guest's environment, "K=V" */
	struct strv env_set;	/* --env overrides, applied by policy_finish */
	char *root;		/* --root DIR, or NULL for the system dirs */
	bool root_rw;
	char *cwd;		/* the guest's initial directory */
	enum net_mode net;
	/* NET_NONE got its private network namespace (set after the
	 * namespaces are made): TCP stays within it, so Landlock need not
	 * shut TCP off. */
	bool net_private;
	bool trace, no_rewrite;
	bool finished;
	struct scratch_host scratch;	/* policy_prepare_scratch() */
	char err[512];
};

/* Largest guest or host path the front end accepts (bytes, with the nul). */
#define POLICY_PATH_MAX 4096

/* Makes an empty policy: no entries, cwd "/", --net none. */
void policy_init(struct policy *p);

/* Closes the policy's descriptors and frees everything it owns. */
void policy_free(struct policy *p);

/*
 * Adds --mount HOST:GUEST[:ro|rw]. HOST must exist (it is stat'ed now),
 * GUEST must be absolute without "..", mode defaults to ro.
 */
int policy_add_mount(struct policy *p, const char *spec);

/* Adds --tmpfs GUEST (absolute, without ".."). */
int policy_add_tmpfs(struct policy *p, const char *guest);

/* Sets --root DIR[:ro|rw]: DIR must be a host directory. Default ro. */
int policy_set_root(struct policy *p, const char *spec);

/* Adds --env K=V (K not empty); a later K overrides an earlier one. */
int policy_add_env(struct policy *p, const char *kv);

/* Sets --cwd DIR (absolute, without ".."). */
int policy_set_cwd(struct policy *p, const char *dir);

/* Sets --net none|host. */
int policy_set_net(struct policy *p, const char *mode);

/*
 * Adds a hidden guest path. The default policy uses it; tests use it to
 * build their own hidden trees. Absolute, without "..".
 */
int policy_add_hide(struct policy *p, const char *guest);

/*
 * Completes the policy after the command line: puts the default entries
 * (system directories, or the --root directory) and --tmpfs /tmp before
 * the user's, drops an entry that a later one replaces at the same guest
 * path, drops a hide the user mounted something at, and builds the guest
 * environment from envp plus the --env overrides. Call once.
 */
int policy_finish(struct policy *p, char *const envp[]);

/*
 * In the process that will clean up (the supervisor), before the fork:
 * makes it the owner of the host directories made for this policy, opens
 * their base directory, and removes those that earlier bentos, killed
 * before they could, left behind (scratch.h). Call with the signals that
 * would end the caller held, so that nothing can stop it between this and
 * policy_remove_scratch(). Returns 0, or -1 with p->err.
 */
int policy_prepare_scratch(struct policy *p);

/*
 * Gives each TMPFS entry its file system: with tmpfs true (the caller is
 * in a user and mount namespace of its own, or is root in a mount
 * namespace) a fresh detached tmpfs, else, or when the kernel refuses one,
 * a host directory (scratch.h: on /dev/shm, mode 01777 for /tmp). The
 * entry becomes a read-write MOUNT with its descriptor, keeping its place
 * in the table. Call after policy_prepare_scratch() (in it or in a forked
 * child of it). Returns 0, or -1 with p->err; host directories made so
 * far stay for policy_remove_scratch().
 */
int policy_make_scratch(struct policy *p, bool tmpfs);

/*
 * In the process that called policy_prepare_scratch(), once the sandbox is
 * gone: removes the host directories made for this policy, with
 * everything in them (never following a symlink); in any other process
 * it does nothing. Returns 0, or -1 with the first reason in p->err when
 * something stayed behind.
 */
int policy_remove_scratch(struct policy *p);

/*
 * Opens a descriptor for each MOUNT entry (O_PATH|O_DIRECTORY for a
 * directory, O_PATH for anything else), not close-on-exec, so the sandbox
 * inherits it.
 */
int policy_open(struct policy *p);

/*
 * Returns the argument vector for bento-sandbox (malloc'ed, NULL-terminated,
 * strings owned by the vector; free with strv_free_array()). net_label is what the sandbox gets as --net: "loopback",
 * "none" or "host". prog is the guest's argv. Needs policy_open() first.
 */
char **policy_sandbox_argv(const struct policy *p, const char *sandbox,
			   const char *net_label, char *const prog[]);

/* Frees a vector made by policy_sandbox_argv(). */
void strv_free_array(char **v);

/*
 * Writes the normalized form of guest path in to out (POLICY_PATH_MAX
 * bytes): repeated and trailing slashes and "." components removed.
 * Returns 0, or -1 when in is not absolute, has a ".." component or is too
 * long.
 */
int policy_normalize_guest(const char *in, char *out);

/*
 * Returns true when guest path `path` is `dir` or lies beneath it (both
 * normalized).
 */
bool policy_path_within(const char *path, const char *dir);

#endif

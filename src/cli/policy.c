/*
 * policy.c — building the policy and turning it into bento-sandbox's argv.
 *
 * Memory: the front end is a short-lived program, so running out of memory
 * ends it (status 125) instead of threading ENOMEM through every caller.
 */
#include "cli/policy.h"

#include "cli/cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The host's system directories the default policy shows, in this order. */
static const char *const system_dirs[] = {
	"/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32", "/etc",
};

/* Secrets in those directories the default policy hides. */
static const char *const system_secrets[] = {
	"/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-",
	"/etc/ssl/private",
};

/* Ends bento: there is no sensible way on without memory. */
static void out_of_memory(void)
{
	fputs("bento: out of memory\n", stderr);
	exit(BENTO_EXIT_INTERNAL);
}

static void *xrealloc(void *ptr, size_t size)
{
	void *q = realloc(ptr, size ? size : 1);

	if (!q)
		out_of_memory();
	return q;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		out_of_memory();
	return d;
}

/* Formats the failure reason into p->err and returns -1. */
static int fail(struct policy *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(struct policy *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, sizeof p->err, fmt, ap);
	va_end(ap);
	return -1;
}

/* Appends a copy of s; keeps v NULL-terminated. */
static void strv_push(struct strv *sv, const char *s)
{
	if (sv->n + 2 > sv->cap) {
		sv->cap = sv->cap ? 2 * sv->cap : 16;
		sv->v = xrealloc(sv->v, sv->cap * sizeof *sv->v);
	}
	sv->v[sv->n++] = xstrdup(s);
	sv->v[sv->n] = NULL;
}

static void strv_free(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

void strv_free_array(char **v)
{
	if (!v)
		return;
	for (size_t i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

void policy_init(struct policy *p)
{
	memset(p, 0, sizeof *p);
	p->cwd = xstrdup("/");
	p->net = NET_NONE;
	p->scratch.base = -1;
}

static void entry_free(struct entry *e)
{
	if (e->fd >= 0)
		close(e->fd);
	free(e->guest);
	free(e->host);
}

void policy_free(struct policy *p)
{
	for (size_t i = 0; i < p->n_entries; i++)
		entry_free(&p->entries[i]);
	free(p->entries);
	strv_free(&p->hides);
	strv_free(&p->env);
	strv_free(&p->env_set);
	free(p->root);
	free(p->cwd);
	scratch_host_close(&p->scratch);
	memset(p, 0, sizeof *p);
	p->scratch.base = -1;
}

int policy_normalize_guest(const char *in, char *out)
{
	size_t o = 0;

	if (in[0] != '/')
		return -1;
	for (const char *s = in; *s;) {
		while (*s == '/')
			s++;
		size_t len = strcspn(s, "/");
		if (len == 0 || (len == 1 && s[0] == '.')) {
			s += len;
			continue;
		}
		if (len == 2 && s[0] == '.' && s[1] == '.')
			return -1;	/* ".." would need resolving; refuse */
		if (o + 1 + len + 1 > POLICY_PATH_MAX)
			return -1;
		out[o++] = '/';
		memcpy(out + o, s, len);
		o += len;
		s += len;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

bool policy_path_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Makes room for one more entry and returns it, zeroed but for fd = -1. */
static struct entry *grow_entries(struct policy *p)
{
	struct entry *e;

	if (p->n_entries == p->cap_entries) {
		p->cap_entries = p->cap_entries ? 2 * p->cap_entries : 16;
		p->entries = xrealloc(p->entries,
				      p->cap_entries * sizeof *p->entries);
	}
	e = &p->entries[p->n_entries++];
	memset(e, 0, sizeof *e);
	e->fd = -1;
	return e;
}

/* Appends an entry; takes copies of guest and host. Returns it. */
static struct entry *add_entry(struct policy *p, enum entry_kind kind,
			       const char *guest, const char *host)
{
	struct entry *e = grow_entries(p);

	e->kind = kind;
	e->guest = xstrdup(guest);
	e->host = host ? xstrdup(host) : NULL;
	return e;
}

/* Parses "ro"/"rw" into *rw. Returns 0, or -1 for anything else. */
static int parse_mode(const char *mode, bool *rw)
{
	if (strcmp(mode, "ro") == 0)
		*rw = false;
	else if (strcmp(mode, "rw") == 0)
		*rw = true;
	else
		return -1;
	return 0;
}

int policy_add_mount(struct policy *p, const char *spec)
{
	char buf[POLICY_PATH_MAX * 2], guest[POLICY_PATH_MAX];
	char *host, *gpath, *mode;
	struct stat st;
	bool rw = false;

	if (strlen(spec) >= sizeof buf)
		return fail(p, "--mount '%s': too long", spec);
	strcpy(buf, spec);
	host = buf;
	gpath = strchr(buf, ':');
	if (!gpath)
		return fail(p, "--mount '%s': expected HOST:GUEST[:ro|rw]", spec);
	*gpath++ = '\0';
	mode = strchr(gpath, ':');
	if (mode)
		*mode++ = '\0';
	if (!*host)
		return fail(p, "--mount '%s': empty host path", spec);
	if (mode && parse_mode(mode, &rw) < 0)
		return fail(p, "--mount '%s': mode must be ro or rw, not '%s'",
			    spec, mode);
	if (policy_normalize_guest(gpath, guest) < 0)
		return fail(p, "--mount '%s': guest path must be absolute, "
			    "without '..'", spec);
	if (stat(host, &st) < 0)
		return fail(p, "--mount '%s': %s: %s", spec, host,
			    strerror(errno));
	struct entry *e = add_entry(p, ENTRY_MOUNT, guest, host);
	e->rw = rw;
	e->is_dir = S_ISDIR(st.st_mode);
	e->user = true;
	return 0;
}

int policy_add_tmpfs(struct policy *p, const char *path)
{
	char guest[POLICY_PATH_MAX];

	if (policy_normalize_guest(path, guest) < 0)
		return fail(p, "--tmpfs '%s': path must be absolute, "
			    "without '..'", path);
	add_entry(p, ENTRY_TMPFS, guest, NULL)->user = true;
	return 0;
}

int policy_set_root(struct policy *p, const char *spec)
{
	char buf[POLICY_PATH_MAX];
	char *colon;
	struct stat st;
	bool rw = false;

	if (strlen(spec) >= sizeof buf)
		return fail(p, "--root '%s': too long", spec);
	strcpy(buf, spec);
	/* Only a trailing ":ro"/":rw" is a mode, so DIR may contain colons. */
	colon = strrchr(buf, ':');
	if (colon && parse_mode(colon + 1, &rw) == 0)
		*colon = '\0';
	if (!*buf)
		return fail(p, "--root '%s': empty path", spec);
	if (stat(buf, &st) < 0)
		return fail(p, "--root '%s': %s", spec, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail(p, "--root '%s': not a directory", spec);
	free(p->root);
	p->root = xstrdup(buf);
	p->root_rw = rw;
	return 0;
}

int policy_add_env(struct policy *p, const char *kv)
{
	const char *eq = strchr(kv, '=');

	if (!eq || eq == kv)
		return fail(p, "--env '%s': expected NAME=VALUE", kv);
	strv_push(&p->env_set, kv);
	return 0;
}

int policy_set_cwd(struct policy *p, const char *dir)
{
	char guest[POLICY_PATH_MAX];

	if (policy_normalize_guest(dir, guest) < 0)
		return fail(p, "--cwd '%s': must be absolute, without '..'", dir);
	free(p->cwd);
	p->cwd = xstrdup(guest);
	return 0;
}

int policy_set_net(struct policy *p, const char *mode)
{
	if (strcmp(mode, "none") == 0)
		p->net = NET_NONE;
	else if (strcmp(mode, "host") == 0)
		p->net = NET_HOST;
	else
		return fail(p, "--net '%s': expected none or host", mode);
	return 0;
}

int policy_add_hide(struct policy *p, const char *path)
{
	char guest[POLICY_PATH_MAX];

	if (policy_normalize_guest(path, guest) < 0)
		return fail(p, "hide '%s': must be absolute, without '..'", path);
	strv_push(&p->hides, guest);
	return 0;
}

/*
 * Adds /usr, /bin, ... as the host has them: a directory becomes a
 * read-only mount, a symlink (Debian's merged /usr: /bin -> usr/bin) the
 * same symlink in the guest, so that paths resolve as on the host without
 * granting the link's target twice.
 */
static void add_system_dirs(struct policy *p)
{
	for (size_t i = 0; i < sizeof system_dirs / sizeof *system_dirs; i++) {
		const char *dir = system_dirs[i];
		char target[POLICY_PATH_MAX];
		struct stat st;
		ssize_t n;

		if (lstat(dir, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			n = readlink(dir, target, sizeof target - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			add_entry(p, ENTRY_SYMLINK, dir, target);
		} else if (S_ISDIR(st.st_mode)) {
			add_entry(p, ENTRY_MOUNT, dir, dir)->is_dir = true;
		}
	}
}

/* scandir filter: an ssh host private key, ssh_host_*_key. */
static int is_ssh_host_key(const struct dirent *d)
{
	static const char prefix[] = "ssh_host_", suffix[] = "_key";
	size_t n = strlen(d->d_name);

	return n >= sizeof prefix + sizeof suffix - 2 &&
	       strncmp(d->d_name, prefix, sizeof prefix - 1) == 0 &&
	       strcmp(d->d_name + n - (sizeof suffix - 1), suffix) == 0;
}

/*
 * Hides the system's secrets: the password hashes, TLS private keys and
 * the ssh host private keys (found by listing /etc/ssh, as their names
 * depend on the key types the host has; sorted, so the argv is the same
 * from run to run).
 */
static void add_system_secrets(struct policy *p)
{
	char path[POLICY_PATH_MAX];
	struct dirent **keys;
	int n;

	for (size_t i = 0; i < sizeof system_secrets / sizeof *system_secrets; i++)
		strv_push(&p->hides, system_secrets[i]);
	n = scandir("/etc/ssh", &keys, is_ssh_host_key, alphasort);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof path, "/etc/ssh/%s", keys[i]->d_name);
		strv_push(&p->hides, path);
		free(keys[i]);
	}
	if (n > 0)
		free(keys);
}

/* Removes entry i, keeping the order of the others. */
static void remove_entry(struct policy *p, size_t i)
{
	entry_free(&p->entries[i]);
	memmove(&p->entries[i], &p->entries[i + 1],
		(p->n_entries - i - 1) * sizeof *p->entries);
	p->n_entries--;
}

/*
 * A later entry at the same guest path replaces an earlier one; dropping
 * the earlier one here means the replaced host directory gets no Landlock
 * rights either.
 */
static void drop_replaced(struct policy *p)
{
	for (size_t i = 0; i < p->n_entries;) {
		bool replaced = false;
		for (size_t j = i + 1; j < p->n_entries && !replaced; j++)
			replaced = strcmp(p->entries[i].guest,
					  p->entries[j].guest) == 0;
		if (replaced)
			remove_entry(p, i);
		else
			i++;
	}
}

/* A user who mounts something exactly at a hidden path wants to see it. */
static void drop_unhidden(struct policy *p)
{
	for (size_t h = 0; h < p->hides.n;) {
		bool mounted = false;
		for (size_t i = 0; i < p->n_entries && !mounted; i++)
			mounted = p->entries[i].user &&
				  strcmp(p->entries[i].guest, p->hides.v[h]) == 0;
		if (!mounted) {
			h++;
			continue;
		}
		free(p->hides.v[h]);
		memmove(&p->hides.v[h], &p->hides.v[h + 1],
			(p->hides.n - h) * sizeof *p->hides.v);
		p->hides.n--;
	}
}

/* Returns the index of the variable named like kv's "NAME=", or -1. */
static long env_find(const struct strv *env, const char *kv)
{
	size_t n = strcspn(kv, "=");

	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->v[i], kv, n) == 0 && env->v[i][n] == '=')
			return (long)i;
	return -1;
}

/* The guest's environment: bento's own, then the --env overrides. */
static void build_env(struct policy *p, char *const envp[])
{
	/* An empty environment is still a vector: execve's envp is never NULL. */
	p->env.cap = 16;
	p->env.v = xrealloc(p->env.v, p->env.cap * sizeof *p->env.v);
	p->env.v[0] = NULL;
	for (size_t i = 0; envp && envp[i]; i++)
		if (strchr(envp[i], '=') && env_find(&p->env, envp[i]) < 0)
			strv_push(&p->env, envp[i]);
	for (size_t i = 0; i < p->env_set.n; i++) {
		long at = env_find(&p->env, p->env_set.v[i]);
		if (at < 0) {
			strv_push(&p->env, p->env_set.v[i]);
			continue;
		}
		free(p->env.v[at]);
		p->env.v[at] = xstrdup(p->env_set.v[i]);
	}
}

int policy_finish(struct policy *p, char *const envp[])
{
	struct entry *user = p->entries;
	size_t n_user = p->n_entries;

	if (p->finished)
		return fail(p, "policy finished twice");
	p->finished = true;
	p->entries = NULL;
	p->n_entries = p->cap_entries = 0;
	if (p->root) {
		struct entry *e = add_entry(p, ENTRY_MOUNT, "/", p->root);
		e->is_dir = true;
		e->rw = p->root_rw;
	} else {
		add_system_dirs(p);
		add_system_secrets(p);
	}
	add_entry(p, ENTRY_TMPFS, "/tmp", NULL);
	/* POSIX shared memory and semaphores (shm_open, sem_open) live in
	 * /dev/shm and must be shared between the sandbox's processes. */
	add_entry(p, ENTRY_TMPFS, "/dev/shm", NULL);
	/* The user's entries move over (strings and all) after the defaults. */
	for (size_t i = 0; i < n_user; i++)
		*grow_entries(p) = user[i];
	free(user);
	drop_replaced(p);
	drop_unhidden(p);
	build_env(p, envp);
	return 0;
}

int policy_prepare_scratch(struct policy *p)
{
	if (scratch_host_open(&p->scratch, p->err, sizeof p->err) < 0)
		/* Only the host directories need it: say so when one is. */
		cli_debug("%s", p->err);
	else
		scratch_remove_stale(&p->scratch);
	return 0;
}

/* Gives entry e its file system (policy_make_scratch()). */
static int make_scratch(struct policy *p, struct entry *e, bool *tmpfs)
{
	char *dir = NULL;
	int fd = -1;

	if (*tmpfs) {
		fd = scratch_mount(e->guest);
		if (fd < 0) {
			cli_debug("tmpfs %s: no detached tmpfs (%s): host "
				  "directories instead", e->guest, strerror(errno));
			*tmpfs = false;
		}
	}
	if (fd < 0) {
		fd = scratch_create(&p->scratch, e->guest, &dir, p->err,
				    sizeof p->err);
		if (fd < 0)
			return -1;
	}
	cli_debug("tmpfs %s: %s", e->guest, dir ? dir : "a detached tmpfs");
	e->kind = ENTRY_MOUNT;
	e->scratch = true;
	e->fd = fd;
	e->host = dir ? dir : xstrdup("tmpfs");
	e->detached = !dir;
	e->rw = true;
	e->is_dir = true;
	return 0;
}

int policy_make_scratch(struct policy *p, bool tmpfs)
{
	for (size_t i = 0; i < p->n_entries; i++)
		if (p->entries[i].kind == ENTRY_TMPFS &&
		    make_scratch(p, &p->entries[i], &tmpfs) < 0)
			return -1;
	return 0;
}

int policy_remove_scratch(struct policy *p)
{
	return scratch_remove_owned(&p->scratch, p->err, sizeof p->err);
}

int policy_open(struct policy *p)
{
	for (size_t i = 0; i < p->n_entries; i++) {
		struct entry *e = &p->entries[i];
		int flags = O_PATH | (e->is_dir ? O_DIRECTORY : 0);

		if (e->kind != ENTRY_MOUNT || e->fd >= 0)
			continue;
		/* Not O_CLOEXEC: bento-sandbox inherits it. */
		e->fd = open(e->host, flags);
		if (e->fd < 0)
			return fail(p, "cannot open '%s': %s", e->host,
				    strerror(errno));
	}
	return 0;
}

/* Formats into a fresh string and appends it to sv. */
static void strv_pushf(struct strv *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void strv_pushf(struct strv *sv, const char *fmt, ...)
{
	char buf[3 * POLICY_PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	strv_push(sv, buf);
}

/* Appends the two words that describe entry e to the sandbox's argv. */
static void push_entry(struct strv *av, const struct entry *e)
{
	switch (e->kind) {
	case ENTRY_MOUNT:
		strv_push(av, "--mount");
		strv_pushf(av, "%d:%s:%s", e->fd, e->guest, e->rw ? "rw" : "ro");
		break;
	case ENTRY_TMPFS:
		/* Only when policy_make_scratch() was not called (bento's
		 * sandbox process calls it). */
		strv_push(av, "--tmpfs");
		strv_push(av, e->guest);
		break;
	case ENTRY_SYMLINK:
		strv_push(av, "--symlink");
		strv_pushf(av, "%s:%s", e->guest, e->host);
		break;
	}
}

char **policy_sandbox_argv(const struct policy *p, const char *sandbox,
			   const char *net_label, char *const prog[])
{
	struct strv av = { 0 };

	strv_push(&av, sandbox);
	if (p->trace)
		strv_push(&av, "--trace");
	if (p->no_rewrite)
		strv_push(&av, "--no-rewrite");
	strv_push(&av, "--net");
	strv_push(&av, net_label);
	strv_push(&av, "--cwd");
	strv_push(&av, p->cwd);
	for (size_t i = 0; i < p->n_entries; i++)
		push_entry(&av, &p->entries[i]);
	for (size_t i = 0; i < p->hides.n; i++) {
		strv_push(&av, "--hide");
		strv_push(&av, p->hides.v[i]);
	}
	strv_push(&av, "--");
	for (size_t i = 0; prog[i]; i++)
		strv_push(&av, prog[i]);
	return av.v;
}

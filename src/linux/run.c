/* run.c — starting the sandbox's first program. */
#include "linux/shim.h"
#include "lib/fmt.h"

static void fail(const char *prog, const char *why)
{
	klog("bento: %s: %s", prog, why);
}

static const char *env_get(char **envp, const char *name)
{
	size_t l = strlen(name);
	for (; envp && *envp; envp++)
		if (!strncmp(*envp, name, l) && (*envp)[l] == '=')
			return *envp + l + 1;
	return NULL;
}

/* execvp's search: a name without '/' is looked up in PATH. Returns 0
 * and the found path, or the most telling error. */
static int find_program(const char *name, char **envp, char *out, size_t n)
{
	struct b_stat st;
	if (strchr(name, '/')) {
		strlcpy(out, name, n);
		return vfs_statat(K_AT_FDCWD, name, 0, &st);
	}
	const char *path = env_get(envp, "PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	int err = -ENOENT;
	while (*path) {
		const char *end = strchr(path, ':');
		size_t dl = end ? (size_t)(end - path) : strlen(path);
		fmt_snprintf(out, n, "%.*s%s%s", (int)dl, path, dl ? "/" : "", name);
		int r = vfs_statat(K_AT_FDCWD, out, 0, &st);
		if (r == 0 && (st.mode & K_S_IFMT) == K_S_IFREG && (st.mode & 0111))
			return 0;
		if (r == 0)
			err = -EACCES;
		path = end ? end + 1 : path + dl;
	}
	return err;
}

static int exit_status_for(int err)
{
	return err == -ENOENT || err == -ENOTDIR ? 127 : 126;
}

static const char *reason(int err)
{
	switch (err) {
	case -ENOENT: return "not found";
	case -ENOTDIR: return "not found";
	case -EACCES: return "permission denied (not an executable file)";
	case -EISDIR: return "is a directory";
	case -ENOEXEC: return "not an executable ELF x86-64 program";
	default: return "cannot execute";
	}
}

int linux_run(const struct linux_start *s)
{
	char path[L_PATH_MAX];
	struct cpu_regs regs;
	host_auxv = s->host_auxv;
	trace_enabled = s->trace;
	if (s->cwd && vfs_chdir(s->cwd) < 0) {
		fail(s->cwd, "cannot change to this directory");
		return 125;
	}
	int r = find_program(s->argv[0], s->envp, path, sizeof(path));
	if (r == 0) {
		struct b_stat st;
		vfs_statat(K_AT_FDCWD, path, 0, &st);
		if ((st.mode & K_S_IFMT) == K_S_IFDIR)
			r = -EISDIR;
		else if ((st.mode & K_S_IFMT) != K_S_IFREG || !(st.mode & 0111))
			r = -EACCES;
	}
	struct exec_plan *plan = kmalloc(sizeof(*plan));
	if (!plan)
		r = -ENOMEM;
	if (r == 0 && (r = exec_open(plan, K_AT_FDCWD, path)) >= 0 &&
	    (r = exec_plan(plan, r, s->argv)) == 0)
		r = exec_load(plan, path, s->envp, &regs);
	kfree(plan);
	if (r < 0) {
		fail(s->argv[0], reason(r));
		return exit_status_for(r);
	}
	const char *base = strrchr(path, '/');
	proc_set_name(base ? base + 1 : path);
	guest_enter(&regs);
}

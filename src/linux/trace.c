/* trace.c — the strace-like log of --trace: one line per call on bento's
 * log, "[tid] name(args) = result". */
#include "linux/shim.h"
#include "lib/fmt.h"

const char *syscall_format(long nr);

static const char *const errno_names[] = {
	[1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR", [5] = "EIO",
	[9] = "EBADF", [10] = "ECHILD", [11] = "EAGAIN", [12] = "ENOMEM", [13] = "EACCES",
	[14] = "EFAULT", [17] = "EEXIST", [20] = "ENOTDIR", [21] = "EISDIR", [22] = "EINVAL",
	[24] = "EMFILE", [25] = "ENOTTY", [28] = "ENOSPC", [29] = "ESPIPE", [30] = "EROFS",
	[32] = "EPIPE", [34] = "ERANGE", [36] = "ENAMETOOLONG", [38] = "ENOSYS",
	[39] = "ENOTEMPTY", [40] = "ELOOP", [61] = "ENODATA", [95] = "EOPNOTSUPP",
	[110] = "ETIMEDOUT",
};

static int format_arg(char *buf, size_t n, char kind, uint64_t v)
{
	char s[64];
	switch (kind) {
	case 'd': return fmt_snprintf(buf, n, "%d", (int)v);
	case 'u': return fmt_snprintf(buf, n, "%lu", (unsigned long)v);
	case 'o': return fmt_snprintf(buf, n, "0%o", (unsigned)v);
	case 's':
		if (copy_in_str(s, (const char *)v, sizeof(s)) < 0) {
			if (copy_in(s, (const void *)v, 40) < 0)
				return fmt_snprintf(buf, n, "%p", (void *)v);
			s[40] = 0;
			return fmt_snprintf(buf, n, "\"%s\"...", s);
		}
		return fmt_snprintf(buf, n, "\"%s\"", s);
	case 'p': return v ? fmt_snprintf(buf, n, "%p", (void *)v) : fmt_snprintf(buf, n, "NULL");
	default: return fmt_snprintf(buf, n, "0x%lx", (unsigned long)v);
	}
}

void trace_call(long nr, const struct cpu_regs *r, long result)
{
	char line[512];
	const char *name = syscall_name(nr);
	const char *fmt = name ? syscall_format(nr) : "xxxxxx";
	uint64_t args[6] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9 };
	int len;
	if (name)
		len = fmt_snprintf(line, sizeof(line), "[%d] %s(", thread_gettid(), name);
	else
		len = fmt_snprintf(line, sizeof(line), "[%d] syscall_%ld(", thread_gettid(), nr);
	for (int i = 0; fmt[i] && i < 6 && len < (int)sizeof(line) - 80; i++) {
		if (i)
			len += fmt_snprintf(line + len, sizeof(line) - (size_t)len, ", ");
		len += format_arg(line + len, sizeof(line) - (size_t)len, fmt[i], args[i]);
	}
	if (len < (int)sizeof(line)) {
		if (result < 0 && result > -4096) {
			long e = -result;
			const char *en = e < (long)(sizeof(errno_names) / sizeof(errno_names[0])) ? errno_names[e] : NULL;
			len += fmt_snprintf(line + len, sizeof(line) - (size_t)len, ") = -1 %s (%ld)\n",
					    en ? en : "E?", e);
		} else {
			len += fmt_snprintf(line + len, sizeof(line) - (size_t)len, ") = %ld\n", result);
		}
	}
	if (len > (int)sizeof(line))
		len = sizeof(line);
	klog_raw(line, (size_t)len);
}

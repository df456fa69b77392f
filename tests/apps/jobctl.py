# jobctl.py CMD... — drives an interactive shell through a pseudo-terminal:
# a background job, Ctrl-C of a foreground job, Ctrl-Z, jobs, fg, kill %1.
# Prints the terminal transcript; tests/apps/run.sh compares it with the
# same run natively (job pids aside).
import os, pty, sys, time, select
def run(cmd):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update({"TERM": "dumb", "PS1": "PROMPT$ ", "HOME": "/tmp"})
        os.execvp(cmd[0], cmd)
    out = b""
    def rd(t):
        nonlocal out
        end = time.time() + t
        while time.time() < end:
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                try: out += os.read(fd, 4096)
                except OSError: return
    def send(s, wait=0.8):
        os.write(fd, s); rd(wait)
    rd(1.5)
    send(b"sleep 30 &\n"); send(b"jobs\n")
    send(b"sleep 20\n", 0.5); send(b"\x03", 1.0)
    send(b"echo after-ctrl-c $?\n")
    send(b"cat\n", 0.5); send(b"\x1a", 1.0)
    send(b"jobs\n"); send(b"fg %2\n", 0.6); send(b"\x03", 1.0)
    send(b"kill %1; wait; echo done\n", 1.5)
    send(b"exit\n", 1.0)
    try: os.waitpid(pid, 0)
    except: pass
    return out.decode(errors="replace")
print(run(sys.argv[1:]))

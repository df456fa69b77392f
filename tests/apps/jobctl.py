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
    def prompts():
        return out.count(b"PROMPT$ ")
    def until_prompt(seen, limit=10.0):
        # Waits for a prompt after the `seen` ones (the shell is done
        # with the line), then a little for output that trails it.
        end = time.time() + limit
        while prompts() <= seen and time.time() < end:
            rd(0.05)
        rd(0.2)
    def send(s, wait=None):
        # wait=None: the line ends in a new prompt; a number: the shell
        # keeps running a foreground job, so just give it that long.
        seen = prompts()
        os.write(fd, s)
        if wait is None:
            until_prompt(seen)
        else:
            rd(wait)
    until_prompt(0)
    send(b"sleep 30 &\n"); send(b"jobs\n")
    send(b"sleep 20\n", 1.0); send(b"\x03")
    send(b"echo after-ctrl-c $?\n")
    send(b"cat\n", 1.0); send(b"\x1a")
    send(b"jobs\n"); send(b"fg %2\n", 1.0); send(b"\x03")
    send(b"kill %1; wait; echo done\n")
    send(b"exit\n", 1.0)
    try: os.waitpid(pid, 0)
    except: pass
    return out.decode(errors="replace")
print(run(sys.argv[1:]))

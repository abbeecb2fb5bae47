"""Shared harness of podium's end-to-end tests.

Each test runs the real `podium` binary inside its own tmux server (one
socket per test, so tests can run in parallel), types keys with send-keys
and reads the screen as a person sees it with capture-pane. State is
checked with the real `podium state` command on the real database.

The binary is found in $PODIUM (set by tests/e2e/meson.build).
"""
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

PODIUM = os.environ.get("PODIUM", "podium")


def fail(msg):
    """Stop the test with a message (exit 1: meson counts it failed)."""
    print("FAIL: " + msg, file=sys.stderr)
    raise SystemExit(1)


def check(cond, msg):
    """Fail unless cond holds."""
    if not cond:
        fail(msg)


def wait_until(pred, timeout=5.0, what="condition"):
    """Poll pred until it returns a truthy value or timeout seconds pass."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = pred()
        if last:
            return last
        time.sleep(0.05)
    fail("timed out after %.1fs waiting for %s" % (timeout, what))


class Workdir:
    """A scratch directory with its own XDG_DATA_HOME, removed at exit."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="podium-e2e-")
        self.db = os.path.join(self.path, "session.db")

    def close(self):
        shutil.rmtree(self.path, ignore_errors=True)


def run(args, check_rc=None, env=None, timeout=20):
    """Run podium with args; return (rc, stdout, stderr)."""
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([PODIUM] + args, capture_output=True, text=True,
                       env=e, timeout=timeout)
    if check_rc is not None and p.returncode != check_rc:
        fail("podium %s exited %d (wanted %d): %s%s" % (
            " ".join(args), p.returncode, check_rc, p.stdout, p.stderr))
    return p.returncode, p.stdout, p.stderr


def state(db):
    """The parsed `podium state --db db`."""
    _, out, _ = run(["state", "--db", db, "--compact"], check_rc=0)
    return json.loads(out)


_CONSOLES = itertools.count(1)


class Console:
    """podium running in a tmux pane of its own tmux server."""

    def __init__(self, args, cols=120, rows=40, env=None, workdir=None):
        # A counter, not id(self): Python reuses the ids of freed objects,
        # and a new console must never meet an old one's tmux server.
        self.sock = "podium-test-%d-%d" % (os.getpid(), next(_CONSOLES))
        self.workdir = workdir
        e = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "tmux-256color"}
        if workdir is not None:
            e["XDG_DATA_HOME"] = workdir.path
        e.update(env or {})
        envs = " ".join("%s=%s" % (k, shquote(v)) for k, v in e.items())
        # The exit line starts on a fresh line, whatever podium left behind.
        # (a killed podium leaves the tty raw: stty sane puts it back).
        cmd = ("env %s %s %s; rc=$?; stty sane 2>/dev/null; echo; "
               "echo \"[podium exited $rc]\"; sleep 600") % (
            envs, shquote(PODIUM), " ".join(shquote(a) for a in args))
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "t",
                  "-x", str(cols), "-y", str(rows), cmd)
        self.tmux("set-option", "-t", "t", "status", "off")

    def tmux(self, *args):
        """Run a tmux command on this console's server."""
        p = subprocess.run(["tmux", "-L", self.sock] + list(args),
                           capture_output=True, text=True, timeout=10)
        if p.returncode != 0:
            fail("tmux %s: %s" % (" ".join(args), p.stderr.strip()))
        return p.stdout

    def screen(self):
        """The visible screen as text lines."""
        return self.tmux("capture-pane", "-p", "-t", "t")

    def keys(self, *keys):
        """Type keys (tmux key names, e.g. 'Space', 'Tab', 'BTab', 'n')."""
        for k in keys:
            self.tmux("send-keys", "-t", "t", k)
            time.sleep(0.03)

    def text(self, s):
        """Type literal text."""
        self.tmux("send-keys", "-t", "t", "-l", s)

    def wait_for(self, text, timeout=5.0):
        """Wait until text is on the screen; return the screen."""
        def have():
            s = self.screen()
            return s if text in s else None
        return wait_until(have, timeout, "%r on screen" % text)

    def wait_gone(self, text, timeout=5.0):
        """Wait until text is no longer on the screen."""
        return wait_until(lambda: text not in self.screen(), timeout,
                          "%r to disappear" % text)

    def resize(self, cols, rows):
        """Resize the pane as a terminal would be resized."""
        self.tmux("resize-window", "-t", "t", "-x", str(cols), "-y", str(rows))

    def pid(self):
        """Pid of the podium process in the pane."""
        shell = int(self.tmux("display-message", "-p", "-t", "t",
                              "#{pane_pid}").strip())
        def find():
            p = subprocess.run(["pgrep", "-P", str(shell)],
                               capture_output=True, text=True)
            for c in p.stdout.split():
                try:
                    with open("/proc/%s/comm" % c) as f:
                        if f.read().strip() == "podium":
                            return int(c)
                except OSError:
                    pass
                q = subprocess.run(["pgrep", "-P", c], capture_output=True,
                                   text=True)
                for g in q.stdout.split():
                    try:
                        with open("/proc/%s/comm" % g) as f:
                            if f.read().strip() == "podium":
                                return int(g)
                    except OSError:
                        pass
            return None
        return wait_until(find, 5, "the podium process")

    def dump(self):
        """Print the screen to stderr (for failures)."""
        s = self.screen()
        print(s, file=sys.stderr)
        return s

    def close(self):
        """Kill this console's tmux server."""
        subprocess.run(["tmux", "-L", self.sock, "kill-server"],
                       capture_output=True)


def shquote(s):
    """Quote a string for sh."""
    return "'" + str(s).replace("'", "'\\''") + "'"


def main(test):
    """Run test(workdir), always cleaning up; exit 0 on success."""
    wd = Workdir()
    consoles = []
    try:
        test(wd, consoles)
    except SystemExit:
        for c in consoles:
            print("--- screen at failure ---", file=sys.stderr)
            try:
                c.dump()
            except SystemExit:
                pass
        raise
    finally:
        for c in consoles:
            c.close()
        wd.close()
    print("ok")

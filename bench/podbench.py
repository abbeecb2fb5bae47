"""Shared pieces of bench/intake.py and bench/mirror.py.

Data flow: a Bench owns a scratch directory and one private tmux server;
Bench.chair() starts `podium chair --db DB` in a pane of it, as a chair
would run it, and waits until the console has drawn (PODIUM_TRACE's
first_frame_ms line) and its sockets exist. The scripts then drive the
console through those sockets and tmux keys, read /proc of the podium
process (its pid is the pane's, checked against /proc/PID/cmdline), and
print their figures with table().
"""
import csv
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
CLK_TCK = os.sysconf("SC_CLK_TCK")

# Sets PODIUM_TRACE_T0 immediately before exec'ing podium, so that the
# trace's first_frame_ms counts from the exec.
LAUNCHER = """import os, sys, time
os.environ["PODIUM_TRACE_T0"] = str(time.monotonic_ns())
os.execvp(sys.argv[1], sys.argv[1:])
"""


def die(msg):
    """Stop: the benchmark cannot measure (exit 1)."""
    print("bench: error: " + msg, file=sys.stderr)
    raise SystemExit(1)


def shquote(s):
    """Quote a string for sh."""
    return "'" + str(s).replace("'", "'\\''") + "'"


def pct(values, p):
    """Nearest-rank percentile p (0..100) of values."""
    v = sorted(values)
    return v[max(0, math.ceil(p / 100.0 * len(v)) - 1)]


def median(values):
    """The middle value (the lower of the two middle ones)."""
    return pct(values, 50)


def ms(v):
    """A duration in ms, with precision that suits its size."""
    if abs(v) >= 100:
        return "%.0f ms" % v
    if abs(v) >= 10:
        return "%.1f ms" % v
    return "%.2f ms" % v


def machine():
    """nproc, the CPU model and the load, for the record."""
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    return "%d CPU, %s, load %s" % (os.cpu_count(), model, load)


def proc_sample(pid):
    """CPU (clock ticks and scheduler ns) and memory of a process."""
    s = {"t": time.monotonic()}
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    s["ticks"] = int(fields[11]) + int(fields[12])
    with open("/proc/%d/schedstat" % pid) as f:
        s["run_ns"] = int(f.read().split()[0])
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                s[k] = int(v.split()[0])
    return s


def cpu_between(a, b):
    """CPU used between two samples: percent of a core, ticks, seconds."""
    wall = b["t"] - a["t"]
    run = (b["run_ns"] - a["run_ns"]) / 1e9
    return {"wall_s": wall, "ticks": b["ticks"] - a["ticks"],
            "cpu_s": (b["ticks"] - a["ticks"]) / CLK_TCK,
            "run_s": run, "pct": 100.0 * run / wall}


def table(rows, head=("figure", "measured", "target", "meets")):
    """Print rows as an aligned text table."""
    rows = [tuple(str(c) for c in r) for r in rows]
    w = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    print("  ".join("%-*s" % (w[i], head[i]) for i in range(len(head))))
    print("  ".join("-" * w[i] for i in range(len(head))))
    for r in rows:
        print("  ".join("%-*s" % (w[i], r[i]) for i in range(len(head))))
    sys.stdout.flush()


def meets(ok):
    """The meets column."""
    return "yes" if ok else "NO"


class Tmux:
    """A private tmux server; a holder session keeps it up between runs.

    Sessions are named exactly ("=NAME:"), so that c1 never means c10.
    """

    def __init__(self, cols, rows):
        self.sock = "podium-bench-%d-%x" % (os.getpid(), id(self))
        self.cols, self.rows = cols, rows
        self.cmd("-f", "/dev/null", "new-session", "-d", "-s", "hold",
                 "-x", str(cols), "-y", str(rows), "sleep 86400")
        self.cmd("set-option", "-g", "status", "off")

    def cmd(self, *args, check=True):
        """Run a tmux command on this server; return its stdout."""
        p = subprocess.run(["tmux", "-L", self.sock] + list(args),
                           capture_output=True, text=True, timeout=10)
        if check and p.returncode != 0:
            die("tmux %s: %s" % (" ".join(args), p.stderr.strip()))
        return p.stdout if p.returncode == 0 else None

    def start(self, name, shell_cmd):
        """Open a session whose only pane runs shell_cmd."""
        self.cmd("new-session", "-d", "-s", name, "-x", str(self.cols),
                 "-y", str(self.rows), shell_cmd)

    def alive(self, name):
        """Whether the session still exists (its program still runs)."""
        return subprocess.run(["tmux", "-L", self.sock, "has-session", "-t",
                               "=" + name], capture_output=True).returncode == 0

    def keys(self, name, *keys, gap=0.05):
        """Type tmux key names into the session's pane, gap s apart."""
        for k in keys:
            self.cmd("send-keys", "-t", "=%s:" % name, k)
            time.sleep(gap)

    def screen(self, name):
        """The pane's visible text ('' once it is gone)."""
        return self.cmd("capture-pane", "-p", "-t", "=%s:" % name,
                        check=False) or ""

    def pane_pid(self, name):
        """Pid of the pane's process (the launch chain execs into it)."""
        return int(self.cmd("display-message", "-p", "-t", "=%s:" % name,
                            "#{pane_pid}").strip())

    def kill(self, name):
        """Close a session (its program gets SIGHUP)."""
        self.cmd("kill-session", "-t", "=" + name, check=False)

    def close(self):
        """Stop the whole server."""
        subprocess.run(["tmux", "-L", self.sock, "kill-server"],
                       capture_output=True)


class Chair:
    """One console running in a tmux pane."""

    def __init__(self, bench, name, db, pid, first_frame_ms):
        self.bench, self.name, self.db = bench, name, db
        self.pid, self.first_frame_ms = pid, first_frame_ms
        self.intake = db + ".intake.sock"
        self.mirror = db + ".mirror.sock"

    def keys(self, *keys, gap=0.05):
        """Type keys into the console."""
        self.bench.tmux.keys(self.name, *keys, gap=gap)

    def screen(self):
        """The console's screen text."""
        return self.bench.tmux.screen(self.name)

    def quit(self, timeout=10.0):
        """Quit with `q` and wait for the program to end."""
        self.bench.tmux.keys(self.name, "q")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.bench.tmux.alive(self.name):
                return
            time.sleep(0.02)
        self.bench.tmux.kill(self.name)


class Bench:
    """The scratch directory, the environment and the tmux server."""

    def __init__(self, podium, prefix, cols=120, rows=40):
        if shutil.which("tmux") is None:
            die("tmux is needed")
        if not os.access(podium, os.X_OK):
            die("no podium binary at %s (give --podium or $PODIUM)" % podium)
        self.podium = podium
        self.dir = tempfile.mkdtemp(prefix=prefix)
        self.launcher = self.path("launch.py")
        with open(self.launcher, "w") as f:
            f.write(LAUNCHER)
        self.env = {
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "tmux-256color",
            "XDG_DATA_HOME": self.dir,
            "PODIUM_DATADIR": os.environ.get(
                "PODIUM_DATADIR", os.path.join(SOURCE, "sample-data")),
        }
        self.tmux = Tmux(cols, rows)
        self.n = 0

    def path(self, name):
        """A file in the scratch directory."""
        return os.path.join(self.dir, name)

    def run_env(self):
        """The environment for podium commands run directly."""
        return dict(os.environ, **self.env)

    def chair(self, db, args=(), wrap=(), timeout=20.0, comm="podium"):
        """Start `podium chair --db DB ARGS` (under wrap, e.g. valgrind).

        comm is the process name to expect in the pane (None: any, as
        under valgrind); the pane's command line must hold podium's path.
        """
        self.n += 1
        name = "c%d" % self.n
        trace = self.path("trace-%d" % self.n)
        env = dict(self.env, PODIUM_TRACE=trace)
        envs = " ".join("%s=%s" % (k, shquote(v)) for k, v in env.items())
        argv = list(wrap) + [self.podium, "chair", "--db", db] + list(args)
        self.tmux.start(name, "exec env %s %s %s %s" % (
            envs, shquote(sys.executable), shquote(self.launcher),
            " ".join(shquote(a) for a in argv)))
        deadline = time.monotonic() + timeout
        first = None
        while first is None and time.monotonic() < deadline:
            if os.path.exists(trace):
                with open(trace) as f:
                    for line in f:
                        if line.startswith("first_frame_ms "):
                            first = float(line.split()[1])
            if first is None:
                if not self.tmux.alive(name):
                    die("podium chair --db %s ended before drawing" % db)
                time.sleep(0.02)
        if first is None:
            die("podium drew no first frame within %.0f s; screen:\n%s"
                % (timeout, self.tmux.screen(name)))
        pid = self.tmux.pane_pid(name)
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            cmdline = f.read().split(b"\0")
        with open("/proc/%d/comm" % pid) as f:
            name_ok = comm is None or f.read().strip() == comm[:15]
        if not name_ok or self.podium.encode() not in cmdline:
            die("pane %s runs %r, not podium" % (name, cmdline))
        for sock in (db + ".intake.sock", db + ".mirror.sock"):
            while not os.path.exists(sock):
                if time.monotonic() > deadline:
                    die("no socket %s" % sock)
                time.sleep(0.01)
        return Chair(self, name, db, pid, first)

    def podium_cmd(self, *args, timeout=600):
        """Run a podium command to completion; return (seconds, stdout)."""
        t0 = time.monotonic()
        p = subprocess.run([self.podium] + list(args), capture_output=True,
                           text=True, timeout=timeout, env=self.run_env())
        if p.returncode != 0:
            die("podium %s: %s" % (" ".join(args), p.stderr.strip()))
        return time.monotonic() - t0, p.stdout

    def close(self, keep):
        """Stop tmux; remove the scratch directory unless asked to keep it."""
        self.tmux.close()
        if keep:
            print("scratch directory kept: " + self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


def intake_request(sock_path, line):
    """Send one intake request line; return the parsed reply."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock_path)
    s.sendall(line.encode() + b"\n")
    reply = s.makefile("rb").readline()
    s.close()
    return json.loads(reply)


def copy_db(src, dst):
    """Copy a closed session database (and its WAL, if any)."""
    for suffix in ("", "-wal"):
        if os.path.exists(src + suffix):
            shutil.copyfile(src + suffix, dst + suffix)


def make_csv(path, n):
    """A registration export of n rows, texts cycled from the sample."""
    qs = []
    with open(os.path.join(datadir(), "questions.jsonl")) as f:
        for line in f:
            q = json.loads(line)
            if q.get("type") == "question":
                qs.append(q)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "organisation", "country", "language",
                    "question"])
        for i in range(n):
            q = qs[i % len(qs)]
            w.writerow(["bench-%06d" % i, q.get("from", ""),
                        q.get("org", ""), q.get("country", ""),
                        q.get("lang", ""), "%s (#%d)" % (q["text"], i)])


def datadir():
    """The sample data directory."""
    return os.environ.get("PODIUM_DATADIR",
                          os.path.join(SOURCE, "sample-data"))


def import_db(bench, n):
    """A database holding n imported questions; (path, seconds)."""
    csv_path = bench.path("reg-%d.csv" % n)
    db = bench.path("imported-%d.db" % n)
    make_csv(csv_path, n)
    secs, out = bench.podium_cmd("import", "--db", db, csv_path,
                                 timeout=3600)
    if not out.startswith("%d questions" % n):
        die("podium import: %s" % out.strip())
    return db, secs

#!/usr/bin/env python3
"""Benchmarks of the chair console: start-up, memory, idle cost, lateness.

Prints the figures of docs/PERFORMANCE.md, section "Chair console
(issue 2)", as a table and exits 0: it measures, it does not judge (the
"meets" column only compares with the target). It exits 1 only when it
cannot measure at all (podium or tmux missing, a console that never
draws).

Data flow. Every console runs in a pane of one private tmux server, as a
chair would run it, through a tiny launcher that writes
PODIUM_TRACE_T0 = CLOCK_MONOTONIC ns into the environment immediately
before exec'ing podium. With PODIUM_TRACE=FILE podium appends to FILE:

    first_frame_ms X                       once, after the first frame
    tick_late_ms L remaining_ms R          each timer wake-up while a
                                           countdown runs

Phase 1 launches podium N times on a fresh database, N times on an
existing one and N times in rehearsal, reads first_frame_ms and quits
with `q`. Phase 2 starts three live consoles at once: one idle (no
countdown), one with a countdown running and traced, and one with a
countdown running and not traced (the trace writes a line per wake-up,
so this one shows what tracing costs). Their /proc/PID files are read
after the first frame, at the end of the CPU window and at the end of
the lateness window; the traced console's trace lines between the start
and the end of the window give the lateness of the displayed second.

Usage: bench/console.py [--quick] [--podium PATH] [--json FILE]
       bench/console.py --report FILE     (the table of a saved --json run)
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from podbench import LAUNCHER, Tmux, die, pct, shquote  # noqa: E402


# Presses of `+` (30 s each) on the first speaker (4:00): 16:00 keeps the
# countdown positive for the whole lateness window.
PLUS_PRESSES = 24

CLK_TCK = os.sysconf("SC_CLK_TCK")


class Bench:
    """The scratch directory, the environment and the podium command line."""

    def __init__(self, args):
        self.podium = args.podium
        # tmux first: if it cannot start, there is no directory to leak.
        self.tmux = Tmux(args.cols, args.rows)
        self.dir = tempfile.mkdtemp(prefix="podium-bench-")
        self.launcher = os.path.join(self.dir, "launch.py")
        with open(self.launcher, "w") as f:
            f.write(LAUNCHER)
        self.env = {
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "tmux-256color",
            "XDG_DATA_HOME": self.dir,
            "PODIUM_DATADIR": os.environ.get(
                "PODIUM_DATADIR", os.path.join(SOURCE, "sample-data")),
        }
        self.n = 0

    def path(self, name):
        """A file in the scratch directory."""
        return os.path.join(self.dir, name)

    def start(self, args, trace=None):
        """Start podium args in a new session; return the session name."""
        self.n += 1
        name = "c%d" % self.n
        env = dict(self.env)
        if trace is not None:
            env["PODIUM_TRACE"] = trace
        envs = " ".join("%s=%s" % (k, shquote(v)) for k, v in env.items())
        cmd = "exec env %s %s %s %s %s" % (
            envs, shquote(sys.executable), shquote(self.launcher),
            shquote(self.podium), " ".join(shquote(a) for a in args))
        self.tmux.start(name, cmd)
        return name

    def close(self, keep):
        """Stop tmux; remove the scratch directory unless asked to keep it."""
        self.tmux.close()
        if keep:
            print("scratch directory kept: " + self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


def read_first_frame(trace, name, bench, timeout=10.0):
    """Wait for the trace's first_frame_ms line; return its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(trace) as f:
                for line in f:
                    if line.startswith("first_frame_ms "):
                        return float(line.split()[1])
        except FileNotFoundError:
            pass
        if not bench.tmux.alive(name):
            break
        time.sleep(0.01)
    die("podium drew no first frame within %.0f s (trace %s); screen:\n%s"
        % (timeout, trace, bench.tmux.screen(name)))


def quit_console(bench, name, timeout=5.0):
    """Quit with `q` and wait for the program to end."""
    bench.tmux.keys(name, "q")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not bench.tmux.alive(name):
            return
        time.sleep(0.02)
    bench.tmux.kill(name)


def launch_once(bench, args, tag):
    """One launch: start, read the first frame's time, quit."""
    trace = bench.path("trace-%s-%d" % (tag, bench.n + 1))
    name = bench.start(args, trace)
    ms = read_first_frame(trace, name, bench)
    quit_console(bench, name)
    return ms


def phase_launches(bench, n):
    """Figure 1: time from exec to first frame, three ways, n times each."""
    launch_once(bench, ["chair", "--db", bench.path("warm.db")], "warm")
    reopen = bench.path("reopen.db")
    launch_once(bench, ["chair", "--db", reopen], "create")
    res = {"fresh": [], "reopen": [], "rehearse": []}
    for i in range(n):
        res["fresh"].append(launch_once(
            bench, ["chair", "--db", bench.path("fresh-%d.db" % i)], "fresh"))
        res["reopen"].append(launch_once(
            bench, ["chair", "--db", reopen], "reopen"))
        res["rehearse"].append(launch_once(
            bench, ["rehearse", "--speed", "20", "--db",
                    bench.path("rehearse-%d.db" % i)], "rehearse"))
    return res


def proc_sample(pid):
    """CPU, context switches and memory of a process, from /proc."""
    s = {}
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    s["ticks"] = int(fields[11]) + int(fields[12])
    with open("/proc/%d/schedstat" % pid) as f:
        s["run_ns"] = int(f.read().split()[0])
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem"):
                s[k] = int(v.split()[0])
            elif k in ("voluntary_ctxt_switches",
                       "nonvoluntary_ctxt_switches"):
                s[k] = int(v)
    s["t"] = time.monotonic()
    return s


def smaps_breakdown(pid):
    """RSS by mapping (kB): pathname → Rss, Pss, Private, Shared, sorted."""
    maps = {}
    cur = None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            head = line.split()
            if not head[0].endswith(":"):
                cur = head[5] if len(head) > 5 else "[anon]"
                if cur.startswith("/"):
                    cur = os.path.basename(cur)
                maps.setdefault(cur, {"rss": 0, "pss": 0, "private": 0,
                                      "shared": 0})
            elif head[0] in ("Rss:", "Pss:"):
                maps[cur][head[0][:-1].lower()] += int(head[1])
            elif head[0] in ("Private_Clean:", "Private_Dirty:"):
                maps[cur]["private"] += int(head[1])
            elif head[0] in ("Shared_Clean:", "Shared_Dirty:"):
                maps[cur]["shared"] += int(head[1])
    return sorted(maps.items(), key=lambda kv: -kv[1]["rss"])


def state(bench, db):
    """The parsed `podium state` of db."""
    p = subprocess.run([bench.podium, "state", "--db", db, "--compact"],
                       capture_output=True, text=True, timeout=20,
                       env=dict(os.environ, **bench.env))
    if p.returncode != 0:
        die("podium state --db %s: %s" % (db, p.stderr.strip()))
    return json.loads(p.stdout)


def wait_state(bench, db, pred, what, timeout=10.0):
    """Poll `podium state` until pred(state) holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        st = state(bench, db)
        if pred(st):
            return st
        time.sleep(0.1)
    die("timed out waiting for %s in %s" % (what, db))


def wait_screen(bench, name, text, timeout=10.0):
    """Wait until text is on the pane."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in bench.tmux.screen(name):
            return
        time.sleep(0.05)
    die("%r never appeared on %s:\n%s" % (text, name, bench.tmux.screen(name)))


def podium_pid(bench, name):
    """The pane's pid, checked to be podium."""
    pid = bench.tmux.pane_pid(name)
    with open("/proc/%d/comm" % pid) as f:
        comm = f.read().strip()
    if comm != os.path.basename(bench.podium)[:15]:
        die("pane %s runs %s, not %s" % (name, comm, bench.podium))
    return pid


def start_countdown(bench, name, db):
    """`]` opens the first segment; `+` lengthens it; Space starts it."""
    bench.tmux.keys(name, "]")
    wait_state(bench, db, lambda s: s.get("speaker") is not None,
               "a current speaker")
    bench.tmux.keys(name, *(["+"] * PLUS_PRESSES))
    want = 1000 * (240 + 30 * PLUS_PRESSES)
    wait_state(bench, db, lambda s: s["speaker"]["remaining_ms"] >= want,
               "the speaker's time to reach %d ms" % want)
    bench.tmux.keys(name, "Space")
    return wait_state(bench, db, lambda s: s["speaker"]["running"],
                      "the countdown to run")


def lateness(lines):
    """Per displayed countdown second, how late its first wake-up was.

    Wake-ups also come at the header clock's second, out of phase with
    the countdown; those are not the countdown's. The first wake-up whose
    remaining time lies in a displayed second is the one that drew it,
    and its tick_late_ms is how long after the clock crossed it. The
    window's first displayed second is left out: the wake-up that drew it
    may have come before the window opened.
    """
    firsts = []
    seen = {}
    skipped = 0
    prev = None
    head = None
    for late, rem in lines:
        shown = -(-rem // 1000) if rem > 0 else rem // 1000
        if head is None:
            head = shown
        if shown == head:
            continue
        if shown in seen:
            seen[shown] += 1
            continue
        seen[shown] = 1
        if prev is not None and abs(prev - shown) > 1:
            skipped += abs(prev - shown) - 1
        prev = shown
        firsts.append(late)
    return firsts, seen, skipped


def read_trace_lines(trace, start, end):
    """tick_late_ms lines of trace between byte offsets start and end."""
    out = []
    with open(trace, "rb") as f:
        f.seek(start)
        data = f.read(end - start).decode()
    for line in data.splitlines():
        p = line.split()
        if len(p) == 4 and p[0] == "tick_late_ms":
            out.append((int(p[1]), int(p[3])))
    return out


def cpu(a, b):
    """CPU between two samples: % of one core by ticks and by run time."""
    dt = b["t"] - a["t"]
    return {
        "seconds": dt,
        "ticks": b["ticks"] - a["ticks"],
        "pct_ticks": 100.0 * (b["ticks"] - a["ticks"]) / CLK_TCK / dt,
        "pct_run": 100.0 * (b["run_ns"] - a["run_ns"]) / 1e9 / dt,
        "wakeups_per_s": (b["voluntary_ctxt_switches"] -
                          a["voluntary_ctxt_switches"]) / dt,
        "preempted": (b["nonvoluntary_ctxt_switches"] -
                      a["nonvoluntary_ctxt_switches"]),
    }


def phase_consoles(bench, cpu_window, late_window):
    """Figures 2-4: three live consoles at once, read from /proc and trace."""
    idle_db, trace_db, plain_db = (bench.path(n) for n in
                                   ("idle.db", "countdown.db", "plain.db"))
    idle_trace, cd_trace = bench.path("trace-idle"), bench.path("trace-cd")
    idle = bench.start(["chair", "--db", idle_db], idle_trace)
    cd = bench.start(["chair", "--db", trace_db], cd_trace)
    plain = bench.start(["chair", "--db", plain_db])
    res = {"first_frame_ms": {"idle": read_first_frame(idle_trace, idle, bench),
                              "countdown": read_first_frame(cd_trace, cd,
                                                            bench)}}
    wait_screen(bench, plain, "LIVE")
    pids = {"idle": podium_pid(bench, idle), "countdown": podium_pid(bench, cd),
            "untraced": podium_pid(bench, plain)}
    res["after_first_frame"] = {k: proc_sample(p) for k, p in pids.items()}
    start_countdown(bench, cd, trace_db)
    start_countdown(bench, plain, plain_db)
    time.sleep(1.5)
    t0 = {k: proc_sample(p) for k, p in pids.items()}
    off0 = os.path.getsize(cd_trace)
    time.sleep(max(0.0, t0["idle"]["t"] + cpu_window - time.monotonic()))
    t1 = {k: proc_sample(p) for k, p in pids.items()}
    res["after_cpu_window"] = t1
    res["smaps"] = {k: smaps_breakdown(p) for k, p in pids.items()}
    time.sleep(max(0.0, t0["idle"]["t"] + late_window - time.monotonic()))
    t2 = {k: proc_sample(p) for k, p in pids.items()}
    off2 = os.path.getsize(cd_trace)
    res["after_late_window"] = t2
    res["cpu_window"] = {k: cpu(t0[k], t1[k]) for k in pids}
    res["late_window_cpu"] = {k: cpu(t0[k], t2[k]) for k in pids}
    res["trace_lines"] = read_trace_lines(cd_trace, off0, off2)
    st = state(bench, trace_db)
    res["remaining_ms_at_end"] = st["speaker"]["remaining_ms"]
    for n in (idle, cd, plain):
        bench.tmux.kill(n)
    return res


def fmt_ms(v):
    """A millisecond figure."""
    return "%.1f ms" % v


def row(figure, measured, target, value, limit, at_most=False):
    """One table row; value/limit is the ratio to the target."""
    ok = value <= limit * 1.01 if at_most else value < limit
    return (figure, measured, target, "%.2f" % (value / limit),
            "yes" if ok else "NO")


def summarize(launch, cons, args):
    """The rows of the table: figure, measured, target, ratio, meets."""
    rows = []
    for tag, what in (("fresh", "fresh db"), ("reopen", "existing db"),
                      ("rehearse", "rehearse --speed 20, fresh db")):
        v = launch[tag]
        rows.append(row("first frame, %s (n=%d)" % (what, len(v)),
                        "median %s, p90 %s, max %s" % (
                            fmt_ms(statistics.median(v)), fmt_ms(pct(v, 90)),
                            fmt_ms(max(v))),
                        "< 30 ms", statistics.median(v), 30))
    for when, key in (("after first frame", "after_first_frame"),
                      ("after %d s" % args.cpu_window, "after_cpu_window"),
                      ("after %d s" % args.late_window, "after_late_window")):
        for k in ("idle", "countdown"):
            s = cons[key][k]
            rows.append(row("RSS %s, %s" % (k, when),
                            "VmRSS %.1f MB, VmHWM %.1f MB (anon %.1f, "
                            "file %.1f)" % (
                                s["VmRSS"] / 1024, s["VmHWM"] / 1024,
                                s["RssAnon"] / 1024, s["RssFile"] / 1024),
                            "< 8 MB", s["VmHWM"], 8 * 1024))
    labels = {"idle": "idle, no countdown",
              "countdown": "countdown, traced",
              "untraced": "countdown, untraced"}
    for key, span in (("cpu_window", args.cpu_window),
                      ("late_window_cpu", args.late_window)):
        for k in ("idle", "countdown", "untraced"):
            c = cons[key][k]
            rows.append(row("CPU %s, %d s" % (labels[k], span),
                            "%.4f%% of a core (%d clock ticks)" % (
                                c["pct_run"], c["ticks"]),
                            "< 0.1%", c["pct_run"], 0.1))
    for key, span in (("cpu_window", args.cpu_window),
                      ("late_window_cpu", args.late_window)):
        for k in ("idle", "countdown", "untraced"):
            c = cons[key][k]
            shown = 1 if k == "idle" else 2
            rows.append(row("wake-ups %s, %d s" % (labels[k], span),
                            "%.2f/s" % c["wakeups_per_s"],
                            "1 per displayed second (%d/s)" % shown,
                            c["wakeups_per_s"], shown, at_most=True))
    firsts, seen, skipped = lateness(cons["trace_lines"])
    if firsts:
        minute = min(60, len(firsts))
        head = statistics.median(firsts[:minute])
        tail = statistics.median(firsts[-minute:])
        rows.append(row("lateness of the displayed second, %d s (n=%d)"
                        % (args.late_window, len(firsts)),
                        "median %d ms, p99 %d ms, max %d ms" % (
                            statistics.median(firsts), pct(firsts, 99),
                            max(firsts)),
                        "< 20 ms", pct(firsts, 99), 20))
        rows.append(("drift: median, first vs last %d s" % minute,
                     "%.1f ms vs %.1f ms" % (head, tail),
                     "no drift (< 5 ms apart)", "-",
                     "yes" if abs(tail - head) < 5 else "NO"))
        rows.append(("countdown seconds never drawn", "%d of %d; %.2f "
                     "wake-ups per countdown second" % (
                         skipped, len(seen) + skipped,
                         sum(seen.values()) / len(seen)),
                     "0", "-", "yes" if skipped == 0 else "NO"))
    return rows


def print_table(rows):
    """The figures as an aligned text table."""
    head = ("figure", "measured", "target", "ratio", "meets")
    w = [max(len(r[i]) for r in [head] + rows) for i in range(5)]
    print("  ".join("%-*s" % (w[i], head[i]) for i in range(5)))
    print("  ".join("-" * w[i] for i in range(5)))
    for r in rows:
        print("  ".join("%-*s" % (w[i], r[i]) for i in range(5)))


def print_smaps(cons):
    """What the idle console's RSS is made of, largest mappings first."""
    rows = cons["smaps"]["idle"]
    tot = {k: sum(v[k] for _, v in rows)
           for k in ("rss", "pss", "private", "shared")}
    print("\nRSS of the idle console by mapping (kB): total %d (PSS %d), "
          "private %d, shared with other processes %d" % (
              tot["rss"], tot["pss"], tot["private"], tot["shared"]))
    for name, v in rows[:12]:
        print("  %-26s rss %5d  pss %5d  private %5d  shared %5d" % (
            name[:26], v["rss"], v["pss"], v["private"], v["shared"]))


def machine():
    """nproc and the CPU model, for the record."""
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return "%d CPU, %s, load %s" % (os.cpu_count(), model,
                                    open("/proc/loadavg").read().split()[0])


def main():
    """Parse options, run both phases, print the table, exit 0."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--podium", default=os.environ.get(
        "PODIUM", os.path.join(SOURCE, "build", "podium")))
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: 5 launches, 10 s CPU, 20 s lateness")
    ap.add_argument("--launches", type=int, default=None)
    ap.add_argument("--cpu-window", type=int, default=None)
    ap.add_argument("--late-window", type=int, default=None)
    ap.add_argument("--cols", type=int, default=120)
    ap.add_argument("--rows", type=int, default=40)
    ap.add_argument("--json", help="also write every sample to this file")
    ap.add_argument("--keep", action="store_true",
                    help="keep the scratch directory (traces, databases)")
    ap.add_argument("--report", metavar="FILE",
                    help="print the table of a --json FILE again; measure "
                    "nothing")
    args = ap.parse_args()
    if args.report:
        with open(args.report) as f:
            saved = json.load(f)
        args.cpu_window = saved["windows"]["cpu"]
        args.late_window = saved["windows"]["late"]
        print_table(summarize(saved["launch"], saved["consoles"], args))
        print_smaps(saved["consoles"])
        return 0
    quick = {"launches": 5, "cpu_window": 10, "late_window": 20}
    full = {"launches": 25, "cpu_window": 60, "late_window": 600}
    for k, v in (quick if args.quick else full).items():
        if getattr(args, k) is None:
            setattr(args, k, v)
    args.late_window = max(args.late_window, args.cpu_window)
    if shutil.which("tmux") is None:
        die("tmux is needed")
    if not os.access(args.podium, os.X_OK):
        die("no podium binary at %s (give --podium or $PODIUM)" % args.podium)

    print("podium console benchmark: %s" % args.podium)
    print("machine: %s; %s" % (machine(), time.strftime("%Y-%m-%d %H:%M %Z")))
    print("terminal %dx%d in tmux; %d launches of each kind; CPU window %d s; "
          "lateness window %d s\n" % (args.cols, args.rows, args.launches,
                                      args.cpu_window, args.late_window))
    bench = Bench(args)
    try:
        launch = phase_launches(bench, args.launches)
        cons = phase_consoles(bench, args.cpu_window, args.late_window)
    finally:
        bench.close(args.keep)
    print_table(summarize(launch, cons, args))
    print_smaps(cons)
    print("\nload average at the end: %s" % open("/proc/loadavg").read().strip())
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"windows": {"cpu": args.cpu_window,
                                   "late": args.late_window},
                       "launch": launch, "consoles": cons}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())

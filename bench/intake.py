#!/usr/bin/env python3
"""Benchmarks of the intake server, and of the console with 100,000 questions.

Prints the figures of docs/PERFORMANCE.md, section "Intake (issue 3)", as
a table and exits 0: it measures, it does not judge (the "meets" column
only compares with the target). It exits 1 only when it cannot measure.

Data flow. Every console is `podium chair --db DB` in a pane of a private
tmux server (bench/podbench.py), on a fresh database unless said
otherwise; bench/intake-load (built by meson) talks to its intake socket:

 1. the disk: write+fdatasync latency of a file in the scratch directory
    (where the databases are), and SQLite's rate of one-row transactions
    with the settings podium uses (WAL, synchronous=FULL);
 2. durable intake throughput: COUNT questions pipelined on one
    connection, and 8 clients sending one question at a time; each run
    on a fresh database, RUNS runs;
 3. ack latency of one client sending one question at a time;
 4. from ack to screen: the console runs on a pseudo-terminal of this
    script (not tmux, whose own redraw would blur the figure); each
    question is sent in the middle of a wall-clock second, so that the
    header clock's redraw is not in the way, and the time from its ack to
    the first bytes the console writes to the terminal is taken;
 5. BIG questions imported with `podium import` into a fresh database
    (the import is timed too); start-up and RSS of a console on it and
    on a database of 100; intake throughput and latency on a copy;
 6. the time from a key to the first bytes of its frame (j and a), on
    a pseudo-terminal as in 4, with BIG and with 100 questions;
 7. the cost of a key: the console runs under valgrind's callgrind with
    collection only inside loop_chair_input_cb (reading the key, acting
    on it, drawing the frame); keys are typed one at a time, waiting for
    the console to go idle, and callgrind_control dumps the count after
    each kind of key; instructions per key with BIG vs 100 questions.

Usage: bench/intake.py [--quick] [--podium PATH] [--load PATH] [--json FILE]
"""
import argparse
import glob
import json
import os
import pty
import re
import select
import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import podbench  # noqa: E402
from podbench import die, median, ms, pct, meets  # noqa: E402


def disk_bound(bench, n):
    """Figure: write+fdatasync latency, and SQLite's one-row commits.

    A 4 KiB block is overwritten in place (the WAL once it wraps) or
    appended (the WAL while it grows: the size changes too).
    """
    res = {}
    for name, append in (("overwrite", False), ("append", True)):
        path = bench.path("fsync-%s.bin" % name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        if not append:
            os.write(fd, b"\0" * 65536)
            os.fsync(fd)
        t = []
        for i in range(n):
            t0 = time.perf_counter()
            if append:
                os.write(fd, b"x" * 4096)
            else:
                os.pwrite(fd, b"x" * 4096, (i % 16) * 4096)
            os.fdatasync(fd)
            t.append((time.perf_counter() - t0) * 1000)
        os.close(fd)
        os.unlink(path)
        res[name] = {"median_ms": median(t), "p99_ms": pct(t, 99)}
    path = bench.path("commit.db")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE t (seq INTEGER PRIMARY KEY, kind TEXT, "
               "args TEXT, ext_id TEXT UNIQUE)")
    t = []
    args = json.dumps({"text": "How can long-term funding for survivors' "
                       "associations be made predictable?" * 2})
    start = time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t (kind, args, ext_id) VALUES (?, ?, ?)",
                   ("question_add", args, "bench-%d" % i))
        db.execute("COMMIT")
        t.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - start
    db.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)
    res["sqlite"] = {"per_second": n / total, "median_ms": median(t),
                     "p99_ms": pct(t, 99)}
    return res


def load(args, chair, mode, clients, count, tag):
    """Run bench/intake-load against a console; return its JSON."""
    p = subprocess.run([args.load, chair.intake, mode, str(clients),
                        str(count), tag], capture_output=True, text=True,
                       timeout=600)
    if p.returncode != 0:
        die("intake-load %s: %s %s" % (mode, p.stdout, p.stderr))
    return json.loads(p.stdout)


def fresh_runs(bench, args, mode, clients, count, runs):
    """Runs of intake-load, each into a console on a fresh database."""
    out = []
    for i in range(runs):
        chair = bench.chair(bench.path("%s-%d-%d.db" % (mode, clients, i)))
        out.append(load(args, chair, mode, clients, count, "r%d" % i))
        chair.quit()
    return out


class PtyConsole:
    """A console on a pseudo-terminal of ours, its output timestamped."""

    def __init__(self, bench, db, cols=120, rows=40):
        import fcntl
        import termios
        self.db = db
        self.chunks = []
        self.stop = False
        env = dict(bench.env, TERM="xterm-256color")
        pid, fd = pty.fork()
        if pid == 0:
            os.environ.update(env)
            os.execv(bench.podium, [bench.podium, "chair", "--db", db])
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ,
                    struct.pack("HHHH", rows, cols, 0, 0))
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 60
        while not os.path.exists(db + ".intake.sock"):
            if time.monotonic() > deadline:
                die("console on a pty: no intake socket for %s" % db)
            time.sleep(0.01)
        time.sleep(1.0)

    def read(self):
        """Reader thread: every chunk of output with its arrival time."""
        while not self.stop:
            r, _, _ = select.select([self.fd], [], [], 0.2)
            if r:
                try:
                    data = os.read(self.fd, 1 << 16)
                except OSError:
                    return
                if not data:
                    return
                self.chunks.append((time.monotonic(), data))

    def first_after(self, t):
        """The first output chunk that arrived after t, or None."""
        found = None
        for c in reversed(self.chunks[-500:]):
            if c[0] <= t:
                break
            found = c
        return found

    def close(self):
        """Quit with q; kill if it does not."""
        os.write(self.fd, b"q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if os.waitpid(self.pid, os.WNOHANG)[0] != 0:
                break
            time.sleep(0.05)
        else:
            os.kill(self.pid, 15)
            os.waitpid(self.pid, 0)
        self.stop = True
        self.thread.join()
        os.close(self.fd)


def ack_to_screen(bench, db, n, stored):
    """Figure: ack of a question -> first bytes of the frame showing it."""
    con = PtyConsole(bench, db)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(db + ".intake.sock")
    f = s.makefile("rb")
    lat, acks, digit_ok = [], [], 0
    for i in range(n):
        # Mid-second: the header clock redraws at each second boundary.
        while not 0.15 < time.time() % 1.0 < 0.70:
            time.sleep(0.003)
        t0 = time.monotonic()
        s.sendall(b'{"type":"question","text":"Screen latency probe %d: '
                  b'how is funding tracked?"}\n' % i)
        reply = json.loads(f.readline())
        ta = time.monotonic()
        if not reply.get("ok"):
            die("question refused: %r" % reply)
        deadline = ta + 2.0
        chunk = None
        while chunk is None and time.monotonic() < deadline:
            time.sleep(0.002)
            chunk = con.first_after(ta)
        if chunk is None:
            die("no output within 2 s of an intake ack")
        lat.append((chunk[0] - ta) * 1000)
        acks.append((ta - t0) * 1000)
        # The question count in the pane's title ends with this digit.
        if str(stored + i + 1)[-1].encode() in chunk[1]:
            digit_ok += 1
        time.sleep(0.05)
    s.close()
    con.close()
    return {"n": n, "median_ms": median(lat), "p99_ms": pct(lat, 99),
            "max_ms": max(lat), "ack_median_ms": median(acks),
            "count_digit_seen": digit_ok}


def key_latency(bench, src, tag, n):
    """Figure: key typed -> first bytes of the frame, natively, j and a."""
    db = bench.path("keylat-%s.db" % tag)
    podbench.copy_db(src, db)
    con = PtyConsole(bench, db)
    res = {}
    for key in [b"\t"] + [b"j"] * n + [b"a", b"j"] * n:
        while not 0.15 < time.time() % 1.0 < 0.70:
            time.sleep(0.003)
        t = time.monotonic()
        os.write(con.fd, key)
        chunk = None
        while chunk is None and time.monotonic() - t < 5:
            time.sleep(0.001)
            chunk = con.first_after(t)
        if chunk is None:
            die("no output within 5 s of a key")
        res.setdefault(key.decode(), []).append((chunk[0] - t) * 1000)
        time.sleep(0.1)
    con.close()
    return {k: {"median_ms": median(v), "max_ms": max(v), "n": len(v)}
            for k, v in res.items() if k in ("j", "a")}


def console_memory(bench, src, tag, launches):
    """Figures: first frame (median of launches) and RSS (the last
    launch's) of a console on a copy of src."""
    db = bench.path("rss-%s.db" % tag)
    podbench.copy_db(src, db)
    frames = []
    for _ in range(launches):
        chair = bench.chair(db, timeout=120)
        time.sleep(2.0)
        s = podbench.proc_sample(chair.pid)
        chair.quit()
        frames.append(chair.first_frame_ms)
    return {"first_frame_ms": median(frames), "first_frames_ms": frames,
            "VmRSS": s["VmRSS"], "VmHWM": s["VmHWM"],
            "RssAnon": s["RssAnon"], "RssFile": s["RssFile"]}


def wait_idle(pid, quiet_s=0.3, limit_s=120):
    """Wait until the process has used almost no CPU for quiet_s."""
    deadline = time.monotonic() + limit_s
    last = podbench.proc_sample(pid)
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        cur = podbench.proc_sample(pid)
        if cur["run_ns"] - last["run_ns"] > 5e6:
            quiet_since = time.monotonic()
        last = cur
        if time.monotonic() - quiet_since >= quiet_s:
            return
    die("the console under callgrind stayed busy for %d s" % limit_s)


def callgrind_counts(path):
    """Calls of loop_chair_input_cb and instructions inside them."""
    names = {}
    calls = cost = 0
    with open(path) as f:
        lines = f.read().split("\n")
    for line in lines:
        m = re.match(r"c?fn=\((\d+)\) (.+)$", line)
        if m:
            names[m.group(1)] = m.group(2)
    for i, line in enumerate(lines):
        m = re.match(r"cfn=\((\d+)\)", line)
        if m and names.get(m.group(1)) == "loop_chair_input_cb":
            calls += int(lines[i + 1].split()[0].split("=")[1])
            cost += int(lines[i + 2].split()[1])
    return calls, cost


def key_costs(bench, src, tag, nkeys, nseg):
    """Figure: instructions per key (read, act, draw) on a copy of src."""
    if shutil.which("valgrind") is None or \
            shutil.which("callgrind_control") is None:
        return None
    db = bench.path("keys-%s.db" % tag)
    podbench.copy_db(src, db)
    out = bench.path("callgrind-%s.out" % tag)
    chair = bench.chair(db, wrap=[
        "valgrind", "--tool=callgrind", "--toggle-collect=loop_chair_input_cb",
        "--callgrind-out-file=" + out], timeout=900, comm=None)
    phases = [("focus", "focus", ["Tab"]), ("j", "j", ["j"] * nkeys),
              ("a", "approve", ["a", "j"] * nkeys),
              ("]", "segment", ["]"] * nseg)]
    res = {}
    seen = set()
    wait_idle(chair.pid)
    for name, label, keys in phases:
        for k in keys:
            chair.keys(k, gap=0.02)
            wait_idle(chair.pid)
        p = subprocess.run(["callgrind_control", "--dump=" + tag + "-" + label,
                            str(chair.pid)], capture_output=True, text=True,
                           timeout=120)
        if p.returncode != 0 or "OK" not in p.stdout:
            die("callgrind_control: %s" % p.stderr)
        dump = None
        deadline = time.monotonic() + 60
        while dump is None and time.monotonic() < deadline:
            time.sleep(0.2)
            new = [f for f in glob.glob(out + ".*") if f not in seen]
            if new:
                dump = max(new, key=os.path.getmtime)
        if dump is None:
            die("callgrind wrote no dump for the %s keys" % name)
        seen.add(dump)
        time.sleep(0.5)
        calls, cost = callgrind_counts(dump)
        res[name] = {"keys": len(keys), "calls": calls, "ir": cost}
    chair.quit(timeout=120)
    j = res["j"]["ir"] / res["j"]["keys"]
    res["per_key"] = {
        "j": j,
        "a": res["a"]["ir"] / nkeys - j,
        "]": res["]"]["ir"] / res["]"]["keys"],
    }
    res["merged"] = any(res[p]["calls"] != res[p]["keys"]
                        for p in ("focus", "j", "a", "]"))
    return res


def summarize(r, args):
    """The rows of the table."""
    rows = []
    for key, when in (("disk", "start"), ("disk_end", "end")):
        d = r[key]
        for kind, what in (("overwrite", "4 KiB overwrite"),
                           ("append", "4 KiB append")):
            rows.append(("disk at %s: write+fdatasync, %s (n=%d)" % (
                when, what, args.disk_n), "median %s, p99 %s" % (
                    ms(d[kind]["median_ms"]), ms(d[kind]["p99_ms"])),
                "(bound)", "-"))
        rows.append(("disk at %s: SQLite one-row commits (WAL, FULL)" % when,
                     "%.0f/s (median %s, p99 %s)" % (
                         d["sqlite"]["per_second"],
                         ms(d["sqlite"]["median_ms"]),
                         ms(d["sqlite"]["p99_ms"])),
                     "(bound)", "-"))

    def thr(name, runs, target):
        v = [x["per_second"] for x in runs]
        rows.append((name, "median %.0f/s, worst %.0f/s (%d runs)" % (
            median(v), min(v), len(v)), "> %d/s" % target,
            meets(median(v) > target)))

    thr("pipelined, 1 connection, %d questions, fresh db" % args.count,
        r["pipelined"], 50000)
    thr("8 clients one at a time, %d questions, fresh db" % args.count,
        r["serial8"], 15000)
    s8 = r["serial8"][len(r["serial8"]) // 2]
    rows.append(("  ack latency under 8 clients (median run)",
                 "median %s, p99 %s" % (ms(s8["median_ms"]),
                                        ms(s8["p99_ms"])), "-", "-"))
    s1 = r["serial1"]
    rows.append(("ack latency, 1 client one at a time (n=%d)" % s1["count"],
                 "median %s, p99 %s, max %s (%.0f/s)" % (
                     ms(s1["median_ms"]), ms(s1["p99_ms"]),
                     ms(s1["max_ms"]), s1["per_second"]),
                 "< 1 ms median", meets(s1["median_ms"] < 1)))
    v = r["screen"]
    rows.append(("ack -> on screen, fresh db (n=%d)" % v["n"],
                 "median %s, p99 %s, max %s (new count in %d frames)" % (
                     ms(v["median_ms"]), ms(v["p99_ms"]), ms(v["max_ms"]),
                     v["count_digit_seen"]),
                 "<= 10 ms coalescing + 1 frame",
                 meets(v["p99_ms"] < 15)))
    big = args.big
    rows.append(("podium import of %d rows (fresh db)" % big,
                 "%.1f s (%.0f rows/s)" % (r["import_s"], big / r["import_s"]),
                 "-", "-"))
    for tag, what in (("small", "100 questions"),
                      ("big", "%d questions" % big)):
        m = r["memory"][tag]
        rows.append(("console with %s: first frame (median of %d)" % (
                     what, len(m["first_frames_ms"])),
                     "%s (%s)" % (ms(m["first_frame_ms"]), ", ".join(
                         ms(x) for x in sorted(m["first_frames_ms"]))),
                     "-", "-"))
        rows.append(("console with %s: RSS" % what,
                     "VmRSS %.1f MB, VmHWM %.1f MB (anon %.1f MB)" % (
                         m["VmRSS"] / 1024, m["VmHWM"] / 1024,
                         m["RssAnon"] / 1024), "-", "-"))
    thr("pipelined, %d questions, %d already stored" % (args.count, big),
        r["pipelined_big"], 50000)
    s1 = r["serial1_big"]
    rows.append(("ack latency, 1 client, %d stored (n=%d)" % (
        big, s1["count"]), "median %s, p99 %s, max %s (%.0f/s)" % (
            ms(s1["median_ms"]), ms(s1["p99_ms"]), ms(s1["max_ms"]),
            s1["per_second"]), "< 1 ms median", meets(s1["median_ms"] < 1)))
    v = r["screen_big"]
    rows.append(("ack -> on screen, %d stored (n=%d)" % (big, v["n"]),
                 "median %s, p99 %s, max %s (new count in %d frames)" % (
                     ms(v["median_ms"]), ms(v["p99_ms"]), ms(v["max_ms"]),
                     v["count_digit_seen"]),
                 "<= 10 ms coalescing + 1 frame",
                 meets(v["p99_ms"] < 15)))
    for key, what in (("j", "j (move)"), ("a", "a (approve)")):
        a, b = r["keylat"]["small"][key], r["keylat"]["big"][key]
        rows.append(("key %s -> frame, %d vs 100 questions (n=%d)" % (
            what, big, b["n"]), "median %s vs %s, max %s vs %s" % (
                ms(b["median_ms"]), ms(a["median_ms"]), ms(b["max_ms"]),
                ms(a["max_ms"])), "-", "-"))
    ks, kb = r["keys"]["small"], r["keys"]["big"]
    if ks is None or kb is None:
        rows.append(("key cost", "not measured (no valgrind)", "-", "-"))
    else:
        for key, what in (("j", "j (move in questions)"),
                          ("a", "a (approve, saved)"),
                          ("]", "] (next segment, saved)")):
            a, b = ks["per_key"][key], kb["per_key"][key]
            rows.append(("instructions per key %s, %d vs 100 questions"
                         % (what, big),
                         "%.2fM vs %.2fM = x%.2f%s" % (
                             b / 1e6, a / 1e6, b / a,
                             " (keys merged!)" if kb["merged"] or
                             ks["merged"] else ""),
                         "ratio < 1.5", meets(b / a < 1.5)))
    return rows


def main():
    """Parse options, measure, print the table, exit 0."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--podium", default=os.environ.get(
        "PODIUM", os.path.join(podbench.SOURCE, "build", "podium")))
    ap.add_argument("--load", default=os.environ.get(
        "INTAKE_LOAD", os.path.join(podbench.SOURCE, "build", "bench",
                                    "intake-load")))
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: small counts, 5,000 questions stored")
    ap.add_argument("--json", help="also write every figure to this file")
    ap.add_argument("--keep", action="store_true",
                    help="keep the scratch directory")
    args = ap.parse_args()
    if args.quick:
        args.runs, args.count, args.serial_n, args.disk_n = 2, 5000, 1000, 300
        args.big, args.screen_n, args.nkeys, args.nseg = 5000, 30, 5, 3
    else:
        args.runs, args.count, args.serial_n, args.disk_n = 5, 20000, 5000, 2000
        args.big, args.screen_n, args.nkeys, args.nseg = 100000, 200, 20, 8
    if not os.access(args.load, os.X_OK):
        die("no intake-load at %s (give --load or $INTAKE_LOAD)" % args.load)

    print("podium intake benchmark: %s" % args.podium)
    print("machine: %s; %s" % (podbench.machine(),
                               time.strftime("%Y-%m-%d %H:%M %Z")))
    bench = podbench.Bench(args.podium, "podium-intake-")
    print("scratch directory: %s\n" % bench.dir)
    r = {}
    try:
        r["disk"] = disk_bound(bench, args.disk_n)
        r["pipelined"] = fresh_runs(bench, args, "pipelined", 1, args.count,
                                    args.runs)
        r["serial8"] = fresh_runs(bench, args, "serial", 8, args.count,
                                  args.runs)
        r["serial1"] = fresh_runs(bench, args, "serial", 1, args.serial_n,
                                  1)[0]
        r["screen"] = ack_to_screen(bench, bench.path("screen.db"),
                                    args.screen_n, 0)
        small, _ = podbench.import_db(bench, 100)
        big, r["import_s"] = podbench.import_db(bench, args.big)
        n = 3 if args.quick else 5
        r["memory"] = {"small": console_memory(bench, small, "small", n),
                       "big": console_memory(bench, big, "big", n)}
        r["pipelined_big"] = []
        for i in range(min(args.runs, 3)):
            db = bench.path("pipelined-big-%d.db" % i)
            podbench.copy_db(big, db)
            chair = bench.chair(db, timeout=120)
            r["pipelined_big"].append(load(args, chair, "pipelined", 1,
                                           args.count, "b%d" % i))
            chair.quit()
        db = bench.path("serial-big.db")
        podbench.copy_db(big, db)
        chair = bench.chair(db, timeout=120)
        r["serial1_big"] = load(args, chair, "serial", 1,
                                max(args.serial_n // 5, 200), "s")
        chair.quit()
        db = bench.path("screen-big.db")
        podbench.copy_db(big, db)
        r["screen_big"] = ack_to_screen(bench, db, max(args.screen_n // 2, 20),
                                        args.big)
        r["keylat"] = {"small": key_latency(bench, small, "small",
                                            args.nkeys // 2),
                       "big": key_latency(bench, big, "big", args.nkeys // 2)}
        r["keys"] = {"small": key_costs(bench, small, "small", args.nkeys,
                                        args.nseg),
                     "big": key_costs(bench, big, "big", args.nkeys,
                                      args.nseg)}
        r["disk_end"] = disk_bound(bench, args.disk_n)
    finally:
        bench.close(args.keep)
    podbench.table(summarize(r, args))
    if r["keys"]["big"] is not None:
        print("\ncallgrind phases (calls of loop_chair_input_cb, instructions):")
        for tag in ("small", "big"):
            print("  %s: %s" % (tag, {p: (v["keys"], v["calls"], v["ir"])
                                      for p, v in r["keys"][tag].items()
                                      if isinstance(v, dict) and "ir" in v}))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(r, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Benchmarks of the mirror server: latency, bytes per update, chair CPU.

Prints the figures of docs/PERFORMANCE.md, section "Mirror (issue 4)", as
a table and exits 0: it measures, it does not judge (the "meets" column
only compares with the target). It exits 1 only when it cannot measure.

Data flow. The chair runs in a pane of a private tmux server
(bench/podbench.py) on a fresh database; bench/mirror-load (built by meson)
holds raw mirror connections to DB.mirror.sock and an intake connection:

 1. latency: one vote at a time is sent over intake; for each, the time
    its ack arrives and the time every mirror has the flush line ending
    the change (one C program, one thread, poll, CLOCK_MONOTONIC); with
    1 mirror and with 200;
 2. bytes per update: a raw mirror connection of this script records the
    row/undo and flush lines of typical actions -- a vote and a question
    over intake, and chair keys typed into the pane;
 3. CPU: a second chair with a countdown running; utime+stime of the
    podium process from /proc over WINDOW seconds with no mirror, then
    with 200 mirrors connected (mirror-load hold);
 4. snapshots: BIG questions imported (`podium import`); a chair on a
    copy, countdown running; 1, then 10 mirrors connect at once
    (mirror-load snapshot) while intake hellos (answered by the chair's
    loop, nothing to commit) go back and forth one at a time: how long
    the snapshots take, the hellos' round trips (the loop's stalls)
    against 2 s of the same before, the chair's CPU and its VmRSS
    sampled every 10 ms.

Usage: bench/mirror.py [--quick] [--podium PATH] [--load PATH] [--json FILE]
                       [--phases latency,bytes,cpu,snapshot]
                       [--big N] [--big-db FILE]
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import podbench  # noqa: E402
from podbench import die, ms, meets  # noqa: E402


def state(bench, db):
    """The parsed `podium state` of db."""
    _, out = bench.podium_cmd("state", "--db", db, "--compact", timeout=30)
    return json.loads(out)


def wait_state(bench, db, pred, what, timeout=10.0):
    """Poll `podium state` until pred(state) holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        st = state(bench, db)
        if pred(st):
            return st
        time.sleep(0.1)
    die("timed out waiting for %s in %s" % (what, db))


def latency(args, chair, mirrors, count, question):
    """Run mirror-load latency; return its JSON."""
    p = subprocess.run([args.load, "latency", chair.intake, chair.mirror,
                        str(mirrors), str(count), str(question)],
                       capture_output=True, text=True, timeout=900)
    if p.returncode != 0:
        die("mirror-load latency: %s %s" % (p.stdout, p.stderr))
    return json.loads(p.stdout)


class RawMirror:
    """A mirror connection of our own, reading the stream line by line."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.sock.sendall(b'{"type":"hello","version":1}\n')
        self.f = self.sock.makefile("rb")
        self.update()

    def update(self, timeout=10.0):
        """Lines up to the next flush (clock lines left out)."""
        self.sock.settimeout(timeout)
        lines = []
        while True:
            try:
                line = self.f.readline()
            except socket.timeout:
                die("the mirror stream sent no flush within %.0f s" % timeout)
            if not line:
                die("the chair closed the mirror connection")
            if line.startswith(b'{"t":"clock"'):
                continue
            if line.startswith(b'{"t":"error"'):
                die("mirror refused: %s" % line.decode())
            lines.append(line)
            if line.startswith(b'{"t":"flush"'):
                return lines

    def close(self):
        """Hang up."""
        self.sock.close()


def describe(lines):
    """Bytes of an update and what its lines were."""
    kinds = []
    for line in lines:
        o = json.loads(line)
        kinds.append(o["t"] if o["t"] != "row" else o["kind"])
    return sum(len(x) for x in lines), "+".join(kinds)


def bytes_per_update(bench, chair, question):
    """Figure: bytes on the wire to one mirror for typical actions."""
    m = RawMirror(chair.mirror)
    out = []

    def intake(what, line):
        r = podbench.intake_request(chair.intake, line)
        if not r.get("ok"):
            die("%s refused: %r" % (what, r))
        out.append((what,) + describe(m.update()))

    def key(what, k):
        chair.keys(k)
        out.append((what,) + describe(m.update()))

    intake("vote (intake)", '{"type":"vote","question":%d}' % question)
    intake("question, 180 characters (intake)", json.dumps({
        "type": "question", "id": "bytes-1", "from": "Sarah Okello",
        "org": "Gulu Disability Rights Coalition", "country": "Uganda",
        "lang": "en", "text": "How can donors make sure that the programmes "
        "they pay for do not create a two-tier system, where survivors get "
        "support while their neighbours get nothing?"}))
    key("] next segment (chair key)", "]")
    key("+ add 30 s (chair key)", "+")
    key("Space start countdown (chair key)", "Space")
    key("Space pause countdown (chair key)", "Space")
    chair.keys("Tab")
    key("a approve question (chair key)", "a")
    key("u undo (chair key)", "u")
    m.close()
    return out


def rss_kb(pid):
    """VmRSS of pid in kB (0 once it is gone)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def loop_probe(intake, seconds):
    """Intake hellos (answered by the loop, nothing committed), one at a
    time, 10 ms apart, for seconds: their round trips (median, p99, max)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(intake)
    f = s.makefile("rb")
    out = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t = time.monotonic()
        s.sendall(b'{"type":"hello","version":1}\n')
        if not f.readline().startswith(b'{"ok":true'):
            die("the intake hello was refused")
        out.append((time.monotonic() - t) * 1000)
        time.sleep(0.01)
    s.close()
    return {"n": len(out), "median_ms": podbench.median(out),
            "p99_ms": podbench.pct(out, 99), "max_ms": max(out)}


def snapshot(bench, args, src, tag, mirrors):
    """Figure: mirrors connecting at once to a chair whose journal is big.

    A countdown runs; mirror-load opens the mirrors and, until every
    snapshot has its flush, sends one intake hello at a time: the round
    trips say how long the chair's loop was held (compared with 2 s of
    the same before). VmRSS is sampled every 10 ms.
    """
    db = bench.path("snapshot-%s-%d.db" % (tag, mirrors))
    podbench.copy_db(src, db)
    chair = bench.chair(db, timeout=120)
    chair.keys("]")
    wait_state(bench, db, lambda s: s.get("speaker") is not None,
               "a current speaker", timeout=60)
    chair.keys("Space")
    wait_state(bench, db, lambda s: s["speaker"]["running"],
               "the countdown to run", timeout=60)
    time.sleep(1.0)
    idle = loop_probe(chair.intake, 2.0)
    before = rss_kb(chair.pid)
    peak = [before]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_kb(chair.pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    cpu0 = podbench.proc_sample(chair.pid)
    sampler.start()
    p = subprocess.run([args.load, "snapshot", chair.intake, chair.mirror,
                        str(mirrors), "0"],
                       capture_output=True, text=True, timeout=900)
    cpu1 = podbench.proc_sample(chair.pid)
    stop.set()
    sampler.join()
    if p.returncode != 0:
        die("mirror-load snapshot: %s %s" % (p.stdout, p.stderr))
    r = json.loads(p.stdout)
    r["cpu_s"] = podbench.cpu_between(cpu0, cpu1)["run_s"]
    r["idle_ack"] = idle
    time.sleep(2.0)
    r["rss_before_kb"], r["rss_peak_kb"] = before, peak[0]
    r["rss_after_kb"] = rss_kb(chair.pid)
    chair.keys("Space")  # paused: q then quits without asking
    chair.quit(timeout=60)
    return r


def cpu_window(pid, seconds):
    """CPU of pid over the next seconds."""
    a = podbench.proc_sample(pid)
    time.sleep(seconds)
    b = podbench.proc_sample(pid)
    return podbench.cpu_between(a, b)


def cpu_figures(bench, args):
    """Figure: the chair's CPU with a countdown, 0 and 200 mirrors."""
    db = bench.path("cpu.db")
    chair = bench.chair(db)
    chair.keys("]")
    wait_state(bench, db, lambda s: s.get("speaker") is not None,
               "a current speaker")
    chair.keys(*(["+"] * 8))
    chair.keys("Space")
    wait_state(bench, db, lambda s: s["speaker"]["running"],
               "the countdown to run")
    res = {"none": cpu_window(chair.pid, args.window)}
    hold = subprocess.Popen([args.load, "hold", chair.mirror,
                             str(args.mirrors), str(args.window + 10)],
                            stdout=subprocess.PIPE, text=True)
    if hold.stdout.readline().strip() != "ready":
        die("mirror-load hold did not get its snapshots")
    time.sleep(1.0)
    res["mirrors"] = cpu_window(chair.pid, args.window)
    out, _ = hold.communicate(timeout=60)
    if hold.returncode != 0:
        die("mirror-load hold failed")
    res["hold"] = json.loads(out)
    st = state(bench, db)
    res["running"] = st["speaker"]["running"]
    res["remaining_ms"] = st["speaker"]["remaining_ms"]
    chair.keys("Space")  # paused: q then quits without asking
    chair.quit()
    return res


def summarize(r, args):
    """The rows of the table."""
    rows = []
    for key, n, target in (("one", 1, 1.0), ("many", args.mirrors, 10.0)):
        if key not in r:
            continue
        v = r[key]
        who = "the mirror" if n == 1 else "the last of %d mirrors" % n
        rows.append(("vote ack -> %s has the flush (n=%d)" % (who, v["count"]),
                     "median %s, p99 %s, max %s" % (
                         ms(v["ack_to_last"]["median_ms"]),
                         ms(v["ack_to_last"]["p99_ms"]),
                         ms(v["ack_to_last"]["max_ms"])),
                     "< %g ms" % target,
                     meets(v["ack_to_last"]["p99_ms"] < target)))
        rows.append(("  vote sent -> %s has the flush" % who,
                     "median %s, p99 %s, max %s" % (
                         ms(v["send_to_last"]["median_ms"]),
                         ms(v["send_to_last"]["p99_ms"]),
                         ms(v["send_to_last"]["max_ms"])), "-", "-"))
        rows.append(("  vote sent -> ack", "median %s, p99 %s" % (
            ms(v["send_to_ack"]["median_ms"]), ms(v["send_to_ack"]["p99_ms"])),
            "-", "-"))
        if n > 1:
            rows.append(("  first mirror's flush - ack",
                         "median %s, min %s" % (
                             ms(v["ack_to_first"]["median_ms"]),
                             ms(v["ack_to_first"]["min_ms"])), "-", "-"))
    for what, size, kinds in r.get("bytes", ()):
        rows.append(("bytes per update: %s" % what,
                     "%d B (%s)" % (size, kinds), "-", "-"))
    c = r.get("cpu", {})
    for key, what in (("none", "no mirror"),
                      ("mirrors", "%d mirrors" % args.mirrors)):
        if key not in c:
            continue
        v = c[key]
        rows.append(("chair CPU, countdown running, %s, %d s" % (
            what, args.window),
            "%.3f%% of a core (%.3f s on CPU; utime+stime %d ticks)" % (
                v["pct"], v["run_s"], v["ticks"]), "-", "-"))
    for v in r.get("snapshot", ()):
        what = "%d mirror%s connecting, %d questions stored" % (
            v["mirrors"], "" if v["mirrors"] == 1 else "s at once", args.big)
        rows.append((what, "snapshot %.1f MB each; first complete after "
                     "%.2f s, last after %.2f s; chair on CPU %.2f s" % (
                         v["bytes"] / 1e6, v["first_s"], v["last_s"],
                         v["cpu_s"]), "-", "-"))
        rows.append(("  intake hello round trips meanwhile (n=%d)" %
                     v["probes"], "median %s, p99 %s, max %s" % (
                         ms(v["ack"]["median_ms"]), ms(v["ack"]["p99_ms"]),
                         ms(v["ack"]["max_ms"])), "-", "-"))
        c = v["idle_ack"]
        rows.append(("  the same for 2 s before, no mirror (n=%d)" % c["n"],
                     "median %s, p99 %s, max %s" % (
                         ms(c["median_ms"]), ms(c["p99_ms"]),
                         ms(c["max_ms"])), "-", "-"))
        rows.append(("  chair VmRSS before / peak / 2 s after",
                     "%.1f / %.1f / %.1f MB" % (
                         v["rss_before_kb"] / 1024, v["rss_peak_kb"] / 1024,
                         v["rss_after_kb"] / 1024), "-", "-"))
    if "hold" not in c:
        return rows
    h = c["hold"]
    rows.append(("  stream to each idle mirror",
                 "%.1f B/s (%.1f clock lines in %.0f s)" % (
                     h["bytes_per_mirror_per_s"], h["clock_lines_per_mirror"],
                     h["seconds"]), "-", "-"))
    return rows


def main():
    """Parse options, measure, print the table, exit 0."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--podium", default=os.environ.get(
        "PODIUM", os.path.join(podbench.SOURCE, "build", "podium")))
    ap.add_argument("--load", default=os.environ.get(
        "MIRROR_LOAD", os.path.join(podbench.SOURCE, "build", "bench",
                                    "mirror-load")))
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: fewer votes, 10 s CPU windows")
    ap.add_argument("--mirrors", type=int, default=200)
    ap.add_argument("--json", help="also write every figure to this file")
    ap.add_argument("--keep", action="store_true",
                    help="keep the scratch directory")
    ap.add_argument("--phases", default="latency,bytes,cpu,snapshot",
                    help="which phases to run (comma-separated)")
    ap.add_argument("--big-db", help="phase 4 on a copy of this closed "
                    "database of --big questions instead of importing them")
    ap.add_argument("--big", type=int, help="questions to import for "
                    "phase 4 (100,000; --quick 5,000)")
    args = ap.parse_args()
    if args.quick:
        args.n_one, args.n_many, args.window = 300, 100, 10
        big, args.snap_mirrors = 5000, 10
    else:
        args.n_one, args.n_many, args.window = 3000, 1000, 60
        big, args.snap_mirrors = 100000, 10
    args.big = args.big or big
    phases = set(args.phases.split(","))
    if not os.access(args.load, os.X_OK):
        die("no mirror-load at %s (give --load or $MIRROR_LOAD)" % args.load)

    print("podium mirror benchmark: %s" % args.podium)
    print("machine: %s; %s" % (podbench.machine(),
                               time.strftime("%Y-%m-%d %H:%M %Z")))
    bench = podbench.Bench(args.podium, "podium-mirror-")
    print("scratch directory: %s\n" % bench.dir)
    r = {}
    try:
        if phases & {"latency", "bytes"}:
            chair = bench.chair(bench.path("latency.db"))
            q = podbench.intake_request(chair.intake, json.dumps({
                "type": "question", "text": "Which question gets the votes?"}))
            if not q.get("ok"):
                die("the seed question was refused: %r" % q)
            if "latency" in phases:
                r["one"] = latency(args, chair, 1, args.n_one, q["id"])
                r["many"] = latency(args, chair, args.mirrors, args.n_many,
                                    q["id"])
            if "bytes" in phases:
                r["bytes"] = bytes_per_update(bench, chair, q["id"])
            chair.quit()
        if "cpu" in phases:
            r["cpu"] = cpu_figures(bench, args)
        if "snapshot" in phases:
            if args.big_db:
                big = args.big_db
            else:
                big, _ = podbench.import_db(bench, args.big)
            r["snapshot"] = [snapshot(bench, args, big, "big", n)
                             for n in (1, args.snap_mirrors)]
    finally:
        bench.close(args.keep)
    podbench.table(summarize(r, args))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(r, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())

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
 4. snapshots: BIG questions imported (`podium import`), then 1 and 4
    mirrors connect to a chair on that database at once while an intake
    question is sent: how long the snapshots take, how long the ack
    waited (the chair's loop builds snapshots), the chair's peak RSS.

Usage: bench/mirror.py [--quick] [--podium PATH] [--load PATH] [--json FILE]
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


def snapshot(bench, src, tag, mirrors):
    """Figure: mirrors connecting to a chair whose journal is big.

    The chair builds each snapshot on its loop; meanwhile one intake
    question is sent, and its ack shows how long the loop was held.
    """
    db = bench.path("snapshot-%s-%d.db" % (tag, mirrors))
    podbench.copy_db(src, db)
    chair = bench.chair(db, timeout=120)
    before = podbench.proc_sample(chair.pid)
    done = [None] * mirrors
    size = [0] * mirrors
    ack = {}

    def one(i, t0):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(chair.mirror)
        s.sendall(b'{"type":"hello","version":1}\n')
        f = s.makefile("rb")
        while True:
            line = f.readline()
            if not line:
                die("the chair closed a mirror during its snapshot")
            size[i] += len(line)
            if line.startswith(b'{"t":"flush"'):
                break
        done[i] = time.monotonic() - t0
        s.close()

    def intake(t0):
        time.sleep(0.02)
        t = time.monotonic()
        r = podbench.intake_request(chair.intake, json.dumps({
            "type": "question", "text": "Sent while mirrors connect?"}))
        if not r.get("ok"):
            die("intake during snapshots refused: %r" % r)
        ack["ms"] = (time.monotonic() - t) * 1000

    t0 = time.monotonic()
    threads = [threading.Thread(target=one, args=(i, t0))
               for i in range(mirrors)]
    threads.append(threading.Thread(target=intake, args=(t0,)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = podbench.proc_sample(chair.pid)
    chair.quit(timeout=60)
    return {"mirrors": mirrors, "bytes": size[0], "last_s": max(done),
            "first_s": min(done), "ack_ms": ack["ms"],
            "hwm_before_kb": before["VmHWM"], "hwm_after_kb": after["VmHWM"]}


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
    for what, size, kinds in r["bytes"]:
        rows.append(("bytes per update: %s" % what,
                     "%d B (%s)" % (size, kinds), "-", "-"))
    c = r["cpu"]
    for key, what in (("none", "no mirror"),
                      ("mirrors", "%d mirrors" % args.mirrors)):
        v = c[key]
        rows.append(("chair CPU, countdown running, %s, %d s" % (
            what, args.window),
            "%.3f%% of a core (%.3f s on CPU; utime+stime %d ticks)" % (
                v["pct"], v["run_s"], v["ticks"]), "-", "-"))
    for v in r["snapshot"]:
        rows.append(("%d mirror%s connecting, %d questions stored" % (
            v["mirrors"], "" if v["mirrors"] == 1 else "s at once", args.big),
            "snapshot %.1f MB each; last complete after %.2f s; an intake "
            "ack meanwhile took %s; chair VmHWM %.0f -> %.0f MB" % (
                v["bytes"] / 1e6, v["last_s"], ms(v["ack_ms"]),
                v["hwm_before_kb"] / 1024, v["hwm_after_kb"] / 1024),
            "-", "-"))
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
    args = ap.parse_args()
    if args.quick:
        args.n_one, args.n_many, args.window = 300, 100, 10
        args.big, args.snap_mirrors = 5000, 4
    else:
        args.n_one, args.n_many, args.window = 3000, 1000, 60
        args.big, args.snap_mirrors = 100000, 4
    if not os.access(args.load, os.X_OK):
        die("no mirror-load at %s (give --load or $MIRROR_LOAD)" % args.load)

    print("podium mirror benchmark: %s" % args.podium)
    print("machine: %s; %s" % (podbench.machine(),
                               time.strftime("%Y-%m-%d %H:%M %Z")))
    bench = podbench.Bench(args.podium, "podium-mirror-")
    print("scratch directory: %s\n" % bench.dir)
    r = {}
    try:
        chair = bench.chair(bench.path("latency.db"))
        q = podbench.intake_request(chair.intake, json.dumps({
            "type": "question", "text": "Which question gets the votes?"}))
        if not q.get("ok"):
            die("the seed question was refused: %r" % q)
        r["one"] = latency(args, chair, 1, args.n_one, q["id"])
        r["many"] = latency(args, chair, args.mirrors, args.n_many, q["id"])
        r["bytes"] = bytes_per_update(bench, chair, q["id"])
        chair.quit()
        r["cpu"] = cpu_figures(bench, args)
        big, _ = podbench.import_db(bench, args.big)
        r["snapshot"] = [snapshot(bench, big, "big", n)
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

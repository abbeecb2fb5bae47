"""Mirrors that come and go, and snapshots of a big journal that change.

1. Churn. A chair with a countdown running and three mirrors that read
   all the time. 200 clients connect to DB.mirror.sock over and over
   (CYCLES connections in all; `--cycles N` for a longer run), each time
   doing one of: the whole snapshot then hang up; hello then hang up
   mid-stream; hang up without a word; a byte after the hello (the chair
   closes); hello then read nothing for 50 ms. Meanwhile a thread types
   `+` / `-` into the chair: each key shows in `podium state` within
   KEY_MAX_S (the worst time is printed), and after each the three
   readers have the flush of the chair's last journal row within 3 s.
   Afterwards the chair's descriptors (/proc/PID/fd) are back to the
   count they had after a warm-up round, and its VmRSS is within
   RSS_SLACK_KB of it (not under ASan, whose quarantine keeps freed
   memory); at quit it exits 0 (so LeakSanitizer found no leak).
2. A big journal streamed while it changes. 10,000 questions imported
   through the running chair in two halves with a `+` between them. One
   mirror reads 100 KB of its snapshot and stops; five more read theirs
   whole and get identical rows (pieces encoded once, shared). Then `u`
   undoes the `+` (a row in a piece the stalled mirror has not had yet)
   and `u` again undoes the `]` before the import (a row it has), and a
   question arrives. Read to its flush, the stalled mirror's rows and
   undos give exactly the journal's undone flags and last seq (read
   with sqlite3), it follows the next key live, and `podium mirror
   --once --json` equals `podium state` (all but the time of the call).

Helpers here (descriptors, CPU, a chair under `ulimit -n`) are shared with
test_intake_abuse.py.
"""
import csv
import json
import os
import random
import selectors
import socket
import sqlite3
import sys
import threading
import time

import podiumtest
from podiumtest import Console, check, main, run, state, wait_until
from test_mirror import HELLO, diff, timeless

CYCLES = 3000
SLOTS = 200
STEADY = 3
KEY_MAX_S = 5.0
RSS_SLACK_KB = 2048
BIG = 10000


def fd_count(pid):
    """Descriptors the process has open."""
    return len(os.listdir("/proc/%d/fd" % pid))


def cpu_ns(pid):
    """Nanoseconds the process has run (/proc/PID/schedstat)."""
    with open("/proc/%d/schedstat" % pid) as f:
        return int(f.read().split()[0])


def rss_kb(pid):
    """VmRSS of the process in kB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def sanitized(pid):
    """Whether the process runs with AddressSanitizer."""
    with open("/proc/%d/maps" % pid) as f:
        return "libasan" in f.read()


def journal(db):
    """{seq: undone} of the database's journal, read with sqlite3."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10)
    try:
        return {seq: bool(u) for seq, u in
                con.execute("SELECT seq, undone FROM journal")}
    finally:
        con.close()


def last_flush_seq(db):
    """The seq a mirror's flush carries once it has every row."""
    return max(journal(db))


def limited_console(wd, consoles, nofile):
    """A chair on wd.db started under `ulimit -n nofile`."""
    real = podiumtest.PODIUM
    podiumtest.PODIUM = "sh"   # Console runs PODIUM ARGS: sh -c '…'
    try:
        c = Console(["-c", 'ulimit -n %d && exec "$0" chair --db "$1"' %
                     nofile, real, wd.db], 120, 40, workdir=wd)
    finally:
        podiumtest.PODIUM = real
    consoles.append(c)
    c.wait_for("13:30")
    return c


def connect(path):
    """A non-blocking Unix socket connected to path (retrying while the
    listener's backlog is full)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    deadline = time.monotonic() + 10
    while True:
        try:
            s.connect(path)
            break
        except BlockingIOError:
            check(time.monotonic() < deadline, "connect to %s" % path)
            time.sleep(0.01)
    s.setblocking(False)
    return s


class Steady:
    """A mirror that reads all the time; notes the last flush's seq."""

    def __init__(self, path):
        self.s = connect(path)
        self.s.sendall(HELLO)
        self.tail = b""
        self.seq = 0
        self.ended = False

    def read(self):
        """Take what is there."""
        try:
            data = self.s.recv(1 << 20)
        except BlockingIOError:
            return
        except ConnectionResetError:
            data = b""
        if not data:
            self.ended = True
            return
        lines = (self.tail + data).split(b"\n")
        self.tail = lines.pop()
        for line in lines:
            if line.startswith(b'{"t":"flush"'):
                self.seq = json.loads(line)["seq"]


class Churner:
    """SLOTS clients connecting and hanging up, one selector."""

    def __init__(self, path, seed):
        self.path = path
        self.rng = random.Random(seed)
        self.sel = selectors.DefaultSelector()
        self.done = 0
        self.started = 0
        self.kinds = {}
        self.lazy = []          # (deadline, socket) to close later

    def start(self):
        """Open one client with a random behaviour."""
        kind = self.rng.choices(
            ["whole", "hangup", "silent", "extra", "lazy"],
            [50, 20, 10, 10, 10])[0]
        self.started += 1
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        s = connect(self.path)
        if kind == "silent":
            s.close()
            self.done += 1
        elif kind == "lazy":
            s.sendall(HELLO)
            self.lazy.append((time.monotonic() + 0.05, s))
        elif kind == "extra":
            s.sendall(HELLO + b'{"type":"hello","version":1}\n')
            self.sel.register(s, selectors.EVENT_READ, [kind, 0])
        else:
            s.sendall(HELLO)
            self.sel.register(s, selectors.EVENT_READ, [kind, 0])

    def end(self, s):
        """One client is over."""
        self.sel.unregister(s)
        s.close()
        self.done += 1

    def run(self, total, steady, timeout):
        """Keep SLOTS clients going until total have ended."""
        deadline = time.monotonic() + timeout
        while self.done < total:
            check(time.monotonic() < deadline, "churn: %d of %d cycles in "
                  "%.0f s" % (self.done, total, timeout))
            while self.started - self.done < SLOTS and self.started < total:
                self.start()
            now = time.monotonic()
            for t, s in [x for x in self.lazy if x[0] <= now]:
                self.lazy.remove((t, s))
                s.close()
                self.done += 1
            for key, _ in self.sel.select(0.01):
                st = key.data
                try:
                    data = key.fileobj.recv(1 << 20)
                except BlockingIOError:
                    continue
                except ConnectionResetError:
                    data = b""
                if not data:
                    self.end(key.fileobj)   # the chair closed ("extra")
                elif st[0] == "hangup":
                    self.end(key.fileobj)
                elif st[0] == "whole" and b'{"t":"flush"' in data:
                    self.end(key.fileobj)
            for m in steady:
                m.read()


class Typist(threading.Thread):
    """Types + and - into the chair; times each until `podium state`
    shows it, and how long the steady mirrors take to have it."""

    def __init__(self, c, db, steady):
        super().__init__(daemon=True)
        self.c, self.db, self.steady = c, db, steady
        self.stop = threading.Event()
        self.key_s = []
        self.mirror_s = []
        self.error = None

    def run(self):
        try:
            k = 0
            while not self.stop.is_set():
                before = state(self.db)["speaker"]["added_s"]
                key = "+" if k % 2 == 0 else "-"
                k += 1
                t = time.monotonic()
                self.c.keys(key)
                want = before + (30 if key == "+" else -30)
                while state(self.db)["speaker"]["added_s"] != want:
                    if time.monotonic() - t > KEY_MAX_S:
                        self.error = "%s not in podium state after %.0f s" % (
                            key, KEY_MAX_S)
                        return
                self.key_s.append(time.monotonic() - t)
                seq = last_flush_seq(self.db)
                while any(m.seq < seq for m in self.steady):
                    if time.monotonic() - t > KEY_MAX_S + 3:
                        self.error = "steady mirrors behind seq %d" % seq
                        return
                    time.sleep(0.01)
                self.mirror_s.append(time.monotonic() - t)
                time.sleep(0.2)
        except BaseException as e:  # reported by the main thread
            self.error = repr(e)


def churn(wd, consoles, cycles):
    """Case 1: 200 mirrors connecting and hanging up in a loop."""
    db = wd.db
    c = Console(["chair", "--db", db], 120, 40, workdir=wd)
    consoles.append(c)
    c.wait_for("13:30")
    pid = c.pid()
    sock = db + ".mirror.sock"
    wait_until(lambda: os.path.exists(sock), 5, "the mirror socket")
    c.keys("]")
    wait_until(lambda: state(db)["speaker"] is not None, 5, "a speaker")
    c.keys("Space")
    wait_until(lambda: state(db)["speaker"]["running"], 5, "the countdown")
    fd0 = fd_count(pid)
    steady = [Steady(sock) for _ in range(STEADY)]

    # Warm-up: one round of every slot, then the baseline.
    ch = Churner(sock, 4242)
    ch.run(SLOTS, steady, 60)
    wait_until(lambda: fd_count(pid) == fd0 + STEADY, 10,
               "the warm-up's connections closed by the chair")
    base_fd, base_rss = fd_count(pid), rss_kb(pid)

    typist = Typist(c, db, steady)
    typist.start()
    t0 = time.monotonic()
    ch.run(SLOTS + cycles, steady, 120)
    took = time.monotonic() - t0
    # The typist's last key, then it stops.
    n = len(typist.key_s)
    deadline = time.monotonic() + 15
    while len(typist.key_s) == n and typist.error is None and \
            time.monotonic() < deadline:
        for m in steady:
            m.read()
        time.sleep(0.01)
    typist.stop.set()
    while typist.is_alive():
        for m in steady:
            m.read()
        typist.join(0.01)
    check(typist.error is None, "during the churn: %s" % typist.error)
    check(typist.key_s, "keys were typed during the churn")
    check(not any(m.ended for m in steady), "no steady mirror was dropped")

    wait_until(lambda: fd_count(pid) == base_fd, 10,
               "the chair's descriptors back to %d" % base_fd)
    rss = rss_kb(pid)
    # Under ASan freed memory sits in quarantine: LeakSanitizer at exit
    # (exit status 0 below) is the check there.
    check(sanitized(pid) or rss <= base_rss + RSS_SLACK_KB, "VmRSS %d kB "
          "after the churn, %d kB after the warm-up" % (rss, base_rss))
    for m in steady:
        m.s.close()
    c.keys("Space")
    wait_until(lambda: not state(db)["speaker"]["running"], 5, "paused")
    c.keys("q")
    c.wait_for("[podium exited 0]", 15)
    print("churn: %d connections in %.1f s (%s); %d keys, in podium state "
          "after median %.3f s, worst %.3f s; steady mirrors had them "
          "after worst %.3f s; descriptors %d -> %d; VmRSS %d -> %d kB" % (
              cycles, took, ", ".join("%s %d" % kv for kv in
                                      sorted(ch.kinds.items())),
              len(typist.key_s), sorted(typist.key_s)[len(typist.key_s) // 2],
              max(typist.key_s), max(typist.mirror_s), base_fd,
              fd_count(pid) if os.path.exists("/proc/%d" % pid) else base_fd,
              base_rss, rss))


def import_csv(path, first, n):
    """A registration export of n rows."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "organisation", "country", "language",
                    "question"])
        for i in range(first, first + n):
            w.writerow(["big-%06d" % i, "Delegate %d" % i, "Org %d" % (i % 97),
                        "Country %d" % (i % 31), "en",
                        "How will the fund reach survivor number %d, and "
                        "who decides the priorities?" % i])


def read_until_flush(s, got):
    """Read a blocking socket until a flush line; append the bytes."""
    while True:
        data = s.recv(1 << 20)
        check(data, "the stream ends with a flush")
        got.append(data)
        if b'{"t":"flush"' in data or (
                len(got) > 1 and b'{"t":"flush"' in got[-2][-32:] + data):
            return b"".join(got)


def stream_rows(data):
    """Row lines of a stream (clock lines left out) and its lines."""
    lines = [x for x in data.split(b"\n") if x]
    return [x for x in lines if not x.startswith(b'{"t":"clock"')], lines


def big_journal(wd, consoles):
    """Case 2: a big journal streamed while it changes."""
    db = os.path.join(wd.path, "big.db")
    c = Console(["chair", "--db", db], 120, 40, workdir=wd)
    consoles.append(c)
    c.wait_for("13:30")
    sock = db + ".mirror.sock"
    wait_until(lambda: os.path.exists(sock), 5, "the mirror socket")
    c.keys("]")
    wait_until(lambda: state(db)["speaker"] is not None, 5, "a speaker")
    half = BIG // 2
    for k in range(2):
        path = os.path.join(wd.path, "reg-%d.csv" % k)
        import_csv(path, k * half, half)
        run(["import", "--db", db, path], check_rc=0, timeout=120)
        if k == 0:
            c.keys("+")
            wait_until(lambda: state(db)["speaker"]["added_s"] == 30, 5, "+")

    stalled = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stalled.settimeout(20)
    stalled.connect(sock)
    stalled.sendall(HELLO)
    got = []
    while sum(len(x) for x in got) < 100000:
        got.append(stalled.recv(65536))
        check(got[-1], "the stalled mirror's first 100 KB")
    check(b'"kind":"segment_next"' in b"".join(got),
          "the ] row is in the stalled mirror's first 100 KB")

    readers = []
    for _ in range(5):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(20)
        s.connect(sock)
        s.sendall(HELLO)
        readers.append(s)
    streams = [stream_rows(read_until_flush(s, []))[0] for s in readers]
    check(len(streams[0]) > BIG, "a reader got %d rows" % len(streams[0]))
    check(all(x == streams[0] for x in streams), "the five readers got the "
          "same rows")

    c.keys("u")
    wait_until(lambda: state(db)["speaker"]["added_s"] == 0, 5, "u undoes +")
    c.keys("u")
    wait_until(lambda: state(db)["segment"] is None, 5, "u undoes ]")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(db + ".intake.sock")
    s.sendall(b'{"type":"question","text":"While a mirror lags?"}\n')
    check(json.loads(s.makefile("rb").readline()).get("ok"), "question")
    s.close()

    data = read_until_flush(stalled, got)
    _, lines = stream_rows(data)
    seen, flush = {}, None
    for line in lines:
        o = json.loads(line)
        if o["t"] == "row":
            check(o["seq"] not in seen, "row %d sent once" % o["seq"])
            seen[o["seq"]] = o["undone"]
        elif o["t"] == "undo":
            check(o["seq"] in seen, "undo of a row already sent")
            seen[o["seq"]] = True
        elif o["t"] == "flush":
            flush = o["seq"]
    want = journal(db)
    check(seen == want, "the stalled mirror's rows and undos give the "
          "journal: %d vs %d rows, first difference at seq %r" % (
              len(seen), len(want), next((k for k in sorted(want)
                                          if seen.get(k) != want[k]), None)))
    check(flush == max(want), "its flush is the last seq (%r vs %r)" % (
        flush, max(want)))
    check(sum(1 for x in lines if x.startswith(b'{"t":"undo"')) == 1,
          "one undo line: the row it had; the other came undone")

    c.keys("]")
    stalled.settimeout(5)
    live = b""
    while b'{"t":"flush"' not in live:
        live += stalled.recv(65536)
    check(b'"kind":"segment_next"' in live, "then it follows live")
    for r in readers + [stalled]:
        r.close()
    # Nothing changes now: all but the time of the call must be equal.
    _, out, _ = run(["mirror", "--db", db, "--once", "--json"], check_rc=0,
                    timeout=60)
    d = diff(timeless(json.loads(out))[0], timeless(state(db))[0])
    check(d is None, "a mirror of %d questions and the chair differ at %s" %
          (BIG, d))
    print("big journal: %d rows streamed to a stalled mirror while two "
          "undos and a question happened; five readers got identical "
          "rows" % len(seen))


def test(wd, consoles):
    cycles = CYCLES
    if "--cycles" in sys.argv:
        cycles = int(sys.argv[sys.argv.index("--cycles") + 1])
    churn(wd, consoles, cycles)
    big_journal(wd, consoles)


if __name__ == "__main__":
    main(test)

#!/usr/bin/env python3
"""Kill -9 torture: the chair console killed at random moments, restarted.

Each round starts the real console on the same database in tmux, checks
everything acknowledged so far (below), then lets a chair driver press
keys and four intake clients push questions, floor requests and votes,
and kills the console with SIGKILL after a random delay. What is recorded:

* client side, every intake reply `ok:true` (sender id -> stored id, votes
  per question), and every request sent without a reply (its sender id is
  retried, unchanged, first thing after the restart; a vote sent without
  a reply only widens the bounds of that question's count);
* chair side, every key whose effect was confirmed before the kill: a new
  chair row in the journal or a new undo entry, read read-only from the
  database while the console runs.

After each restart, before anything new is sent, the round checks:
every acknowledged question present exactly once with the id it was acked
with (`podium state`, by sender id) and no sender id stored twice (retries
never duplicate); every acknowledged floor request present once; each
question's votes between its acked votes and acked + unanswered; every
confirmed chair row present with its kind and every confirmed undo entry
present; no chair row gained or lost over the restart; `PRAGMA
integrity_check` = ok (Python's sqlite3, read-only) and `podium verify`
passing; the current speaker's countdown where the clock says it should be
(within 1 s of what the last reading before the kill predicts, running or
paused).

Usage: torture.py [--rounds N] [--seed S]; the seed is printed so that a
failure can be replayed (timings still vary). Exit 0 when every round
holds. Needs tmux; $PODIUM is the binary (tests/reliability/meson.build).
"""
import argparse
import collections
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

from podiumtest import Console, Workdir, check, fail, run, state, wait_until

THEMES = ["funding", "first-steps", "innovation", "rights", "inclusion",
          "regional", "other"]
LANGS = ["en", "fr", "es", "ar"]


def db_query(db, sql, args=()):
    """Rows of a query on a fresh read-only connection."""
    uri = "file:%s?mode=ro" % urllib.parse.quote(db)
    con = sqlite3.connect(uri, uri=True, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def chair_marks(db):
    """(chair rows, largest chair seq, undo entries) in the journal."""
    (n, top), = db_query(db, "SELECT count(*), coalesce(max(seq), 0) "
                             "FROM journal WHERE origin = 'chair'")
    (u,), = db_query(db, "SELECT count(*) FROM journal_undo")
    return n, top, u


def timed_state(db):
    """podium state and the monotonic moment it was computed (midpoint)."""
    t0 = time.monotonic()
    st = state(db)
    return st, (t0 + time.monotonic()) / 2


class Ledger:
    """Everything the clients and the chair were told, across rounds."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acked = {}          # question sender id -> stored id
        self.floors = {}         # floor sender id -> (speaker id, name)
        self.sent = set()        # every sender id ever sent
        self.votes_acked = collections.Counter()
        self.votes_open = collections.Counter()  # sent, never answered
        self.rows = {}           # confirmed chair rows: seq -> kind
        self.undos = {}          # confirmed undo entries: n -> seq
        self.errors = []
        self.keys_sent = 0
        self.requests = 0
        self.retry_bodies = {}   # sender id -> the request acked for it

    def error(self, msg):
        """Note a failure seen in a thread (reported by the round)."""
        with self.lock:
            self.errors.append(msg)


class Client:
    """One intake client; its unanswered requests survive into the next
    round, to be retried."""

    def __init__(self, k, seed):
        self.k = k
        self.rng = random.Random(seed * 1000 + k)
        self.n = 0
        self.pending = []        # (kind, sender id or qid, request) unanswered
        self.mine = []           # question ids acked to this client

    def request(self, ledger):
        """The next request: a new question, floor, vote or a retry."""
        r = self.rng.random()
        if self.mine and r < 0.08:
            ext = self.rng.choice(self.mine)
            with ledger.lock:
                return ("question", ext, ledger.retry_bodies[ext])
        if self.mine and r < 0.2:
            with ledger.lock:
                qid = ledger.acked[self.rng.choice(self.mine)]
            return ("vote", qid, {"type": "vote", "question": qid})
        self.n += 1
        if self.k == 3 and r < 0.3:
            ext = "f%d-%d" % (self.k, self.n)
            return ("floor", ext, {"type": "floor", "id": ext,
                                   "name": "Floor %s" % ext, "org": "Org",
                                   "lang": "en", "seconds": 60})
        ext = "c%d-%d" % (self.k, self.n)
        body = {"type": "question", "id": ext,
                "text": "client %d question %d" % (self.k, self.n),
                "from": "client-%d" % self.k,
                "lang": self.rng.choice(LANGS)}
        if self.rng.random() < 0.5:
            body["theme"] = self.rng.choice(THEMES)
        return ("question", ext, body)

    def settle(self, ledger, kind, key, body, reply):
        """Record one reply."""
        if not reply.get("ok"):
            ledger.error("client %d: %s refused: %r" % (self.k, key, reply))
            return
        with ledger.lock:
            if kind == "vote":
                ledger.votes_acked[key] += 1
                return
            book = ledger.acked if kind == "question" else ledger.floors
            got = reply["id"] if kind == "question" else (
                reply["id"], body["name"])
            if key in book and book[key] != got:
                ledger.errors.append("client %d: retry of %s got %r, first "
                                     "%r" % (self.k, key, got, book[key]))
            book[key] = got
            ledger.retry_bodies[key] = body
            if kind == "question" and key not in self.mine:
                self.mine.append(key)

    def run(self, db, ledger, stop):
        """Push requests until the console dies or stop is set."""
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(db + ".intake.sock")
            s.settimeout(20)
            f = s.makefile("rb")
        except OSError as e:
            ledger.error("client %d: cannot connect: %s" % (self.k, e))
            return
        try:
            while not stop.is_set():
                if self.pending:
                    batch = list(self.pending)
                else:
                    n = 3 if self.rng.random() < 0.15 else 1
                    batch = [self.request(ledger) for _ in range(n)]
                for kind, key, body in batch:
                    if kind != "vote":
                        with ledger.lock:
                            ledger.sent.add(key)
                self.pending = list(batch)
                # Counted as open until answered; a vote never retried.
                with ledger.lock:
                    for kind, key, _ in batch:
                        if kind == "vote":
                            ledger.votes_open[key] += 1
                s.sendall(b"".join(json.dumps(b).encode() + b"\n"
                                   for _, _, b in batch))
                while self.pending:
                    line = f.readline()
                    if not line.endswith(b"\n"):
                        raise ConnectionError("console gone")
                    kind, key, body = self.pending.pop(0)
                    if kind == "vote":
                        with ledger.lock:
                            ledger.votes_open[key] -= 1
                    self.settle(ledger, kind, key, body, json.loads(line))
                    with ledger.lock:
                        ledger.requests += 1
                time.sleep(self.rng.uniform(0.03, 0.15))
        except (OSError, ConnectionError, ValueError):
            pass
        finally:
            # Unanswered votes stay open; they are not resent.
            self.pending = [p for p in self.pending if p[0] != "vote"]
            s.close()


def choose_key(rng, st):
    """A chair key likely to do something in this state."""
    seg = (st["segment"] or {}).get("index")
    sp = st["speaker"]
    keys = [("u", 1.0), ("a", 1.0), ("d", 0.4), ("o", 0.8), ("x", 0.4),
            ("Down", 1.0), ("Up", 0.3)]
    if sp is not None:
        # Mostly running: the restart must keep a running countdown right.
        keys += [("Space", 0.7 if sp["running"] else 4.0), ("+", 1.5),
                 ("-", 1.0), ("n", 0.6)]
    else:
        keys += [("n", 2.0)]
    if st.get("ended"):
        keys.append(("[", 4.0))          # reopen the last segment
    elif seg is None or seg < 8:
        keys.append(("]", 0.5 if seg is not None and seg >= 3 else 3.0))
    if seg is not None and seg > 3:
        keys.append(("[", 0.5))
    total = sum(w for _, w in keys)
    x = rng.uniform(0, total)
    for k, w in keys:
        x -= w
        if x <= 0:
            return k
    return keys[-1][0]


class Chair:
    """Presses keys and confirms their effects in the journal."""

    # Keys that never write a row: nothing to wait for.
    NAVIGATION = ("Down", "Up")

    def __init__(self, seed, db):
        self.rng = random.Random(seed * 1000 + 99)
        self.ref = None          # (state, t, marks) read between keys
        self.seen = chair_marks(db)

    def run(self, console, db, ledger, stop):
        """Press keys until stop is set; keep the last clean reading."""
        st = None
        try:
            while not stop.is_set():
                # podium state grows with the questions: read it before
                # every third key only (and after a confirmed one).
                changed = self.record(db, ledger)
                if st is None or changed or self.rng.random() < 0.34:
                    st, t = timed_state(db)
                    m = chair_marks(db)
                    if m == self.seen:
                        self.ref = (st, t, m)
                key = choose_key(self.rng, st)
                console.tmux("send-keys", "-t", "t", key)
                with ledger.lock:
                    ledger.keys_sent += 1
                wait = 0.03 if key in self.NAVIGATION else 0.4
                deadline = time.monotonic() + wait
                while (time.monotonic() < deadline and not stop.is_set()
                       and not self.record(db, ledger)):
                    time.sleep(0.01)
        except SystemExit:
            pass         # the console died under a tmux or state call
        except (sqlite3.Error, OSError) as e:
            if not stop.is_set():
                ledger.error("chair driver: %r" % e)

    def record(self, db, ledger):
        """Note every chair row and undo entry committed since last seen."""
        now = chair_marks(db)
        if now == self.seen:
            return False
        rows = db_query(db, "SELECT seq, kind FROM journal WHERE "
                            "origin = 'chair' AND seq > ?", (self.seen[1],))
        undos = db_query(db, "SELECT n, seq FROM journal_undo WHERE n > ?",
                         (self.seen[2],))
        with ledger.lock:
            ledger.rows.update(rows)
            ledger.undos.update(undos)
        self.seen = now
        return True


def check_restart(db, ledger, before_kill, after_kill, t_kill_state):
    """Everything acknowledged is there, once; the countdown is right."""
    st, t = timed_state(db)
    # Questions: exactly once each, with the acked id; nothing twice.
    counts = collections.Counter(q["ext_id"] for q in st["questions"]
                                 if q["ext_id"])
    dup = [e for e, n in counts.items() if n > 1]
    check(not dup, "sender ids stored twice: %r" % dup[:5])
    byext = {q["ext_id"]: q for q in st["questions"] if q["ext_id"]}
    with ledger.lock:
        acked = dict(ledger.acked)
        floors = dict(ledger.floors)
        sent = set(ledger.sent)
        votes_acked = dict(ledger.votes_acked)
        votes_open = dict(ledger.votes_open)
        rows = dict(ledger.rows)
        undos = dict(ledger.undos)
    for ext, qid in acked.items():
        q = byext.get(ext)
        check(q is not None, "acknowledged question %s (id %d) lost" % (
            ext, qid))
        check(q["id"] == qid, "question %s is id %d, acked as %d" % (
            ext, q["id"], qid))
    stray = [e for e in counts if e not in sent]
    check(not stray, "questions nobody sent: %r" % stray[:5])
    names = collections.Counter(e["name"] for e in st["queue"])
    byid = {e["id"]: e for e in st["queue"]}
    for ext, (sid, name) in floors.items():
        check(sid in byid and byid[sid]["name"] == name,
              "acknowledged floor request %s (id %d) lost" % (ext, sid))
        check(names[name] == 1, "floor request %s stored %d times" % (
            ext, names[name]))
    byid_q = {q["id"]: q for q in st["questions"]}
    for qid, n in votes_acked.items():
        v = byid_q[qid]["votes"]
        hi = n + max(0, votes_open.get(qid, 0))
        check(n <= v <= hi, "question %d has %d votes, acked %d, open %d" % (
            qid, v, n, votes_open.get(qid, 0)))
    # Chair rows and undo entries confirmed before the kill.
    have = dict(db_query(db, "SELECT seq, kind FROM journal WHERE "
                             "origin = 'chair'"))
    for seq, kind in rows.items():
        check(have.get(seq) == kind, "confirmed chair row %d (%s) lost" % (
            seq, kind))
    have_u = dict(db_query(db, "SELECT n, seq FROM journal_undo"))
    for n, seq in undos.items():
        check(have_u.get(n) == seq, "confirmed undo entry %d lost" % n)
    check(chair_marks(db) == after_kill,
          "chair rows changed over the restart: %r -> %r" % (
              after_kill, chair_marks(db)))
    # The file and its chains.
    (ic,), = db_query(db, "PRAGMA integrity_check")
    check(ic == "ok", "integrity_check: %s" % ic)
    rc, out, err = run(["verify", "--db", db])
    check(rc == 0, "podium verify: %s%s" % (out, err))
    # The countdown: from the last clean reading before the kill if no
    # chair row came after it, else from the reading right after the kill.
    ref = before_kill if (before_kill is not None and
                          before_kill[2] == after_kill) else t_kill_state
    rst, rt = ref[0], ref[1]
    sb, sa = rst["speaker"], st["speaker"]
    check((sb is None) == (sa is None), "current speaker %r became %r" % (
        sb, sa))
    if sb is None:
        return st, None, False
    check(sa["id"] == sb["id"] and sa["running"] == sb["running"] and
          sa["added_s"] == sb["added_s"],
          "speaker %r became %r" % (sb, sa))
    want = sb["remaining_ms"] - ((t - rt) * 1000 if sb["running"] else 0)
    err_ms = sa["remaining_ms"] - want
    check(abs(err_ms) <= 1000, "countdown off by %d ms after the restart "
          "(%d, want %d)" % (err_ms, sa["remaining_ms"], want))
    return st, err_ms, sb["running"]


def start_console(wd, db):
    """The chair console on db, with its intake socket accepting."""
    c = Console(["chair", "--db", db], 120, 40, workdir=wd)
    c.wait_for("LIVE", 20)

    def accepting():
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(db + ".intake.sock")
            s.close()
            return True
        except OSError:
            return False
    wait_until(accepting, 10, "the intake socket")
    return c


def torture(rounds, seed, verbose):
    """Run the rounds; return a summary dict."""
    rng = random.Random(seed)
    wd = Workdir()
    db = wd.db
    ledger = Ledger()
    clients = [Client(k, seed) for k in range(4)]
    consoles = []
    errs_ms = []
    running_checks = 0
    kills = 0
    t_start = time.monotonic()
    before = after = kill_state = None
    try:
        for rnd in range(rounds + 1):
            c = start_console(wd, db)
            consoles.append(c)
            if before is not None or after is not None:
                _, e, running = check_restart(db, ledger, before, after,
                                              kill_state)
                if e is not None:
                    errs_ms.append(e)
                    running_checks += running
            if rnd == 0:
                c.keys("]", "]", "]", "]")
                wait_until(lambda: (state(db)["segment"] or {}).get(
                    "index") == 3, 10, "segment 3")
            if rnd == rounds:
                # Last restart: the retries go through, then a clean quit.
                stop = threading.Event()
                for cl in clients:
                    if cl.pending:
                        t = threading.Thread(target=cl.run,
                                             args=(db, ledger, stop))
                        t.start()
                        wait_until(lambda: not cl.pending, 20, "retries")
                        stop.set()
                        t.join(20)
                        stop.clear()
                check_restart(db, ledger, None, chair_marks(db),
                              timed_state(db))
                break
            stop = threading.Event()
            chair = Chair(seed + rnd, db)
            threads = [threading.Thread(target=cl.run, args=(db, ledger, stop))
                       for cl in clients]
            threads.append(threading.Thread(target=chair.run,
                                            args=(c, db, ledger, stop)))
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.3, 2.5))
            os.kill(c.pid(), signal.SIGKILL)
            kills += 1
            stop.set()
            for t in threads:
                t.join(30)
                check(not t.is_alive(), "a driver thread hangs")
            c.wait_for("[podium exited 137]", 10)
            with ledger.lock:
                check(not ledger.errors, "; ".join(ledger.errors[:5]))
            before = chair.ref
            after = chair_marks(db)
            kill_state = timed_state(db)
            c.close()
            consoles.remove(c)
            if verbose:
                with ledger.lock:
                    print("round %d: %d questions acked, %d chair rows "
                          "confirmed, %d keys sent" % (
                              rnd + 1, len(ledger.acked), len(ledger.rows),
                              ledger.keys_sent), flush=True)
    except SystemExit:
        for c in consoles:
            print("--- screen at failure ---", file=sys.stderr)
            try:
                c.dump()
            except SystemExit:
                pass
        print("torture: FAILED with seed %d (replay: torture.py --rounds %d "
              "--seed %d)" % (seed, rounds, seed), file=sys.stderr)
        raise
    finally:
        for c in consoles:
            c.close()
        wd.close()
    with ledger.lock:
        return {"rounds": rounds, "kills": kills,
                "questions_acked": len(ledger.acked),
                "floors_acked": len(ledger.floors),
                "votes_acked": sum(ledger.votes_acked.values()),
                "requests_answered": ledger.requests,
                "chair_keys_sent": ledger.keys_sent,
                "chair_rows_confirmed": len(ledger.rows),
                "undos_confirmed": len(ledger.undos),
                "max_countdown_error_ms": round(max(
                    (abs(e) for e in errs_ms), default=0), 1),
                "countdown_checks": len(errs_ms),
                "countdown_checks_running": running_checks,
                "seconds": round(time.monotonic() - t_start, 1),
                "lost": 0, "duplicated": 0}


def main():
    """Parse options, run, print the summary."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=12)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else int.from_bytes(os.urandom(4),
                                                            "big")
    print("torture: %d rounds, seed %d (replay: torture.py --rounds %d "
          "--seed %d)" % (a.rounds, seed, a.rounds, seed), flush=True)
    res = torture(a.rounds, seed, a.verbose)
    print("torture: " + json.dumps(res), flush=True)
    print("ok")


if __name__ == "__main__":
    main()

"""Storage faults: a slow disk, a full disk, a disk gone read-only, a
write-ahead log removed, all under the real console (docs/RELIABILITY.md,
"Storage faults").

What must hold in every case: no intake client is told ok for what was
not stored (refusals say why and to retry), nothing is shown or mirrored
before its commit returned, chair keys are never lost, reordered or shown
done when not saved, a banner tells the chair while saving fails, the
countdown keeps running, and the console recovers by itself when the disk
takes writes again; `podium state` and `podium verify` agree afterwards.

Data flow. Each case starts `podium chair` in tmux on its own database,
talks to its intake socket, types keys, reads the screen, and checks the
database with `podium state`, `podium verify` and (read-only) sqlite3:
 1. slow disk (PODIUM_TEST_COMMIT_DELAY_MS, a test hook that makes each
    intake commit sleep first), with bursts of 40 questions so that the
    worker commits them: while a commit runs, no reply, nothing on screen,
    on a mirror (`podium mirror --raw`) or in the database; keys typed
    meanwhile wait and land after it, in order; a connection's replies
    keep the order of its lines;
 2. the write-ahead log removed, idle and under load, then kill -9:
    nothing acknowledged is lost;
 3. disk full: the database on a 2 MiB tmpfs that a filler file fills;
 4. read-only: the database on ext4 in a loop device mounted with
    errors=remount-ro, made read-only by /sys/fs/ext4/DEV/trigger_fs_error
    (a read-only remount is refused while files are open for writing).
Cases 3 and 4 need mount(2) (root with CAP_SYS_ADMIN); without it they
are skipped and the test exits 77 (meson: SKIP) after 1 and 2 passed.

`--rounds N` (the longer run of docs/RELIABILITY.md) repeats cases 2, 3
and 4 N times, each on a fresh database, and prints the tally.
"""
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time

from podiumtest import Console, check, fail, main, run, state, wait_until

DELAY_MS = 1500
BURST = 40   # questions in one write: one batch, more than a worker's minimum

# What every case saw: acknowledged, refused, lost (must stay 0), logs removed.
TALLY = {"acked": 0, "refused": 0, "lost": 0, "logs_removed": 0}


class Intake:
    """One intake connection with a line reader."""

    def __init__(self, db):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(db + ".intake.sock")
        self.s.settimeout(30)
        self.f = self.s.makefile("rb")

    def send(self, obj):
        """Send one request without waiting."""
        self.s.sendall(json.dumps(obj).encode() + b"\n")

    def reply(self):
        """The next reply."""
        line = self.f.readline()
        check(line.endswith(b"\n"), "a reply line, got %r" % line)
        return json.loads(line)

    def ask(self, obj):
        """Send one request and read its reply."""
        self.send(obj)
        return self.reply()

    def nothing_yet(self):
        """Whether no reply byte has arrived."""
        self.s.setblocking(False)
        try:
            data = self.s.recv(1, socket.MSG_PEEK)
        except BlockingIOError:
            data = b""
        finally:
            self.s.setblocking(True)
            self.s.settimeout(30)
        return data == b""

    def close(self):
        self.f.close()
        self.s.close()


class Mirror:
    """`podium mirror --db DB --raw`: every line of the stream, kept."""

    def __init__(self, db):
        self.p = subprocess.Popen([os.environ.get("PODIUM", "podium"),
                                   "mirror", "--db", db, "--raw"],
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        self.lines = []
        self.t = threading.Thread(target=self.read, daemon=True)
        self.t.start()
        wait_until(lambda: any('"t":"flush"' in x for x in self.lines), 20,
                   "the mirror's snapshot")

    def read(self):
        for line in self.p.stdout:
            self.lines.append(line.decode("utf-8", "replace"))

    def has(self, text):
        return any(text in x for x in list(self.lines))

    def close(self):
        self.p.terminate()
        self.p.wait(10)


def journal(db):
    """(seq, kind, origin, ext_id) of every journal row, read-only."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10)
    try:
        return con.execute("SELECT seq, kind, origin, ext_id FROM journal "
                           "ORDER BY seq").fetchall()
    finally:
        con.close()


def verified(db):
    """podium verify says the record is intact."""
    rc, out, err = run(["verify", "--db", db])
    check(rc == 0 and out.startswith("ok:"), "podium verify: %s%s" % (out,
                                                                      err))


def question_ids(db):
    """ext_id -> stored id of every question, from podium state."""
    return {q["ext_id"]: q["id"] for q in state(db)["questions"]
            if q.get("ext_id")}


def spoken(screen):
    """Seconds the current speaker has spoken, from the speakers pane."""
    m = re.search(r"spoken (\d+):(\d\d)", screen)
    return int(m.group(1)) * 60 + int(m.group(2)) if m else None


def start_chair(db, consoles, env=None):
    """A chair console on db, its intake socket up; then ] and Space."""
    c = Console(["chair", "--db", db], 120, 40, env=env)
    consoles.append(c)
    c.wait_for("13:30", 20)
    wait_until(lambda: os.path.exists(db + ".intake.sock"), 20,
               "the intake socket")
    c.keys("]")
    wait_until(lambda: (state(db)["segment"] or {}).get("index") == 0, 20,
               "the first segment started")
    c.keys("Space")
    wait_until(lambda: "running" in c.screen(), 20, "the countdown running")
    return c


def countdown_runs(c):
    """The displayed spoken time moves on, while everything else waits."""
    a = wait_until(lambda: spoken(c.screen()), 10, "spoken time on screen")
    wait_until(lambda: (spoken(c.screen()) or 0) >= a + 2, 20,
               "the countdown to move on by 2 s")


def quit_chair(c):
    """q (and y: a countdown runs); podium must exit 0."""
    c.keys("q")
    wait_until(lambda: "Quit anyway" in c.screen() or
               "[podium exited" in c.screen(), 20, "the quit question")
    if "Quit anyway" in c.screen():
        c.keys("y")
    s = c.wait_for("[podium exited", 30)
    check("[podium exited 0]" in s, "podium quit cleanly:\n" + s)


def burst(q, tag, n):
    """Send n questions in one write (one batch: the worker commits it)."""
    lines = [json.dumps({"type": "question", "id": "%s-%d" % (tag, i),
                         "text": "%s %d: who funds?" % (tag, i)})
             for i in range(n)]
    q.s.sendall(("\n".join(lines) + "\n").encode())


def status_line(screen):
    """The console's last non-blank row: the status line."""
    rows = [r for r in screen.splitlines() if r.strip()]
    return rows[-1] if rows else ""


def slow_disk(wd, consoles):
    """1: a commit in flight shows nowhere; keys wait for it, in order."""
    db = os.path.join(wd.path, "slow.db")
    c = start_chair(db, consoles, env={
        "PODIUM_TEST_COMMIT_DELAY_MS": str(DELAY_MS)})
    m = Mirror(db)
    q = Intake(db)
    try:
        for attempt in range(3):
            tag = "SLOWPROBE%d" % attempt
            before = len(journal(db))
            status = status_line(c.screen())
            t0 = time.monotonic()
            burst(q, tag, BURST)
            time.sleep(0.1)
            c.keys("Space", "+", "+")   # chair keys during the commit
            time.sleep(0.3)
            screen = c.screen()
            quiet = q.nothing_yet()
            mirrored = m.has(tag)
            stored = len(journal(db)) != before
            in_time = time.monotonic() - t0 < DELAY_MS / 1000 * 0.8
            replies = [q.reply() for _ in range(BURST)]
            took = time.monotonic() - t0
            if not in_time:
                continue  # the machine was too slow to look in time
            check(quiet, "a reply came before the commit returned")
            check(tag not in screen, "the screen shows a question whose "
                  "commit has not returned:\n" + screen)
            check(status_line(screen) == status, "a key was done while a "
                  "commit ran: %r, was %r" % (status_line(screen), status))
            check(not mirrored, "a mirror got a row before its commit")
            check(not stored, "rows in the database before the commit")
            break
        else:
            fail("three times too slow to look inside a %d ms commit"
                 % DELAY_MS)
        check(all(r["ok"] is True for r in replies), "the burst is stored: "
              "%r" % replies[:3])
        check(took >= DELAY_MS / 1000 * 0.9, "acked after %.3f s, before "
              "its %d ms commit" % (took, DELAY_MS))
        wait_until(lambda: tag in c.screen(), 20, "the questions on screen")
        wait_until(lambda: m.has(tag), 20, "the questions on the mirror")
        wait_until(lambda: "+30 s" in c.screen(), 20, "the keys done")
        rows = journal(db)
        mine = [x for x in rows if x[0] >= replies[0]["id"]]
        kinds = [x[1] for x in mine]
        check(kinds[:BURST] == ["question_add"] * BURST and
              mine[0][3] == tag + "-0" and
              kinds[BURST:BURST + 3] == ["toggle", "add_time", "add_time"],
              "the burst's rows, then the keys in order: %r" % kinds)
        # Three pipelined (small batches: committed on the loop thread).
        for i in range(3):
            q.send({"type": "question", "id": "pipe-%d" % i,
                    "text": "pipelined %d" % i})
        ids = [q.reply() for _ in range(3)]
        check(all(x["ok"] for x in ids) and
              [x["id"] for x in ids] == sorted(x["id"] for x in ids),
              "pipelined replies in order: %r" % ids)
    finally:
        q.close()
        m.close()
    verified(db)
    quit_chair(c)


def reply_order(wd, consoles):
    """1b: a refusal that needs no commit still waits for the line before.

    A burst (committed by the worker) of 150 ms, so that most of them end
    without a tick or a key settling them first; the refusal after it
    makes a batch that is answered at once, and its reply must not
    overtake the burst's.
    """
    db = os.path.join(wd.path, "order.db")
    c = Console(["chair", "--db", db], 120, 40,
                env={"PODIUM_TEST_COMMIT_DELAY_MS": "150"})
    consoles.append(c)
    c.wait_for("13:30", 20)
    wait_until(lambda: os.path.exists(db + ".intake.sock"), 20,
               "the intake socket")
    q = Intake(db)
    for i in range(6):
        burst(q, "order%d" % i, BURST)
        time.sleep(0.05)
        q.s.sendall(b"{not json\n")
        replies = [q.reply() for _ in range(BURST + 1)]
        check(all(r.get("ok") is True for r in replies[:BURST]) and
              replies[BURST].get("ok") is False,
              "replies in the order of the lines: %r" % replies[-3:])
    q.close()


def wal_removed(wd, consoles, n=0):
    """2: the log removed while idle and while questions come; kill -9."""
    db = os.path.join(wd.path, "wal-%d.db" % n)
    c = start_chair(db, consoles)
    q = Intake(db)
    acked = {}

    def ask(tag):
        r = q.ask({"type": "question", "id": tag, "text": tag + " funds?"})
        check(r["ok"] is True, "%s stored: %r" % (tag, r))
        acked[tag] = r["id"]

    for i in range(5):
        ask("idle-%d" % i)
    os.unlink(db + "-wal")
    TALLY["logs_removed"] += 1
    # Idle: the console notices within a second and copies it back.
    wait_until(lambda: not os.path.exists(db + "-shm"), 20,
               "the log copied back and a new one begun")
    check(set(acked) <= set(question_ids(db)), "a reader sees everything")
    # Removed again while questions come, from two clients at once.
    stop = []
    other = Intake(db)

    def pound():
        n = 0
        while not stop:
            r = other.ask({"type": "question", "id": "load-%d" % n,
                           "text": "load %d" % n})
            check(r["ok"] is True, "load-%d stored: %r" % (n, r))
            acked["load-%d" % n] = r["id"]
            n += 1

    t = threading.Thread(target=pound, daemon=True)
    t.start()
    for i in range(20):
        ask("busy-%d" % i)
        if i in (5, 12) and os.path.exists(db + "-wal"):
            os.unlink(db + "-wal")
            TALLY["logs_removed"] += 1
    stop.append(True)
    t.join(30)
    os.kill(c.pid(), signal.SIGKILL)
    c.wait_for("[podium exited", 20)
    ids = question_ids(db)
    lost = [k for k in acked if ids.get(k) != acked[k]]
    TALLY["acked"] += len(acked)
    TALLY["lost"] += len(lost)
    check(not lost, "acknowledged and lost after kill -9: %r" % lost[:10])
    verified(db)
    q.close()
    other.close()


def can_mount(path):
    """Whether this process may mount a tmpfs (root, CAP_SYS_ADMIN)."""
    os.makedirs(path, exist_ok=True)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs",
                        path], capture_output=True, text=True)
    if p.returncode != 0:
        return False
    subprocess.run(["umount", path], capture_output=True)
    return True


def fault_case(db, c, make_fault, reason, banner):
    """Acked before; refused during (banner, keys refused, clock runs)."""
    q = Intake(db)
    acked, refused = {}, []
    try:
        for i in range(5):
            r = q.ask({"type": "question", "id": "pre-%d" % i,
                       "text": "before the fault %d" % i})
            check(r["ok"] is True, "stored before the fault: %r" % r)
            acked["pre-%d" % i] = r["id"]
        make_fault()
        # The log's last page may still have room for a commit or two.
        for i in range(50):
            tag = "edge-%d" % i
            r = q.ask({"type": "question", "id": tag, "text": "edge %d" % i})
            if not r["ok"]:
                break
            acked[tag] = r["id"]
        check(r["ok"] is False and reason in r["error"] and
              "try again" in r["error"], "refused, saying why and to retry:"
              " %r" % r)
        refused.append(tag)
        r = q.ask({"type": "question", "id": "during-0",
                   "text": "during the fault"})
        check(r["ok"] is False, "refused: %r" % r)
        refused.append("during-0")
        r = q.ask({"type": "question", "id": "pre-0", "text": "retry"})
        check(r["ok"] is False, "while saving fails even a retry is "
              "refused (told to retry later): %r" % r)
        c.wait_for(banner, 20)
        current = state(db)["speaker"]["id"]
        c.keys("n")
        s = c.wait_for("not saved", 20)
        check("next:" not in s and "no more speakers" not in s,
              "n is not shown done:\n" + s)
        check((state(db)["speaker"] or {}).get("id") == current,
              "n changed nothing")
        countdown_runs(c)
        check(banner in c.screen(), "the banner stays while saving fails")
        for i in range(1, 4):
            r = q.ask({"type": "question", "id": "during-%d" % i,
                       "text": "during the fault %d" % i})
            check(r["ok"] is False, "refused: %r" % r)
            refused.append("during-%d" % i)
    finally:
        q.close()
    return acked, refused


def tally(db, acked, refused):
    """Count a case's outcome; fail if an acknowledged one is not stored."""
    ids = question_ids(db)
    lost = [k for k, v in acked.items() if ids.get(k) != v]
    TALLY["acked"] += len(acked)
    TALLY["refused"] += len(refused)
    TALLY["lost"] += len(lost)
    check(not lost, "every acknowledged question stored; lost: %r of %r"
          % (lost, ids))
    check(not any(k in ids for k in refused), "no refused one stored")


def disk_full(wd, consoles, n=0):
    """3: the database on a tiny tmpfs that fills up, then has room."""
    mnt = os.path.join(wd.path, "tmpfs-%d" % n)
    os.makedirs(mnt, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt],
                   check=True)
    try:
        db = os.path.join(mnt, "full.db")
        filler = os.path.join(mnt, "filler")
        c = start_chair(db, consoles)

        def fill():
            fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
            try:
                while True:
                    os.write(fd, b"\0" * 65536)
            except OSError:
                pass
            try:
                while True:
                    os.write(fd, b"\0" * 512)
            except OSError:
                pass
            os.close(fd)

        acked, refused = fault_case(db, c, fill, "disk is full",
                                    "NOT SAVED: disk full")
        os.unlink(filler)
        c.wait_gone("NOT SAVED", 20)
        q = Intake(db)
        r = q.ask({"type": "question", "id": "after-0",
                   "text": "after the fault"})
        check(r["ok"] is True, "stored once there is room: %r" % r)
        acked["after-0"] = r["id"]
        r = q.ask({"type": "question", "id": "during-1", "text": "retried"})
        check(r["ok"] is True, "a refused one goes through when sent "
              "again: %r" % r)
        acked["during-1"] = r["id"]
        refused.remove("during-1")
        q.close()
        c.keys("n")
        wait_until(lambda: state(db)["speaker"] is None, 20,
                   "n done once there is room")
        tally(db, acked, refused)
        rows = journal(db)
        check(len([x for x in rows if x[3] == "pre-0"]) == 1, "once each")
        verified(db)
        quit_chair(c)
    finally:
        subprocess.run(["umount", "-l", mnt], capture_output=True)


def read_only(wd, consoles, n=0):
    """4: the disk goes read-only under the console (ext4 error)."""
    img = os.path.join(wd.path, "ext4-%d.img" % n)
    mnt = os.path.join(wd.path, "ext4-%d" % n)
    os.makedirs(mnt, exist_ok=True)
    with open(img, "wb") as f:
        f.truncate(16 << 20)
    if subprocess.run(["mkfs.ext4", "-q", "-F", img],
                      capture_output=True).returncode != 0:
        return "no mkfs.ext4"
    p = subprocess.run(["losetup", "-f", "--show", img], capture_output=True,
                       text=True)
    if p.returncode != 0:
        return "no loop device (%s)" % p.stderr.strip()
    dev = p.stdout.strip()
    try:
        p = subprocess.run(["mount", "-o", "errors=remount-ro", dev, mnt],
                           capture_output=True, text=True)
        if p.returncode != 0:
            return "cannot mount ext4 (%s)" % p.stderr.strip()
        trigger = "/sys/fs/ext4/%s/trigger_fs_error" % os.path.basename(dev)
        if not os.path.exists(trigger):
            subprocess.run(["umount", mnt], capture_output=True)
            return "no %s" % trigger
        db = os.path.join(mnt, "ro.db")
        c = start_chair(db, consoles)

        def go_read_only():
            with open(trigger, "w") as f:
                f.write("1")

        acked, refused = fault_case(db, c, go_read_only, "read-only",
                                    "NOT SAVED: the disk is read-only")
        quit_chair(c)
        subprocess.run(["umount", mnt], check=True)
        subprocess.run(["e2fsck", "-fy", dev], capture_output=True)
        subprocess.run(["mount", dev, mnt], check=True)
        tally(db, acked, refused)
        verified(db)
        subprocess.run(["umount", mnt], check=True)
        os.unlink(img)
    finally:
        subprocess.run(["umount", "-l", mnt], capture_output=True)
        subprocess.run(["losetup", "-d", dev], capture_output=True)
    return None


def skip(consoles, why):
    """Exit 77 (meson: SKIP) after the cases that could run passed."""
    for c in consoles:
        c.close()
    consoles.clear()
    print("SKIP: " + why)
    raise SystemExit(77)


def report(rounds):
    """The tally, one line."""
    print("storage faults: %d round(s); acknowledged %d, refused %d, lost %d;"
          " write-ahead log removed %d times" % (
              rounds, TALLY["acked"], TALLY["refused"], TALLY["lost"],
              TALLY["logs_removed"]))


def retire(consoles, closed):
    """Close the last console; keep the object, so that its id() (part of
    its tmux socket's name) is not reused by the next one."""
    c = consoles.pop()
    c.close()
    closed.append(c)


def test(wd, consoles):
    closed = []
    rounds = 1
    if "--rounds" in sys.argv:
        rounds = int(sys.argv[sys.argv.index("--rounds") + 1])
    slow_disk(wd, consoles)
    retire(consoles, closed)
    reply_order(wd, consoles)
    retire(consoles, closed)
    for n in range(rounds):
        wal_removed(wd, consoles, n)
        retire(consoles, closed)
    mount_ok = can_mount(os.path.join(wd.path, "tmpfs-probe"))
    for n in range(rounds if mount_ok else 0):
        disk_full(wd, consoles, n)
        retire(consoles, closed)
        why = read_only(wd, consoles, n)
        if why is not None:
            report(n + 1)
            skip(consoles, "read-only case: %s; the other cases passed"
                 % why)
        retire(consoles, closed)
    report(rounds)
    if not mount_ok:
        skip(consoles, "cannot mount a tmpfs here (needs root with "
             "CAP_SYS_ADMIN): the disk-full and read-only cases did not "
             "run; the slow-disk and removed-log cases passed")


if __name__ == "__main__":
    main(test)

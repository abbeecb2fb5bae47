"""The co-host mirror follows the chair exactly.

1. Through 200 seeded random chair keys (with questions asked first so
   that a/d/o/x have targets), at a checkpoint every 48 keys and at the
   end: `podium mirror --once --json` equals `podium state` (the values
   computed at the moment of the call within a tolerance), and a
   full-view mirror that runs through the whole sequence shows the
   current speaker, the current segment's speakers and the same question
   count as the chair's screen.
2. A mirror started mid-session shows the current state at once, and
   follows the chair into the next segment.

The helpers here (raw mirror connections, state comparison) are shared
by the other test_mirror_*.py files.
"""
import calendar
import collections
import json
import random
import re
import socket
import time

from podiumtest import (Console, check, fail, main, run, state, wait_until)

HELLO = b'{"type":"hello","version":1}\n'
FLUSH = b'{"t":"flush","seq":'

# Time-dependent fields of `podium state`, computed at the moment of the
# call: they may differ by the time between two calls, nothing more.
TIMED_MS = 2500


def iso_seconds(s):
    """Seconds since the epoch of an ISO 8601 time with offset."""
    m = re.fullmatch(r"(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)([+-])(\d+):(\d+)",
                     s)
    check(m is not None, "an ISO time: %r" % s)
    y, mo, d, h, mi, sec = (int(x) for x in m.groups()[:6])
    off = (int(m.group(8)) * 60 + int(m.group(9))) * 60
    off = off if m.group(7) == "+" else -off
    return calendar.timegm((y, mo, d, h, mi, sec)) - off


def timeless(st):
    """A copy of a state without its time-dependent values, and those
    values apart: (rest, {name: value})."""
    st = json.loads(json.dumps(st))
    timed = {"now": st.pop("now", None),
             "offset_ms": st.pop("offset_ms", None),
             "projected_end": st.pop("projected_end", None)}
    sp = st.get("speaker")
    running = bool(sp and sp["running"])
    if sp is not None and running:
        timed["remaining_ms"] = sp.pop("remaining_ms")
        timed["stage"] = sp.pop("stage", None)
    if running:
        for q in st["queue"]:
            if q["id"] == sp["id"]:
                timed["spoken_s"] = q.pop("spoken_s")
    return st, timed


def diff(a, b, path=""):
    """The first difference between two JSON values, as a sentence."""
    if type(a) is not type(b):
        return "%s: %r vs %r" % (path or "top", a, b)
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return "%s.%s only on one side" % (path, k)
            d = diff(a[k], b[k], path + "." + k)
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return "%s: %d vs %d entries" % (path, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    return None if a == b else "%s: %r vs %r" % (path, a, b)


def same_state(mirror, chair, what):
    """Fail unless two states agree: exactly, except what depends on the
    moment of the call, which must agree within TIMED_MS."""
    ma, ta = timeless(mirror)
    mb, tb = timeless(chair)
    d = diff(ma, mb)
    check(d is None, "%s: mirror and chair differ at %s" % (what, d))
    check(set(ta) == set(tb), "%s: running on one side only" % what)
    for k in ("remaining_ms", "offset_ms"):
        if k in ta:
            check(abs(ta[k] - tb[k]) <= TIMED_MS,
                  "%s: %s %r vs %r" % (what, k, ta[k], tb[k]))
    if "spoken_s" in ta:
        check(abs(ta["spoken_s"] - tb["spoken_s"]) <= TIMED_MS // 1000 + 1,
              "%s: spoken_s %r vs %r" % (what, ta["spoken_s"],
                                         tb["spoken_s"]))
    for k in ("now", "projected_end"):
        if ta[k] is not None or tb[k] is not None:
            check(ta[k] is not None and tb[k] is not None and
                  abs(iso_seconds(ta[k]) - iso_seconds(tb[k])) <=
                  TIMED_MS // 1000 + 1,
                  "%s: %s %r vs %r" % (what, k, ta[k], tb[k]))


def mirror_once(args):
    """`podium mirror ARGS --once --json`, parsed (it must succeed)."""
    _, out, _ = run(["mirror"] + args + ["--once", "--json"], check_rc=0)
    return json.loads(out)


def check_mirror_state(db, what, args=None):
    """A fresh `podium mirror --once --json` agrees with `podium state`,
    read right before and after it (so nothing moved in between)."""
    before = state(db)
    m = mirror_once(args or ["--db", db])
    after = state(db)
    same_state(before, after, what + " (chair moved during the check)")
    same_state(m, after, what)
    return m


def settled(db, quiet=0.6, timeout=10):
    """Wait until `podium state` stops changing (the chair has handled
    every key typed); return it."""
    deadline = time.monotonic() + timeout
    last = timeless(state(db))[0]
    since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.15)
        cur = timeless(state(db))[0]
        if cur != last:
            last, since = cur, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return state(db)
    fail("the chair's state kept changing for %d s" % timeout)


def pause(c, db):
    """Pause the current countdown if it runs; return the state."""
    st = state(db)
    if st["speaker"] and st["speaker"]["running"]:
        c.keys("Space")
        st = wait_until(lambda: (lambda s: s if not s["speaker"]["running"]
                                 else None)(state(db)), 4, "Space pauses")
    return st


class Raw:
    """A raw connection to the mirror socket (Unix path or (host, port))."""

    def __init__(self, where, timeout=5):
        if isinstance(where, str):
            self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        else:
            self.s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(where)
        self.buf = b""                   # an unfinished line
        self.lines = collections.deque()  # whole lines not read yet

    def send(self, data):
        """Send bytes."""
        self.s.sendall(data)

    def line(self):
        """The next line (without its newline), or None at EOF/reset."""
        while not self.lines:
            try:
                data = self.s.recv(1 << 20)
            except ConnectionResetError:
                return None
            if not data:
                return None
            parts = (self.buf + data).split(b"\n")
            self.buf = parts.pop()
            self.lines.extend(parts)
        return self.lines.popleft()

    def until_flush(self):
        """Read the snapshot; return (lines as objects, the flush's seq)."""
        lines = []
        while True:
            line = self.line()
            check(line is not None, "the snapshot ends with a flush")
            obj = json.loads(line)
            lines.append(obj)
            if obj["t"] == "flush":
                return lines, obj["seq"]

    def closed_within(self, seconds):
        """Whether the server closes the connection within seconds (reading
        and discarding whatever it still sends)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.s.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data = self.s.recv(65536)
            except ConnectionResetError:
                return True
            except socket.timeout:
                return False
            if not data:
                return True
        return False

    def close(self):
        """Close our side."""
        self.s.close()


def last_seq(db):
    """The chair's last journal seq: the flush ending a fresh snapshot."""
    r = Raw(db + ".mirror.sock")
    r.send(HELLO)
    _, seq = r.until_flush()
    r.close()
    return seq


def question_count(screen):
    """The count in the question pane's title, 'Questions · N'."""
    m = re.search(r"Questions \u00b7 (\d+)", screen)
    return int(m.group(1)) if m else None


def listed(screen):
    """The title of the segment whose speakers are listed, as the speaker
    pane's title shows it ('Speakers · TITLE ───' or 'TITLE… ─')."""
    m = re.search(r"Speakers \u00b7 (.*?)(?:\u2026| \u2500|\n)", screen)
    return m.group(1) if m else None


def lists(screen, segment):
    """Whether the speaker pane lists this segment (a state's segment)."""
    shown = listed(screen)
    title = segment["title"]
    return (shown is not None and title.startswith(shown) and
            len(shown) >= min(len(title), 20))


CHAIR_KEYS = ["Space", "n", "+", "-", "]", "[", "j", "k", "J", "K", "w",
              "u", "a", "d", "o", "x", "Tab"]


def ask_some(db, n, tag):
    """Ask n questions with podium ask (varied languages and senders)."""
    langs = ["en", "fr", "es", "ar"]
    texts = ["How can survivors get long-term funding for %s?",
             "Comment financer la réadaptation %s ?",
             "¿Cómo incluir a los sobrevivientes %s?",
             "What does the regional fund cover for %s?"]
    for i in range(n):
        run(["ask", "--db", db, "--lang", langs[i % 4], "--from",
             "Sender %d" % i, "--id", "%s-%d" % (tag, i),
             texts[i % 4] % ("case %s %d" % (tag, i))], check_rc=0)


def screens_agree(c, m, st):
    """Whether the mirror's screen agrees with the chair's and the state:
    the same question count, the current speaker's name, the speakers of
    the current segment listed (the mirror is never navigated here)."""
    ms, cs = m.screen(), c.screen()
    n = question_count(cs)
    if n is None or question_count(ms) != n or n != len(st["questions"]):
        return False
    if st["speaker"] and st["speaker"]["name"][:20] not in ms:
        return False
    if st["segment"] and not lists(ms, st["segment"]):
        return False
    return "MIRROR" in ms


def test_random_sequence(wd, consoles):
    """Test 1: 200 seeded random chair keys; the mirror agrees."""
    db = wd.db
    c = Console(["chair", "--db", db], 120, 40, workdir=wd)
    consoles.append(c)
    c.wait_for("13:30")
    ask_some(db, 12, "r")
    m = Console(["mirror", "--db", db], 120, 40, workdir=wd)
    consoles.append(m)
    m.wait_for("MIRROR")
    m.wait_for("Questions \u00b7 12")

    rng = random.Random(20201204)
    seq = [rng.choice(CHAIR_KEYS) for _ in range(200)]
    # The first ] starts the agenda so that most keys have a target.
    seq[0] = "]"
    seen = set()
    for i in range(0, len(seq), 4):
        c.tmux("send-keys", "-t", "t", *seq[i:i + 4])
        time.sleep(0.02)
        if i % 40 == 0:
            ask_some(db, 1, "mid%d" % i)
        if (i + 4) % 48 == 0:
            # A checkpoint every 48 keys: state and screens agree.
            st = settled(db)
            what = "after %d random keys" % (i + 4)
            check_mirror_state(db, what)
            wait_until(lambda: screens_agree(c, m, st), 5,
                       "%s: the running mirror's screen to agree (speaker "
                       "%r, %d questions, segment %r listed)" % (
                           what, st["speaker"] and st["speaker"]["name"],
                           len(st["questions"]),
                           st["segment"] and st["segment"]["title"][:30]))
            seen.add((st["segment"] or {}).get("index"))
    # The sequence went through more than one segment.
    check(len(seen) > 1, "segments seen at checkpoints: %r" % seen)
    st = pause(c, db)
    check_mirror_state(db, "after 200 random keys, paused")
    wait_until(lambda: screens_agree(c, m, st), 5, "the mirror, paused")


def test_mid_session(wd, consoles):
    """Test 2: a mirror started after some actions shows them at once."""
    db = wd.db + "-mid.db"
    c = Console(["chair", "--db", db], 120, 40, workdir=wd)
    consoles.append(c)
    c.wait_for("13:30")
    ask_some(db, 3, "m")
    c.keys("]", "]", "]", "]", "n", "+", "+", "Tab", "a", "j", "d", "Space")
    st = wait_until(lambda: (lambda s: s if s["speaker"] and
                             s["speaker"]["running"] and
                             s["speaker"]["added_s"] == 60 and
                             sum(q["status"] != "new" for q in s["questions"])
                             == 2 else None)(state(db)), 5,
                    "the chair's actions")
    # Running: compared with a tolerance on the countdown.
    check_mirror_state(db, "mid-session, countdown running")
    m = Console(["mirror", "--db", db], 120, 40, workdir=wd)
    consoles.append(m)
    s = m.wait_for(st["speaker"]["name"][:20])
    # A frame is written top to bottom: wait for its bottom part too.
    wait_until(lambda: question_count(m.screen()) == 3, 3,
               "three questions on the mirror")
    check("running" in s, "the countdown runs on the mirror")
    check(lists(s, st["segment"]), "the mirror lists the current segment "
          "%r, not %r" % (st["segment"]["title"], listed(s)))
    # A change after the mirror started reaches it.
    prev = st["speaker"]["id"]
    c.keys("n")
    st = wait_until(lambda: (lambda s: s if s["speaker"]["id"] != prev
                             else None)(state(db)), 4, "n")
    m.wait_for(st["speaker"]["name"][:20])
    check_mirror_state(db, "after n")
    # A new segment: the mirror lists its speakers, as the chair does
    # (a mirror that was not navigated follows the current segment).
    c.keys("]")
    st = wait_until(lambda: (lambda s: s if s["segment"]["index"] == 4
                             else None)(state(db)), 4, "] to segment 4")
    m.wait_for(st["speaker"]["name"][:20])
    check(lists(c.screen(), st["segment"]), "the chair lists segment 4")
    wait_until(lambda: lists(m.screen(), st["segment"]), 4,
               "the mirror to list the speakers of segment 4 (%r), not "
               "%r" % (st["segment"]["title"], listed(m.screen())))
    check_mirror_state(db, "after ]")


def test(wd, consoles):
    test_random_sequence(wd, consoles)
    test_mid_session(wd, consoles)


if __name__ == "__main__":
    main(test)

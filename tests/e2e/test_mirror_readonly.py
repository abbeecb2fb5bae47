"""Nothing a mirror does changes the session.

3. Every chair key typed into a mirror is refused with a visible
   "read-only" message and changes nothing; Tab, j/k, / and ? work.
4. Bytes sent on the mirror socket after the hello close the connection
   and change nothing; garbage, a wrong version and an over-long hello
   get an error line and a close; and `podium mirror` itself explains a
   chair that speaks another protocol version (a fake chair here).
"""
import json
import os
import re
import socket
import threading
import time

from podiumtest import Console, check, main, run, state, wait_until
from test_mirror import (HELLO, Raw, ask_some, diff, last_seq,
                         question_count, timeless)

# Every chair key and the label of its command (src/command.c), which the
# mirror names in its refusal.
CHAIR_KEYS = [("Space", "start/pause"), ("n", "next speaker"),
              ("+", "+30s"), ("-", "-30s"), ("]", "next segment"),
              ("[", "prev segment"), ("K", "move up"), ("J", "move down"),
              ("f", "add speaker"), ("w", "withdraw"), ("a", "approve"),
              ("d", "dismiss"), ("o", "on air"), ("x", "answered"),
              ("t", "theme"), ("u", "undo")]
QUESTION_KEYS = [k for k in CHAIR_KEYS if k[0] in "adoxt"]


def unchanged(db, before, seq, what):
    """The session is as before: no new journal row, and the same state
    but for what the running countdown did meanwhile (it only ran down:
    however long the test took on a loaded machine)."""
    check(last_seq(db) == seq, "%s: a journal row was added" % what)
    now, t_now = timeless(state(db))
    then, t_then = timeless(before)
    d = diff(now, then)
    check(d is None, "%s: the state changed at %s" % (what, d))
    check(("remaining_ms" in t_now) == ("remaining_ms" in t_then),
          "%s: the countdown started or stopped" % what)
    if "remaining_ms" in t_now:
        check(t_now["remaining_ms"] <= t_then["remaining_ms"] + 100,
              "%s: the countdown gained time (%d -> %d ms)" % (
                  what, t_then["remaining_ms"], t_now["remaining_ms"]))


def refused(m, keys):
    """Type each key into the mirror and see it refused by name."""
    for key, label in keys:
        m.keys(key)
        s = m.wait_for("read-only: %s is for the chair" % label)
        check("Keys" not in s and "Name" not in s,
              "%s opened nothing on the mirror" % key)


def selected(screen):
    """The id of the question selected in the list ('>new  #36 …')."""
    m = re.search(r">\w+ +#(\d+) ", screen)
    return int(m.group(1)) if m else None


def test_keys(wd, consoles):
    """Test 3: keys typed into a mirror change nothing."""
    db = wd.db
    c = Console(["chair", "--db", db], 120, 40, workdir=wd)
    consoles.append(c)
    c.wait_for("13:30")
    ask_some(db, 5, "k")
    c.keys("]", "]", "]", "]", "Space")
    wait_until(lambda: (state(db)["speaker"] or {}).get("running"), 4,
               "the countdown runs")
    before = state(db)
    seq = last_seq(db)
    m = Console(["mirror", "--db", db], 120, 40, workdir=wd)
    consoles.append(m)
    m.wait_for("MIRROR")
    m.wait_for(before["speaker"]["name"][:20])

    refused(m, CHAIR_KEYS)
    unchanged(db, before, seq, "chair keys in the mirror")

    # Navigation: Tab to the questions, j moves the selection down, k up
    # (the list is grouped by theme: the ids are read from the screen).
    first = selected(m.screen())
    check(first is not None, "a question is selected")
    m.keys("Tab")
    m.wait_for("/ search")
    m.keys("j")
    second = wait_until(lambda: (lambda q: q if q not in (None, first)
                                 else None)(selected(m.screen())), 4,
                        "j to select the next question")
    m.wait_for("new #%d \u00b7" % second)
    m.keys("k")
    wait_until(lambda: selected(m.screen()) == first, 4,
               "k to select the first question again")
    m.wait_for("new #%d \u00b7" % first)
    # The question keys, now that the questions pane is focused.
    refused(m, QUESTION_KEYS)
    # Search works: one question matches, then Esc clears it.
    m.keys("/")
    m.text("regional")
    m.wait_for("Questions \u00b7 1 of 5")
    m.keys("Escape")
    wait_until(lambda: question_count(m.screen()) == 5, 4, "search cleared")
    # Help opens and closes.
    m.keys("?")
    m.wait_for("Keys (? or Esc to close)")
    m.keys("Escape")
    m.wait_gone("Keys (? or Esc to close)")
    unchanged(db, before, seq, "navigation in the mirror")

    # q quits the mirror at once (nothing to confirm) and the chair goes on.
    m.keys("q")
    m.wait_for("[podium exited 0]")
    check(state(db)["speaker"]["running"], "the chair's countdown runs on")


def test_bytes(wd, consoles):
    """Test 4: what a mirror sends beyond its hello changes nothing."""
    db = wd.db + "-bytes.db"
    c = Console(["chair", "--db", db], 120, 40, workdir=wd)
    consoles.append(c)
    c.wait_for("13:30")
    ask_some(db, 3, "b")
    c.keys("]", "Space")
    wait_until(lambda: (state(db)["speaker"] or {}).get("running"), 4,
               "the countdown runs")
    sock = db + ".mirror.sock"
    before = state(db)
    seq = last_seq(db)

    # (a) Hello, the snapshot, then bytes: closed within 2 s.
    for extra in [b"x", b"\n", b'{"type":"hello","version":1}\n',
                  json.dumps({"type": "question", "text": "sneaked in"})
                  .encode() + b"\n",
                  b" ", b"\x00" * 70000]:
        r = Raw(sock)
        r.send(HELLO)
        lines, flush = r.until_flush()
        check(lines[0]["t"] == "hello" and lines[0]["version"] == 1,
              "the chair's hello first: %r" % lines[0])
        check(flush == seq, "the snapshot ends at the last row")
        try:
            r.send(extra)
        except (BrokenPipeError, ConnectionResetError):
            pass
        check(r.closed_within(2), "closed after %r" % extra[:20])
        r.close()
    # A hello that arrives in pieces is still one hello.
    r = Raw(sock)
    for i in range(0, len(HELLO), 7):
        r.send(HELLO[i:i + 7])
        time.sleep(0.02)
    _, flush = r.until_flush()
    check(flush == seq, "a hello in pieces gets the snapshot")
    r.close()
    # The hello with more bytes in the same write: closed, no snapshot.
    r = Raw(sock)
    r.send(HELLO + b'{"type":"vote","question":1}\n')
    check(r.line() is None, "closed at once, without a snapshot")
    r.close()
    unchanged(db, before, seq, "bytes on the mirror socket")

    # (b) Garbage, (c) another version, an over-long hello, a hello of
    # another type: one error line each, then the connection closes.
    cases = [(b"GET / HTTP/1.0\n", "hello"),
             (b'{"type":"hello","version":99}\n', "version 99"),
             (b'{"type":"hello"}\n', "version"),
             (b'{"type":"question","text":"hi"}\n', "hello"),
             (b'{"type":"hello","version":1,"x":"' + b"y" * 2000 + b'"}\n',
              "too long")]
    for hello, why in cases:
        r = Raw(sock)
        try:
            r.send(hello)
        except (BrokenPipeError, ConnectionResetError):
            pass
        line = r.line()
        check(line is not None, "an error line for %r" % hello[:30])
        err = json.loads(line)
        check(err["t"] == "error" and why in err["error"] and
              err.get("version") == 1,
              "error for %r names %r: %r" % (hello[:30], why, err))
        check(r.closed_within(2), "closed after the error for %r" %
              hello[:30])
        r.close()
    unchanged(db, before, seq, "refused hellos")

    # podium mirror itself against a chair of another protocol version.
    fake = os.path.join(wd.path, "fake.db")
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(fake + ".mirror.sock")
    srv.listen(1)
    srv.settimeout(10)
    seen = {}

    def serve():
        try:
            conn, _ = srv.accept()
        except OSError:
            return
        conn.settimeout(5)
        f = conn.makefile("rb")
        seen["hello"] = f.readline()
        conn.sendall(json.dumps({"t": "hello", "version": 99,
                                 "mode": "live", "event": "{}"}).encode()
                     + b"\n")
        rest = b""
        try:
            while True:
                data = conn.recv(4096)
                if not data:
                    break
                rest += data
        except OSError:
            pass
        seen["rest"] = rest
        conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    rc, out, err = run(["mirror", "--db", fake, "--once", "--json"],
                       timeout=10)
    t.join(5)
    srv.close()
    check(rc == 1 and out == "", "exit 1 and no state: %d %r" % (rc, out))
    check(err.startswith("podium: error:") and "version 99" in err,
          "the message names the version: %r" % err)
    check("same podium version" in err, "and says what to do: %r" % err)
    check(json.loads(seen["hello"]) == {"type": "hello", "version": 1},
          "the mirror's hello is exactly one line: %r" % seen.get("hello"))
    check(seen.get("rest") == b"", "and nothing else: %r" % seen.get("rest"))
    # With no chair at all, a clear error too.
    rc, _, err = run(["mirror", "--db", os.path.join(wd.path, "none.db"),
                      "--once", "--json"], timeout=10)
    check(rc == 1 and "podium: error:" in err, "no chair: %r" % err)


def test(wd, consoles):
    test_keys(wd, consoles)
    test_bytes(wd, consoles)


if __name__ == "__main__":
    main(test)

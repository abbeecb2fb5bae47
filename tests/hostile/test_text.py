"""Hostile text: questions, names and organisations carrying terminal
controls (ESC, CSI, OSC, DCS, APC, C1 in both encodings, DEL, NUL), bidi
and invisible characters, 300 combining marks, ZWJ emoji, CJK and Arabic,
sent through the intake socket, `podium ask` and `podium import`.

Must hold: the bytes the chair's console (and a mirror) write to their
terminals hold nothing but ncurses drawing (tmux pipe-pane captures them),
the panes stay aligned in display cells, the stored text is exactly what
was sent, and what the protocol refuses (NUL, invalid UTF-8) is refused
with a reason and not stored. The command-line tools print nothing from
the data that a terminal would obey either.
"""
import json
import os

from podiumtest import Console, check, main, run, state, wait_until
import hostile as H

COLS, ROWS = 120, 40


def select_each(c, ids):
    """Select every question in turn (k to the top, then j), checking
    each frame's alignment; every question must have been shown in full."""
    seen = set()
    c.keys(*(["k"] * (len(ids) + 2)))
    for _ in range(len(ids) + 8):
        s = c.screen()
        seen |= {q for q in ids if ("#%d \u00b7" % q) in s}
        H.check_aligned(s, COLS, "question %d of %d" % (len(seen), len(ids)))
        if seen >= set(ids):
            return
        c.keys("j")
        # The header clock also changes the screen, once a second.
        wait_until(lambda: c.screen() != s, 5, "the selection to move")
    check(False, "not every question was shown in full: missing %r" %
          sorted(set(ids) - seen))


def focus(c, word):
    """Press Tab until the footer lists word (the focused pane's keys)."""
    for _ in range(4):
        lines = H.pane_rows(c.screen())
        if len(lines) >= 2 and word in lines[-2]:
            return
        s = c.screen()
        c.keys("Tab")
        wait_until(lambda: c.screen() != s, 5, "the focus to move")
    check(False, "no pane's footer lists %r" % word)


def start_console(wd, args, name):
    """A console whose terminal output is captured from its first byte."""
    c = Console(args, COLS, ROWS, workdir=wd)
    path = os.path.join(wd.path, name + ".pty")
    open(path, "wb").close()
    c.tmux("pipe-pane", "-o", "-t", "t", "cat >> " + path)
    return c, path


def check_checker():
    """The stream check itself finds what it must (else it proves nothing)."""
    for bad in (b"\x1b]0;title\x07", b"\x1b]52;c;eA==\x1b\\", b"\x1b[6n",
                b"\x1b[c", b"\x1bP1$qm\x1b\\", b"\x1b_x\x1b\\", b"\x1bc",
                b"a\x9bb", "\u009b6n".encode(), b"\x07", b"\x7f", b"\x00",
                "\u202e".encode(), "\U000E0041".encode(), b"\x1b[2;3t"):
        check(H.stream_problems(b"\x1b[H" + bad + b"x"),
              "the stream check misses %r" % bad)
    good = (b"\x1b(B\x1b)0\x1b[?1049h\x1b[1;40r\x1b[m\x0f\x1b[4l\x1b[?1h"
            b"\x1b=\x1b[?25l\x1b[H\x1b[J\x1b[0;1;7m\x0fA\x1b[2;5H\x1b[K"
            b"\x1b[12G\x1b[3d\x1b[38;5;214m\xe2\x94\x80\x1b[?12l\x1b[?25h"
            b"\x1b[?1049l\r\x1b[?1l\x1b>")
    check(not H.stream_problems(good), "ncurses drawing refused: %r" %
          H.stream_problems(good))


def test(wd, consoles):
    check_checker()
    db = wd.db
    c, chair_out = start_console(wd, ["chair", "--db", db], "chair")
    consoles.append(c)
    c.wait_for("13:30")
    H.wait_socket(db)
    i = H.Intake(db)

    # ------------------------------------------------ questions by intake
    sent = {}
    r = i.ask({"type": "question", "text": H.PLAIN_TEXT, "from":
               "Plain Sender", "org": "Plain Org", "lang": "en"})
    check(r["ok"], "plain question stored: %r" % r)
    sent[r["id"]] = {"text": H.PLAIN_TEXT, "from": "Plain Sender",
                     "org": "Plain Org", "lang": "en", "country": None}
    froms = [n for n, _ in H.HOSTILE_NAMES]
    orgs = [o for _, o in H.HOSTILE_NAMES]
    # The hostile ones go to "other" as their sender says (the suggested
    # theme of such text is beside the point here): the plain question
    # then heads the list, where the columns are checked below.
    for k, text in enumerate(H.HOSTILE_TEXTS):
        q = {"type": "question", "text": text, "theme": "other",
             "from": froms[k % len(froms)], "org": orgs[k % len(orgs)],
             "country": "C\x1b]0;x\x07\u202e",
             "lang": ["\x1b[6n", "\u009b6n", "ar\u200f", "\u8d44\u91d1",
                      "e\u0301\u0301"][k % 5],
             "id": "hostile-%d-\x1b]0;id\x07" % k}
        r = i.ask(q)
        check(r["ok"] is True, "hostile question %d stored: %r" % (k, r))
        sent[r["id"]] = {f: q[f] for f in ("text", "from", "org", "lang",
                                            "country")}
    # Refused, with a reason, nothing stored, the connection goes on.
    n_before = len(state(db)["questions"])
    refusals = [
        (json.dumps({"type": "question", "text": "NUL \u0000 inside"})
         .encode(), "NUL"),
        (json.dumps({"type": "question", "text": "x",
                     "from": "a\u0000b"}).encode(), "NUL"),
        (b'{"type":"question","text":"raw C1 \x9b6n \x9d0;t\x9c"}',
         "invalid UTF-8"),
        (b'{"type":"question","text":"raw 8-bit \xc2"}', "invalid UTF-8"),
        (b'{"type":"question","text":"raw ESC \x1b[2J"}', "JSON"),
        # Messages that quote the sender's text, cut inside a character.
        (json.dumps({"type": "question", "text": "x",
                     "theme": "a" + "\u00e9" * 30}).encode(),
         "unknown theme"),
        (json.dumps({"type": "question", "text": "x",
                     "theme": "\x1b]0;t\x07" + "\u00e9" * 30}).encode(),
         "unknown theme"),
        (json.dumps({"type": "question", "text": "x",
                     "lang": "a" + "\u00e9" * 12}).encode(), "too long"),
        (json.dumps({"type": "a" + "\u00e9" * 30}).encode(), "unknown type"),
        (json.dumps({"type": "floor", "name": "x",
                     "lang": "\u00e9" * 8}).encode(), "too long"),
    ]
    for line, why in refusals:
        r = i.ask(line)
        check(r["ok"] is False and why in r["error"],
              "refused %r: %r" % (line[:60], r))
    r = i.ask({"type": "question", "text": "still here after refusals"})
    check(r["ok"], "the connection goes on after refusals: %r" % r)
    sent[r["id"]] = {"text": "still here after refusals", "from": None,
                     "org": None, "lang": None, "country": None}
    check(len(state(db)["questions"]) == n_before + 1,
          "refused lines stored nothing")

    # ------------------------------------------------ floor requests
    c.keys("]")
    wait_until(lambda: state(db)["segment"] is not None, 5, "segment 0")
    speakers = {}
    for name, org in [H.PLAIN_NAME] + H.HOSTILE_NAMES:
        r = i.ask({"type": "floor", "name": name, "org": org,
                   "lang": "\x1b[6n", "seconds": 120, "segment": 0})
        check(r["ok"], "floor request %r stored: %r" % (name[:12], r))
        speakers[r["id"]] = (name, org)

    # ------------------------------------------------ podium ask
    hostile_ask = "ASK \x1b]0;ask title\x07 \x1b[6n \u009b2J \u202eend"
    rc, out, err = run(["ask", "--db", db, "--from", "\x1b]52;c;eA==\x07",
                        hostile_ask])
    check(rc == 0 and out.strip().isdigit(), "podium ask: %r" % err)
    sent[int(out)] = {"text": hostile_ask, "from": "\x1b]52;c;eA==\x07",
                      "org": None, "lang": None, "country": None}
    rc, out, err = run(["ask", "--db", db, "--theme",
                        "\x1b]0;t\x07\x1b[6n" + "\u00e9" * 30, "x"])
    check(rc == 1 and "unknown theme" in err, "ask refused: %r" % err)
    H.check_stream(err.encode(), "podium ask's refusal on stderr")

    # ------------------------------------------------ import (CSV)
    csv_path = os.path.join(wd.path, "hostile.csv")
    with open(csv_path, "wb") as f:
        f.write(b"Name,Organisation,Question,Floor\r\n")
        f.write(b'"CSV \x1b]0;n\x07 \xe2\x80\xae name","\x1b[2J org",'
                b'"CSV question \x1b]52;c;eA==\x07 \xc2\x9b6n",yes\r\n')
        f.write(b'"raw C1 \x9b name",org,"question \x9d0;x\x9c",no\r\n')
        f.write(b'"Bo",org,"q",\x1b]0;floor\x07\r\n')
        f.write(b'"CSV2 \xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa9",'
                b'"\xe8\xb5\x84\xe9\x87\x91",'
                b'"CSV tabs\tand\rCR \x7f DEL",yes\r\n')
    rc, out, err = run(["import", "--db", db, "--skip-bad", csv_path])
    check(rc == 0, "import with --skip-bad: %r %r" % (out, err))
    check("line 3" in err and "line 4" in err,
          "bad rows named by line: %r" % err)
    H.check_stream(err.encode(), "podium import's messages on stderr")
    csv_q = {"CSV question \x1b]52;c;eA==\x07 \u009b6n",
             "CSV tabs\tand\rCR \x7f DEL"}
    csv_n = {"CSV \x1b]0;n\x07 \u202e name",
             "CSV2 \U0001F469\u200d\U0001F469"}

    # ------------------------------------------------ stored as sent
    st = state(db)
    byid = {q["id"]: q for q in st["questions"]}
    for qid, want in sent.items():
        got = byid.get(qid)
        check(got is not None, "question %d stored" % qid)
        for f, v in want.items():
            check(got[f] == v, "question %d: %s stored as %r, sent %r" % (
                qid, f, (got[f] or "")[:80], (v or "")[:80]))
    texts = {q["text"] for q in st["questions"]}
    check(csv_q <= texts, "imported questions stored as written: %r" % (
        csv_q - texts))
    check(not any("raw C1" in t or "question \ufffd" in t for t in texts),
          "a row that is not UTF-8 is not stored")
    names = {(e["id"], e["name"], e["org"]) for e in st["queue"]}
    for sid, (name, org) in speakers.items():
        check((sid, name, org) in names, "speaker %d stored as sent: %r" % (
            sid, name[:40]))
    check(csv_n <= {e["name"] for e in st["queue"]},
          "imported names stored as written")

    # ------------------------------------------------ drawn, full layout
    qids = sorted(q["id"] for q in st["questions"])
    c.wait_for("Questions \u00b7 %d" % len(qids), 10)
    focus(c, "approve")
    c.wait_for(" votes", 5)
    select_each(c, qids)
    # One hostile question on air: the bar across the pane.
    hostile_id = [q for q in qids if sent.get(q, {}).get("text", "")
                  .startswith("TITLE")][0]
    for _ in range(len(qids) + 2):
        if ">new  #%d" % hostile_id in c.screen():
            break
        c.keys("k")
    c.keys("o")
    s = c.wait_for("ON AIR #%d" % hostile_id, 5)
    H.check_aligned(s, COLS, "on air")
    # The speakers: the queue, then hostile ones current (big name, status).
    focus(c, "move up")
    for _ in range(len(speakers)):
        c.keys("n")
        s = c.wait_for("saved", 5)
        H.check_aligned(s, COLS, "speaker current")
    for _ in range(len(speakers) + 6):
        c.keys("j")
    H.check_aligned(c.screen(), COLS, "speakers")
    s = c.screen()
    check("\u241b" in s, "escape shown as a visible mark on screen:\n" + s)

    # Wider: the sender column appears and starts at one column.
    c.resize(200, 50)
    focus(c, "approve")
    c.keys(*(["k"] * (len(qids) + 2)))
    s = c.wait_for("Plain Sender", 5)
    starts = set()
    for line in H.pane_rows(s):
        for tag in ("Plain Sender", "N-OSC", "N-C1", "N-COMB", "N-EMOJI",
                    "N-AR"):
            k = line.find(tag)
            if k > 0 and "#" in line[:20]:
                starts.add(H.cells(line[:k]))
    check(len(starts) == 1, "sender column starts at %r:\n%s" % (starts, s))
    H.check_aligned(s, 200, "wide")

    # Compact layout: the detail below the list.
    c.resize(80, 24)
    c.wait_for("LIVE", 5)
    s = c.screen()
    H.check_aligned(s, 80, "compact")
    for _ in range(6):
        c.keys("j")
        H.check_aligned(c.screen(), 80, "compact")
    c.resize(COLS, ROWS)
    c.wait_for("Questions", 5)

    # ------------------------------------------------ a mirror draws it too
    m, mirror_out = start_console(wd, ["mirror", "--db", db], "mirror")
    consoles.append(m)
    m.wait_for("Questions", 10)
    focus(m, "search")
    for _ in range(len(qids)):
        m.keys("j")
    m.wait_for("#%d \u00b7" % qids[-1], 10)
    H.check_aligned(m.screen(), COLS, "mirror")

    # ------------------------------------------------ the byte streams
    c.keys("q")
    c.wait_for("[podium exited 0]", 10)
    m.keys("q")
    m.wait_for("[podium exited 0]", 10)
    for path, what in ((chair_out, "the chair's terminal"),
                       (mirror_out, "the mirror's terminal")):
        data = open(path, "rb").read()
        # The capture ends with the shell's exit line; podium's part is
        # everything before it.
        data = data[:data.rfind(b"[podium exited")]
        check(len(data) > 5000, "%s: %d bytes captured" % (what, len(data)))
        check("\u241b".encode() in data and "ARABIC".encode() in data and
              b"CLIP" in data, "%s: the hostile rows were drawn" % what)
        H.check_stream(data, what)
        print("%s: %d bytes, %d ESC, clean" % (what, len(data),
                                               data.count(b"\x1b")))

    # ------------------------------------------------ the record
    rc, out, err = run(["export", "--db", db, "--format", "md"])
    check(rc == 0, "export md: " + err)
    H.check_stream(out.replace("\n", "\r\n").encode(), "export md")
    print("questions %d (hostile %d), speakers %d, refusals %d" % (
        len(qids), len(H.HOSTILE_TEXTS), len(speakers), len(refusals)))


if __name__ == "__main__":
    main(test)

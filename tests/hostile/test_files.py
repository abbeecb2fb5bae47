"""Hostile files: registration CSVs with an unclosed quote, a runaway quote
before megabytes of rows, NUL bytes, megabytes of rows (imported, skipped
and bad), and cells a spreadsheet would run as formulas in the record's
CSV export.

Must hold: clear errors with line numbers, nothing half-imported, bounded
memory for what is not imported (peak RSS of `podium import`), another
intake client acknowledged promptly while a big file goes through the
console, and `podium export --format csv` neutralises = + - @ tab CR at
the start of a text cell while JSON keeps the text as sent.

PODIUM_HOSTILE_LONG=1 (tests/hostile/long.sh) makes the files 1 GB.
"""
import csv
import json
import os
import threading
import time

from podiumtest import Console, check, main, run, state, wait_until
import hostile as H

LONG = os.environ.get("PODIUM_HOSTILE_LONG") == "1"
SIZE = (1024 if LONG else 4) * 1024 * 1024
# Memory of a reader that streams: the same for 4 MB as for 1 GB.
STREAM_RSS_KB = 16 * 1024
HEADER = "Registration ID,Name,Organisation,Country,Language,Question," \
         "Take the floor\r\n"


def write_rows(path, size, kind, every=0):
    """A CSV of about size bytes; kind of row: question, skipped, bad.

    With every > 0, one row in every is a question and the rest skipped
    (a webinar's attendee list where a few asked something).
    """
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(HEADER)
        total = len(HEADER)
        block = []
        while total < size:
            k = rows
            if kind == "question" or (every and k % every == 0):
                row = ('r%d,Name %d,Org %d,Pays,fr,"Question %d : comment '
                       'financer durablement l\'assistance, ""vraiment"" ?",'
                       'non\r\n' % (k, k, k, k))
            elif kind == "skipped" or every:
                row = "r%d,Attendee %d,Org %d,Country,en,,no\r\n" % (k, k, k)
            else:
                row = "r%d,Name %d,Org %d,Country,es,q,maybe\r\n" % (k, k, k)
            block.append(row)
            total += len(row)
            rows += 1
            if len(block) == 4096:
                f.write("".join(block))
                block = []
        f.write("".join(block))
    return rows


def imported(db):
    """Questions and queue entries in a database (0, 0 if there is none)."""
    if not os.path.exists(db):
        return 0, 0
    st = state(db)
    return len(st["questions"]), len(st["queue"])


def test_errors(wd):
    """Unclosed and runaway quotes, NUL bytes: line numbers, all or nothing."""
    db = os.path.join(wd.path, "errors.db")
    p = os.path.join(wd.path, "unclosed.csv")
    with open(p, "wb") as f:
        f.write(b"Name,Question,Floor\r\nAna,fine,no\r\n"
                b'Bo,"never closed,no\r\nCy,third,no\r\nDe,fourth,yes\r\n')
    rc, _, err = run(["import", "--db", db, p])
    check(rc == 1 and "line 3" in err and "never comes" in err,
          "unclosed quote named with its line: %r" % err)
    check(imported(db)[0] == 0, "nothing imported from it")
    rc, _, err = run(["import", "--db", db, "--skip-bad", p])
    check(rc == 1 and "line 3" in err, "--skip-bad does not skip an "
          "unclosed quote: %r" % err)
    check(imported(db)[0] == 0, "still nothing imported")

    # A runaway quote on line 2 swallows megabytes: refused, memory bounded.
    p = os.path.join(wd.path, "runaway.csv")
    with open(p, "w", newline="") as f:
        f.write('Name,Question,Floor\r\nAna,"runaway\r\n')
        line = "Bo,text that is all inside the open quote,no\r\n"
        f.write(line * (SIZE // len(line)))
    rc, _, err, rss = H.peak_rss_kb(["import", "--db", db, p])
    check(rc == 1 and "line 2" in err, "runaway quote named with the line "
          "where it opened: %r" % err)
    H.check_memory(rss < STREAM_RSS_KB,
                   "runaway quote: peak RSS %d kB" % rss)
    print("runaway quote in %.0f MB: refused at line 2, peak RSS %d kB" % (
        os.path.getsize(p) / 1e6, rss))
    os.unlink(p)

    # NUL bytes: in a used column the row is bad, in an unused one ignored.
    p = os.path.join(wd.path, "nul.csv")
    with open(p, "wb") as f:
        f.write(b"Name,Question,Floor,Notes\r\n"
                b"Ana,first question,no,x\r\n"
                b'B\x00o,"second\x00question",no,x\r\n'
                b"Cy,third question,no,no\x00te\r\n"
                b"Di,fourth\x00,yes,\r\n"
                b"Ed,fifth question,yes,\x00\x00\r\n")
    rc, _, err = run(["import", "--db", db, p])
    check(rc == 1 and "line 3" in err and "line 5" in err and
          "NUL" in err and "nothing was imported" in err,
          "NUL bytes in used cells named by line: %r" % err)
    check(imported(db)[0] == 0, "nothing imported")
    rc, out, err = run(["import", "--db", db, "--skip-bad", p])
    check(rc == 0, "--skip-bad imports the rest: %r" % err)
    texts = sorted(q["text"] for q in state(db)["questions"])
    check(texts == ["fifth question", "first question", "third question"],
          "exactly the good rows, as written: %r" % texts)


def test_big(wd, consoles):
    """Megabytes of rows: streamed, bounded, other clients unaffected."""
    figures = []
    for kind in ("skipped", "bad", "sparse"):
        p = os.path.join(wd.path, kind + ".csv")
        rows = write_rows(p, SIZE, "skipped" if kind == "sparse" else kind,
                          every=1000 if kind == "sparse" else 0)
        db = os.path.join(wd.path, kind + ".db")
        t0 = time.monotonic()
        rc, out, err, rss = H.peak_rss_kb(["import", "--db", db,
                                           "--skip-bad", p],
                                          timeout=3600 if LONG else 120)
        took = time.monotonic() - t0
        if kind == "skipped":
            check(rc == 1 and "no row with a question" in err,
                  "a file of skipped rows says so: %r" % err)
        elif kind == "bad":
            check(rc == 0 or "no row with a question" in err,
                  "bad rows: %r" % err)
            check("line 2:" in err and "more bad rows" in err and
                  err.count("\n") < 30, "bad rows listed with line numbers, "
                  "then counted: %r" % err[:300])
        else:
            check(rc == 0, "sparse import: %r" % err)
            q = imported(db)[0]
            check(q == (rows + 999) // 1000, "one question in 1000 rows: "
                  "%d of %d" % (q, rows))
        limit = STREAM_RSS_KB + (rows // 1000) * 4
        H.check_memory(rss < limit, "%s rows: peak RSS %d kB (limit %d)" % (
            kind, rss, limit))
        figures.append("%s: %.0f MB, %d rows, %.1f s, peak RSS %d kB" % (
            kind, os.path.getsize(p) / 1e6, rows, took, rss))
        os.unlink(p)

    # Every row a question: memory grows with what is imported (the
    # session holds every question); straight into the database, then
    # through a running console while another client asks.
    # (4 MB in the long run too: a gigabyte of questions would be some
    # eight million of them, which no session holds.)
    p = os.path.join(wd.path, "questions.csv")
    rows = write_rows(p, 4 * 1024 * 1024, "question")
    db = os.path.join(wd.path, "direct.db")
    t0 = time.monotonic()
    rc, out, err, rss = H.peak_rss_kb(["import", "--db", db, p])
    check(rc == 0, "direct import: %r" % err)
    figures.append("questions, straight into the database: %.0f MB, %d "
                   "rows, %.1f s, peak RSS %d kB (%.2f kB a row)" % (
                       os.path.getsize(p) / 1e6, rows,
                       time.monotonic() - t0, rss, rss / rows))

    db = os.path.join(wd.path, "live.db")
    c = Console(["chair", "--db", db], 100, 30, workdir=wd)
    consoles.append(c)
    c.wait_for("LIVE")
    H.wait_socket(db)
    pid = c.pid()
    hwm0 = H.proc_status(pid, "VmHWM")
    probe = H.Intake(db)
    lat, stop, errors = [], threading.Event(), []

    def ask_on():
        k = 0
        while not stop.is_set():
            t = time.monotonic()
            try:
                r = probe.ask({"type": "question", "id": "probe-%d" % k,
                               "text": "probe %d" % k})
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))
                return
            lat.append(time.monotonic() - t)
            if not r.get("ok"):
                errors.append(r)
            k += 1
            time.sleep(0.02)

    th = threading.Thread(target=ask_on, daemon=True)
    th.start()
    t0 = time.monotonic()
    rc, out, err, rss = H.peak_rss_kb(["import", "--db", db, p])
    took = time.monotonic() - t0
    stop.set()
    th.join(30)
    check(rc == 0, "import through the console: %r" % err)
    check(not errors, "the other client: %r" % errors[:3])
    check(lat and max(lat) < 2.0, "the other client's acks during the "
          "import: max %.2f s" % (max(lat) if lat else -1))
    wait_until(lambda: imported(db)[0] >= rows, 30, "all rows imported")
    hwm1 = H.proc_status(pid, "VmHWM")
    lat.sort()
    figures.append("questions, through the console: %d rows, %.1f s, "
                   "importer peak RSS %d kB, console VmHWM %d -> %d kB; the "
                   "other client: %d acks, median %.1f ms, max %.1f ms" % (
                       rows, took, rss, hwm0, hwm1, len(lat),
                       lat[len(lat) // 2] * 1000, lat[-1] * 1000))
    c.keys("q")
    c.wait_for("[podium exited 0]", 10)
    os.unlink(p)
    for f in figures:
        print(f)


FORMULAS = ["=SUM(A1:A9)", "+33 1 23 45 67", "-2+3", "@SUM(1)",
            "\tTAB=1+1", "\rCR=1+1", "=HYPERLINK(\"http://x\",\"y\")",
            "=cmd|' /C calc'!A0"]


def test_export(wd, consoles):
    """Formula-looking cells are neutralised in CSV, exact in JSON."""
    db = os.path.join(wd.path, "export.db")
    c = Console(["chair", "--db", db], 100, 30, workdir=wd)
    consoles.append(c)
    c.wait_for("LIVE")
    H.wait_socket(db)
    i = H.Intake(db)
    sent = []
    for k, f in enumerate(FORMULAS):
        q = {"type": "question", "text": f, "from": FORMULAS[-1 - k],
             "org": "@org" if k % 2 else "-org", "country": "=1+1"}
        r = i.ask(q)
        check(r["ok"], "question %r stored: %r" % (f, r))
        sent.append(q)
    r = i.ask({"type": "floor", "name": "=1+2", "org": "+org", "lang": "en",
               "segment": 0})
    check(r["ok"], "floor request stored: %r" % r)
    r = i.ask({"type": "question", "text": "plain = not at the start"})
    check(r["ok"], "plain question stored")
    i.close()
    c.keys("q")
    c.wait_for("[podium exited 0]", 10)

    path = os.path.join(wd.path, "record.csv")
    rc, out, err = run(["export", "--db", db, "--format", "csv", "-o", path])
    check(rc == 0, "export csv: %r" % err)
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, qrows, srows, sheader = None, [], [], None
    for r in rows:
        if r[0] == "table":
            header = r
            continue
        if r[0] == "questions":
            qrows.append(dict(zip(header, r)))
        if r[0] == "speakers":
            sheader = header
            srows.append(dict(zip(header, r)))
    check(sheader is not None, "a speakers table")
    danger = tuple("=+-@\t\r")
    cells = 0
    for q in sent:
        got = [r for r in qrows if r["text"].lstrip("'") == q["text"]]
        check(len(got) == 1, "question %r in the CSV" % q["text"])
        for field in ("text", "from", "org", "country"):
            cell = got[0][field]
            check(cell == "'" + q[field], "%s %r exported as %r" % (
                field, q[field], cell))
            cells += 1
    plain = [r for r in qrows if r["text"] == "plain = not at the start"]
    check(len(plain) == 1, "a plain cell is not touched")
    for r in qrows + srows:
        for k, v in r.items():
            check(not v.startswith(danger) or
                  (v.lstrip("-").replace(".", "").isdigit()),
                  "cell %s = %r starts with a formula character" % (k, v))
    spk = [r for r in srows if r["name"] == "'=1+2"]
    check(spk and spk[0]["org"] == "'+org", "speaker cells neutralised: %r"
          % srows[-1:])
    rc, out, err = run(["export", "--db", db, "--format", "json"])
    rec = json.loads(out)
    texts = {q["text"] for q in rec["questions"]}
    check(set(FORMULAS) <= texts, "JSON keeps the text as sent")
    print("formula cells neutralised: %d question cells, 2 speaker cells; "
          "JSON exact" % cells)


def test(wd, consoles):
    test_errors(wd)
    test_export(wd, consoles)
    test_big(wd, consoles)


if __name__ == "__main__":
    main(test)

"""The tamper-evident journal: `podium verify` on a rehearsal database
made by the real console, then on copies edited behind podium's back
with Python's sqlite3, as someone with the file could: an edited row, an
undone flag set or cleared, an edited undo entry, a removed last row (only
a published hash shows that), and a database from before the chain,
which readers leave alone and the next chair upgrades.
"""
import json
import os
import sqlite3

import recordcheck
from podiumtest import Console, check, main, run, state, wait_until


def until(db, pred, what, timeout=5):
    """Wait until pred(state) holds; return that state."""
    return wait_until(lambda: (lambda s: s if pred(s) else None)(state(db)),
                      timeout, what)


def copy(src, dst, *sql):
    """A copy of a database (WAL included), then edited with sql."""
    if os.path.exists(dst):
        os.remove(dst)
    a = sqlite3.connect("file:%s?mode=ro" % src, uri=True)
    b = sqlite3.connect(dst)
    a.backup(b)
    a.close()
    for stmt in sql:
        b.execute(stmt)
    b.commit()
    b.close()
    return dst


def verify(db, *args):
    """`podium verify` of db: (exit code, standard output)."""
    rc, out, err = run(["verify", "--db", db] + list(args))
    check(err == "", "verify writes its finding on stdout: " + err)
    return rc, out


def broken(db, where, needle):
    """Fail unless verify says the journal is broken at where."""
    rc, out = verify(db)
    check(rc == 1 and out.startswith("broken at %s: " % where) and
          needle in out, "verify of %s: wanted broken at %s (%s), got:\n%s"
          % (os.path.basename(db), where, needle, out))


def test(wd, consoles):
    db = wd.db
    c = Console(["rehearse", "--speed", "100", "--questions", "none",
                 "--db", db], 120, 40, workdir=wd)
    consoles.append(c)
    c.wait_for("REHEARSAL x100")
    c.keys("Space")
    until(db, lambda s: s["speaker"]["remaining_ms"] < 220000, "speaking")
    c.keys("Space", "+", "+")
    until(db, lambda s: s["speaker"]["added_s"] == 60, "+60 s")
    c.keys("u")
    until(db, lambda s: s["speaker"]["added_s"] == 30, "u: +30 s")
    c.keys("n", "]")
    until(db, lambda s: s["segment"]["index"] == 1, "segment 2")
    c.keys("q")
    c.wait_for("[podium exited 0]")

    rc, out = verify(db)
    check(rc == 0 and out.startswith("ok: ") and "integrity: ok" in out,
          "an untouched database verifies:\n" + out)
    rec = json.loads(run(["export", "--db", db, "--format", "json"],
                         check_rc=0)[1])
    published = rec["journal"]["hash"]
    rows, jhash, undos, _ = recordcheck.chains(db)
    check(jhash == published and undos == 1, "the chain recomputed")

    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    chair = [r[0] for r in con.execute(
        "SELECT seq FROM journal WHERE origin = 'chair' AND undone = 0"
        " ORDER BY seq")]
    undone = [r[0] for r in con.execute(
        "SELECT seq FROM journal WHERE undone = 1")]
    last = con.execute("SELECT max(seq) FROM journal").fetchone()[0]
    con.close()
    check(len(chair) >= 4 and len(undone) == 1, "chair rows and one undo")
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    k = con.execute("SELECT seq FROM journal WHERE kind = 'add_time'"
                    " AND undone = 0").fetchone()[0]
    con.close()
    check(k in chair and k != chair[0], "the +30 s is a chair row")

    # An edited argument (30 s made 300 s) breaks the chain at that row,
    # and only there.
    t = copy(db, os.path.join(wd.path, "args.db"),
             "UPDATE journal SET args = replace(args, '30', '300')"
             " WHERE seq = %d" % k)
    broken(t, "row %d" % k, "changed after it was written")
    rc, out = verify(t)
    check("1 of %d rows do not match" % rows in out, "one bad row: " + out)
    # The export still works and says so.
    rc, out, err = run(["export", "--db", t, "--format", "json"])
    check(rc == 0 and "broken at row %d" % k in err and
          json.loads(out)["journal"]["chain"] == "broken" and
          json.loads(out)["journal"]["broken_row"] == k,
          "export of a broken journal warns: " + err)

    # An edited time.
    t = copy(db, os.path.join(wd.path, "time.db"),
             "UPDATE journal SET wall_ms = wall_ms - 60000 WHERE seq = %d" %
             chair[0])
    broken(t, "row %d" % chair[0], "changed")

    # An undone flag set by hand, or cleared.
    t = copy(db, os.path.join(wd.path, "flag-set.db"),
             "UPDATE journal SET undone = 1 WHERE seq = %d" % k)
    broken(t, "row %d" % k, "never undid it")
    t = copy(db, os.path.join(wd.path, "flag-clear.db"),
             "UPDATE journal SET undone = 0 WHERE seq = %d" % undone[0])
    broken(t, "row %d" % undone[0], "undid it")

    # The undo chain edited, or its entry removed.
    t = copy(db, os.path.join(wd.path, "undo.db"),
             "UPDATE journal_undo SET seq = %d WHERE n = 1" % k)
    broken(t, "undo 1", "does not match")
    t = copy(db, os.path.join(wd.path, "undo-gone.db"),
             "DELETE FROM journal_undo")
    broken(t, "row %d" % undone[0], "never undid it")

    # A row removed from the middle shows at the next one.
    t = copy(db, os.path.join(wd.path, "gap.db"),
             "DELETE FROM journal WHERE seq = %d" % k)
    broken(t, "row %d" % (k + 1), "removed")

    # The last row removed leaves an intact shorter chain: only the
    # published hash tells.
    t = copy(db, os.path.join(wd.path, "cut.db"),
             "DELETE FROM journal WHERE seq = %d" % last)
    rc, out = verify(t)
    check(rc == 0, "a shortened journal is still a chain")
    rc, out = verify(t, "--hash", published)
    check(rc == 1 and "not in this database" in out,
          "the published hash is not in a shortened journal: " + out)
    rc, out = verify(db, "--hash", recordcheck.chains(t)[1])
    check(rc == 0 and "the journal up to row %d;" % (last - 1) in out,
          "an earlier hash is a prefix of the journal: " + out)
    rc, out, err = run(["verify", "--db", db, "--hash", "xyz"])
    check(rc == 2 and "64 hexadecimal digits" in err, "a bad --hash: " + err)

    # A database from before the chain: readers leave it as it is ...
    old = copy(db, os.path.join(wd.path, "schema1.db"),
               "ALTER TABLE journal DROP COLUMN hash",
               "DROP TABLE journal_undo",
               "UPDATE meta SET value = '1' WHERE key = 'schema_version'",
               "PRAGMA user_version = 1")
    before = open(old, "rb").read()
    rc, out = verify(old)
    check(rc == 1 and out.startswith("not chained: ") and
          "open it once with the chair console (podium --db" in out,
          "verify of schema 1: " + out)
    check(state(old)["segment"]["index"] == 1, "state reads schema 1")
    rc, out, err = run(["export", "--db", old, "--format", "json"])
    check(rc == 0 and json.loads(out)["journal"]["chain"] == "unchained" and
          "predates the hash chain" in err, "export of schema 1: " + err)
    check(open(old, "rb").read() == before, "readers left schema 1 alone")
    # ... and the next chair adds the chain.
    c2 = Console(["rehearse", "--speed", "100", "--questions", "none",
                  "--db", old], 120, 40, workdir=wd)
    consoles.append(c2)
    c2.wait_for("REHEARSAL x100")
    c2.keys("q")
    c2.wait_for("[podium exited 0]")
    rc, out = verify(old)
    check(rc == 0 and out.startswith("ok: %d rows, final hash %s" % (
        rows, published)) and "entries 1, rows undone 1," in out,
        "schema 1 upgraded to the same chain: " + out)


if __name__ == "__main__":
    main(test)

"""The command line: help, version, usage errors and refused databases."""
import os
import sqlite3
import time

from podiumtest import check, main, run


def test(wd, consoles):
    rc, out, _ = run(["--help"])
    check(rc == 0 and "usage: podium" in out and "rehearse" in out,
          "podium --help")
    rc, out, _ = run(["--version"])
    check(rc == 0 and out.startswith("podium "), "podium --version")
    for cmd in ("chair", "rehearse", "state"):
        rc, out, _ = run([cmd, "--help"])
        check(rc == 0 and "usage: podium" in out, "podium %s --help" % cmd)
    rc, _, err = run(["frobnicate"])
    check(rc == 2 and "podium: error: unknown command" in err,
          "unknown command exits 2")
    rc, _, err = run(["state", "--bogus"])
    check(rc == 2, "bad option exits 2")
    rc, _, err = run(["rehearse", "--speed", "fast"])
    check(rc == 2 and "--speed" in err, "bad speed exits 2: " + err)
    rc, _, err = run(["state", "--db", os.path.join(wd.path, "none.db")])
    check(rc == 1 and "podium: error: no database at" in err,
          "state on a missing database: " + err)
    rc, _, err = run(["chair", "--db", wd.db], env={"TERM": "dumb"})
    check(rc == 1 and "terminal" in err, "chair without a terminal: " + err)

    # A corrupt file is refused and left as it was.
    bad = os.path.join(wd.path, "corrupt.db")
    with open(bad, "wb") as f:
        f.write(b"this is not a database" * 200)
    before = open(bad, "rb").read()
    rc, _, err = run(["state", "--db", bad])
    check(rc == 1 and "podium: error:" in err, "corrupt db refused: " + err)
    check(open(bad, "rb").read() == before, "corrupt db untouched")

    # A database from a newer podium is refused and left as it was.
    newer = os.path.join(wd.path, "newer.db")
    con = sqlite3.connect(newer)
    con.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    con.execute("INSERT INTO meta VALUES('application','podium')")
    con.execute("INSERT INTO meta VALUES('schema_version','99')")
    con.execute("PRAGMA user_version=99")
    con.commit()
    con.close()
    before = open(newer, "rb").read()
    rc, _, err = run(["state", "--db", newer])
    check(rc == 1 and "newer" in err, "newer schema refused: " + err)
    check(open(newer, "rb").read() == before, "newer db untouched")

    # A database path that cannot be created.
    blocker = os.path.join(wd.path, "file")
    open(blocker, "w").close()
    rc, _, err = run(["state", "--db", os.path.join(blocker, "x.db")])
    check(rc == 1 and "podium: error:" in err, "uncreatable path: " + err)


if __name__ == "__main__":
    main(test)

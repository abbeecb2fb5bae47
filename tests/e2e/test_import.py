"""podium import: straight into the database, again (nothing new), and
through a running console, where the questions appear on screen."""
import os

from podiumtest import Console, check, main, run, state, wait_until

SAMPLE = os.path.join(os.environ.get("PODIUM_DATADIR", "sample-data"),
                      "registrations.csv")


def test(wd, consoles):
    db = wd.db
    rc, out, err = run(["import", "--db", db, SAMPLE])
    check(rc == 0, "import into a new database: " + err)
    st = state(db)
    nq = len(st["questions"])
    check(nq > 0, "questions imported")
    floors = [q for q in st["queue"] if q["name"] and q["status"] == "queued"]
    again = run(["import", "--db", db, SAMPLE])
    check(again[0] == 0, "second import runs: " + again[2])
    st2 = state(db)
    check(len(st2["questions"]) == nq and len(st2["queue"]) == len(st["queue"]),
          "importing the same file twice adds nothing")
    check(all(q["theme"] for q in st2["questions"]), "every question has a theme")

    # A bad row stops the import (all-or-nothing), unless --skip-bad.
    bad = os.path.join(wd.path, "bad.csv")
    with open(bad, "w", encoding="utf-8") as f:
        f.write("Nom,Organisation,Langue,Question,Prendre la parole\n")
        f.write("Ana,Red,es,¿Cómo financiar?,non\n")
        f.write("Bo,Org,en,What first?,maybe\n")
    db2 = os.path.join(wd.path, "two.db")
    rc, _, err = run(["import", "--db", db2, bad])
    check(rc == 1 and "line 3" in err and "nothing was imported" in err,
          "bad row reported with its line: " + err)
    check(not os.path.exists(db2) or len(state(db2)["questions"]) == 0,
          "nothing stored")
    rc, _, err = run(["import", "--db", db2, "--skip-bad", bad])
    check(rc == 0 and len(state(db2)["questions"]) == 1, "--skip-bad: " + err)

    # More than 200,000 requests in one file: refused before anything is
    # stored, naming the line past the limit.
    many = os.path.join(wd.path, "many.csv")
    with open(many, "w") as f:
        f.write("id,question\n")
        for i in range(200001):
            f.write("r%d,q%d\n" % (i, i))
    db4 = os.path.join(wd.path, "many.db")
    rc, _, err = run(["import", "--db", db4, many], timeout=120)
    check(rc == 1 and "more than 200000" in err and "line 200002" in err
          and "nothing was imported" in err, "too many rows: " + err)
    check(not os.path.exists(db4), "nothing stored for too many rows")

    # Through a running console: it shows them.
    db3 = os.path.join(wd.path, "live.db")
    c = Console(["chair", "--db", db3], 120, 40, workdir=wd)
    consoles.append(c)
    c.wait_for("13:30")
    rc, out, err = run(["import", "--db", db3, SAMPLE])
    check(rc == 0, "import through the console: " + err)
    wait_until(lambda: len(state(db3)["questions"]) == nq, 5, "all imported")
    c.wait_for("Questions · %d" % nq)


if __name__ == "__main__":
    main(test)

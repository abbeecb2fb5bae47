"""A second chair on the same database is refused quickly; the first goes on."""
import time

from podiumtest import Console, check, main, run, state, wait_until


def test(wd, consoles):
    db = wd.db
    c = Console(["chair", "--db", db], 120, 40, workdir=wd)
    consoles.append(c)
    c.wait_for("13:30")
    c2 = Console(["chair", "--db", db], 100, 30, workdir=wd)
    consoles.append(c2)
    t0 = time.monotonic()
    s = c2.wait_for("[podium exited 1]", timeout=5)
    check(time.monotonic() - t0 < 2.0, "refused quickly")
    check("another chair console" in s and "podium: error:" in s,
          "clear message:\n" + s)
    # Readers still work while the chair runs.
    check(state(db)["mode"] == "live", "podium state reads meanwhile")
    # The first chair is unaffected.
    c.keys("]")
    wait_until(lambda: state(db)["segment"] is not None, 4, "first chair acts")
    # A rehearsal on a live database is refused.
    rc, _, err = run(["rehearse", "--db", db])
    check(rc == 1, "rehearse on a live db refused")


if __name__ == "__main__":
    main(test)

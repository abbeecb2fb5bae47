"""The chair is killed (kill -9) and restarted; its mirror follows.

A full-view mirror says it is disconnected while the chair is down,
reconnected once it is back, then shows a change made after the
restart; `podium mirror --once --json` agrees with `podium state`.
"""
import os
import signal

from podiumtest import Console, check, main, run, state, wait_until
from test_mirror import (ask_some, check_mirror_state, listed, lists,
                         question_count)


def test(wd, consoles):
    db = wd.db
    c = Console(["chair", "--db", db], 120, 40, workdir=wd)
    consoles.append(c)
    c.wait_for("13:30")
    ask_some(db, 3, "before")
    c.keys("]", "]", "]", "]", "n", "+", "Space")
    st = wait_until(lambda: (lambda s: s if s["speaker"] and
                             s["speaker"]["running"] and
                             s["speaker"]["added_s"] == 30 else None)(
        state(db)), 4, "countdown running with 30 s added")
    m = Console(["mirror", "--db", db], 120, 40, workdir=wd)
    consoles.append(m)
    m.wait_for(st["speaker"]["name"][:20])
    wait_until(lambda: question_count(m.screen()) == 3, 3,
               "three questions mirrored")
    check(lists(m.screen(), st["segment"]), "the current segment listed")

    os.kill(c.pid(), signal.SIGKILL)
    c.wait_for("[podium exited 137]")
    s = m.wait_for("disconnected", 5)
    # The last state stays on screen meanwhile.
    check(st["speaker"]["name"][:20] in s, "last state kept on screen")
    wait_until(lambda: question_count(m.screen()) == 3, 3,
               "questions kept on screen")
    rc, _, err = run(["mirror", "--db", db, "--once", "--json"])
    check(rc == 1 and "podium: error:" in err,
          "--once with the chair down: %d %r" % (rc, err))

    c2 = Console(["chair", "--db", db], 120, 40, workdir=wd)
    consoles.append(c2)
    c2.wait_for(st["speaker"]["name"][:20])
    # Back-off is at most 4 s between attempts.
    m.wait_for("reconnected", 10)
    check("disconnected" not in m.screen(), "no longer says disconnected")
    check(lists(m.screen(), st["segment"]), "the fresh snapshot lists the "
          "current segment, not %r" % listed(m.screen()))
    check_mirror_state(db, "after the restart")

    # Changes made after the restart reach the same running mirror.
    ask_some(db, 1, "after")
    wait_until(lambda: question_count(m.screen()) == 4, 4,
               "the question asked after the restart on the mirror")
    c2.keys("n")
    after = wait_until(lambda: (lambda s: s if s["speaker"] and
                                s["speaker"]["id"] != st["speaker"]["id"]
                                else None)(state(db)), 4, "n after restart")
    m.wait_for(after["speaker"]["name"][:20])
    check_mirror_state(db, "after changes made after the restart")


if __name__ == "__main__":
    main(test)

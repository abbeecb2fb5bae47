"""Rehearsal: simulated clock from the event start, first segment current."""
import datetime
import time

from podiumtest import Console, check, main, state, wait_until


def test(wd, consoles):
    db = wd.db
    c = Console(["rehearse", "--speed", "20", "--db", db], 120, 40,
                workdir=wd)
    consoles.append(c)
    s = c.wait_for("REHEARSAL x20")
    st = state(db)
    check(st["mode"] == "rehearsal", "mode rehearsal")
    check(st["segment"] and st["segment"]["index"] == 0, "segment 0 current")
    check(st["speaker"] is not None, "first speaker current")
    now = datetime.datetime.fromisoformat(st["now"])
    start = datetime.datetime.fromisoformat(st["event"]["start"])
    check(0 <= (now - start).total_seconds() < 120, "clock near the start")
    time.sleep(1.0)
    now2 = datetime.datetime.fromisoformat(state(db)["now"])
    check((now2 - now).total_seconds() >= 15, "simulated clock runs x20")
    # Quit, restart: the clock resumes where it stopped.
    c.keys("q")
    c.wait_for("[podium exited 0]")
    stopped = datetime.datetime.fromisoformat(state(db)["now"])
    time.sleep(0.5)
    again = datetime.datetime.fromisoformat(state(db)["now"])
    check(again == stopped, "clock paused while no console runs")
    c2 = Console(["rehearse", "--speed", "20", "--db", db], 120, 40,
                 workdir=wd)
    consoles.append(c2)
    c2.wait_for("REHEARSAL")
    resumed = datetime.datetime.fromisoformat(state(db)["now"])
    check(0 <= (resumed - stopped).total_seconds() < 60, "resumed")


def test_bell(wd, consoles):
    """At speed 200 the first speaker's 4:00 run out in 1.2 s: time is up."""
    db = wd.db + "-bell"
    c = Console(["rehearse", "--speed", "200", "--questions", "none",
                 "--db", db], 120, 40, workdir=wd)
    consoles.append(c)
    c.wait_for("REHEARSAL x200")
    c.keys("Space")
    s = c.wait_for("time is up", timeout=5)
    st = state(db)
    check(st["speaker"]["remaining_ms"] < 0 and
          st["speaker"]["stage"] == "overtime", "overtime in the state")


def test_scratch(wd, consoles):
    """Without --db the scratch database and everything beside it go away."""
    import os
    tmp = os.path.join(wd.path, "tmp")
    os.mkdir(tmp)
    c = Console(["rehearse", "--speed", "20"], 120, 40, workdir=wd,
                env={"TMPDIR": tmp})
    consoles.append(c)
    c.wait_for("REHEARSAL x20")
    check(len(os.listdir(tmp)) == 1, "one scratch directory while running")
    c.keys("q")
    c.wait_for("[podium exited 0]")
    check(os.listdir(tmp) == [], "scratch removed: %r" % os.listdir(tmp))


def test_resume_replay(wd, consoles):
    """Resuming a rehearsal stores no replayed question twice, with or
    without ids, and counts no vote twice."""
    import json
    import os
    qfile = os.path.join(wd.path, "q.jsonl")
    with open(qfile, "w") as f:
        f.write(json.dumps({"type": "question", "at": "00:00:00",
                            "text": "no id here"}) + "\n")
        f.write(json.dumps({"type": "question", "at": "00:00:01",
                            "id": "with-id", "text": "an id"}) + "\n")
        f.write(json.dumps({"type": "vote", "at": "00:00:02",
                            "question": 1}) + "\n")
    db = wd.db + "-resume"
    for run in range(2):
        c = Console(["rehearse", "--speed", "50", "--questions", qfile,
                     "--db", db], 120, 40, workdir=wd)
        consoles.append(c)
        c.wait_for("REHEARSAL")
        wait_until(lambda: len(state(db)["questions"]) >= 2, 5,
                   "replayed questions")
        time.sleep(0.3)
        c.keys("q")
        c.wait_for("[podium exited 0]")
        st = state(db)
        check(len(st["questions"]) == 2, "run %d: two questions, not %d" % (
            run, len(st["questions"])))
    check(sum(q["votes"] for q in st["questions"]) <= 1, "no vote twice")


def both(wd, consoles):
    """Rehearsal, the bell, the scratch database, resuming a replay."""
    test_resume_replay(wd, consoles)
    test(wd, consoles)
    test_bell(wd, consoles)
    test_scratch(wd, consoles)


if __name__ == "__main__":
    main(both)

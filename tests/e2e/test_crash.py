"""kill -9 mid-countdown, restart: the same state, countdown still right."""
import os
import signal
import time

from podiumtest import Console, check, main, state, wait_until


def test(wd, consoles):
    db = wd.db
    c = Console(["chair", "--db", db], 120, 40, workdir=wd)
    consoles.append(c)
    c.wait_for("13:30")
    c.keys("]", "]", "]", "]")
    wait_until(lambda: (state(db)["segment"] or {}).get("index") == 3, 4,
               "segment 3")
    c.keys("n", "+", "Space")
    st = wait_until(lambda: (lambda s: s if s["speaker"]["running"]
                             and s["speaker"]["added_s"] == 30 else None)(
        state(db)), 4, "countdown running with 30 s added")
    time.sleep(1.2)
    os.kill(c.pid(), signal.SIGKILL)
    c.wait_for("[podium exited 137]")
    t_kill = time.monotonic()
    before = state(db)
    check(before["speaker"]["running"], "still running after kill -9")

    # Restart on the same database.
    c2 = Console(["chair", "--db", db], 120, 40, workdir=wd)
    consoles.append(c2)
    c2.wait_for(before["speaker"]["name"][:20])
    after = state(db)
    waited_ms = (time.monotonic() - t_kill) * 1000
    for k in ("segment", "queue", "segments"):
        if k == "queue":
            strip = lambda q: [{x: v for x, v in e.items() if x != "spoken_s"}
                               for e in q]
            check(strip(before[k]) == strip(after[k]), "queue unchanged")
        else:
            check(before[k] == after[k], "%s unchanged" % k)
    sb, sa = before["speaker"], after["speaker"]
    check(sa["id"] == sb["id"] and sa["running"], "same speaker, running")
    drop = sb["remaining_ms"] - sa["remaining_ms"]
    check(0 <= drop <= waited_ms + 1000,
          "countdown kept running across the crash (%d ms over %d ms)" % (
              drop, waited_ms))
    # The screen shows the same countdown (mm:ss within a second or two).
    s = c2.screen()
    check("LIVE" in s, "console back up")


if __name__ == "__main__":
    main(test)

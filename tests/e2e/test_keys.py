"""Each chair key changes `podium state` as it should, and u undoes it."""
from podiumtest import Console, check, main, state, wait_until


def until(db, pred, what):
    """Wait until pred(state) holds; return that state."""
    return wait_until(lambda: (lambda s: s if pred(s) else None)(state(db)),
                      4, what)


def queued(st, seg):
    """Names of the queued speakers of a segment, in order."""
    return [q["name"] for q in st["queue"]
            if q["segment"] == seg and q["status"] == "queued"]


def test(wd, consoles):
    db = wd.db
    c = Console(["chair", "--db", db], 120, 40, workdir=wd)
    consoles.append(c)
    c.wait_for("13:30")

    # ] starts the first segment; its first speaker is current, not running.
    c.keys("]")
    st = until(db, lambda s: s["segment"] and s["segment"]["index"] == 0,
               "] starts segment 0")
    check(st["speaker"] and not st["speaker"]["running"],
          "current speaker not started")
    check(st["segments"][0]["actual_start"] is not None, "actual start set")

    # Space starts and pauses the countdown.
    c.keys("Space")
    st = until(db, lambda s: s["speaker"]["running"], "Space starts")
    c.keys("Space")
    st = until(db, lambda s: not s["speaker"]["running"], "Space pauses")
    left = st["speaker"]["remaining_ms"]
    check(left <= st["speaker"]["allotted_s"] * 1000, "time was spent")

    # + and - change the allotted time by 30 s.
    c.keys("+")
    st = until(db, lambda s: s["speaker"]["added_s"] == 30, "+ adds 30 s")
    c.keys("+")
    st = until(db, lambda s: s["speaker"]["added_s"] == 60, "+ again")
    c.keys("-")
    st = until(db, lambda s: s["speaker"]["added_s"] == 30, "- removes 30 s")

    # ] to a discussion segment, which has a queue of several speakers.
    for _ in range(4):
        c.keys("]")
    st = until(db, lambda s: s["segment"] and s["segment"]["index"] == 4,
               "] four times reaches segment 4")
    check(st["segments"][0]["actual_end"] is not None, "segment 0 ended")
    c.keys("[")
    st = until(db, lambda s: s["segment"]["index"] == 3, "[ goes back one")
    c.keys("]")
    st = until(db, lambda s: s["segment"]["index"] == 4, "] again")
    seg = 4
    before = queued(st, seg)
    check(len(before) >= 2, "segment 4 has at least 3 speakers")
    cur = st["speaker"]["name"]

    # n: current done, the next queued one becomes current.
    c.keys("Space")
    until(db, lambda s: s["speaker"]["running"], "Space starts")
    c.keys("n")
    st = until(db, lambda s: s["speaker"] and s["speaker"]["name"] == before[0],
               "n calls the next speaker")
    done = [q for q in st["queue"] if q["name"] == cur and q["segment"] == seg]
    check(done and done[0]["status"] == "done", "previous speaker done")

    # Focus the speakers pane (the default), select the first queued
    # speaker and move it down with J, then up with K.
    before = queued(st, seg)
    c.keys("j")   # from the current speaker to the first queued one
    c.keys("J")
    st = until(db, lambda s: queued(s, seg)[:2] == [before[1], before[0]],
               "J moves the selected speaker down")
    c.keys("K")
    st = until(db, lambda s: queued(s, seg)[:2] == before[:2],
               "K moves it back up")

    # w withdraws the selected queued speaker; u undoes it.
    c.keys("w")
    st = until(db, lambda s: any(q["status"] == "withdrawn"
                                 for q in s["queue"]), "w withdraws")
    c.keys("u")
    st = until(db, lambda s: not any(q["status"] == "withdrawn"
                                     for q in s["queue"]), "u undoes it")

    # f adds a speaker through the form; a bad language is refused first.
    n = len(st["queue"])
    c.keys("f")
    c.wait_for("Name")
    c.text("Delegate of Peru")
    c.keys("Tab")
    c.text("Peru")
    c.keys("Tab")
    c.keys("BSpace", "BSpace")
    c.text("xx")
    c.keys("Tab")
    c.keys("Enter")
    c.wait_for("xx")
    check(len(state(db)["queue"]) == n, "bad language not stored")
    c.keys("BSpace", "BSpace")
    c.text("es")
    c.keys("Enter")   # on to the next field
    c.keys("Enter")   # confirm from the last field
    st = until(db, lambda s: len(s["queue"]) == n + 1, "f adds a speaker")
    added = st["queue"][-1] if st["queue"][-1]["name"] == "Delegate of Peru" \
        else [q for q in st["queue"] if q["name"] == "Delegate of Peru"][0]
    check(added["org"] == "Peru" and added["lang"] == "es" and
          added["segment"] == seg and added["status"] == "queued",
          "added speaker fields: %r" % added)

    # u undoes several levels: the speaker, K, J, then the n (the w was
    # undone already and is skipped).
    c.keys("u")
    st = until(db, lambda s: len(s["queue"]) == n, "u removes the speaker")
    c.keys("u")
    st = until(db, lambda s: queued(s, seg)[:2] == [before[1], before[0]],
               "u undoes K")
    c.keys("u")
    st = until(db, lambda s: queued(s, seg)[:2] == before[:2], "u undoes J")
    c.keys("u")
    st = until(db, lambda s: s["speaker"]["name"] == cur and
               s["speaker"]["running"], "u undoes n: previous speaker back")

    # Tab / Shift-Tab move the focus (seen in the footer's keys).
    c.keys("Tab")
    c.keys("BTab")
    c.keys("Tab", "Tab")

    # ? shows the help; q with a running countdown asks first.
    c.keys("?")
    c.wait_for("Keys")
    c.keys("Escape")
    c.keys("q")
    c.wait_for("Quit anyway")
    c.keys("n")
    c.wait_gone("Quit anyway")
    c.keys("q")
    c.wait_for("Quit anyway")
    c.keys("y")
    c.wait_for("[podium exited 0]")
    st = state(db)
    check(st["speaker"]["running"], "countdown keeps running after quit")


if __name__ == "__main__":
    main(test)

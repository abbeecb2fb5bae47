"""The main screen at 120x40 and 80x24 on the sample event."""
from podiumtest import Console, check, main, state, wait_until


def test(wd, consoles):
    c = Console(["chair", "--db", wd.db], 120, 40, workdir=wd)
    consoles.append(c)
    s = c.wait_for("13:30")
    check("15:30" in s, "planned end 15:30 on screen")
    check("LIVE" in s, "mode LIVE in the header")
    st = state(wd.db)
    check(st["mode"] == "live" and st["segment"] is None, "not started yet")
    first = [q for q in st["queue"] if q["segment"] == 0]
    check(first, "the opening segment has speakers")
    c.keys("]")
    st = wait_until(lambda: (lambda s: s if s["segment"] else None)(
        state(wd.db)), 3, "segment 0 current")
    name = st["speaker"]["name"]
    check(name == first[0]["name"], "first opening speaker is current")
    s = c.wait_for(name[:20])
    check(st["event"]["title"][:20] in s, "event title on screen")

    # The same session at 80x24: everything still reachable.
    c.resize(80, 24)
    s = c.wait_for(name[:15])
    c.keys("Tab")
    c.keys("Tab")
    s = c.screen()
    c.keys("?")
    s = c.wait_for("Keys")
    for k in ("Space", "start or pause"):
        check(k in s, "help lists %r at 80x24:\n%s" % (k, s))
    # The rest of the keys are a scroll away.
    c.keys(*(["j"] * 30))
    s = c.wait_for("quit")
    check("undo" in s or "help" in s, "help scrolls to the last keys")
    c.keys("Escape")
    c.wait_gone("Keys (")


def test_small(wd, consoles):
    """At 80x24 from the start: the plan and the opening speakers reachable."""
    db = wd.db + "-80x24"
    c = Console(["chair", "--db", db], 80, 24, workdir=wd)
    consoles.append(c)
    c.wait_for("LIVE")
    c.keys("BTab")                 # speakers -> agenda
    s = c.wait_for("13:30")
    check("15:25" in s or "15:30" in s, "the agenda reaches the end:\n" + s)
    c.keys("]")
    st = wait_until(lambda: (lambda s: s if s["speaker"] else None)(
        state(db)), 3, "a current speaker")
    c.keys("Tab")                  # agenda -> speakers
    c.wait_for(st["speaker"]["name"][:15])


def both(wd, consoles):
    """Both screen sizes."""
    test(wd, consoles)
    test_small(wd, consoles)


if __name__ == "__main__":
    main(both)

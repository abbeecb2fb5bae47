"""Resizing: too small shows a message, back to normal redraws, no crash."""
from podiumtest import Console, check, main


def test(wd, consoles):
    c = Console(["chair", "--db", wd.db], 120, 40, workdir=wd)
    consoles.append(c)
    c.wait_for("13:30")
    for cols, rows in ((20, 5), (80, 24), (10, 3), (200, 60), (49, 13),
                       (120, 40)):
        c.resize(cols, rows)
        if cols < 20:
            c.wait_for("terminal")
        elif cols < 50 or rows < 14:
            c.wait_for("too small")
        else:
            c.wait_for("LIVE")
    check("[podium exited" not in c.screen(), "still running")
    for _ in range(30):
        c.resize(60, 20)
        c.resize(130, 45)
    c.resize(120, 40)
    c.wait_for("15:30")
    c.keys("]")
    c.wait_for("Space")
    check("[podium exited" not in c.screen(), "still running after resizes")


if __name__ == "__main__":
    main(test)

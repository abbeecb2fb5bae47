"""Terminal abuse: sizes of 1x1, 10x3 and 0x0 (and 0xN, Nx0), a console
started on a 0x0 terminal, and storms of 1,000 resizes a second.

Must hold: the console never dies, shows "too small" where it can, and
afterwards draws the same screen as before (compared in tmux, digits of
the clocks masked); during a storm it keeps up, and its CPU goes back to
idle afterwards. tmux cannot make a 0x0 window, so 0x0 is set on a pty of
the test's own (TIOCSWINSZ), and the storm is set with TIOCSWINSZ on the
tmux pane's own terminal (the kernel signals SIGWINCH), ending at tmux's
size so that tmux's screen shows what podium drew last.

PODIUM_HOSTILE_LONG=1 (tests/hostile/long.sh) makes the storm a minute.
"""
import fcntl
import os
import re
import struct
import termios
import time

from podiumtest import Console, check, main, state, wait_until
import hostile as H

LONG = os.environ.get("PODIUM_HOSTILE_LONG") == "1"
STORM_S = 60.0 if LONG else 3.0
RATE = 1000
COLS, ROWS = 120, 40


def masked(screen):
    """A screen with what time moves masked: digits and progress bars."""
    return re.sub(r" *[0-9]+", "9", screen).replace("\u2588", "\u2591")


def same_screen(c, before, what, timeout=10):
    """Wait until the screen is before again (digits masked), else fail
    showing the lines that differ."""
    deadline = time.monotonic() + timeout
    while True:
        now = c.screen()
        if masked(now) == masked(before):
            return now
        if time.monotonic() > deadline:
            a, b = H.pane_rows(before), H.pane_rows(now)
            diff = ["-%s\n+%s" % (x, y) for x, y in zip(a, b)
                    if masked(x) != masked(y)]
            if len(a) != len(b):
                diff.append("(%d lines before, %d now)" % (len(a), len(b)))
            check(False, "the screen after %s differs from before:\n%s" % (
                what, "\n".join(diff)))
        time.sleep(0.05)


def storm(fd, pid, seconds, final):
    """RATE resizes a second on terminal fd; returns (count, CPU share)."""
    t0 = time.monotonic()
    c0 = H.cpu_ticks(pid)
    n = 0
    while True:
        now = time.monotonic()
        if now - t0 >= seconds:
            break
        # Sizes from tiny to large, so every layout is crossed.
        cols, rows = (1 + (n * 7) % 250, 1 + (n * 3) % 80) if n % 5 else \
            (0, 0)
        fcntl.ioctl(fd, termios.TIOCSWINSZ,
                    struct.pack("HHHH", rows, cols, 0, 0))
        n += 1
        ahead = t0 + n / RATE - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)
    took = time.monotonic() - t0
    c1 = H.cpu_ticks(pid)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", final[1],
                                                    final[0], 0, 0))
    return n, took, (c1 - c0) * H.TICK_S / took


def settle(pid, what):
    """The console's CPU goes back to idle; returns the share."""
    # An idle console wakes once a second to redraw its clocks.
    got = wait_until(lambda: (lambda s: [s] if s is not None and s < 0.05
                              else None)(H.cpu_share(pid, 2.0)),
                     20, "CPU back to idle after " + what)
    return got[0]


def test_tmux(wd, consoles):
    """1x1 and 10x3 in tmux, then the storm on the pane's terminal."""
    c = Console(["chair", "--db", wd.db], COLS, ROWS, workdir=wd)
    consoles.append(c)
    c.wait_for("15:30")
    c.keys("]")
    wait_until(lambda: state(wd.db)["segment"] is not None, 5, "segment 0")
    c.wait_for("not started")
    pid = c.pid()
    before = c.screen()
    H.check_aligned(before, COLS, "before")
    for cols, rows in ((1, 1), (10, 3), (2, 1), (1, 2), (COLS, ROWS),
                       (1, 1), (10, 3)):
        c.resize(cols, rows)
        if (cols, rows) == (10, 3):
            c.wait_for("terminal")
        elif (cols, rows) == (COLS, ROWS):
            c.wait_for("15:30")
        else:
            time.sleep(0.2)
        check("[podium exited" not in c.screen(),
              "alive at %dx%d" % (cols, rows))
    c.resize(COLS, ROWS)
    s = c.wait_for("15:30")
    same_screen(c, before, "1x1 and 10x3")

    tty = c.tmux("display-message", "-p", "-t", "t", "#{pane_tty}").strip()
    fd = os.open(tty, os.O_RDWR | os.O_NOCTTY)
    try:
        n, took, busy = storm(fd, pid, STORM_S, (COLS, ROWS))
    finally:
        os.close(fd)
    check(H.alive(pid), "alive after the storm")
    # The last size is tmux's own: what podium drew for it is on screen.
    same_screen(c, before, "%d resizes" % n)
    H.check_aligned(c.screen(), COLS, "after the storm")
    idle = settle(pid, "the storm")
    c.keys("Space")
    wait_until(lambda: (state(wd.db)["speaker"] or {}).get("running"), 5,
               "keys still work after the storm")
    print("tmux pane: 1x1, 10x3, 2x1, 1x2 and back; storm of %d resizes in "
          "%.1f s (%.0f/s), console CPU %.0f%% during it, %.1f%% after" % (
              n, took, n / took, 100 * busy, 100 * idle))


def test_pty(wd):
    """0x0 from the start and later, odd sizes, a storm on our own pty."""
    db = os.path.join(wd.path, "pty.db")
    p = H.PtyConsole(["chair", "--db", db], 0, 0, workdir=wd)
    try:
        # ncurses falls back to 80x24 when the terminal says 0x0.
        p.wait_output("LIVE", 10)
        pid = p.podium_pid()
        for size in ((0, 0), (1, 1), (0, 5), (5, 0), (1, 200), (300, 1),
                     (10, 3), (0, 0), (100, 30)):
            m = p.mark()
            p.set_size(*size)
            if size == (100, 30):
                p.wait_output("LIVE", 5, m)
            elif size == (10, 3):
                p.wait_output("terminal", 5, m)
            else:
                time.sleep(0.1)
            check(H.alive(pid), "alive at %dx%d" % size)
        n, took, busy = storm(p.master, pid, STORM_S, (100, 30))
        m = p.mark()
        p.set_size(100, 30)
        p.wait_output("LIVE", 10, m)
        check(H.alive(pid), "alive after the storm on the pty")
        idle = settle(pid, "the pty storm")
        H.check_stream(p.data(), "the terminal through 0x0 and the storm")
        # A terminal that stops reading (a stalled SSH link): full redraws
        # fill the pty; the console waits for it, it does not spin.
        p.pause(True)
        for k in range(40):
            p.set_size(200 + k % 2, 60)
            time.sleep(0.01)
        stalled = H.cpu_share(pid, 2.0)
        m = p.mark()
        p.pause(False)
        p.set_size(100, 30)
        p.wait_output("LIVE", 10, m)
        check(stalled is not None and stalled < 0.03,
              "CPU %.0f%% while the terminal does not read" % (
                  100 * (stalled or 0)))
        m = p.mark()
        p.send("q")
        check(p.wait_exit(10) == 0, "quits normally after all that")
        print("own pty: started at 0x0, 0x0/1x1/0x5/5x0/1x200/300x1/10x3; "
              "storm of %d resizes in %.1f s, CPU %.0f%% during it, %.1f%% "
              "after; %d bytes of output, clean; CPU %.1f%% while the "
              "terminal did not read" % (
                  n, took, 100 * busy, 100 * idle, len(p.data()),
                  100 * stalled))
    finally:
        p.close()


def test(wd, consoles):
    test_tmux(wd, consoles)
    test_pty(wd)


if __name__ == "__main__":
    main(test)

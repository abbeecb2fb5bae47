"""The terminal goes away or the console is told to stop: an SSH drop
(the pty master closed, with and without the SIGHUP the kernel sends to a
session leader; the tmux pane killed), and SIGTERM, SIGHUP, SIGINT and a
typed Ctrl-C.

Must hold: the console exits within a few seconds without spinning the
CPU on the way out; the state is saved (a restart shows the same state);
on a signal the terminal is given back as it was (cooked mode, the
alternate screen left, the cursor visible, not left non-blocking); the
database passes PRAGMA integrity_check and its lock is released so a new
chair starts at once.
"""
import fcntl
import os
import signal
import sqlite3
import termios
import time

from podiumtest import Console, check, main, state, wait_until
import hostile as H

EXIT_S = 5.0
# CPU the console may use between the hang-up and its exit.
EXIT_CPU_S = 0.5


def prepare(db):
    """What a restart must show: a running countdown and a question."""
    i = H.Intake(db)
    r = i.ask({"type": "question", "text": "still there after the drop?",
               "id": "drop-q"})
    check(r["ok"], "question stored: %r" % r)
    i.close()


def snapshot(st):
    """The parts of a state that a restart must give back unchanged."""
    sp = st["speaker"] or {}
    return (st["segment"], sp.get("id"), sp.get("running"),
            [(q["id"], q["status"]) for q in st["queue"]],
            [(q["id"], q["text"], q["status"]) for q in st["questions"]])


def watch_exit(pid, t0):
    """Wait for pid to end, sampling its CPU; (seconds, CPU seconds)."""
    ticks = H.cpu_ticks(pid) or 0
    last = ticks
    while H.alive(pid) and time.monotonic() - t0 < 30:
        t = H.cpu_ticks(pid)
        if t is not None:
            last = t
        time.sleep(0.005)
    took = time.monotonic() - t0
    check(not H.alive(pid), "the console still runs %.0f s after" % took)
    return took, (last - ticks) * H.TICK_S


def db_clean(db, what):
    """integrity_check ok, and the chair lock is free (a new chair starts)."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=5)
    try:
        r = con.execute("PRAGMA integrity_check").fetchall()
    finally:
        con.close()
    check(r == [("ok",)], "%s: integrity_check says %r" % (what, r))
    with open(db + ".lock", "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(f, fcntl.LOCK_UN)
        except OSError:
            check(False, "%s: the chair lock is still held" % what)


def start_pty(wd, db, leader=True):
    """A chair on a pty of our own, started and on its first segment."""
    p = H.PtyConsole(["chair", "--db", db], 100, 30, workdir=wd,
                     leader=leader)
    p.wait_output("LIVE", 10)
    return p


def hang_ups(wd):
    """SSH drop on our own pty: as session leader, and shielded."""
    figures = []
    for leader in (True, False):
        db = os.path.join(wd.path, "drop-%d.db" % leader)
        p = start_pty(wd, db, leader)
        try:
            pid = p.podium_pid()
            prepare(db)
            m = p.mark()
            p.send("] ")
            wait_until(lambda: (state(db)["speaker"] or {}).get("running"),
                       5, "a running countdown")
            p.wait_output("running", 5, m)
            before = snapshot(state(db))
            t0 = time.monotonic()
            p.hang_up()
            took, cpu = watch_exit(pid, t0)
            check(took < EXIT_S and cpu < EXIT_CPU_S,
                  "SSH drop (%s): exit after %.2f s using %.2f s of CPU" % (
                      "SIGHUP" if leader else "no SIGHUP", took, cpu))
            check(snapshot(state(db)) == before, "the state is as it was")
            db_clean(db, "after the drop")
        finally:
            p.close()
        # Restart: the same state, the countdown still running.
        q = start_pty(wd, db)
        try:
            check(snapshot(state(db)) == before, "a restart shows the same "
                  "state")
            q.wait_output("running", 5)
            q.send("q")
            q.wait_output("y", 5)
            q.send("y")
            q.wait_exit(10)
        finally:
            q.close()
        figures.append("SSH drop, %s: exit %.0f ms after the hang-up, %.0f "
                       "ms of CPU" % (
                           "podium leads the session (SIGHUP)" if leader
                           else "a shell ignoring SIGHUP leads it (no "
                           "signal, only the dead terminal)",
                           took * 1000, cpu * 1000))
    return figures


def tmux_kill(wd, consoles):
    """The tmux pane killed under a running console."""
    db = os.path.join(wd.path, "tmux.db")
    c = Console(["chair", "--db", db], 100, 30, workdir=wd)
    consoles.append(c)
    c.wait_for("LIVE")
    H.wait_socket(db)
    prepare(db)
    c.keys("]", "Space")
    wait_until(lambda: (state(db)["speaker"] or {}).get("running"), 5,
               "a running countdown")
    before = snapshot(state(db))
    pid = c.pid()
    t0 = time.monotonic()
    c.tmux("kill-pane", "-t", "t")
    took, cpu = watch_exit(pid, t0)
    check(took < EXIT_S and cpu < EXIT_CPU_S, "tmux pane killed: exit after "
          "%.2f s using %.2f s of CPU" % (took, cpu))
    check(snapshot(state(db)) == before, "the state is as it was")
    db_clean(db, "after the pane was killed")
    return "tmux kill-pane: exit %.0f ms after, %.0f ms of CPU" % (
        took * 1000, cpu * 1000)


def signals(wd):
    """SIGTERM, SIGHUP, SIGINT, SIGQUIT, Ctrl-C and Ctrl-\\ give the
    terminal back."""
    rmcup, cnorm = H.tput("rmcup"), H.tput("cnorm")
    check(rmcup and cnorm, "terminfo has rmcup and cnorm")
    db = os.path.join(wd.path, "signals.db")
    figures = []
    for how in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT,
                signal.SIGQUIT, "Ctrl-C", "Ctrl-\\"):
        p = start_pty(wd, db)
        try:
            pid = p.podium_pid()
            t = p.termios()
            check(not t[3] & termios.ICANON, "the console runs in cbreak")
            seg = (state(db)["segment"] or {}).get("index", -1)
            p.send("]")
            wait_until(lambda: (state(db)["segment"] or {}).get("index", -1)
                       == seg + 1, 5, "the next segment")
            before = snapshot(state(db))
            m = p.mark()
            t0 = time.monotonic()
            if how == "Ctrl-C":
                p.send("\x03")
            elif how == "Ctrl-\\":
                p.send("\x1c")
            else:
                os.kill(pid, how)
            rc = p.wait_exit(EXIT_S)
            took = time.monotonic() - t0
            name = how if isinstance(how, str) else how.name
            check(rc == 0, "%s: exit 0 within %.0f s, got %r" % (
                name, EXIT_S, rc))
            tail = p.output_since(m)
            t = p.termios()
            check(t[3] & termios.ICANON and t[3] & termios.ECHO,
                  "%s: the terminal is back in cooked mode with echo" % name)
            check(rmcup in tail, "%s: the alternate screen is left (rmcup "
                  "%r not in %r)" % (name, rmcup, tail[-80:]))
            check(cnorm in tail, "%s: the cursor is shown again (cnorm %r "
                  "not in %r)" % (name, cnorm, tail[-80:]))
            check(not fcntl.fcntl(p.slave, fcntl.F_GETFL) & os.O_NONBLOCK,
                  "%s: the terminal is not left non-blocking" % name)
            check(snapshot(state(db)) == before, "%s: state kept" % name)
            db_clean(db, name)
            figures.append("%s: exit %d after %.0f ms; cooked mode, rmcup, "
                           "cnorm, blocking; integrity ok, lock free" % (
                               name, rc, took * 1000))
        finally:
            p.close()
    return figures


def mirror_signal(wd):
    """A mirror told to stop gives its terminal back the same way."""
    rmcup, cnorm = H.tput("rmcup"), H.tput("cnorm")
    db = os.path.join(wd.path, "mirror.db")
    chair = start_pty(wd, db)
    try:
        m = H.PtyConsole(["mirror", "--db", db], 100, 30, workdir=wd)
        try:
            m.wait_output("MIRROR", 10)
            mark = m.mark()
            os.kill(m.podium_pid(), signal.SIGTERM)
            rc = m.wait_exit(EXIT_S)
            check(rc == 0, "mirror: exit 0 on SIGTERM, got %r" % rc)
            tail = m.output_since(mark)
            t = m.termios()
            check(t[3] & termios.ICANON and t[3] & termios.ECHO and
                  rmcup in tail and cnorm in tail,
                  "mirror: the terminal is given back: %r" % tail[-80:])
            check(not fcntl.fcntl(m.slave, fcntl.F_GETFL) & os.O_NONBLOCK,
                  "mirror: the terminal is not left non-blocking")
        finally:
            m.close()
        chair.send("q")
        chair.wait_exit(10)
    finally:
        chair.close()
    return "mirror, SIGTERM: exit %d; cooked mode, rmcup, cnorm, blocking" % rc


def test(wd, consoles):
    figures = signals(wd)
    figures.append(mirror_signal(wd))
    figures += hang_ups(wd)
    figures.append(tmux_kill(wd, consoles))
    for f in figures:
        print(f)


if __name__ == "__main__":
    main(test)

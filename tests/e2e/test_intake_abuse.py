"""Out of file descriptors: the console at `ulimit -n 64` under a flood.

The chair is started through `sh -c 'ulimit -n 64; exec podium chair …'`
(17 descriptors in use once it runs). 200 clients connect to
DB.mirror.sock and 200 to DB.intake.sock, all at once, from one thread
with non-blocking sockets; each mirror sends its hello and each intake
client one question. Every attempt must end one of three ways, none may
hang: served (a mirror's snapshot up to its flush, an intake ack),
refused with a line that says why (the console keeps
SERVER_LISTEN_FD_SPARE descriptors for itself and refuses a client
accepted into one of them), or closed (libuv's spare-descriptor trick
sheds what it cannot accept). Some are served, not all, and every
refusal line names the file descriptors. Then, with every served client
held open and 40 more attempts a second to each socket:

* the console does not spin on a listener that keeps reporting readable
  (libuv's uv__server_io calls accept() in a loop while EMFILE lasts
  unless a spare descriptor lets it shed the backlog): its CPU over 3 s,
  from /proc/PID/schedstat, stays under 5 % of a core;
* it stays responsive: `]` shows in `podium state` within 5 s (the time
  is printed);
* the held mirrors stay current: each has the flush of the chair's last
  journal row.

Once the flood is over, the console's descriptors are back to the count
it had before, and a new mirror and a new intake client are served.
"""
import json
import os
import selectors
import socket
import time

from podiumtest import check, main, run, state, wait_until
from test_mirror import HELLO
from test_mirror_abuse import (cpu_ns, fd_count, last_flush_seq,
                               limited_console)

CLIENTS = 200           # per socket
NOFILE = 64
HOLD_S = 3.0
TRICKLE_PER_S = 40      # further attempts while the flood is held
CPU_MAX = 0.05          # of one core, while held (idle: ~0.2 %)


class Client:
    """One connection attempt and what became of it."""

    def __init__(self, kind, path, i):
        self.kind, self.path, self.i = kind, path, i
        self.s = None
        self.buf = b""
        self.outcome = None     # served, refused, closed
        self.line = None        # the refusal
        self.seq = 0            # a mirror: the last flush seen
        self.t0 = time.monotonic()

    def request(self):
        """What it sends once connected."""
        if self.kind == "mirror":
            return HELLO
        return json.dumps({"type": "question", "id": "flood-%s-%d" % (
            self.path[-4:], self.i), "text": "Flooded question %d?" %
            self.i}).encode() + b"\n"


class Flood:
    """Non-blocking clients in one selector."""

    def __init__(self):
        self.sel = selectors.DefaultSelector()
        self.clients = []
        self.waiting = []       # not connected yet (backlog full)

    def add(self, kind, path):
        """Start one connection attempt."""
        c = Client(kind, path, len(self.clients))
        self.clients.append(c)
        self.waiting.append(c)
        self.try_connect(c)
        return c

    def try_connect(self, c):
        """Connect c if the listener's backlog has room."""
        if c.s is None:
            c.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            c.s.setblocking(False)
        err = c.s.connect_ex(c.path)
        if err in (11, 115):    # EAGAIN, EINPROGRESS: backlog full
            return
        self.waiting.remove(c)
        if err != 0:
            self.finish(c, "closed")
            return
        try:
            c.s.send(c.request())
        except OSError:
            self.finish(c, "closed")
            return
        self.sel.register(c.s, selectors.EVENT_READ, c)

    def finish(self, c, outcome, line=None):
        """Note how an attempt ended; close it unless it is served."""
        c.outcome, c.line = outcome, line
        if outcome != "served":
            try:
                self.sel.unregister(c.s)
            except (KeyError, ValueError):
                pass
            c.s.close()

    def read(self, c):
        """Read what c has; classify its first line."""
        try:
            data = c.s.recv(1 << 20)
        except (ConnectionResetError, BlockingIOError) as e:
            if isinstance(e, BlockingIOError):
                return
            data = b""
        if not data:
            if c.outcome is None:
                self.finish(c, "closed")
            elif c.outcome == "served":
                c.outcome = "lost"
                self.sel.unregister(c.s)
                c.s.close()
            return
        c.buf += data
        while b"\n" in c.buf:
            line, c.buf = c.buf.split(b"\n", 1)
            if c.kind == "mirror":
                if line.startswith(b'{"t":"error"'):
                    self.finish(c, "refused", json.loads(line)["error"])
                    return
                if line.startswith(b'{"t":"flush"'):
                    c.seq = json.loads(line)["seq"]
                    if c.outcome is None:
                        c.outcome = "served"
            elif c.outcome is None:
                r = json.loads(line)
                if r.get("ok"):
                    c.outcome = "served"
                else:
                    self.finish(c, "refused", r.get("error"))
                    return

    def pump(self, seconds):
        """Run the clients for seconds."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for c in list(self.waiting):
                self.try_connect(c)
            for key, _ in self.sel.select(0.01):
                self.read(key.data)

    def pending(self):
        """Attempts that have not ended yet."""
        return [c for c in self.clients if c.outcome is None]

    def count(self, kind, outcome):
        """How many clients of a kind ended a way."""
        return sum(1 for c in self.clients
                   if c.kind == kind and c.outcome == outcome)

    def close(self):
        """Hang up every client."""
        for c in self.clients:
            if c.s is not None and c.s.fileno() >= 0:
                c.s.close()


def test(wd, consoles):
    db = wd.db
    c = limited_console(wd, consoles, NOFILE)
    pid = c.pid()
    msock, isock = db + ".mirror.sock", db + ".intake.sock"
    wait_until(lambda: os.path.exists(msock) and os.path.exists(isock), 5,
               "the sockets")
    base = fd_count(pid)
    check(base + 16 < NOFILE, "the console runs with %d descriptors" % base)

    flood = Flood()
    t0 = time.monotonic()
    for _ in range(CLIENTS):
        flood.add("mirror", msock)
        flood.add("intake", isock)
    deadline = time.monotonic() + 30
    while flood.pending() and time.monotonic() < deadline:
        flood.pump(0.1)
    t_flood = time.monotonic() - t0
    pend = flood.pending()
    check(not pend, "%d of %d attempts neither served, refused nor closed "
          "after 30 s (e.g. a %s)" % (len(pend), 2 * CLIENTS,
                                      pend[0].kind if pend else ""))
    outcome = {k: {o: flood.count(k, o) for o in ("served", "refused",
                                                 "closed", "lost")}
               for k in ("mirror", "intake")}
    # Which socket gets the free descriptors first is the loop's order.
    check(outcome["mirror"]["served"] + outcome["intake"]["served"] > 0,
          "some clients served: %r" % outcome)
    for k in ("mirror", "intake"):
        check(outcome[k]["served"] < CLIENTS, "the limit was reached: %r" %
              outcome)
        check(outcome[k]["lost"] == 0, "no served %s client dropped: %r" %
              (k, outcome))
    refusals = set(x.line for x in flood.clients if x.outcome == "refused")
    check(refusals and all("file descriptors" in r for r in refusals),
          "refusals say why: %r" % refusals)

    # Held: served clients stay open, more attempts keep coming.
    cpu0, w0 = cpu_ns(pid), time.monotonic()
    c.keys("]")
    t_key = time.monotonic()
    seen_key = None
    end = w0 + HOLD_S
    while time.monotonic() < end:
        for _ in range(int(TRICKLE_PER_S / 10)):
            flood.add("mirror", msock)
            flood.add("intake", isock)
        flood.pump(0.1)
        if seen_key is None and state(db)["segment"] is not None:
            seen_key = time.monotonic() - t_key
    cpu = (cpu_ns(pid) - cpu0) / 1e9 / (time.monotonic() - w0)
    if seen_key is None:
        wait_until(lambda: state(db)["segment"] is not None, 5,
                   "] to show in podium state while flooded")
        seen_key = time.monotonic() - t_key
    check(cpu < CPU_MAX, "the console used %.0f %% of a core while the "
          "flood was held (a listener spinning on EMFILE?)" % (cpu * 100))
    flood.pump(1.0)
    pend = flood.pending()
    check(not pend, "%d trickled attempts unanswered" % len(pend))
    want = last_flush_seq(db)
    # The held mirrors follow: each has the flush of the last row.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        behind = [x for x in flood.clients if x.kind == "mirror" and
                  x.outcome == "served" and x.seq != want]
        if not behind:
            break
        flood.pump(0.1)
    check(not behind, "%d held mirrors behind seq %d" % (len(behind), want))
    check(os.path.exists("/proc/%d" % pid), "the console still runs")

    flood.close()
    # (One fewer while the console's spare descriptor is given up.)
    wait_until(lambda: fd_count(pid) <= base, 10,
               "the console's descriptors back to %d" % base)
    # Normal service again.
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(isock)
    s.sendall(b'{"type":"question","text":"After the flood?"}\n')
    r = json.loads(s.makefile("rb").readline())
    s.close()
    check(r.get("ok"), "a question after the flood is stored: %r" % r)
    _, out, _ = run(["mirror", "--db", db, "--once", "--json"], check_rc=0)
    texts = [q["text"] for q in json.loads(out)["questions"]]
    check("After the flood?" in texts, "a mirror after the flood is current")
    print("flood of %d in %.1f s: %r; held %.0f s at %.1f %% CPU; ] seen "
          "after %.2f s; descriptors back to %d" % (
              2 * CLIENTS, t_flood, outcome, HOLD_S, cpu * 100, seen_key,
              base))


if __name__ == "__main__":
    main(test)

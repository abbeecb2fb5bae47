"""A mirror that never reads is dropped; 50 that read stay current.

51 raw mirror connections; one never reads, 50 threads read all the
time and note the seq of the last flush they saw. Twenty thousand
questions are pipelined over DB.intake.sock in a few writes: more than
the server lets wait for one mirror (4 MiB past its snapshot). Within
2 s of the last reply every reader has seen the flush of the chair's
last journal row, and the chair still answers a key. The lazy one, over
the cap and taking nothing for a heartbeat period, is dropped: its
connection ends after what the kernel still held for it.
"""
import json
import socket
import threading
import time

from podiumtest import Console, check, main, state, wait_until
from test_mirror import FLUSH, HELLO, Raw, last_seq

READERS = 50
QUESTIONS = 20000
# A mirror over the cap that took nothing for a heartbeat period (2 s) is
# dropped at the next line sent to it, a heartbeat at the latest.
LAZY_DROP_S = 4.5
TEXT = ("How will the fund keep supporting survivors in remote provinces "
        "once the current donors leave, and who decides the priorities? ")


class Reader(threading.Thread):
    """Reads a mirror connection as fast as it comes; notes the last flush."""

    def __init__(self, raw):
        super().__init__(daemon=True)
        self.raw = raw
        self.seq = 0
        self.bytes = 0
        self.eof = False
        self.error = None

    def run(self):
        s = self.raw.s
        s.settimeout(None)
        tail = b""
        try:
            while True:
                data = s.recv(1 << 20)
                if not data:
                    self.eof = True
                    return
                self.bytes += len(data)
                # The last complete flush: in this chunk, or one that
                # straddles the previous chunk's end (no copy of the chunk).
                seq = last_flush(data)
                if seq is None:
                    seq = last_flush(tail + data[:48])
                if seq is not None:
                    self.seq = seq
                tail = data[-48:]
        except OSError as e:
            self.error = e


def last_flush(buf):
    """The seq of the last complete flush line in buf, or None."""
    i = buf.rfind(FLUSH)
    while i >= 0:
        j = buf.find(b"}", i)
        if j >= 0:
            return int(buf[i + len(FLUSH):j])
        i = buf.rfind(FLUSH, 0, i)
    return None


def test(wd, consoles):
    db = wd.db
    c = Console(["chair", "--db", db], 120, 40, workdir=wd)
    consoles.append(c)
    c.wait_for("13:30")
    sock = db + ".mirror.sock"
    wait_until(lambda: last_seq(db) > 0, 3, "the mirror socket")

    lazy = Raw(sock)
    lazy.send(HELLO)
    readers = []
    for _ in range(READERS):
        r = Raw(sock)
        r.send(HELLO)
        _, seq = r.until_flush()
        check(r.buf == b"" and not r.lines, "nothing after the first flush")
        t = Reader(r)
        t.seq = seq
        readers.append(t)
        t.start()

    # The traffic: all the questions in a few writes, replies read by a
    # thread of their own so that intake keeps reading.
    intake = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    intake.connect(db + ".intake.sock")
    intake.settimeout(60)
    lines = [json.dumps({"type": "question", "id": "lag-%d" % i,
                         "text": "%s(%d)" % (TEXT, i),
                         "lang": "en"}).encode() + b"\n"
             for i in range(QUESTIONS)]
    replies = []

    def read_replies():
        f = intake.makefile("rb")
        for _ in range(QUESTIONS):
            line = f.readline()
            if not line:
                break
            replies.append(line)

    rt = threading.Thread(target=read_replies, daemon=True)
    rt.start()
    t0 = time.monotonic()
    per = QUESTIONS // 4
    for k in range(0, QUESTIONS, per):
        intake.sendall(b"".join(lines[k:k + per]))
    rt.join(60)
    t_ack = time.monotonic()
    check(len(replies) == QUESTIONS, "all %d questions acked (got %d)" % (
        QUESTIONS, len(replies)))
    last = json.loads(replies[-1])
    check(last["ok"], "last question stored: %r" % last)
    # A question's id is the seq of the journal row that added it.
    want = last["id"]

    # Every reader saw the last flush within 2 s of the last ack.
    behind = []
    while time.monotonic() - t_ack < 2.0:
        behind = [r for r in readers if r.seq != want]
        if not behind:
            break
        time.sleep(0.02)
    late = time.monotonic() - t_ack
    check(not behind, "%d of %d readers not at seq %d %.1f s after the last "
          "ack (e.g. %r, eof %r, %r)" % (
              len(behind), READERS, want, late, behind[0].seq,
              behind[0].eof, behind[0].error) if behind else "")
    check(not any(r.eof or r.error for r in readers),
          "no reader was dropped")
    check(last_seq(db) == want, "the last reply was the last journal row")
    total = readers[0].bytes
    check(total > 6 * 1024 * 1024,
          "the traffic (%d bytes a mirror) passes the 4 MiB cap" % total)

    # The chair still answers a key.
    c.keys("]")
    wait_until(lambda: state(db)["segment"] is not None, 4,
               "the chair answers ]")

    # The lazy connection was dropped: it is over the cap and took
    # nothing for a heartbeat period, so by the next heartbeat it is gone.
    # Draining it now reaches the end, and it never saw the last flush.
    time.sleep(max(0.0, t_ack + LAZY_DROP_S - time.monotonic()))
    lazy.s.settimeout(5)
    got = b""
    ended = False
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            data = lazy.s.recv(1 << 20)
        except ConnectionResetError:
            ended = True
            break
        if not data:
            ended = True
            break
        got += data
    check(ended, "the lazy mirror was dropped (its connection ends after "
          "%d buffered bytes)" % len(got))
    check(b'{"t":"flush","seq":%d}' % want not in got,
          "the lazy mirror did not get the last flush")
    check(len(got) < total, "the lazy mirror got less than the readers")
    intake.close()
    lazy.close()
    for r in readers:
        r.raw.close()
    print("%d questions in %.1f s; readers caught up %.2f s after the last "
          "ack; %d bytes each; lazy got %d" % (
              QUESTIONS, t_ack - t0, late, total, len(got)))


if __name__ == "__main__":
    main(test)

"""Mirrors over TCP: only with the chair's token, only where asked.

The chair runs with --mirror-listen 127.0.0.1:PORT. A hello without the
token or with a wrong one gets an error line and a close; the right one
gets the snapshot. `podium mirror --connect … --token-file …` mirrors the
state exactly, refuses a wrong token file clearly, and a full view over
TCP never shows the token.
"""
import json
import os
import socket
import stat

from podiumtest import Console, check, main, run, state, wait_until
from test_mirror import (Raw, ask_some, check_mirror_state, last_seq, pause,
                         question_count)


def free_port():
    """A TCP port free on loopback right now."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def hello(token=None, version=1):
    """A mirror's hello line."""
    h = {"type": "hello", "version": version}
    if token is not None:
        h["token"] = token
    return json.dumps(h).encode() + b"\n"


def refused(port, line, why):
    """A hello over TCP gets an error line naming why, then a close."""
    r = Raw(("127.0.0.1", port))
    r.send(line)
    got = r.line()
    check(got is not None, "an error line for %r" % line[:40])
    err = json.loads(got)
    check(err["t"] == "error" and why in err["error"],
          "refused %r for %r: %r" % (line[:40], why, err))
    check(r.closed_within(2), "closed after refusing %r" % line[:40])
    r.close()


def test(wd, consoles):
    db = wd.db
    port = free_port()
    where = "127.0.0.1:%d" % port
    c = Console(["chair", "--db", db, "--mirror-listen", where], 120, 40,
                workdir=wd)
    consoles.append(c)
    c.wait_for("13:30")
    tokfile = db + ".token"
    wait_until(lambda: os.path.exists(tokfile), 3, "the token file")
    check(stat.S_IMODE(os.stat(tokfile).st_mode) == 0o600, "token 0600")
    check(stat.S_IMODE(os.stat(db + ".mirror.sock").st_mode) == 0o600,
          "mirror socket 0600")
    token = open(tokfile).read().strip()
    check(len(token) == 64, "64 hex digits")
    ask_some(db, 4, "tcp")
    c.keys("]", "]", "+")
    wait_until(lambda: (state(db)["speaker"] or {}).get("added_s") == 30, 4,
               "the chair's actions")
    seq = last_seq(db)

    # Missing, wrong, short and long tokens; then the right one.
    refused(port, hello(), "token")
    refused(port, hello("0" * 64), "token")
    refused(port, hello(token[:63]), "token")
    refused(port, hello(token + "0"), "token")
    refused(port, hello(token[:-1] + ("1" if token[-1] == "0" else "0")),
            "token")
    refused(port, b"garbage\n", "hello")
    refused(port, hello(token, 99), "version 99")
    r = Raw(("127.0.0.1", port))
    r.send(hello(token))
    lines, flush = r.until_flush()
    check(lines[0]["t"] == "hello" and flush == seq,
          "the right token gets the snapshot up to seq %d: %r" % (seq, flush))
    check(any(x["t"] == "row" and x["kind"] == "question_add"
              for x in lines), "the snapshot has the questions")
    # Still read-only over TCP: a further byte closes it.
    r.send(b"\n")
    check(r.closed_within(2), "closed after a byte past the hello")
    r.close()
    check(last_seq(db) == seq, "nothing was added over TCP")

    # podium mirror over TCP with the token file mirrors the state.
    pause(c, db)
    args = ["--connect", where, "--token-file", tokfile]
    check_mirror_state(db, "over TCP", args)
    c.keys("Space")
    wait_until(lambda: state(db)["speaker"]["running"], 4, "Space starts")
    check_mirror_state(db, "over TCP, countdown running", args)
    bad = os.path.join(wd.path, "bad.token")
    with open(bad, "w") as f:
        f.write("1" * 64 + "\n")
    rc, out, err = run(["mirror"] + args[:2] + ["--token-file", bad,
                                                "--once", "--json"])
    check(rc == 1 and out == "" and "token" in err, "wrong token file: " + err)
    rc, _, err = run(["mirror"] + args[:2] + ["--token-file",
                                              bad + ".none", "--once",
                                              "--json"])
    check(rc == 1 and "podium: error:" in err, "missing token file: " + err)
    rc, _, err = run(["mirror", "--connect", where, "--once", "--json"])
    check(rc == 2 and "--token-file" in err, "--connect alone: " + err)

    # A full view over TCP follows the chair and never shows the token.
    m = Console(["mirror"] + args, 120, 40, workdir=wd)
    consoles.append(m)
    s = m.wait_for("MIRROR")
    wait_until(lambda: question_count(m.screen()) == 4, 3,
               "four questions over TCP")
    ask_some(db, 1, "tcp-late")
    wait_until(lambda: question_count(m.screen()) == 5, 4,
               "a new question reaches the TCP mirror")
    check(token not in m.screen() and token[:16] not in m.screen(),
          "token never on the mirror")
    check(token[:16] not in c.screen(), "token never on the chair")

    # Bound only where asked: not on another loopback address.
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(("127.0.0.2", port))
        reached = True
    except OSError:
        reached = False
    s.close()
    check(not reached, "not listening on 127.0.0.2")


if __name__ == "__main__":
    main(test)

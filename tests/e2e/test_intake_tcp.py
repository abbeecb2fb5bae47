"""Intake over TCP: bound where asked, token required and checked."""
import json
import os
import socket
import stat

from podiumtest import Console, check, main, run, state, wait_until


def free_port():
    """A TCP port free on loopback right now."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def exchange(port, lines):
    """Send lines on a fresh connection; return the parsed replies."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    f = s.makefile("rb")
    out = []
    for line in lines:
        s.sendall(line.encode() + b"\n")
        reply = f.readline()
        if not reply:
            out.append(None)
            break
        out.append(json.loads(reply))
    s.close()
    return out


def test(wd, consoles):
    db = wd.db
    port = free_port()
    c = Console(["chair", "--db", db, "--intake-listen",
                 "127.0.0.1:%d" % port], 120, 40, workdir=wd)
    consoles.append(c)
    c.wait_for("13:30")
    tokfile = db + ".token"
    wait_until(lambda: os.path.exists(tokfile), 3, "the token file")
    check(stat.S_IMODE(os.stat(tokfile).st_mode) == 0o600, "token 0600")
    token = open(tokfile).read().strip()
    check(len(token) == 64, "64 hex digits")
    check(token not in c.screen(), "token never on screen")
    q = json.dumps({"type": "question", "text": "over TCP?", "id": "t-1"})

    # Missing hello, wrong token, right token.
    r = exchange(port, [q])
    check(r[0]["ok"] is False and "token" in r[0]["error"], "no hello: %r" % r)
    r = exchange(port, [json.dumps({"type": "hello", "token": "0" * 64}), q])
    check(r[0]["ok"] is False and r[1]["ok"] is False, "wrong token: %r" % r)
    r = exchange(port, [json.dumps({"type": "hello", "version": 99,
                                    "token": token})])
    check(r[0]["ok"] is False and "version" in r[0]["error"], "version")
    r = exchange(port, [json.dumps({"type": "hello", "version": 1,
                                    "token": token}), q])
    check(r[0]["ok"] and r[1]["ok"], "right token admitted: %r" % r)
    check(any(x["ext_id"] == "t-1" for x in state(db)["questions"]),
          "stored over TCP")

    # podium ask over TCP with the token file.
    rc, out, err = run(["ask", "--connect", "127.0.0.1:%d" % port,
                        "--token-file", tokfile, "--id", "t-2", "via ask"])
    check(rc == 0 and out.strip().isdigit(), "ask over TCP: " + err)
    bad = os.path.join(wd.path, "bad.token")
    with open(bad, "w") as f:
        f.write("1" * 64 + "\n")
    rc, _, err = run(["ask", "--connect", "127.0.0.1:%d" % port,
                      "--token-file", bad, "nope"])
    check(rc == 1 and "token" in err, "ask with a wrong token: " + err)

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

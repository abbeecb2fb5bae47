"""The intake protocol over the real socket of a running console."""
import json
import os
import socket
import stat
import threading
import time

from podiumtest import Console, check, main, run, state, wait_until


def connect(db):
    """A connected intake socket and a line reader on it."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(db + ".intake.sock")
    s.settimeout(10)
    return s, s.makefile("rb")


def ask(s, f, obj):
    """Send one request (object or raw bytes) and read its reply."""
    data = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    s.sendall(data + b"\n")
    line = f.readline()
    check(line.endswith(b"\n"), "a reply line, got %r" % line)
    return json.loads(line)


def cpu_ticks(pid):
    """User and system CPU time of a process, in clock ticks."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def test(wd, consoles):
    db = wd.db
    c = Console(["chair", "--db", db], 120, 40, workdir=wd)
    consoles.append(c)
    c.wait_for("13:30")
    sock = db + ".intake.sock"
    wait_until(lambda: os.path.exists(sock), 3, "the intake socket")
    check(stat.S_IMODE(os.stat(sock).st_mode) == 0o600, "socket mode 0600")

    s, f = connect(db)
    # A question with every field; durable when acked.
    r = ask(s, f, {"type": "question", "id": "reg-0042",
                   "text": "Comment rendre le financement durable ?",
                   "from": "Amina", "org": "Réseau des survivants",
                   "country": "Sénégal", "lang": "fr"})
    check(r["ok"] is True and r["id"] > 0, "question stored: %r" % r)
    qid = r["id"]
    q = [q for q in state(db)["questions"] if q["id"] == qid]
    check(q and q[0]["ext_id"] == "reg-0042" and q[0]["theme"] and
          q[0]["theme_auto"], "stored with a suggested theme: %r" % q)
    # Same id again: nothing new, same stored id.
    r2 = ask(s, f, {"type": "question", "id": "reg-0042", "text": "again"})
    check(r2 == {"ok": True, "id": qid}, "idempotent retry: %r" % r2)
    check(len(state(db)["questions"]) == 1, "still one question")
    # A sender-given theme is kept as sent.
    r = ask(s, f, {"type": "question", "text": "Any regional fund?",
                   "theme": "inclusion"})
    q = [q for q in state(db)["questions"] if q["id"] == r["id"]][0]
    check(q["theme"] == "inclusion" and not q["theme_auto"], "theme kept")
    # Vote and floor.
    r = ask(s, f, {"type": "vote", "question": qid})
    check(r == {"ok": True, "id": qid}, "vote acked")
    r = ask(s, f, {"type": "floor", "id": "reg-0043", "name": "Delegate",
                   "org": "Peru", "lang": "es", "seconds": 180})
    check(r["ok"], "floor acked")
    st = state(db)
    check([q for q in st["questions"] if q["id"] == qid][0]["votes"] == 1,
          "one vote")
    check(any(e["name"] == "Delegate" and e["allotted_s"] == 180
              for e in st["queue"]), "floor request queued")

    # Every refusal, and the connection goes on after each.
    n = len(st["questions"])
    bad = [
        (b"{\"type\":\"question\",\"text\":\"\"}", "text is empty"),
        (b"{\"type\":\"question\",\"text\":\"caf\xc3\x28\"}", "UTF-8"),
        (b"{\"type\":\"nope\"}", "unknown type"),
        (b"{\"type\":\"floor\",\"name\":\"x\",\"seconds\":\"9\"}", "integer"),
        (b"{\"type\":\"question\",\"text\":\"x\",\"theme\":\"zz\"}",
         "unknown theme"),
        (b"{\"type\":\"vote\",\"question\":999999}", "no question"),
        (json.dumps({"type": "question", "text": "x" * 4001}).encode(),
         "4000"),
        (b"not json at all", "not valid JSON"),
        (b"{\"type\":\"question\",\"text\":\"" + b"y" * 70000 + b"\"}",
         "64 KiB"),
    ]
    for line, why in bad:
        r = ask(s, f, line)
        check(r["ok"] is False and why in r["error"],
              "refused %r...: %r" % (line[:40], r))
    r = ask(s, f, {"type": "question", "text": "still here?"})
    check(r["ok"], "connection goes on after refusals")
    check(len(state(db)["questions"]) == n + 1, "nothing half-stored")

    # Pipelined: many lines in one write, replies in order.
    lines = b"".join(json.dumps({"type": "question", "id": "p-%d" % i,
                                 "text": "pipelined %d" % i}).encode() + b"\n"
                     for i in range(500))
    s.sendall(lines)
    ids = [json.loads(f.readline())["id"] for _ in range(500)]
    check(ids == sorted(ids) and len(set(ids)) == 500, "500 in order")

    # A client that never reads its replies does not stall anyone.
    lazy = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lazy.connect(sock)
    lazy.setblocking(False)
    junk = json.dumps({"type": "vote", "question": qid}).encode() + b"\n"
    sent = 0
    try:
        for _ in range(20000):
            sent += lazy.send(junk * 50)
    except BlockingIOError:
        pass

    # 10 concurrent clients, each 50 questions, one at a time.
    errors = []

    def client(k):
        try:
            cs, cf = connect(db)
            for i in range(50):
                r = ask(cs, cf, {"type": "question", "id": "c%d-%d" % (k, i),
                                 "text": "client %d question %d" % (k, i),
                                 "lang": "en"})
                if not r["ok"]:
                    errors.append(r)
            cs.close()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    t0 = time.monotonic()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    check(not errors, "concurrent clients: %r" % errors[:3])
    check(time.monotonic() - t0 < 20, "concurrent clients not stalled")
    st = state(db)
    check(sum(1 for q in st["questions"] if (q["ext_id"] or "").startswith("c"))
          == 500, "500 questions from 10 clients")
    # The console still answers keys.
    c.keys("]")
    wait_until(lambda: state(db)["segment"] is not None, 4, "console alive")
    lazy.close()

    # After the bursts the console goes idle again: a loop left polling
    # without sleeping would use the whole 2 s of a core.
    pid = c.pid()
    time.sleep(0.5)
    ticks0 = cpu_ticks(pid)
    time.sleep(2.0)
    used = cpu_ticks(pid) - ticks0
    check(used < 50, "idle after the bursts: %d ticks of CPU in 2 s" % used)

    # podium ask prints the stored id; a refusal exits 1.
    rc, out, err = run(["ask", "--db", db, "--from", "Ana", "--lang", "es",
                        "--id", "ask-1", "¿Cómo empezar la cooperación?"])
    check(rc == 0 and out.strip().isdigit(), "ask prints the id: %r" % err)
    rc2, out2, _ = run(["ask", "--db", db, "--id", "ask-1", "again"])
    check(rc2 == 0 and out2 == out, "ask retry prints the same id")
    rc, _, err = run(["ask", "--db", db, "--theme", "nope", "text"])
    check(rc == 1 and "unknown theme" in err, "ask refused: " + err)
    rc, _, err = run(["ask", "--db", os.path.join(wd.path, "none.db"), "hi"])
    check(rc == 1 and "no chair console is running" in err,
          "ask without a console: " + err)
    s.close()


if __name__ == "__main__":
    main(test)

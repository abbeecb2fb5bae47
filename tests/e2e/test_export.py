"""The session record: a scripted rehearsal at speed 100 on the real
binary, then `podium export` in every format, its figures checked
exactly against `podium state` on the same paused clock (and against
themselves), JSON against docs/record.schema.json, CSV with the csv
module against the JSON, SVG with xml.etree, the final hash against
`podium verify` and against the chain recomputed here.
"""
import datetime
import json
import os
import stat
import subprocess
import xml.etree.ElementTree as ET

import recordcheck
from podiumtest import PODIUM, Console, check, main, run, state, wait_until

FORMULA = '=HYPERLINK("http://example.invalid","click") | <b>bold</b>'


def until(db, pred, what, timeout=5):
    """Wait until pred(state) holds; return that state."""
    return wait_until(lambda: (lambda s: s if pred(s) else None)(state(db)),
                      timeout, what)


def ask(db, text, lang, theme):
    """Send one question with `podium ask`; return its stored id."""
    _, out, _ = run(["ask", "--db", db, text, "--lang", lang, "--theme",
                     theme, "--from", "Tester " + lang], check_rc=0)
    return int(out.strip())


def export(db, fmt):
    """`podium export --format fmt` of db: its standard output, as written
    (line ends untranslated)."""
    p = subprocess.run([PODIUM, "export", "--db", db, "--format", fmt],
                       capture_output=True, timeout=20)
    check(p.returncode == 0 and p.stderr == b"",
          "export %s: exit %d, %s" % (fmt, p.returncode, p.stderr))
    return p.stdout.decode("utf-8")


def iso(t):
    """Seconds since the epoch of an ISO 8601 time."""
    return datetime.datetime.fromisoformat(t).timestamp()


def scripted(wd, consoles):
    """Run the rehearsal script; return the database, quit and paused."""
    db = wd.db
    c = Console(["rehearse", "--speed", "100", "--questions", "none",
                 "--db", db], 120, 40, workdir=wd)
    consoles.append(c)
    c.wait_for("REHEARSAL x100")

    # Questions: three in English, two in French, two in Spanish, one in
    # Arabic; one of them looks like a spreadsheet formula.
    ask(db, FORMULA, "en", "funding")
    ask(db, "How do donors choose partners?", "en", "funding")
    ask(db, "What comes first?", "en", "first-steps")
    ask(db, "Quel financement pluriannuel ?", "fr", "funding")
    ask(db, "Quels mécanismes de redevabilité ?", "fr", "inclusion")
    ask(db, "¿Cuál es el primer paso?", "es", "first-steps")
    ask(db, "¿Cómo llegar a las zonas rurales?", "es", "rights")
    ask(db, "كيف نضمن استمرار التمويل؟", "ar", "funding")
    until(db, lambda s: len(s["questions"]) == 8, "eight questions")

    # Speaker 1: speaks, pauses, gets 30 s more, speaks again, done.
    c.keys("Space")
    until(db, lambda s: s["speaker"]["remaining_ms"] < 200000,
          "the first speaker has spoken 40 s")
    c.keys("Space")
    c.keys("+")
    until(db, lambda s: s["speaker"]["added_s"] == 30, "+30 s")
    c.keys("Space")
    until(db, lambda s: s["speaker"]["remaining_ms"] < 150000,
          "the first speaker has spoken more")
    c.keys("n")
    until(db, lambda s: s["queue"][0]["status"] == "done",
          "the first speaker is done")
    # Segment 2: its speaker speaks into overtime, then ] closes it.
    c.keys("]")
    until(db, lambda s: s["segment"]["index"] == 1, "segment 2")
    c.keys("Space")
    until(db, lambda s: s["speaker"]["remaining_ms"] < -10000,
          "the second speaker in overtime")
    c.keys("]")
    st = until(db, lambda s: s["segment"]["index"] == 2, "segment 3")
    check(st["speaker"] is not None and not st["speaker"]["running"],
          "segment 3's speaker is current, not started")

    # Questions: two put on air (the second answers the first), one
    # dismissed, and one action undone.
    c.keys("Tab")
    c.wait_for("a approve")
    c.keys("o")
    until(db, lambda s: sum(q["status"] == "on_air"
                            for q in s["questions"]) == 1, "one on air")
    c.keys("j", "j", "j", "j", "o")
    until(db, lambda s: sum(q["status"] == "answered"
                            for q in s["questions"]) == 1,
          "second on air, first answered")
    c.keys("j", "d")
    until(db, lambda s: sum(q["status"] == "dismissed"
                            for q in s["questions"]) == 1, "one dismissed")
    c.keys("j", "d")
    until(db, lambda s: sum(q["status"] == "dismissed"
                            for q in s["questions"]) == 2, "two dismissed")
    c.keys("u")
    until(db, lambda s: sum(q["status"] == "dismissed"
                            for q in s["questions"]) == 1, "u: one dismissed")

    # A record taken while the console runs.
    _, out, _ = run(["export", "--db", db, "--format", "json"], check_rc=0)
    live = json.loads(out)
    check(live["summary"]["status"] == "in_progress", "in progress")
    recordcheck.validate(live)

    c.keys("q")
    c.wait_for("[podium exited 0]")
    return db


def check_figures(db, rec):
    """The record's figures against `podium state` and the script."""
    st = state(db)
    check(rec["summary"]["generated_at"] == st["now"],
          "record and state taken on the same paused clock")
    check(rec["summary"]["mode"] == "rehearsal", "rehearsal mode")
    # Segments: actual times exactly as the state has them.
    for seg, sseg in zip(rec["segments"], st["segments"]):
        for k in ("title", "planned_start", "planned_end", "actual_start",
                  "actual_end"):
            check(seg[k] == sseg[k], "segment %d %s: %r vs state %r" % (
                seg["index"], k, seg[k], sseg[k]))
    s0, s1, s2 = rec["segments"][:3]
    check(s0["status"] == "done" and s1["status"] == "done" and
          s2["status"] == "current", "two segments done, the third current")
    check(s0["actual_end"] == s1["actual_start"], "segments back to back")
    for s in (s0, s1):
        span = iso(s["actual_end"]) - iso(s["actual_start"])
        check(abs(s["actual_s"] - span) <= 1, "actual_s is the span")
        check(s["overrun_s"] == s["actual_s"] - s["planned_s"], "overrun")
        check(s["start_delay_s"] == int(iso(s["actual_start"]) -
                                        iso(s["planned_start"])) or
              abs(s["start_delay_s"] - (iso(s["actual_start"]) -
                                        iso(s["planned_start"]))) <= 1,
              "start delay")
    check(s0["speakers_heard"] == 1 and s1["speakers_heard"] == 1,
          "one speaker heard in each closed segment")

    # Speakers: spoken seconds exactly as the state's.
    by_id = {q["id"]: q for q in st["queue"]}
    for sp in rec["speakers"]:
        q = by_id[sp["id"]]
        for k in ("name", "org", "lang", "allotted_s", "added_s", "spoken_s",
                  "status"):
            check(sp[k] == q[k], "speaker %d %s: %r vs state %r" % (
                sp["id"], k, sp[k], q[k]))
        check(sp["granted_s"] == sp["allotted_s"] + sp["added_s"], "granted")
        check(sp["overtime_s"] == max(0, sp["spoken_s"] - sp["granted_s"]),
              "overtime of %d" % sp["id"])
    first = [sp for sp in rec["speakers"] if sp["segment"] == 0][0]
    second = [sp for sp in rec["speakers"] if sp["segment"] == 1][0]
    check(first["added_s"] == 30 and first["status"] == "done", "+30 s kept")
    check(first["spoken_s"] >= 100 and first["overtime_s"] == 0,
          "the first speaker spoke within time: %r" % first)
    check(second["overtime_s"] >= 10 and second["status"] == "done",
          "the second speaker ran over: %r" % second)
    heard = [sp for sp in rec["speakers"] if sp["started_at"] is not None]
    check(rec["summary"]["speakers_heard"] == len(heard) == 2, "two heard")
    check(rec["summary"]["spoken_s"] == first["spoken_s"] +
          second["spoken_s"], "total spoken")

    # Totals per organisation and language add up to the speakers'.
    for table, key in (("organisations", "org"), ("languages", "lang")):
        total = sum(t["spoken_s"] for t in rec[table])
        check(total == rec["summary"]["spoken_s"], table + " add up")
        for t in rec[table]:
            mine = [sp for sp in rec["speakers"] if sp[key] == t[key] and
                    sp["status"] in ("done", "current")]
            check(t["spoken_s"] == sum(sp["spoken_s"] for sp in mine) and
                  t["speakers"] == len(mine), "%s %r" % (table, t))

    # Questions: statuses as the state has them; shares per language exact.
    sq = {q["id"]: q for q in st["questions"]}
    for q in rec["questions"]:
        check(q["status"] == sq[q["id"]]["status"], "question status")
    aired = [q for q in rec["questions"] if q["on_air_at"] is not None]
    check(len(aired) == 2 and
          sorted(q["status"] for q in aired) == ["answered", "on_air"],
          "two put on air, the first answered")
    check(rec["question_statuses"]["put_on_air"] == 2 and
          rec["question_statuses"]["dismissed"] == 1 and
          rec["question_statuses"]["total"] == 8, "question statuses")
    langs = {ql["lang"]: ql for ql in rec["question_languages"]}
    check([ql["lang"] for ql in rec["question_languages"]] ==
          ["ar", "en", "es", "fr", "sgn"], "the event's languages in order")
    for lang, want in (("en", 3), ("fr", 2), ("es", 2), ("ar", 1)):
        ql = langs[lang]
        mine = [q for q in rec["questions"] if q["lang"] == lang]
        on = [q for q in mine if q["on_air_at"] is not None]
        check(ql["total"] == len(mine) == want, "questions in " + lang)
        check(ql["put_on_air"] == len(on), "put on air in " + lang)
        check(ql["on_air_share"] == len(on) / want,
              "share on air in %s: %r" % (lang, ql))
        check(ql["share_of_on_air"] == len(on) / 2, "share of on air")
    check(langs["sgn"]["total"] == 0 and langs["sgn"]["on_air_share"] == 0,
          "a language nobody asked in")

    # The journal: rows and the undo.
    j = rec["journal"]
    check(j["chain"] == "ok" and j["undone"] == 1 and j["undos"] == 1,
          "journal: %r" % j)
    check(sum(a["rows"] for a in rec["actions"]) == j["rows"], "actions")


def test(wd, consoles):
    db = scripted(wd, consoles)
    rec = json.loads(export(db, "json"))
    recordcheck.validate(rec)
    check_figures(db, rec)

    # The final hash: the one verify prints and the one recomputed here.
    rc, out, _ = run(["verify", "--db", db])
    check(rc == 0, "verify: " + out)
    first = out.splitlines()[0]
    check(first == "ok: %d rows, final hash %s" % (rec["journal"]["rows"],
                                                   rec["journal"]["hash"]),
          "verify's first line: " + first)
    rows, jhash, undos, uhash = recordcheck.chains(db)
    check((rows, jhash, undos, uhash) == (
        rec["journal"]["rows"], rec["journal"]["hash"],
        rec["journal"]["undos"], rec["journal"]["undo_hash"]),
        "chains recomputed from docs/RECORD.md")
    rc, out, _ = run(["verify", "--db", db, "--hash",
                      rec["journal"]["hash"].upper()])
    check(rc == 0 and "the journal up to row" in out and "(all of it)" in out,
          "verify --hash: " + out)

    # CSV: read with the csv module, the same tables as the JSON.
    text = export(db, "csv")
    recordcheck.check_csv_matches(text, rec)
    check("'" + FORMULA in text.replace('""', '"'),
          "a formula-like question is defused")

    # Markdown: tables, the hash, and the pipes of a question escaped.
    md = export(db, "md")
    for h in ("# Session record: ", "## Agenda", "## Speakers",
              "## Speaking time by organisation",
              "## Speaking time by language of intervention",
              "### By language", "### By theme", "### Put on air",
              "## Journal", "`" + rec["journal"]["hash"] + "`"):
        check(h in md, "Markdown has %r" % h)
    check("click\") \\| \\<b\\>bold\\</b\\>" in md, "Markdown escapes")
    for line in md.splitlines():
        if line.startswith("|"):
            body = line.replace("\\|", "")
            check(body.endswith("|"), "a table line ends its row: " + line)

    # SVG: well-formed, a bar per segment started and per speaker heard.
    svg = export(db, "svg")
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    check(root.tag == ns + "svg", "an SVG document")
    rects = root.iter(ns + "rect")
    classes = [r.get("class") for r in rects]
    check(classes.count("planned") == len(rec["segments"]) + 1,
          "a planned bar per segment (and the legend's)")
    check(classes.count("actual") + classes.count("over") == 3 + 2,
          "an actual bar per started segment (and the legend's)")
    check(classes.count("spk") + classes.count("spkover") == 2 + 2,
          "a bar per speaker heard (and the legend's)")
    texts = "".join(t.text or "" for t in root.iter(ns + "text"))
    check(rec["event"]["title"] in texts, "the title")
    check(rec["journal"]["hash"] in texts, "the journal hash")

    # -o: the extension chooses; written whole, mode 0600, nothing left over.
    out_path = os.path.join(wd.path, "record.json")
    run(["export", "--db", db, "-o", out_path], check_rc=0)
    with open(out_path) as f:
        check(json.load(f) == rec, "-o record.json is the JSON record")
    check(stat.S_IMODE(os.stat(out_path).st_mode) == 0o600, "mode 0600")
    run(["export", "--db", db, "-o", out_path, "--format", "md"], check_rc=0)
    with open(out_path) as f:
        check(f.read() == md, "--format wins over the extension")
    check(sorted(n for n in os.listdir(wd.path) if n.startswith("record")) ==
          ["record.json"], "no temporary file left: %r" %
          os.listdir(wd.path))
    rc, _, err = run(["export", "--db", db, "-o",
                      os.path.join(wd.path, "no", "such", "x.md")])
    check(rc == 1 and "podium: error: cannot create a file beside" in err,
          "an unwritable -o: " + err)
    rc, _, err = run(["export", "--db", db, "--format", "pdf"])
    check(rc == 2 and "unknown format" in err, "a bad format: " + err)
    rc, out, _ = run(["export", "--help"])
    check(rc == 0 and "usage: podium export" in out, "export --help")


if __name__ == "__main__":
    main(test)

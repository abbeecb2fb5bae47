"""Moderating questions: they appear in their theme group; a, d, o, x, t
and / change `podium state` (or the list) as they should; only one
question is on air at a time; u undoes.

Questions are sent with the real `podium ask` to the running console.
"""
from podiumtest import Console, check, main, run, state, wait_until


def until(db, pred, what):
    """Wait until pred(state) holds; return that state."""
    return wait_until(lambda: (lambda s: s if pred(s) else None)(state(db)),
                      4, what)


def ask(db, text, *opts):
    """Send one question with `podium ask`; return its stored id."""
    _, out, _ = run(["ask", "--db", db, text] + list(opts), check_rc=0)
    return int(out.strip())


def question(st, qid):
    """A question of the state by id."""
    for q in st["questions"]:
        if q["id"] == qid:
            return q
    return None


def statuses(st):
    """Status of every question, by id."""
    return {q["id"]: q["status"] for q in st["questions"]}


def on_air(st):
    """Ids of the questions on air."""
    return [q["id"] for q in st["questions"] if q["status"] == "on_air"]


def test(wd, consoles):
    db = wd.db
    c = Console(["chair", "--db", db], 120, 40, workdir=wd)
    consoles.append(c)
    c.wait_for("no questions yet")

    q1 = ask(db, "How can survivors' networks get funding for five years?",
             "--theme", "funding", "--from", "Ana Pérez", "--org",
             "Red de Sobrevivientes", "--country", "Colombia", "--lang", "es")
    q2 = ask(db, "How do we make sure women survivors are not left out?",
             "--theme", "rights", "--from", "Sarah Okello", "--lang", "en")
    q3 = ask(db, "Quel financement pluriannuel pour les associations ?",
             "--theme", "funding", "--from", "Mamadou Ndiaye", "--lang", "fr")
    q4 = ask(db, "كيف نضمن استمرار التمويل بعد انتهاء المشاريع؟",
             "--theme", "funding", "--from", "سلمى حداد", "--lang", "ar")
    st = until(db, lambda s: len(s["questions"]) == 4, "four questions")
    check(all(q["status"] == "new" for q in st["questions"]), "all new")
    check(not question(st, q1)["theme_auto"], "a sender's theme is kept")

    # Grouped by theme: funding (q1, q3, q4 by arrival), then rights (q2),
    # on screen within a second of being stored.
    s = c.wait_for("Sustainable long-term funding · 3", timeout=1.0)
    check("Rights and non-discrimination in investing funds · 1" in s,
          "rights group header with its count:\n" + s)
    # The list is the left part of the pane; the detail is on the right.
    lines = [line.split("\u2502")[1] if line.count("\u2502") >= 3 else ""
             for line in s.splitlines()]
    row = {}
    for i, line in enumerate(lines):
        for qid in (q1, q2, q3, q4):
            if ("#%d " % qid) in line and qid not in row:
                row[qid] = i
        if "Sustainable long-term funding · 3" in line:
            row["funding"] = i
        if "Rights and non-discrimination in investing funds · 1" in line:
            row["rights"] = i
    check(row["funding"] < row[q1] < row[q3] < row[q4] < row["rights"] <
          row[q2], "questions listed under their theme in order: %r" % row)

    # Tab to the questions pane; the first question is selected.
    c.keys("Tab")
    c.wait_for("a approve")
    c.keys("a")
    st = until(db, lambda s: question(s, q1)["status"] == "approved",
               "a approves the first question")
    c.wait_for("approved question %d" % q1)

    c.keys("j", "d")
    st = until(db, lambda s: question(s, q3)["status"] == "dismissed",
               "d dismisses the second question")
    c.wait_for("dismissed question %d" % q3)

    # o puts one on air; o on another answers the first: one on air.
    c.keys("j", "o")
    st = until(db, lambda s: on_air(s) == [q4], "o puts q4 on air")
    c.wait_for("ON AIR #%d" % q4)
    c.keys("k", "k", "o")
    st = until(db, lambda s: on_air(s) == [q1], "o puts q1 on air")
    check(question(st, q4)["status"] == "answered",
          "the question on air before is answered")
    c.wait_for("question %d on air; question %d answered" % (q1, q4))
    c.keys("x")
    st = until(db, lambda s: question(s, q1)["status"] == "answered",
               "x marks q1 answered")
    check(on_air(st) == [], "nothing on air after x")

    # t opens the picker; 4 is the fourth theme of the sample (rights).
    c.keys("t")
    c.wait_for("Theme of question #%d" % q1)
    c.keys("4")
    st = until(db, lambda s: question(s, q1)["theme"] == "rights",
               "t 4 moves q1 to rights")
    check(not question(st, q1)["theme_auto"], "the chair's theme is not auto")
    c.wait_for("Rights and non-discrimination in investing funds · 2")
    # The selection follows q1 into its new group; Down and Enter pick
    # the theme after it (inclusion); Esc leaves it alone.
    c.keys("t")
    c.wait_for("Theme of question #%d" % q1)
    c.keys("Escape")
    c.wait_for("theme unchanged")
    c.keys("t", "Down", "Enter")
    st = until(db, lambda s: question(s, q1)["theme"] == "inclusion",
               "t Down Enter moves q1 to inclusion")

    # / filters the list live, by sender without accents or case.
    c.keys("/")
    c.wait_for("search /")
    c.text("PEREZ")
    s = c.wait_for("1 of 4")
    check("#%d " % q2 not in s, "a question that does not match is hidden")
    c.keys("Enter")
    s = c.wait_for('search "PEREZ"')
    c.keys("/", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace")
    c.text("ndiaye")
    c.wait_for('1 of 4 · search "ndiaye"')
    c.keys("Escape")
    c.wait_for("Questions · 4 ")

    # u undoes, most recent first: both theme changes, x, the second o.
    c.keys("u")
    st = until(db, lambda s: question(s, q1)["theme"] == "rights",
               "u undoes the second theme change")
    c.keys("u")
    st = until(db, lambda s: question(s, q1)["theme"] == "funding",
               "u undoes the first theme change")
    c.keys("u")
    st = until(db, lambda s: on_air(s) == [q1], "u undoes x: q1 on air")
    c.keys("u")
    st = until(db, lambda s: on_air(s) == [q4], "u undoes o: q4 on air")
    check(question(st, q1)["status"] == "approved", "q1 approved again")
    check(statuses(st) == {q1: "approved", q2: "new", q3: "dismissed",
                           q4: "on_air"}, "statuses after undo: %r" %
          statuses(st))

    # At 80x24 the compact layout shows the same questions pane.
    c.resize(80, 24)
    s = c.wait_for("questions by theme")
    check("ON AIR #%d" % q4 in s, "on air banner at 80x24:\n" + s)
    c.keys("q")
    c.wait_for("[podium exited 0]")


if __name__ == "__main__":
    main(test)

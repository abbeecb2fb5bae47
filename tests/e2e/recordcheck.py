"""Checks of an exported session record shared by the e2e tests:
a small JSON Schema validator (the subset docs/record.schema.json uses;
python3's standard library has none), the CSV layout against the JSON,
and the hash chains recomputed independently, as docs/RECORD.md says.
"""
import csv
import hashlib
import io
import json
import os
import re
import sqlite3
import struct

from podiumtest import check, fail

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                      "docs", "record.schema.json")

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and
    not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def _errors(v, s, root, path):
    """The schema violations of v against s, as strings."""
    if "$ref" in s:
        ref = s["$ref"]
        check(ref.startswith("#/$defs/"), "unsupported $ref " + ref)
        return _errors(v, root["$defs"][ref[len("#/$defs/"):]], root, path)
    errs = []
    if "type" in s:
        types = s["type"] if isinstance(s["type"], list) else [s["type"]]
        if not any(TYPES[t](v) for t in types):
            return ["%s: %r is not %s" % (path, v, "/".join(types))]
    if "enum" in s and v not in s["enum"]:
        errs.append("%s: %r not in %r" % (path, v, s["enum"]))
    if "pattern" in s and isinstance(v, str) and not re.search(s["pattern"],
                                                               v):
        errs.append("%s: %r does not match %s" % (path, v, s["pattern"]))
    if "minimum" in s and TYPES["number"](v) and v < s["minimum"]:
        errs.append("%s: %r < %r" % (path, v, s["minimum"]))
    if "maximum" in s and TYPES["number"](v) and v > s["maximum"]:
        errs.append("%s: %r > %r" % (path, v, s["maximum"]))
    for sub in s.get("allOf", []):
        errs += _errors(v, sub, root, path)
    if "anyOf" in s and all(_errors(v, sub, root, path)
                            for sub in s["anyOf"]):
        errs.append("%s: %r matches none of anyOf" % (path, v))
    if isinstance(v, dict):
        for k in s.get("required", []):
            if k not in v:
                errs.append("%s: missing %r" % (path, k))
        for k, sub in s.get("properties", {}).items():
            if k in v:
                errs += _errors(v[k], sub, root, path + "." + k)
    if isinstance(v, list) and "items" in s:
        for i, item in enumerate(v):
            errs += _errors(item, s["items"], root, "%s[%d]" % (path, i))
    return errs


def validate(record):
    """Fail unless the record is valid against docs/record.schema.json."""
    with open(SCHEMA) as f:
        schema = json.load(f)
    errs = _errors(record, schema, schema, "$")
    check(not errs, "record does not match its schema:\n" +
          "\n".join(errs[:20]))


def csv_cell(v):
    """A JSON value as the CSV layout writes it (docs/RECORD.md)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "%.4f" % v
    if isinstance(v, list):
        v = " ".join(v)
    if v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v


def csv_tables(text):
    """The CSV record as {table: (header, rows)}, read with the csv module."""
    tables, header = {}, None
    for row in csv.reader(io.StringIO(text, newline="")):
        check(row, "no blank rows in the CSV layout")
        if row[0] == "table":
            header = row[1:]
            continue
        check(header is not None, "a CSV row before any header: %r" % row)
        check(len(row) == len(header) + 1, "CSV row of %d cells under a "
              "header of %d: %r" % (len(row), len(header) + 1, row))
        name = row[0]
        if name not in tables:
            tables[name] = (header, [])
        check(tables[name][0] == header, "table %s under two headers" % name)
        tables[name][1].append(row[1:])
    return tables


def check_csv_matches(text, record):
    """Fail unless the CSV holds exactly the JSON record, table by table."""
    check(text.endswith("\r\n"), "CSV lines end with CRLF")
    tables = csv_tables(text)
    check(tables["record"][1] == [[record["format"]]], "record table")
    for name, value in record.items():
        if name == "format":
            continue
        rows = value if isinstance(value, list) else [value]
        if not rows:
            check(name not in tables, "empty table %s has no rows" % name)
            continue
        header, got = tables[name]
        check(header == list(rows[0].keys()), "CSV header of %s: %r vs %r" %
              (name, header, list(rows[0].keys())))
        want = [[csv_cell(r[k]) for k in header] for r in rows]
        check(got == want, "CSV table %s differs from the JSON:\n%r\n%r" % (
            name, got[:3], want[:3]))


def _t(s):
    b = s.encode() if isinstance(s, str) else s
    return b"T" + struct.pack(">Q", len(b)) + b


def _i(v):
    return b"I" + struct.pack(">q", v)


def _opt(s):
    return b"N" if s is None else _t(s)


def _h(*parts):
    return hashlib.sha256(b"".join(parts)).hexdigest()


def chains(db):
    """Recompute both chains of a database as docs/RECORD.md describes,
    failing at the first row whose stored hash differs; returns
    (rows, journal hash, undos, undo hash)."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    meta = dict(con.execute("SELECT key, value FROM meta"))
    genesis = _h(_t("podium/genesis/1"), _opt(meta.get("event")),
                 _opt(meta.get("mode")))
    prev, rows = genesis, 0
    for seq, kind, args, mono, wall, origin, ext, stored in con.execute(
            "SELECT seq, kind, args, mono_ms, wall_ms, origin, ext_id, hash"
            " FROM journal ORDER BY seq"):
        prev = _h(_t("podium/row/1"), _t(prev), _i(seq), _t(kind), _t(args),
                  _i(mono), _i(wall), _t(origin), _opt(ext))
        if prev != stored:
            fail("row %d: recomputed hash %s, stored %s" % (seq, prev, stored))
        rows += 1
    uprev, undos = genesis, 0
    for n, seq, undone, stored in con.execute(
            "SELECT n, seq, undone, hash FROM journal_undo ORDER BY n"):
        uprev = _h(_t("podium/undo/1"), _t(uprev), _i(n), _i(seq),
                   _i(undone))
        if uprev != stored:
            fail("undo %d: recomputed hash %s, stored %s" % (n, uprev, stored))
        undos += 1
    con.close()
    return rows, prev, undos, uprev

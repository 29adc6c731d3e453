#!/usr/bin/env python3
"""Compare tabara-mrz with an independent implementation, the Python `mrz` package (PyPI,
GPL-3.0; run as a separate program, no code of it is in Tabara), on the corpus of
`examples/corpus.rs`: the golden vectors, zones composed in every format and the same with one
character changed.

For every zone: the verdict (valid or not), each check digit's verdict, and, where both read
the zone as valid, every field. Disagreements are grouped and each group is explained or the
script fails.

    python3 compare.py CORPUS.jsonl            (bash compare/run.sh builds the corpus and a venv)
"""
import json
import sys
from collections import Counter, defaultdict

from mrz.checker.mrva import MRVACodeChecker
from mrz.checker.mrvb import MRVBCodeChecker
from mrz.checker.td1 import TD1CodeChecker
from mrz.checker.td2 import TD2CodeChecker
from mrz.checker.td3 import TD3CodeChecker

CHECKERS = {
    "TD1": TD1CodeChecker,
    "TD2": TD2CodeChecker,
    "TD3": TD3CodeChecker,
    "MRV-A": MRVACodeChecker,
    "MRV-B": MRVBCodeChecker,
}
# The check digits, by the words of the other implementation's report.
HASHES = {
    "document_number": "false document number hash",
    "birth_date": "false birth date hash",
    "expiry_date": "false expiry date hash",
    "optional_data": "false optional data hash",
    "final": "false final hash",
}
FIELDS = ["document_type", "country", "surname", "name", "document_number", "nationality",
          "birth_date", "sex", "expiry_date", "optional_data"]


def norm(field, value):
    value = (value or "").replace("<", " ").strip()
    if field == "sex" and value in ("", "X"):
        return "<"
    return " ".join(value.split())


def theirs(zone, fmt):
    try:
        c = CHECKERS[fmt](zone, check_expiry=False)
        return bool(c), list(c.report.errors), c.fields()._asdict()
    except Exception as e:  # noqa: BLE001 - a crash of the other side is a finding too
        return None, [f"exception: {type(e).__name__}: {e}"], {}


def explain(ours, their_errors, fmt):
    """Why the two disagree, when it is a known difference of rules; None otherwise."""
    details = set(ours["details"])
    errs = set(their_errors)
    if fmt in ("TD1", "TD2") and "false document number hash" in errs and ours["checks"].get("document_number") \
            and ours["fields"]["document_number"] and len(ours["fields"]["document_number"]) > 9:
        return "long document number (Doc 9303 Parts 5 and 6): the other reads only the first 9 characters"
    if details and details <= {"unknown-code", "specimen"} and not errs:
        return "state codes: Tabara checks the ICAO list, the other does not flag this code"
    if details & {"no-day", "no-month", "date-not-digits"} and not any("hash" in e for e in errs):
        return "dates: Tabara checks the calendar day, the other does not"
    if details & {"after-name", "digit-in-name", "no-primary-identifier"}:
        return "names: Tabara checks the name field's characters and fillers"
    if details & {"code-for-format", "code-second-letter"}:
        return "document codes: Tabara checks the code fits the layout"
    if details & {"filler-in-number", "no-number"}:
        return "document number: Tabara refuses fillers inside the number"
    if details & {"sex"}:
        return "sex: Tabara accepts M, F, < (and X with a warning) only"
    code = ours["fields"]["document_type"]
    if not details and errs == {"false document type format"} and code == "AC":
        return "document code AC: a crew member certificate (Doc 9303 Part 5), which the other refuses"
    if not details and errs == {"false valid genre format"} and ours["fields"]["sex"] == "<":
        return "sex X: Tabara reads it as unspecified with a warning (some issuers print it), the other refuses it"
    if not details and errs and all(not e.endswith("hash") for e in errs):
        return "the other refuses a field Tabara accepts: " + ", ".join(sorted(errs))
    return None


def main(path):
    rows = [json.loads(l) for l in open(path)]
    by_format = defaultdict(Counter)
    groups = defaultdict(list)
    field_diffs = []
    check_diffs = []
    for r in rows:
        fmt = r["format"]
        ok, errs, fields = theirs(r["zone"], fmt)
        stats = by_format[fmt]
        stats["zones"] += 1
        # Each check digit.
        for k, mine in r["checks"].items():
            if ok is None:
                break
            stats["checks"] += 1
            other = HASHES[k] not in errs
            if mine == other:
                stats["checks agree"] += 1
            else:
                check_diffs.append((r, k, mine, other, errs))
        if ok is None:
            groups["the other implementation raised an exception"].append((r, errs))
            continue
        if ok == r["valid"]:
            stats["verdicts agree"] += 1
        else:
            why = explain(r, errs, fmt) or "UNEXPLAINED"
            groups[why].append((r, errs))
        if ok and r["valid"]:
            stats["both valid"] += 1
            same = True
            for f in FIELDS:
                a = norm(f, r["fields"].get(f))
                b = norm(f, fields.get(f))
                if a != b:
                    same = False
                    field_diffs.append((r, f, a, b))
            stats["fields agree"] += same

    print(f"{len(rows)} zones read by tabara-mrz and by Python mrz")
    print(f"{'format':8} {'zones':>6} {'verdicts':>10} {'check digits':>14} {'fields (both valid)':>20}")
    for fmt, s in sorted(by_format.items()):
        pct = lambda a, b: f"{100 * a / b:6.2f} %" if b else "     -  "
        print(f"{fmt:8} {s['zones']:6} {pct(s['verdicts agree'], s['zones']):>10} "
              f"{pct(s['checks agree'], s['checks']):>14} {pct(s['fields agree'], s['both valid']):>20}")
    unexplained = 0
    if groups:
        print("\nVerdicts that differ, by reason:")
        for why, items in sorted(groups.items(), key=lambda x: -len(x[1])):
            r, errs = items[0]
            print(f"  {len(items):5}  {why}")
            print(f"         e.g. {r['format']} {r['zone']!r}: Tabara {'valid' if r['valid'] else r['details']}, "
                  f"other {errs or 'valid'}")
            if why in ("UNEXPLAINED", "the other implementation raised an exception"):
                unexplained += len(items) if why == "UNEXPLAINED" else 0
    explained_checks = 0
    if check_diffs:
        print("\nCheck digits that differ:")
        kinds = Counter()
        for r, k, mine, other, errs in check_diffs:
            why = explain(r, errs, r["format"])
            kinds[(r["format"], k, mine, other, why)] += 1
        for (fmt, k, mine, other, why), n in kinds.most_common():
            print(f"  {n:5}  {fmt} {k}: Tabara {'ok' if mine else 'fails'}, other {'ok' if other else 'fails'}"
                  f" — {why or 'UNEXPLAINED'}")
            if why is None:
                unexplained += n
            else:
                explained_checks += n
    if field_diffs:
        print("\nFields that differ where both read the zone as valid:")
        c = Counter((r["format"], f) for r, f, a, b in field_diffs)
        for (fmt, f), n in c.most_common():
            ex = next(x for x in field_diffs if x[0]["format"] == fmt and x[1] == f)
            print(f"  {n:5}  {fmt} {f}: e.g. Tabara {ex[2]!r}, other {ex[3]!r}")
        unexplained += len(field_diffs)
    print(f"\nunexplained differences: {unexplained}")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

"""Collect the reasons the matcher shows, for judging their precision by hand.

    DATABASE_URL=sqlite:////tmp/scratch.sqlite .venv/bin/flask --app wsgi:app db upgrade
    DATABASE_URL=sqlite:////tmp/scratch.sqlite .venv/bin/flask --app wsgi:app seed-demo
    DATABASE_URL=sqlite:////tmp/scratch.sqlite .venv/bin/python bench/reasons.py \
        ../shared/eval/dev/* > /tmp/reasons.tsv

Two sources:

- ``demo``: every demo graduate's "offers that fit" (the app's own functions,
  ``offers_for_profile`` then ``explain_offers``, hard conditions applied as
  on the page), the reasons of the first ``--top`` offers;
- ``dev:<set>``: the matcher fitted on a development set, ``--queries``
  queries drawn (seeded) per direction, the reasons of their first ``--top``
  results.

Each distinct (source, query term, candidate term) is one row; then
``--demo`` rows of the demo and ``--dev`` rows of the sets are drawn (seeded)
and printed as TSV (source, query_term, candidate_term).  The judgements go
into a fourth column ("yes" / "no": would a person accept this as a reason?)
kept in docs/reason_judgements.tsv; ``--judged FILE`` prints the share of
"yes" among the rows of this run that FILE judges, and the rows it does not.

``--all`` takes every distinct reason shown instead of a sample (the share
is then over the judged ones among them).  ``--reason-max-df 0.05,0.1,0.2`` repeats the reasons (not the ranking, which
the boilerplate line does not change) for each line in turn and prints the
share per line; the rows printed are those of any line that FILE does not
judge.  ``--set NAME=VALUE`` fixes another reasons' setting for every line
(a sweep of one setting at a value of another); ``--shown FILE`` writes every
row shown per line (line, source, terms, judgement) to compare what a line
removes and what takes the freed places.
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


SWEPT = "reason_max_df"


FIXED: dict = {}


def set_reason_max_df(matcher, value: float | None) -> None:
    """The swept setting of ``matcher``'s reasons (``--sweep``, default the boilerplate line; None: its
    default), with the settings of ``--set``; only the reasons change."""
    explainer = matcher.explainer
    changed = dict(FIXED)
    if value is not None:
        changed[SWEPT] = value
    explainer.config = replace(matcher.config, **changed) if changed else matcher.config
    explainer.clear()


def demo_reasons(top: int, lines=(None,)) -> dict:
    from matchmaker import create_app
    from matchmaker.extensions import db
    from matchmaker.matching import index
    from matchmaker.models import GraduateProfile
    from matchmaker.offers.queries import public_offers

    app = create_app()
    out = {line: [] for line in lines}
    with app.app_context():
        offers = list(db.session.scalars(public_offers()).unique())
        profiles = list(db.session.scalars(db.select(GraduateProfile).order_by(GraduateProfile.id)))
        pages = []
        for profile in profiles:
            if not index.profile_has_content(profile):
                continue
            pages.append((profile, index.offers_for_profile(profile, offers, strict=True, k=top)[:top]))
        for line in lines:
            set_reason_max_df(index.get_matcher(), line)
            for profile, ranked in pages:
                index.explain_offers(profile, ranked)
                for item in ranked:
                    for r in item.match.reasons:
                        out[line].append(("demo", r.query_term, r.candidate_term))
    return out


def dev_reasons(folder: str, queries: int, top: int, seed: int, lines=(None,)) -> dict:
    from matchmaker.matching.engine import Matcher
    from matchmaker.matching.evaluation import load_set

    es = load_set(folder)
    m = Matcher().fit(es.offers, es.profiles)
    rng = random.Random(seed)
    asked = [(other, doc) for side, docs, other in (("offers", es.profiles, "profiles"),
                                                    ("profiles", es.offers, "offers"))
             for doc in rng.sample(docs, min(queries, len(docs)))]
    out = {line: [] for line in lines}
    for line in lines:
        set_reason_max_df(m, line)
        for other, doc in asked:
            matches = m.rank_id(doc.id, other, k=top, explain=True)
            for match in matches[:top]:
                for r in match.reasons:
                    out[line].append((f"dev:{es.name}", r.query_term, r.candidate_term))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sets", nargs="*")
    ap.add_argument("--top", type=int, default=3)
    ap.add_argument("--queries", type=int, default=15)
    ap.add_argument("--demo", type=int, default=100)
    ap.add_argument("--dev", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--judged", help="TSV with a fourth column yes/no: print the share judged yes")
    ap.add_argument("--show-no", action="store_true", help="print the rows shown that are judged no (to stderr)")
    ap.add_argument("--all", action="store_true", help="every distinct reason shown, no sample (--demo, --dev ignored)")
    ap.add_argument("--reason-max-df", help="boilerplate lines to compare, e.g. 0.05,0.1,0.2 (default: the config's)")
    ap.add_argument("--sweep", default="reason_max_df",
                    help="the reasons' setting --reason-max-df's values are for, e.g. reason_min_link")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="a reasons' setting for every line, e.g. reason_general_zipf=5 (none: None)")
    ap.add_argument("--shown", help="write every row shown, per line, to this TSV (line first)")
    args = ap.parse_args()
    global SWEPT
    SWEPT = args.sweep
    for item in args.set:
        name, _, value = item.partition("=")
        FIXED[name] = None if value == "none" else float(value)
    shown_out = open(args.shown, "w", encoding="utf-8") if args.shown else None
    lines = [float(x) for x in args.reason_max_df.split(",")] if args.reason_max_df else [None]
    demo = demo_reasons(args.top, lines) if args.demo else {line: [] for line in lines}
    dev: dict = {line: [] for line in lines}
    for folder in args.sets:
        for line, found in dev_reasons(folder, args.queries, args.top, args.seed, lines).items():
            dev[line].extend(found)
    judged = {}
    if args.judged:
        with open(args.judged, encoding="utf-8") as fh:
            judged = {(r[0], r[1], r[2]): r[3] for r in csv.reader(fh, delimiter="\t") if len(r) >= 4}
    todo: dict = {}
    for line in lines:
        rng = random.Random(args.seed)
        rows = list(dict.fromkeys(demo[line]))
        shown = list(dict.fromkeys(dev[line]))
        if not args.all:
            rows = rng.sample(rows, min(args.demo, len(rows)))
            shown = rng.sample(shown, min(args.dev, len(shown)))
        rows += shown
        if args.judged:
            for name, part in (("all", rows), ("demo", [r for r in rows if r[0] == "demo"]),
                               ("dev", [r for r in rows if r[0] != "demo"])):
                known = [judged[r] for r in part if r in judged]
                yes = sum(1 for j in known if j == "yes")
                label = f"{SWEPT} {line}: " if line is not None else ""
                print(f"{label}{name}: judged {len(known)} of {len(part)} rows shown; yes {yes} "
                      f"({yes / max(len(known), 1):.3f})", file=sys.stderr)
        if shown_out is not None:
            for r in rows:
                print(line, *r, judged.get(r, ""), sep="\t", file=shown_out)
        if args.show_no:
            for r in rows:
                if judged.get(r) == "no":
                    print("no:", *r, sep="\t", file=sys.stderr)
        todo.update(dict.fromkeys(r for r in rows if r not in judged))
    w = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    for r in todo:
        w.writerow(r)


if __name__ == "__main__":
    main()

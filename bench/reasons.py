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
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def demo_reasons(top: int) -> list[tuple[str, str, str]]:
    from matchmaker import create_app
    from matchmaker.extensions import db
    from matchmaker.matching import index
    from matchmaker.models import GraduateProfile
    from matchmaker.offers.queries import public_offers

    app = create_app()
    out = []
    with app.app_context():
        offers = list(db.session.scalars(public_offers()).unique())
        profiles = list(db.session.scalars(db.select(GraduateProfile).order_by(GraduateProfile.id)))
        for profile in profiles:
            if not index.profile_has_content(profile):
                continue
            ranked = index.offers_for_profile(profile, offers, strict=True, k=top)[:top]
            index.explain_offers(profile, ranked)
            for item in ranked:
                for r in item.match.reasons:
                    out.append(("demo", r.query_term, r.candidate_term))
    return out


def dev_reasons(folder: str, queries: int, top: int, seed: int) -> list[tuple[str, str, str]]:
    from matchmaker.matching.engine import Matcher
    from matchmaker.matching.evaluation import load_set

    es = load_set(folder)
    m = Matcher().fit(es.offers, es.profiles)
    rng = random.Random(seed)
    out = []
    for side, docs, other in (("offers", es.profiles, "profiles"), ("profiles", es.offers, "offers")):
        for doc in rng.sample(docs, min(queries, len(docs))):
            matches = m.rank_id(doc.id, other, k=top, explain=True)
            for match in matches[:top]:
                for r in match.reasons:
                    out.append((f"dev:{es.name}", r.query_term, r.candidate_term))
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
    args = ap.parse_args()
    rng = random.Random(args.seed)
    rows = list(dict.fromkeys(demo_reasons(args.top))) if args.demo else []
    rows = rng.sample(rows, min(args.demo, len(rows)))
    dev = []
    for folder in args.sets:
        dev.extend(dev_reasons(folder, args.queries, args.top, args.seed))
    dev = list(dict.fromkeys(dev))
    rows += rng.sample(dev, min(args.dev, len(dev)))
    if args.judged:
        with open(args.judged, encoding="utf-8") as fh:
            judged = {(r[0], r[1], r[2]): r[3] for r in csv.reader(fh, delimiter="\t") if len(r) >= 4}
        for name, part in (("all", rows), ("demo", [r for r in rows if r[0] == "demo"]),
                           ("dev", [r for r in rows if r[0] != "demo"])):
            known = [judged[r] for r in part if r in judged]
            yes = sum(1 for j in known if j == "yes")
            print(f"{name}: judged {len(known)} of {len(part)} rows shown; yes {yes} ({yes / max(len(known), 1):.3f})",
                  file=sys.stderr)
        rows = [r for r in rows if r not in judged]
    w = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    for r in rows:
        w.writerow(r)


if __name__ == "__main__":
    main()

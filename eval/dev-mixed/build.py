"""Build development sets of profiles written in two languages (`headline-de+skills-en__offers-de`,
`headline-de+skills-en__offers-en`), to measure how the language of a profile is told per field.

Every profile of the project's ESCO development sets (`../shared/eval/dev`, see its README) is written in
one language in one field, so detecting the language per document or per field gives the same documents
there. A graduate often writes a German headline over English skills. These sets put the two together
for the 1,094 occupations of `titles-de`: the profile's headline is its German title from `titles-de`,
its skills the eight English skills from `skills-en__offers-en` (the same occupation has the same id in
every set); the offers and the judged pairs are those of `skills-en__offers-de` and
`skills-en__offers-en` (the pairs kept where the profile is in the cut).

Run: `python eval/dev-mixed/build.py [../shared/eval/dev]`; it writes the two folders next to this file
(they are not kept in the repository: the output is deterministic).
"""
from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _jsonl(path: Path) -> dict[str, dict]:
    with open(path, encoding="utf-8") as fh:
        return {rec["id"]: rec for rec in (json.loads(line) for line in fh if line.strip())}


def build(source: Path) -> None:
    titles = _jsonl(source / "titles-de" / "profiles.jsonl")
    skills = _jsonl(source / "skills-en__offers-en" / "profiles.jsonl")
    keys = sorted(pid for pid in titles if pid in skills)
    profiles = [{"id": pid, "lang": None, "headline": titles[pid]["headline"], "skills": skills[pid]["skills"],
                 "about": ""} for pid in keys]
    kept = set(keys)
    for lang in ("de", "en"):
        src = source / f"skills-en__offers-{lang}"
        folder = HERE / f"headline-de+skills-en__offers-{lang}"
        folder.mkdir(exist_ok=True)
        with open(folder / "profiles.jsonl", "w", encoding="utf-8") as fh:
            for rec in profiles:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        shutil.copyfile(src / "offers.jsonl", folder / "offers.jsonl")
        with open(src / "qrels.tsv", encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh, delimiter="\t"))
        with open(folder / "qrels.tsv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
            writer.writerow(rows[0])
            writer.writerows(r for r in rows[1:] if len(r) >= 3 and r[0] in kept)
        print(f"{folder.name}: {len(profiles)} profiles, {len(rows) - 1} pairs in the source")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent.parent.parent / "shared" / "eval" / "dev")

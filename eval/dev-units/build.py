"""Build the development sets for research units (`units-en__questions-de`, `units-de__questions-en`).

They are cut from the project's ESCO development sets (`../shared/eval/dev`, see its README) the same
way those are built: one ESCO occupation is one research unit and one company question, grade 2 for the
same occupation, grade 1 for a near one (the qrels of the source set, kept where both ends are in the
cut). Only occupations of research kinds are kept (the English title names an engineer, scientist,
researcher, technologist, analyst or a field of science), so the sets speak of what BTU's chairs and
labs do.

- `units-en__questions-de`: a unit lists its topics in English (the occupation's essential skills); the
  question is the German title and description. An English unit finds the German question.
- `units-de__questions-en`: a unit describes itself in German (name and expertise: the German title and
  description); the question is the English title with the English skills it needs. A German unit finds
  the English question.

Run: `python eval/dev-units/build.py [../shared/eval/dev]`. The output is deterministic.
"""
from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESEARCH = re.compile(r"\b(engineer|scientist|researcher|technologist|chemist|physicist|biologist|geologist|"
                      r"geophysicist|statistician|economist|mathematician|hydrologist|ecologist|metallurgist|"
                      r"analyst)\b", re.IGNORECASE)


def _jsonl(path: Path) -> dict[str, dict]:
    with open(path, encoding="utf-8") as fh:
        return {rec["id"]: rec for rec in (json.loads(line) for line in fh if line.strip())}


def _write_jsonl(path: Path, records: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def _qrels(path: Path) -> list[tuple[str, str, int]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t")
        next(reader)
        return [(row[0], row[1], int(row[2])) for row in reader if len(row) >= 3]


def build(source: Path) -> None:
    offers_de = _jsonl(source / "skills-en__offers-de" / "offers.jsonl")
    offers_en = _jsonl(source / "skills-en__offers-en" / "offers.jsonl")
    skills = _jsonl(source / "skills-en__offers-en" / "profiles.jsonl")
    qrels = _qrels(source / "skills-en__offers-en" / "qrels.tsv")
    keys = sorted(oid[2:] for oid, rec in offers_en.items()
                  if RESEARCH.search(rec["title"]) and oid in offers_de and f"p-{oid[2:]}" in skills)
    kept = set(keys)
    pairs = [(f"u-{p[2:]}", o, g) for p, o, g in qrels if p[2:] in kept and o[2:] in kept]

    sets = {
        "units-en__questions-de": (
            [{"id": f"u-{k}", "lang": "en", "name": "", "topics": skills[f"p-{k}"]["skills"], "expertise": "",
              "methods": "", "equipment": ""} for k in keys],
            [{"id": f"o-{k}", "lang": "de", "title": offers_de[f"o-{k}"]["title"],
              "description": offers_de[f"o-{k}"]["description"], "skills": []} for k in keys]),
        "units-de__questions-en": (
            [{"id": f"u-{k}", "lang": "de", "name": offers_de[f"o-{k}"]["title"], "topics": [],
              "expertise": offers_de[f"o-{k}"]["description"], "methods": "", "equipment": ""} for k in keys],
            [{"id": f"o-{k}", "lang": "en", "title": offers_en[f"o-{k}"]["title"], "description": "",
              "skills": skills[f"p-{k}"]["skills"]} for k in keys]),
    }
    for name, (units, questions) in sets.items():
        folder = HERE / name
        folder.mkdir(exist_ok=True)
        _write_jsonl(folder / "units.jsonl", units)
        _write_jsonl(folder / "offers.jsonl", questions)
        with open(folder / "qrels.tsv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
            writer.writerow(["unit_id", "offer_id", "grade"])
            writer.writerows(sorted(pairs))
        print(f"{name}: {len(units)} units, {len(questions)} questions, {len(pairs)} judged pairs")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent.parent.parent / "shared" / "eval" / "dev")

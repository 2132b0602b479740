"""Quality evaluation of the matcher on labelled sets.

A set is a folder with ``profiles.jsonl`` (id, lang, headline, skills, about),
``offers.jsonl`` (id, lang, title, description, skills) and ``qrels.tsv``
(header ``profile_id offer_id grade``; grade 2 = the right match, 1 = a near
one).  Every system ranks all candidates of the other side for every query,
in both directions (profile -> offers, and offer -> profiles with the qrels
read the other way).  Queries without any grade-2 candidate are skipped.

Documents are built the way the app builds them (`index.offer_document` and
`index.profile_document` on transient model objects, never added to a
session): a profile's language is not taken from the file, since the app does
not know it either (it detects it, see language.py); an offer's is, since the
company names it on the offer form (`Offer.language`).  With
``given_language=True`` every document takes the file's ``lang`` as it is
(the figures before the app's way was measured).

Metrics (per query, averaged):
- MRR: 1 / rank of the first grade-2 hit (0 if none is retrieved);
- recall@10: share of the grade-2 candidates in the top 10;
- nDCG@10: gain 2^grade - 1, ideal ranking from all judged candidates;
- MAP: average precision over the grade-2 candidates.
A candidate scored 0 counts as not retrieved (no credit from tie order).

A set of research units has ``units.jsonl`` (id, lang, name, topics, expertise,
methods, equipment) in place of the profiles, and a qrels header
``unit_id offer_id grade``: the units take the profiles' place (they are
matched with offers the same way, see `index.unit_document`), and the report
names the directions unit -> questions and question -> units.
"""
from __future__ import annotations

import csv
import json
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .engine import Document, Matcher

DIRECTIONS = ("profile->offers", "offer->profiles")
METRICS = ("mrr", "recall@10", "ndcg@10", "map")


@dataclass
class EvalSet:
    name: str
    profiles: list[Document]
    offers: list[Document]
    qrels: dict[tuple[str, str], int]  # (profile_id, offer_id) -> grade
    kind: str = "profiles"  # or "units": the profiles' place holds research units


def profile_document(rec: dict) -> Document:
    return Document(
        id=rec["id"], title=rec.get("headline") or "", skills=list(rec.get("skills") or ()),
        text=rec.get("about") or "", lang=rec.get("lang"),
    )


def offer_document(rec: dict) -> Document:
    return Document(
        id=rec["id"], title=rec.get("title") or "", skills=list(rec.get("skills") or ()),
        text=rec.get("description") or "", lang=rec.get("lang"),
    )


def unit_document(rec: dict) -> Document:
    return Document(id=rec["id"], title="", skills=list(rec.get("topics") or ()),
                    text="\n".join(rec.get(k) or "" for k in ("name", "expertise", "methods", "equipment")),
                    lang=rec.get("lang"))


def app_unit_document(rec: dict) -> Document:
    """The unit as the app would index it: a transient ResearchUnit through `index.unit_document`
    (language detected, not read from the file)."""
    from ..models import ResearchUnit
    from .index import unit_document as app_document

    unit = ResearchUnit(id=rec["id"], name=rec.get("name") or "", topics="\n".join(rec.get("topics") or ()),
                        expertise=rec.get("expertise") or "", methods=rec.get("methods") or "",
                        equipment=rec.get("equipment") or "")
    return app_document(unit)


def app_profile_document(rec: dict) -> Document:
    """The profile as the app would index it: a transient GraduateProfile through
    `index.profile_document` (personal data scrubbed, language detected, not read from the file)."""
    from ..models import GraduateProfile
    from .index import profile_document as app_document

    profile = GraduateProfile(id=rec["id"], headline=rec.get("headline") or "", skills=list(rec.get("skills") or ()),
                              about=rec.get("about") or "", name="", study_programme="", study_other="", cv_text="")
    return app_document(profile)


def app_offer_document(rec: dict) -> Document:
    """The offer as the app would index it: a transient Offer through `index.offer_document`, with the
    language the company would have chosen on the form."""
    from ..models import Offer
    from .index import offer_document as app_document

    offer = Offer(id=rec["id"], title=rec.get("title") or "", description=rec.get("description") or "",
                  required_skills=list(rec.get("skills") or ()), nice_skills=[], fields_of_study=[],
                  language=rec.get("lang") or "de")
    return app_document(offer)


def _jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_set(folder: str | Path, given_language: bool = False) -> EvalSet:
    """A set's documents, built the app's way (default) or with the file's languages."""
    folder = Path(folder)
    make_profile, make_offer = ((profile_document, offer_document) if given_language
                                else (app_profile_document, app_offer_document))
    kind = "units" if (folder / "units.jsonl").exists() else "profiles"
    if kind == "units":
        make_profile = unit_document if given_language else app_unit_document
    profiles = [make_profile(r) for r in _jsonl(folder / f"{kind}.jsonl")]
    offers = [make_offer(r) for r in _jsonl(folder / "offers.jsonl")]
    qrels = {}
    with open(folder / "qrels.tsv", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t")
        header = next(reader)
        if [h.strip() for h in header[:3]] != ["profile_id" if kind == "profiles" else "unit_id", "offer_id", "grade"]:
            raise ValueError(f"{folder}/qrels.tsv: unexpected header {header}")
        for row in reader:
            if len(row) >= 3:
                qrels[(row[0], row[1])] = int(row[2])
    return EvalSet(folder.name, profiles, offers, qrels, kind)


# -- metrics ----------------------------------------------------------------
def query_metrics(ranking: Sequence, grades: dict, k: int = 10) -> dict[str, float]:
    """Metrics of one ranking (candidate ids, best first, only retrieved
    ones) against ``grades`` (candidate id -> grade)."""
    rel = {c for c, g in grades.items() if g >= 2}
    rr, hits, ap_sum = 0.0, 0, 0.0
    for pos, c in enumerate(ranking, 1):
        if c in rel:
            hits += 1
            ap_sum += hits / pos
            if rr == 0.0:
                rr = 1.0 / pos
    top = list(ranking[:k])
    recall = sum(1 for c in top if c in rel) / len(rel) if rel else 0.0
    dcg = sum((2 ** grades.get(c, 0) - 1) / math.log2(i + 2) for i, c in enumerate(top))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return {
        "mrr": rr,
        "recall@10": recall,
        "ndcg@10": dcg / idcg if idcg > 0 else 0.0,
        "map": ap_sum / len(rel) if rel else 0.0,
    }


def mean_metrics(rows: list[dict[str, float]]) -> dict[str, float]:
    if not rows:
        return {m: 0.0 for m in METRICS} | {"queries": 0}
    return {m: float(np.mean([r[m] for r in rows])) for m in METRICS} | {"queries": len(rows)}


# -- systems ----------------------------------------------------------------
# A system takes (queries, candidates) and returns a dense score matrix
# (len(queries) x len(candidates)); fine at evaluation sizes.
def _flat(d: Document) -> str:
    return " ".join([d.title or "", *(d.skills or ()), d.text or ""])


def tfidf_scores(queries: list[Document], candidates: list[Document]) -> np.ndarray:
    """scikit-learn ``TfidfVectorizer()`` with defaults, fitted on both sides."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer()
    vec.fit([_flat(d) for d in queries + candidates])
    Q = vec.transform([_flat(d) for d in queries])
    C = vec.transform([_flat(d) for d in candidates])
    return (Q @ C.T).toarray()


def bm25_scores(queries: list[Document], candidates: list[Document]) -> np.ndarray:
    """bm25s with its defaults (Lucene BM25, k1=1.5, b=0.75, default tokenizer)."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs DEBUG lines per call
    corpus = bm25s.tokenize([_flat(d) for d in candidates], show_progress=False)
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    vocab = corpus.vocab
    out = np.zeros((len(queries), len(candidates)))
    for i, d in enumerate(queries):
        toks = [t for t in bm25s.tokenize([_flat(d)], return_ids=False, show_progress=False)[0] if t in vocab]
        if toks:
            out[i] = retriever.get_scores(toks)
    return out


def _rankings_from_scores(S: np.ndarray, candidates: list[Document]) -> list[list]:
    out = []
    ids = [d.id for d in candidates]
    for row in S:
        pos = np.flatnonzero(row > 0)
        pos = pos[np.argsort(-row[pos], kind="stable")]
        out.append([ids[j] for j in pos])
    return out


def matcher_rankings(matcher: Matcher, query_side: str, queries: list[Document]) -> list[list]:
    return [[m.id for m in matcher.rank_id(d.id, query_side, k=None, explain=False)] for d in queries]


SYSTEMS: dict[str, Callable] = {"tfidf-default": tfidf_scores, "bm25": bm25_scores}


def evaluate_set(es: EvalSet, matcher_factory: Callable[[], Matcher] | None = None) -> dict:
    """Metrics of the matcher and both baselines, both directions."""
    by_profile: dict[str, dict[str, int]] = {}
    by_offer: dict[str, dict[str, int]] = {}
    for (p, o), g in es.qrels.items():
        by_profile.setdefault(p, {})[o] = g
        by_offer.setdefault(o, {})[p] = g

    def score(rankings, queries, grades_of):
        rows = []
        for d, ranking in zip(queries, rankings):
            grades = grades_of.get(d.id, {})
            if any(g >= 2 for g in grades.values()):
                rows.append(query_metrics(ranking, grades))
        return mean_metrics(rows)

    result: dict = {"set": es.name, "kind": es.kind, "profiles": len(es.profiles), "offers": len(es.offers),
                    "systems": {}}
    matcher = (matcher_factory or Matcher)().fit(es.offers, es.profiles)
    result["systems"]["matcher"] = {
        "profile->offers": score(matcher_rankings(matcher, "profiles", es.profiles), es.profiles, by_profile),
        "offer->profiles": score(matcher_rankings(matcher, "offers", es.offers), es.offers, by_offer),
    }
    for name, fn in SYSTEMS.items():
        result["systems"][name] = {
            "profile->offers": score(_rankings_from_scores(fn(es.profiles, es.offers), es.offers), es.profiles, by_profile),
            "offer->profiles": score(_rankings_from_scores(fn(es.offers, es.profiles), es.profiles), es.offers, by_offer),
        }
    return result


def evaluate(folders: Sequence[str | Path], matcher_factory=None, given_language: bool = False) -> list[dict]:
    return [evaluate_set(load_set(f, given_language), matcher_factory) for f in folders]


# How a set of research units names the two directions.
UNIT_DIRECTIONS = {"profile->offers": "unit->questions", "offer->profiles": "question->units"}


def format_report(results: list[dict]) -> str:
    lines = []
    head = f"{'set':<24} {'direction':<16} {'system':<14} " + " ".join(f"{m:>9}" for m in METRICS) + f" {'queries':>7}"
    lines.append(head)
    lines.append("-" * len(head))
    for r in results:
        for direction in DIRECTIONS:
            for system, by_dir in r["systems"].items():
                m = by_dir[direction]
                shown = UNIT_DIRECTIONS[direction] if r.get("kind") == "units" else direction
                lines.append(
                    f"{r['set']:<24} {shown:<16} {system:<14} "
                    + " ".join(f"{m[k]:>9.3f}" for k in METRICS)
                    + f" {m['queries']:>7}"
                )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"

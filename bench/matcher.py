"""Speed of the matcher beside the naive way, on synthetic corpora.

    .venv/bin/python bench/matcher.py            # 1k, 10k and 100k
    .venv/bin/python bench/matcher.py --quick    # 1k and 10k
    .venv/bin/python bench/matcher.py --sizes 1000,10000
    .venv/bin/python bench/matcher.py --sizes 100000 --snapshot /tmp/snap   # the index of bench/snapshot.py build

For each size N: N offers and N profiles (80-300 words of free text plus a
title and skills, German or English, drawn from a vocabulary of job words and
their compounds with a Zipf-like frequency; seeded RNG).  Measures

- build: Matcher.fit over both corpora (--workers processes, default: one per cpu);
  with --snapshot, the index is loaded from a snapshot of the same corpus
  (``bench/snapshot.py build --size N``: the same generator and seed) and
  not built, so the other steps can be measured at 100k without the build's
  minutes (the build's figures are then left out);
- one query: rank_id(profile) top-10 without reasons (median and p95 over
  200 queries), and the naive way: the same stored query vector against a
  dense offer matrix (matrix-vector product with BLAS), then a full sort;
- the reasons of the 10 results of a query (Matcher.reasons);
- batch: top-10 for 1,000 profiles (Matcher.rank_batch: sparse products in
  chunks, per-row argpartition) vs dense matrix products in chunks of 100
  queries and a full sort of each row;
- add one offer: Matcher.upsert (no refit) vs the naive way (refit = build);
- memory: the offer side of the index (inverted index and rows) vs the
  dense offer matrix;
- beside what a user would pick instead, on the same offer texts in the same
  run: bm25s (its own tokenizer, German and English stop words, the Snowball
  stemmer of the document's majority language) and scikit-learn
  (TfidfVectorizer, sublinear tf, + linear_kernel).  A fresh query (a new
  profile text, not stored) is timed with its analysis: ours is
  Matcher.rank(Document, "offers", explain=False), bm25s tokenize +
  retrieve, scikit-learn transform + linear_kernel + argpartition; medians
  over --fresh queries.  The batch of 1,000 stored profiles: ours
  (rank_batch) vs scikit-learn's stored profile rows times the offer matrix
  in chunks of 128 rows, densified, argpartition per row (one thread, as
  written plainly).  Their builds (index / fit_transform) are timed too.

The naive dense matrix has every feature column that any offer uses (the
others are zero and cannot change a score).  When it would not fit in the
memory budget (--dense-budget, default 6 GiB), it is densified in chunks of
rows for every query instead (as a naive implementation without that much
memory would).  Densifying and multiplying cost time linear in the number of
rows, so then each naive query is timed on about --naive-sample GiB of
evenly spread row chunks (a different sample per query) and scaled to all
rows, plus a measured full sort of all offer scores; the naive batch is timed
the same way on 100 profiles and scaled to 1,000.  The report says so.  The
dictionary and the lemma tables are loaded before the first build (once per
process).  Timings are wall clock on a shared machine: read the medians and
the ratios; the load average is printed.
"""
from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matchmaker.matching.engine import Document, Matcher, MatcherConfig  # noqa: E402

DE_BASE = """Anlage Automatisierung Technik Steuerung Elektro Energie Wasserstoff Kraftwerk Netz Leitung Planung
Projekt Bau Beton Stahl Maschine Wartung Instandhaltung Prüfung Qualität Labor Chemie Verfahren Prozess Umwelt
Sicherheit Arbeit Schutz Logistik Lager Transport Fahrzeug Software Daten Informatik System Netzwerk Entwicklung
Forschung Messung Sensor Regelung Antrieb Motor Turbine Kessel Wärme Kälte Lüftung Sanitär Heizung Solar Wind
Batterie Speicher Recycling Kunststoff Papier Holz Glas Metall Schweiß Montage Fertigung Produktion Betrieb
Verwaltung Personal Finanz Buchhaltung Einkauf Vertrieb Kunde Service Beratung Schulung Marketing Recht Vertrag
Ingenieur Techniker Meister Leiter Fachkraft Mechaniker Elektriker Monteur Planer Entwickler Berater Assistent
Kaufmann Chemiker Laborant Informatiker Analyst Manager Koordinator Referent Sachbearbeiter Schlosser""".split()
DE_WORDS = """planen steuern warten prüfen entwickeln betreuen koordinieren analysieren überwachen dokumentieren
installieren montieren optimieren berechnen konstruieren beraten schulen verantwortlich selbstständig
erfahren zuverlässig teamfähig Kenntnisse Erfahrung Studium Ausbildung Abschluss Bereich Aufgaben Profil
Team Unternehmen Standort Industriepark Lausitz Cottbus Spremberg Schicht Vollzeit Teilzeit Gehalt Zukunft
Strukturwandel nachhaltig digital modern international innovativ technisch elektrisch chemisch""".split()
EN_WORDS = """automation engineering control system plant power energy hydrogen grid design project construction
concrete steel machine maintenance inspection quality laboratory chemistry process environment safety
occupational logistics warehouse transport vehicle software data computer network development research
measurement sensor drive motor turbine boiler heat cooling ventilation heating solar wind battery storage
recycling plastics paper wood glass metal welding assembly manufacturing production operation administration
human resources finance accounting purchasing sales customer service consulting training marketing law
contract engineer technician foreman manager specialist mechanic electrician fitter planner developer consultant
assistant chemist analyst coordinator clerk plan operate maintain test develop support coordinate analyse
monitor document install assemble optimise calculate advise teach responsible independent experienced reliable
team knowledge experience degree apprenticeship tasks profile company site region shift full time part time
salary future sustainable digital modern international innovative technical electrical chemical""".split()
STOP_DE = "der die das und in für mit von zu im auf den ein eine wir sie ist sind als bei oder".split()
STOP_EN = "the and of in for with to a an we you is are as at or on our your".split()


def vocabulary(rng: np.random.Generator):
    compounds = set()
    while len(compounds) < 3000:
        a, b = rng.choice(len(DE_BASE), 2, replace=False)
        compounds.add(DE_BASE[a] + DE_BASE[b].lower())
    de = DE_BASE + DE_WORDS + sorted(compounds)
    en = EN_WORDS + [f"{a} {b}" for a, b in zip(rng.choice(EN_WORDS, 1500), rng.choice(EN_WORDS, 1500))]
    return {"de": de, "en": en}


def zipf_p(n: int, s: float = 1.0) -> np.ndarray:
    p = 1.0 / np.arange(1, n + 1) ** s
    return p / p.sum()


def make_docs(n: int, prefix: str, vocab, rng: np.random.Generator) -> list[Document]:
    """n documents; the words of all of them are drawn at once per language
    (one Zipf draw each), then cut into titles, skills and texts."""
    stops = {"de": STOP_DE, "en": STOP_EN}
    langs = np.where(rng.random(n) < 0.6, "de", "en")
    n_title = rng.integers(1, 4, n)
    n_skill = rng.integers(4, 9, n)
    n_body = rng.integers(80, 301, n)
    per_doc = n_title + 2 * n_skill + n_body
    words_of = {}
    for lang, words in vocab.items():
        sel = langs == lang
        perm = rng.permutation(len(words))
        draw = rng.choice(len(words), int(per_doc[sel].sum()), p=zipf_p(len(words)))
        arr = np.asarray(words, dtype=object)[perm[draw]]
        words_of[lang] = (arr, np.concatenate([[0], np.cumsum(per_doc[sel])]), np.flatnonzero(sel))
    docs: list[Document | None] = [None] * n
    for lang, (arr, starts, which) in words_of.items():
        stop = stops[lang]
        for j, i in enumerate(which.tolist()):
            w = arr[starts[j] : starts[j + 1]].tolist()
            t, k, length = int(n_title[i]), int(n_skill[i]), int(n_body[i])
            body = w[t + 2 * k :]
            for pos in rng.integers(0, length, length // 4).tolist():
                body[pos] = stop[pos % len(stop)]
            docs[i] = Document(
                id=f"{prefix}{i}",
                title=" ".join(w[:t]),
                skills=[w[t + 2 * s] + " " + w[t + 2 * s + 1] for s in range(k)],
                text=" ".join(body),
                lang=lang,
            )
    return docs


def ms(x: float) -> str:
    return f"{x * 1000:.2f} ms"


class Dense:
    """The offer matrix as dense float32 (whole, or densified per chunk)."""

    def __init__(self, rows, budget: int, chunk_bytes: int = 256 << 20):
        rows = rows.tocsc()
        self.cols = np.flatnonzero(np.diff(rows.indptr))
        self.n, self.V = rows.shape[0], len(self.cols)
        self.sub = rows[:, self.cols].tocsr()
        self.full_bytes = 4 * self.n * self.V
        self.chunked = self.full_bytes > budget
        self.step = max(1, chunk_bytes // (4 * max(self.V, 1)))
        self.X = None if self.chunked else np.ascontiguousarray(self.sub.toarray().astype(np.float32))
        pos = np.full(rows.shape[1], -1, dtype=np.int64)
        pos[self.cols] = np.arange(self.V)
        self.pos = pos

    def vector(self, q) -> np.ndarray:
        v = np.zeros(self.V, dtype=np.float32)
        keep = q.indices < len(self.pos)
        p = self.pos[q.indices[keep]]
        v[p[p >= 0]] = q.data[keep][p >= 0]
        return v

    def scores(self, Qd: np.ndarray) -> np.ndarray:
        """Qd: (queries x V) dense -> (queries x n) scores."""
        if not self.chunked:
            return Qd @ self.X.T
        out = np.empty((Qd.shape[0], self.n), dtype=np.float32)
        for a in range(0, self.n, self.step):
            Xc = self.sub[a : a + self.step].toarray().astype(np.float32, copy=False)
            out[:, a : a + self.step] = Qd @ Xc.T
        return out

    def sample(self, budget: int, shift: int = 0) -> list[int]:
        """Starts of row chunks spread over the matrix, about ``budget``
        bytes when densified (shifted per query, so queries see different
        rows)."""
        starts = list(range(0, self.n, self.step))
        k = max(1, min(len(starts), budget // (4 * self.V * self.step)))
        stride = len(starts) / k
        return sorted({starts[(int(i * stride) + shift) % len(starts)] for i in range(k)})

    def partial(self, Qd: np.ndarray, starts: list[int]) -> int:
        """The chunked densify-and-multiply work for the chunks at
        ``starts`` only; returns the number of rows done (the full cost is
        linear in the rows)."""
        done = 0
        for a in starts:
            Xc = self.sub[a : a + self.step].toarray().astype(np.float32, copy=False)
            Qd @ Xc.T
            done += Xc.shape[0]
        return done


def flat(d: Document) -> str:
    """A document's text as one string (title, skills, text), as a user
    would hand it to another library."""
    return " ".join([d.title or "", " ".join(d.skills or []), d.text or ""])


def others(m: Matcher, offers: list[Document], fresh: list[Document], profiles: list[Document], bids: list,
           k: int = 10, chunk: int = 128) -> dict:
    """bm25s and scikit-learn on the same offer texts: build, a fresh query
    with its analysis (ours beside them on the same texts), the batch."""
    import bm25s
    import Stemmer
    from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_GERMAN
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import linear_kernel

    texts = [flat(d) for d in offers]
    qtexts = [flat(d) for d in fresh]
    stem = Stemmer.Stemmer("german")
    stops = list(STOPWORDS_EN) + list(STOPWORDS_GERMAN)
    out: dict = {}

    t = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, stopwords=stops, stemmer=stem, show_progress=False), show_progress=False)
    out["bm25s_build_s"] = time.perf_counter() - t
    t = time.perf_counter()
    vec = TfidfVectorizer(sublinear_tf=True, dtype=np.float32)
    X = vec.fit_transform(texts).tocsr()
    out["sk_build_s"] = time.perf_counter() - t

    ours, bm, sk = [], [], []
    for d, qt in zip(fresh, qtexts):
        t = time.perf_counter()
        m.rank(d, "offers", k=k, explain=False)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        toks = bm25s.tokenize([qt], stopwords=stops, stemmer=stem, show_progress=False)
        retriever.retrieve(toks, k=k, show_progress=False)
        bm.append(time.perf_counter() - t)
        t = time.perf_counter()
        s = linear_kernel(vec.transform([qt]), X).ravel()
        best = np.argpartition(-s, k - 1)[:k]
        best[np.argsort(-s[best])].tolist()
        sk.append(time.perf_counter() - t)
    out.update(fresh_n=len(fresh), fresh_ours_med=statistics.median(ours), fresh_bm25s_med=statistics.median(bm),
               fresh_sk_med=statistics.median(sk), fresh_ours_p95=float(np.percentile(ours, 95)),
               fresh_bm25s_p95=float(np.percentile(bm, 95)), fresh_sk_p95=float(np.percentile(sk, 95)))

    # the batch: the stored profiles' rows (transformed before, as ours are
    # stored) times the offer matrix, chunk by chunk, top-k per row
    by_id = {d.id: d for d in profiles}
    P = vec.transform([flat(by_id[i]) for i in bids]).tocsr()
    XT = X.T.tocsr()
    t = time.perf_counter()
    for a in range(0, P.shape[0], chunk):
        S = (P[a : a + chunk] @ XT).toarray()
        kk = min(k, S.shape[1])
        best = np.argpartition(-S, kk - 1, axis=1)[:, :kk]
        np.take_along_axis(S, best, axis=1).argsort(axis=1)
    out["sk_batch_s"] = time.perf_counter() - t
    return out


def loaded(folder: Path, offers: list[Document], profiles: list[Document]) -> Matcher:
    """The matcher of the current snapshot in ``folder``, checked to hold
    this corpus (the same ids and texts on both sides)."""
    from matchmaker.matching import snapshot

    m, _ = snapshot.load(snapshot.current(folder))
    for side, docs in (("offers", offers), ("profiles", profiles)):
        store = m.stores[side]
        if store.ids != [d.id for d in docs] or any(store.docs[d.id].text != d.text for d in docs[:: max(1, len(docs) // 50)]):
            raise SystemExit(f"{folder}: its {side} are not this corpus (size and seed must match bench/snapshot.py build)")
    return m


def bench(n: int, rng: np.random.Generator, queries: int = 200, batch: int = 1000, budget: int = 6 << 30,
          naive_queries: int = 20, sample_bytes: int = 1 << 30, workers: int = 1, fresh: int = 100,
          batch_threads: int | None = None, snapshot_dir: Path | None = None) -> dict:
    vocab = vocabulary(rng)
    offers = make_docs(n, "o", vocab, rng)
    profiles = make_docs(n, "p", vocab, rng)
    extra = make_docs(25, "new", vocab, rng)
    fresh_docs = [Document(None, title=d.title, skills=d.skills, text=d.text, lang=d.lang)
                  for d in make_docs(fresh, "q", vocab, rng)]
    gc.collect()

    # the dictionary and the lemma tables are loaded once per process, not
    # per index: loaded (and timed) before the build
    t = time.perf_counter()
    Matcher().analyzer.analyze(Document(None, text="Anlagen planen", lang="de"))
    Matcher().analyzer.analyze(Document(None, text="planning plants", lang="en"))
    load = time.perf_counter() - t
    if snapshot_dir is not None:
        m = loaded(snapshot_dir, offers, profiles)
        build = None
    else:
        t = time.perf_counter()
        m = Matcher(MatcherConfig(workers=workers)).fit(offers, profiles)
        build = time.perf_counter() - t
    store = m.stores["offers"]
    F = m.n_features
    # the hub values (part of the build above), timed again on their own
    hubs = None
    if build is not None:
        t = time.perf_counter()
        m.hubs.refresh_all()
        hubs = time.perf_counter() - t
    # the naive way ranks by the same key: similarity minus the offer's hub
    # value (one vector subtraction, taken from our index)
    penalty = (m.config.hub_weight * store.hub["profiles"]).astype(np.float32)

    qids = [profiles[int(j)].id for j in rng.choice(n, min(queries, n), replace=False)]
    lat, tops = [], {}
    for pid in qids:
        t = time.perf_counter()
        hits = m.rank_id(pid, "profiles", k=10, explain=False)
        lat.append(time.perf_counter() - t)
        tops[pid] = [h.id for h in hits]
    lat_reasons = []
    for pid in qids[:50]:
        t = time.perf_counter()
        m.reasons(pid, "offers", tops[pid])
        lat_reasons.append(time.perf_counter() - t)
    lat_reasons_again = []
    for pid in qids[:50]:
        t = time.perf_counter()
        m.reasons(pid, "offers", tops[pid])
        lat_reasons_again.append(time.perf_counter() - t)

    dense = Dense(store.rows, budget)
    prow = {pid: m.stores["profiles"].row(pid, F) for pid in set(qids)}
    nq = len(qids) if not dense.chunked else min(naive_queries, len(qids))
    nlat, agree = [], 0
    for i, pid in enumerate(qids[:nq]):
        if not dense.chunked:
            t = time.perf_counter()
            s = dense.scores(dense.vector(prow[pid])[None, :])[0]
            order = np.argsort(-(s - penalty))
            top = order[:10].tolist()
            nlat.append(time.perf_counter() - t)
            agree += len(set(store.ids[j] for j in top if s[j] > 0) & set(tops[pid]))
            continue
        # chunked: densify and multiply a sample of the row chunks, scale to
        # all rows, then sort a full score vector (the exact scores)
        starts = dense.sample(sample_bytes, shift=i)
        t = time.perf_counter()
        done = dense.partial(dense.vector(prow[pid])[None, :], starts)
        work = (time.perf_counter() - t) * dense.n / done
        s = (store.rows @ prow[pid].T).toarray().ravel().astype(np.float32)
        t = time.perf_counter()
        order = np.argsort(-(s - penalty))
        order[:10].tolist()
        nlat.append(work + time.perf_counter() - t)
    sampled_rows = done if dense.chunked else dense.n

    bids = [profiles[int(j)].id for j in rng.choice(n, min(batch, n), replace=False)]
    batch_runs = []
    for _ in range(3):
        t = time.perf_counter()
        m.rank_batch(bids, "profiles", k=10, threads=batch_threads)
        batch_runs.append(time.perf_counter() - t)
    batch_ours = statistics.median(batch_runs)
    side = others(m, offers, fresh_docs, profiles, bids)
    nb = len(bids) if not dense.chunked else min(100, len(bids))
    if not dense.chunked:
        t = time.perf_counter()
        for start in range(0, nb, 100):
            Q = np.stack([dense.vector(m.stores["profiles"].row(pid, F)) for pid in bids[start : min(start + 100, nb)]])
            S = dense.scores(Q)
            np.argsort(-(S - penalty), axis=1)[:, :10]
        batch_naive = time.perf_counter() - t
    else:
        Qs = [m.stores["profiles"].row(pid, F) for pid in bids[:nb]]
        t = time.perf_counter()
        Q = np.stack([dense.vector(q) for q in Qs])
        done = dense.partial(Q, dense.sample(sample_bytes))
        work = (time.perf_counter() - t) * dense.n / done
        import scipy.sparse as sp

        S = (sp.vstack(Qs).tocsr() @ store.rows.T).toarray().astype(np.float32)
        t = time.perf_counter()
        np.argsort(-(S - penalty), axis=1)[:, :10]
        batch_naive = (work + time.perf_counter() - t) * len(bids) / nb

    adds = []
    for d in extra:
        t = time.perf_counter()
        m.upsert("offers", d)
        adds.append(time.perf_counter() - t)
    mem_ours = store.memory_bytes()
    return {
        "n": n, "features": F, "dense_features": dense.V, "chunked": dense.chunked, "build_s": build, "hubs_s": hubs, "load_s": load, "workers": workers,
        "nnz_row": store.rows.nnz / max(store.rows.shape[0], 1),
        "query_med": statistics.median(lat), "query_p95": float(np.percentile(lat, 95)), "queries": len(lat),
        "reasons_med": statistics.median(lat_reasons), "reasons_p95": float(np.percentile(lat_reasons, 95)),
        "reasons_again_med": statistics.median(lat_reasons_again),
        "naive_query_med": statistics.median(nlat), "naive_query_p95": float(np.percentile(nlat, 95)),
        "naive_queries": nq, "top10_agree": agree / (10 * nq) if not dense.chunked else None,
        "naive_sampled_rows": sampled_rows,
        "batch_s": batch_ours, "naive_batch_s": batch_naive, "batch_queries": len(bids), "naive_batch_measured": nb,
        "add_med": statistics.median(adds), "add_p95": float(np.percentile(adds, 95)), "naive_add_s": build,
        "mem_ours": mem_ours, "mem_naive": dense.full_bytes, "batch_threads": batch_threads or os.cpu_count() or 1,
        **side,
    }


def report(r: dict) -> str:
    mb = 1 << 20
    how = (f"{r['mem_naive'] / mb:,.0f} MB would not fit the budget: densified in chunks, timed on "
           f"{r['naive_sampled_rows']:,} of {r['n']:,} rows per query and scaled to all rows"
           if r["chunked"] else "held in memory")
    agree = f"{r['top10_agree']:.0%}" if r["top10_agree"] is not None else "n/a (sampled)"
    built = r["build_s"] is not None
    lines = [
        f"== {r['n']:,} offers + {r['n']:,} profiles  ({r['features']:,} features, {r['nnz_row']:.0f} per offer row; "
        f"naive dense: {r['dense_features']:,} columns, {how})",
        f"  build (fit both corpora)      {r['build_s']:8.1f} s   ({r['workers']} worker processes; hub values again in one process {r['hubs_s']:.1f} s; dictionary and lemma tables loaded before: {r['load_s']:.1f} s)"
        if built else "  build                         not measured: the index was loaded from a snapshot (--snapshot)",
        f"  one query top-10, median      {ms(r['query_med']):>12}   naive {ms(r['naive_query_med']):>12}   ratio {r['naive_query_med'] / r['query_med']:6.1f}x"
        f"   (ours over {r['queries']} queries, naive over {r['naive_queries']}; same top-10: {agree})",
        f"  one query top-10, p95         {ms(r['query_p95']):>12}   naive {ms(r['naive_query_p95']):>12}",
        f"  reasons for the 10 results    {ms(r['reasons_med']):>12}   (p95 {ms(r['reasons_p95'])}; cached words: {ms(r['reasons_again_med'])})",
        f"  batch {r['batch_queries']} profiles          {r['batch_s']:9.2f} s   naive {r['naive_batch_s']:9.2f} s   ratio {r['naive_batch_s'] / r['batch_s']:6.1f}x"
        + (f"   (naive timed on {r['naive_batch_measured']}, scaled)" if r["naive_batch_measured"] != r["batch_queries"] else ""),
        f"  add one offer, median         {ms(r['add_med']):>12}   (p95 {ms(r['add_p95'])})"
        + (f"   naive (refit) {r['naive_add_s']:.1f} s   ratio {r['naive_add_s'] / r['add_med']:8.0f}x" if built else ""),
        f"  offer index memory            {r['mem_ours'] / mb:9.1f} MB   naive {r['mem_naive'] / mb:9.1f} MB   ratio {r['mem_naive'] / r['mem_ours']:6.1f}x",
        f"  -- beside bm25s and scikit-learn (same offer texts, same run; ratio = theirs / ours, > 1: ours faster)",
        f"  fresh query with analysis     {ms(r['fresh_ours_med']):>12}   bm25s {ms(r['fresh_bm25s_med']):>10} ({r['fresh_bm25s_med'] / r['fresh_ours_med']:.2f}x)"
        f"   scikit-learn {ms(r['fresh_sk_med']):>10} ({r['fresh_sk_med'] / r['fresh_ours_med']:.2f}x)   medians over {r['fresh_n']}",
        f"  fresh query, p95              {ms(r['fresh_ours_p95']):>12}   bm25s {ms(r['fresh_bm25s_p95']):>10}          scikit-learn {ms(r['fresh_sk_p95']):>10}",
        f"  batch {r['batch_queries']} profiles          {r['batch_s']:9.2f} s   scikit-learn chunks {r['sk_batch_s']:.2f} s ({r['sk_batch_s'] / r['batch_s']:.2f}x)"
        f"   (ours: median of 3, {r['batch_threads']} threads)",
        f"  build                         " + (f"{r['build_s']:8.1f} s" if built else "     n/a  ")
        + f"   bm25s {r['bm25s_build_s']:.1f} s   scikit-learn {r['sk_build_s']:.1f} s",
    ]
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated corpus sizes")
    ap.add_argument("--quick", action="store_true", help="only 1,000 and 10,000")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dense-budget", type=float, default=6.0, help="GiB for the naive dense matrix")
    ap.add_argument("--naive-queries", type=int, default=20, help="naive queries when densified in chunks")
    ap.add_argument("--naive-sample", type=float, default=1.0,
                    help="GiB of offer rows densified per naive query when densified in chunks (then scaled)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for the build (MatcherConfig.workers)")
    ap.add_argument("--fresh", type=int, default=100, help="fresh (not stored) queries beside bm25s and scikit-learn")
    ap.add_argument("--batch-threads", type=int, default=None, help="threads of rank_batch (default: one per cpu)")
    ap.add_argument("--snapshot", type=Path, default=None,
                    help="load the index from this snapshot folder (bench/snapshot.py build, same size) instead of building it")
    ap.add_argument("--json", action="store_true", help="also print each result as a JSON line")
    args = ap.parse_args(argv)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    sizes = [1000, 10000] if args.quick else [int(s) for s in args.sizes.split(",")]
    print(f"matcher bench  (python {sys.version.split()[0]}, {os.cpu_count()} cpus, seed {args.seed}, "
          "load average %.1f %.1f %.1f)" % os.getloadavg(), flush=True)
    t0 = time.perf_counter()
    for n in sizes:
        r = bench(n, np.random.default_rng(args.seed + n), budget=int(args.dense_budget * (1 << 30)),
                  naive_queries=args.naive_queries, sample_bytes=int(args.naive_sample * (1 << 30)), workers=args.workers,
                  fresh=args.fresh, batch_threads=args.batch_threads, snapshot_dir=args.snapshot)
        print(report(r), flush=True)
        print("  load average (1/5/15 min) after this size: %.1f %.1f %.1f" % os.getloadavg(), flush=True)
        if args.json:
            print(json.dumps(r), flush=True)
    print(f"total {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()

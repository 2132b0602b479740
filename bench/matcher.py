"""Speed of the matcher beside the naive way, on synthetic corpora.

    .venv/bin/python bench/matcher.py [--sizes 1000,10000,100000] [--quick]

For each size N: N offers and N profiles (80-300 words of free text plus a
title and skills, German or English, drawn from a vocabulary of job words and
their compounds with a Zipf-like frequency; seeded RNG).  Measures

- build: Matcher.fit over both corpora;
- one query: rank_id(profile) top-10 (median and p95 over 200 queries), and
  the naive way: the same query vector against a dense offer matrix
  (matrix-vector product with BLAS), then a full sort;
- batch: 1,000 profiles against all offers, both ways;
- add one offer: Matcher.upsert (no refit) vs the naive way (refit);
- memory: the inverted index of the offers vs the dense offer matrix.

The naive dense matrix holds only the V most frequent features when the full
vocabulary would not fit (V x N x 4 bytes <= 1 GiB); that makes the naive
side cheaper than it really is, so the ratios are conservative.  Timings
are wall clock on a shared machine: read the medians and the ratios.
"""
from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matchmaker.matching.engine import Document, Matcher  # noqa: E402

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
    docs = []
    probs = {lang: zipf_p(len(words)) for lang, words in vocab.items()}
    perms = {lang: rng.permutation(len(words)) for lang, words in vocab.items()}
    stops = {"de": STOP_DE, "en": STOP_EN}
    for i in range(n):
        lang = "de" if rng.random() < 0.6 else "en"
        words, p, perm = vocab[lang], probs[lang], perms[lang]

        def draw(k):
            return [words[perm[j]] for j in rng.choice(len(words), k, p=p)]

        length = int(rng.integers(80, 301))
        body = draw(length)
        for j in rng.integers(0, length, length // 4):
            body[j] = stops[lang][int(j) % len(stops[lang])]
        docs.append(
            Document(
                id=f"{prefix}{i}",
                title=" ".join(draw(int(rng.integers(1, 4)))),
                skills=[" ".join(draw(2)) for _ in range(int(rng.integers(4, 9)))],
                text=" ".join(body),
                lang=lang,
            )
        )
    return docs


def ms(x: float) -> str:
    return f"{x * 1000:.2f} ms"


def bench(n: int, rng: np.random.Generator, queries: int = 200, batch: int = 1000, budget: int = 1 << 30) -> dict:
    vocab = vocabulary(rng)
    offers = make_docs(n, "o", vocab, rng)
    profiles = make_docs(n, "p", vocab, rng)
    extra = make_docs(25, "new", vocab, rng)
    gc.collect()

    t = time.perf_counter()
    m = Matcher().fit(offers, profiles)
    build = time.perf_counter() - t
    store = m.stores["offers"]

    qids = [profiles[int(j)].id for j in rng.choice(n, min(queries, n), replace=False)]
    lat = []
    for pid in qids:
        t = time.perf_counter()
        m.rank_id(pid, "profiles", k=10, explain=False)
        lat.append(time.perf_counter() - t)
    lat_explain = []
    for pid in qids[:50]:
        t = time.perf_counter()
        m.rank_id(pid, "profiles", k=10, explain=True)
        lat_explain.append(time.perf_counter() - t)

    # naive: dense offer matrix (most frequent V features if the full one would not fit)
    F = m.n_features
    df = np.diff(store.index.indptr)
    V = int(min(F, budget // (4 * n)))
    cols = np.sort(np.argsort(-df, kind="stable")[:V])
    X = np.ascontiguousarray(store.index[cols].T.toarray().astype(np.float32))  # n x V
    col_pos = np.full(F, -1, dtype=np.int64)
    col_pos[cols] = np.arange(V)

    def dense_query(doc) -> np.ndarray:
        q = m.transform([doc])
        v = np.zeros(V, dtype=np.float32)
        pos = col_pos[q.indices[q.indices < F]]
        keep = pos >= 0
        v[pos[keep]] = q.data[q.indices < F][keep]
        return v

    pdocs = {d.id: d for d in profiles}
    nlat = []
    for pid in qids:
        t = time.perf_counter()
        s = X @ dense_query(pdocs[pid])
        order = np.argsort(-s)
        order[:10].tolist()
        nlat.append(time.perf_counter() - t)

    bids = [profiles[int(j)].id for j in rng.choice(n, min(batch, n), replace=False)]
    t = time.perf_counter()
    for pid in bids:
        m.rank_id(pid, "profiles", k=10, explain=False)
    batch_ours = time.perf_counter() - t
    t = time.perf_counter()
    for start in range(0, len(bids), 100):
        Q = np.stack([dense_query(pdocs[pid]) for pid in bids[start : start + 100]])
        S = Q @ X.T
        np.argsort(-S, axis=1)[:, :10]
    batch_naive = time.perf_counter() - t

    adds = []
    for d in extra:
        t = time.perf_counter()
        m.upsert("offers", d)
        adds.append(time.perf_counter() - t)
    # naive add: refit everything (measured once, it is the same as a build)
    refit = build

    mem_ours = store.memory_bytes()
    mem_naive = X.nbytes
    mem_naive_full = 4 * n * F
    return {
        "n": n, "features": F, "dense_features": V, "build_s": build,
        "query_med": statistics.median(lat), "query_p95": float(np.percentile(lat, 95)),
        "query_explain_med": statistics.median(lat_explain),
        "naive_query_med": statistics.median(nlat), "naive_query_p95": float(np.percentile(nlat, 95)),
        "batch_s": batch_ours, "naive_batch_s": batch_naive, "batch_queries": len(bids),
        "add_med": statistics.median(adds), "add_max": max(adds), "naive_add_s": refit,
        "mem_ours": mem_ours, "mem_naive": mem_naive, "mem_naive_full": mem_naive_full,
    }


def report(r: dict) -> str:
    mb = 1 << 20
    lines = [
        f"== {r['n']:,} offers + {r['n']:,} profiles  ({r['features']:,} features; naive dense uses {r['dense_features']:,})",
        f"  build (fit both corpora)      {r['build_s']:8.1f} s",
        f"  one query top-10, median      {ms(r['query_med']):>12}   naive {ms(r['naive_query_med']):>12}   ratio {r['naive_query_med'] / r['query_med']:6.1f}x",
        f"  one query top-10, p95         {ms(r['query_p95']):>12}   naive {ms(r['naive_query_p95']):>12}",
        f"  one query with reasons, med   {ms(r['query_explain_med']):>12}",
        f"  batch {r['batch_queries']} profiles          {r['batch_s']:9.2f} s   naive {r['naive_batch_s']:9.2f} s   ratio {r['naive_batch_s'] / r['batch_s']:6.1f}x",
        f"  add one offer, median         {ms(r['add_med']):>12}   naive (refit) {r['naive_add_s']:.1f} s   ratio {r['naive_add_s'] / r['add_med']:8.0f}x   (max {ms(r['add_max'])})",
        f"  offer index memory            {r['mem_ours'] / mb:9.1f} MB   naive {r['mem_naive'] / mb:9.1f} MB   ratio {r['mem_naive'] / r['mem_ours']:6.1f}x"
        f"   (full-vocabulary dense: {r['mem_naive_full'] / mb:,.0f} MB)",
    ]
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated corpus sizes")
    ap.add_argument("--quick", action="store_true", help="only 1,000 and 10,000")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    sizes = [1000, 10000] if args.quick else [int(s) for s in args.sizes.split(",")]
    print(f"matcher bench  (python {sys.version.split()[0]}, {os.cpu_count()} cpus, seed {args.seed})")
    for n in sizes:
        r = bench(n, np.random.default_rng(args.seed + n))
        print(report(r), flush=True)


if __name__ == "__main__":
    main()

"""What the matcher's dictionaries cost a process: the time until a fresh process is ready, and what a
worker forked after loading writes of its own while it analyses.

    .venv/bin/python bench/dictionaries.py fresh --repeat 5   # fresh processes, time by phase
    .venv/bin/python bench/dictionaries.py worker --repeat 3  # two forked workers, 600 new documents each
    .venv/bin/python bench/dictionaries.py fresh --code ../other-checkout   # the same of another checkout

`fresh` times, in a new process each time: the imports, the bridge, the two thesauri, the analyser's
tables (`Matcher()`), the first analysis of two short texts with the typo indexes (as
`snapshot.restore` warms a serving process), then the analysis of a first query text; medians.
`worker` loads as a serving process does, forks two workers (as gunicorn --preload does) that analyse
the same 600 documents of the dev sets (title, skills, text; every unit expanded into its features),
and reads /proc/<pid>/smaps_rollup of both while both are alive: what each wrote (Private_Dirty), its
USS and PSS; and the median time of a document's analysis. `--warm-fast` runs the fast path of
`analyze` (no provenance) once in the parent too. Nothing depends on the corpus size. Run it beside the
other code's checkout (old and new alternating) on the same machine; the load average is printed.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = Path(os.environ.get("MATCHER_EVAL_DIR", "/work/shared/eval/dev"))
WARM = (("de", "Anlagen planen und prüfen"), ("en", "planning and testing plants"))
QUERY = dict(
    title="Qualitätsingenieur Schweißtechnik", skills=("Python", "Datenanalyse", "Prüfung"), lang="de",
    text="Wir suchen eine Qualitätsingenieurin für die Prüfung von Schweißnähten und die Instandhaltung unserer "
         "Produktionsanlagen. Erfahrung mit SAP S/4HANA und Maschinenbau, Kenntnisse in Python und Datenanalyse.")


def phases() -> dict:
    t0 = time.perf_counter()
    from matchmaker.matching.bridge import default_bridge
    from matchmaker.matching.engine import Document, Matcher
    from matchmaker.matching.thesaurus import default_thesaurus
    out, t = {}, time.perf_counter()
    out["import_s"] = t - t0
    thesauri = lambda: (default_thesaurus("de"), default_thesaurus("en"))  # noqa: E731
    for name, step in (("bridge_s", default_bridge), ("thesauri_s", thesauri)):
        step()
        out[name], t = time.perf_counter() - t, time.perf_counter()
    m = Matcher()
    out["analyser_s"], t = time.perf_counter() - t, time.perf_counter()
    for lang, text in WARM:
        m.analyzer.analyze(Document(None, title=text, skills=(text,), text=text, lang=lang), provenance=True)
        m.analyzer._dictionary_typos(lang)
    out["first_analysis_s"] = time.perf_counter() - t
    out["ready_s"] = time.perf_counter() - t0
    t = time.perf_counter()
    m.analyzer.analyze(Document(None, **QUERY))
    out["first_query_s"] = time.perf_counter() - t
    return out


def rollup(pid="self") -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":", 1)
        out[key] = int(value.split()[0])  # kB
    return out


def documents(per_file: int = 100):
    from matchmaker.matching.engine import Document

    docs = []
    for name in ("titles-de", "skills-en__offers-de", "skills-en__offers-en"):
        for kind in ("profiles", "offers"):
            with open(EVAL / name / f"{kind}.jsonl", encoding="utf-8") as f:
                for _, line in zip(range(per_file), f):
                    d = json.loads(line)
                    docs.append(Document(None, title=d.get("title") or "", skills=tuple(d.get("skills") or ()),
                                         text=d.get("description") or d.get("text") or "", lang=d.get("lang")))
    return docs


def worker(warm_fast: bool) -> dict:
    import gc

    from matchmaker.matching.engine import Document, Matcher

    docs = documents()
    a = Matcher().analyzer
    for lang, text in WARM:
        a.analyze(Document(None, title=text, skills=(text,), text=text, lang=lang), provenance=True)
        a._dictionary_typos(lang)
        if warm_fast:
            a.analyze(Document(None, title=text, skills=(text,), text=text, lang=lang))
    gc.freeze()  # as index.warm_start does
    r, w = os.pipe()
    go_r, go_w = os.pipe()
    pids = []
    for _ in range(2):
        pid = os.fork()
        if pid == 0:
            times = []
            for d in docs:
                t = time.perf_counter()
                units, _, _ = a.analyze(d)
                for key in units:
                    a.expand(key)
                times.append(time.perf_counter() - t)
            os.write(w, (json.dumps(statistics.median(times)) + "\n").encode())
            os.read(go_r, 1)  # alive until the parent has read both workers' pages
            os._exit(0)
        pids.append(pid)
    os.close(w)
    data = b""
    while data.count(b"\n") < 2:
        data += os.read(r, 4096)
    rolls = [rollup(p) for p in pids]  # both alive: a page both have read is shared
    os.write(go_w, b"xx")
    for p in pids:
        os.waitpid(p, 0)
    return {
        "documents": len(docs),
        "analysis_ms_median": 1000 * statistics.mean(json.loads(x) for x in data.decode().split()),
        "worker_private_dirty_mb": [round(x["Private_Dirty"] / 1024, 1) for x in rolls],
        "worker_uss_mb": [round((x["Private_Dirty"] + x["Private_Clean"]) / 1024, 1) for x in rolls],
        "worker_pss_mb": [round(x["Pss"] / 1024, 1) for x in rolls],
        "parent_rss_mb": round(rollup()["Rss"] / 1024, 1),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["fresh", "worker", "_fresh", "_worker"])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--warm-fast", action="store_true")
    ap.add_argument("--code", type=Path, default=ROOT, help="the checkout whose matcher is measured")
    args = ap.parse_args(argv)
    if args.what.startswith("_"):  # one run, in this process
        print(json.dumps(phases() if args.what == "_fresh" else worker(args.warm_fast)))
        return
    env = dict(os.environ, PYTHONPATH=str(args.code.resolve()))
    cmd = [sys.executable, __file__, "_" + args.what] + (["--warm-fast"] if args.warm_fast else [])
    runs, load = [], os.getloadavg()
    for _ in range(args.repeat):
        runs.append(json.loads(subprocess.check_output(cmd, env=env, cwd=args.code)))
    med = {}
    for key, value in runs[0].items():
        if isinstance(value, list):
            med[key] = [statistics.median(r[key][i] for r in runs) for i in range(len(value))]
        else:
            med[key] = round(statistics.median(r[key] for r in runs), 4)
    print(json.dumps({"median": med, "runs": runs, "loadavg": [load, os.getloadavg()]}, indent=1))


if __name__ == "__main__":
    main()

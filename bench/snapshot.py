"""Loading the index snapshot, and the memory each gunicorn worker adds, on the corpus of bench/matcher.py.

    .venv/bin/python bench/snapshot.py build --size 100000 --dir /tmp/snap   # fit and publish a snapshot
    .venv/bin/python bench/snapshot.py measure --dir /tmp/snap --workers 2,4

`build` fits N offers + N profiles (bench/matcher.py's generator, seeded) and publishes them as a
snapshot (matching/snapshot.py); it prints the fit and save times and the peak resident memory of
the process and of the largest fit worker. `measure` times loading the current snapshot in fresh processes
(median of --repeat, 5), then starts gunicorn with --preload and W workers on a small WSGI app that loads the
snapshot in the master and ranks offers for a stored profile on every request; after the same
requests reach every worker it reads /proc/<pid>/smaps_rollup: a worker's USS (private pages:
what it alone maps) and its private dirty part (what it alone wrote: the rest of the USS is file pages
of the snapshot only it has read so far), and PSS, beside the master's RSS. Run on a quiet machine; the load average is
printed.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

APP = '''
import os, random
from matchmaker.matching import snapshot
matcher, meta = snapshot.load(snapshot.current(os.environ["SNAP_DIR"]))
ids = matcher.ids("profiles")
import gc; gc.freeze()  # as index.warm_start does: the loaded objects stay out of the collector's passes

def app(environ, start_response):
    pid = random.choice(ids)
    hits = matcher.rank_id(pid, "profiles", k=10)
    body = (str(os.getpid()) + " " + " ".join(str(h.id) for h in hits)).encode()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]
'''


def build(size: int, folder: Path, workers: int) -> None:
    import numpy as np

    from bench.matcher import make_docs, vocabulary
    from matchmaker.matching import snapshot
    from matchmaker.matching.engine import Matcher, MatcherConfig

    rng = np.random.default_rng(7 + size)
    vocab = vocabulary(rng)
    offers, profiles = make_docs(size, "o", vocab, rng), make_docs(size, "p", vocab, rng)
    t = time.perf_counter()
    m = Matcher(MatcherConfig(workers=workers)).fit(offers, profiles)
    fit = time.perf_counter() - t
    t = time.perf_counter()
    snapshot.publish(folder, lambda path: snapshot.save(m, path, {"version": 0, "size": size}))
    save = time.perf_counter() - t
    import resource

    # peak resident memory (ru_maxrss, kB on Linux): this process, and the largest of the fit's workers
    peak = {"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "peak_rss_mb_fit_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}
    print(json.dumps({"size": size, "fit_s": round(fit, 1), "save_s": round(save, 1), "features": m.n_features,
                      **peak, "loadavg": os.getloadavg()}), flush=True)


def rollup(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":", 1)
        out[key] = int(value.split()[0])  # kB
    out["USS"] = out.get("Private_Clean", 0) + out.get("Private_Dirty", 0)
    return out


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def measure(folder: Path, workers: list[int], port: int, repeat: int = 5) -> None:
    code = ("import time, sys; t=time.perf_counter(); from matchmaker.matching import snapshot; "
            f"m, meta = snapshot.load(snapshot.current({str(folder)!r})); "
            "print(time.perf_counter()-t)")
    # the dictionaries and lemma tables are loaded by every process at start, snapshot or not: timed apart
    base = ("import time; t=time.perf_counter(); from matchmaker.matching.engine import Document, Matcher; m = Matcher(); "
            "[m.analyzer.analyze(Document(None, title=x, skills=(x,), text=x, lang=lg), provenance=True) "
            "for lg, x in (('de', 'Anlagen planen und prüfen'), ('en', 'planning and testing plants'))]; "
            "print(time.perf_counter()-t)")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    loads, bases = [], []
    for _ in range(repeat):
        loads.append(float(subprocess.check_output([sys.executable, "-c", code], env=env, cwd=ROOT)))
        bases.append(float(subprocess.check_output([sys.executable, "-c", base], env=env, cwd=ROOT)))
    result = {"load_s_median": round(statistics.median(loads), 3), "dictionaries_s_median": round(statistics.median(bases), 3),
              "snapshot_load_s_median": round(statistics.median(loads) - statistics.median(bases), 3),
              "disk_mb": round(sum(p.stat().st_size for p in snapshot_files(folder)) / 2**20, 1),
              "loadavg": os.getloadavg(), "workers": {}}
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "snapapp.py").write_text(APP)
        for w in workers:
            env2 = dict(env, SNAP_DIR=str(folder), PYTHONPATH=f"{tmp}:{ROOT}")
            gunicorn = str(Path(sys.executable).with_name("gunicorn"))
            proc = subprocess.Popen([gunicorn, "--preload", "-w", str(w), "-b", f"127.0.0.1:{port}", "snapapp:app"],
                                    env=env2, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                t = time.perf_counter()
                while True:
                    try:
                        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
                        break
                    except OSError:
                        if time.perf_counter() - t > 300:
                            raise
                        time.sleep(0.2)
                ready = time.perf_counter() - t
                pids = set()
                for _ in range(200 * w):
                    pids.add(urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).read().split()[0])
                master = rollup(proc.pid)
                ws = [rollup(p) for p in children(proc.pid)]
                result["workers"][w] = {
                    "ready_s": round(ready, 2), "workers_answered": len(pids),
                    "master_rss_mb": round(master["Rss"] / 1024, 1),
                    "worker_uss_mb": [round(x["USS"] / 1024, 1) for x in ws],
                    # of it written by the worker itself (its heap, its copies): the rest of the USS is
                    # the snapshot's file pages only it has read, page cache that another process shares
                    "worker_private_dirty_mb": [round(x.get("Private_Dirty", 0) / 1024, 1) for x in ws],
                    "worker_pss_mb": [round(x["Pss"] / 1024, 1) for x in ws],
                    "worker_rss_mb": [round(x["Rss"] / 1024, 1) for x in ws],
                }
            finally:
                proc.terminate()
                proc.wait(30)
    print(json.dumps(result, indent=1), flush=True)


def snapshot_files(folder: Path):
    from matchmaker.matching import snapshot

    return list(snapshot.current(folder).iterdir())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["build", "measure"])
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--dir", type=Path, required=True)
    ap.add_argument("--workers", default="2,4")
    ap.add_argument("--fit-workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--port", type=int, default=5350)
    ap.add_argument("--repeat", type=int, default=5, help="fresh processes timed loading the snapshot")
    args = ap.parse_args(argv)
    if args.what == "build":
        build(args.size, args.dir, args.fit_workers)
    else:
        measure(args.dir, [int(w) for w in args.workers.split(",")], args.port, args.repeat)


if __name__ == "__main__":
    main()

"""The forked worker processes of a large fit: analysis, the two weighting passes, hub values.

Each function here runs in a process forked from the fitting one, so it
inherits what it works on (the documents, the analyser, the vectoriser, the
stores' rows) through ``_FORK_STATE`` instead of receiving it pickled; only
the results (and, for the passes, the fitted IDF) cross the pipes.  The
results are the same as without workers.  This module knows nothing of the
matcher: its callers hand in the objects the workers use.
"""
from __future__ import annotations

import os

import numpy as np
import scipy.sparse as sp

_FORK_STATE: dict = {}

ANALYSE_CHUNK = 2000  # documents per task when analysing in worker processes
HUB_CHUNK = 8192  # rows per task when hub values are computed in worker processes
# Bytes of expanded counts a fit worker keeps from the first pass to the
# second (about 150 MB a chunk of 8,192 synthetic documents); chunks beyond
# that are expanded again in the second pass.
KEEP_BYTES = 512 << 20


# ---- analysis ---------------------------------------------------------------------------------

def _fork_analyse(bounds):
    """Analyse docs[a:b] (see :func:`analyse_chunks`).  A worker numbers the
    keys it meets once for its whole life (not per chunk) and returns only
    the keys it has not returned before, so each key crosses the pipe and is
    looked up in the index about once per worker, not once per chunk."""
    a, b = bounds
    st = _FORK_STATE
    pid = os.getpid()
    mine = st.get("keys")
    if mine is None or mine[0] != pid:
        mine = st["keys"] = (pid, {}, {})
    _, ukeys, dkeys = mine
    analyze = st["an"].analyze
    unew: list = []
    dnew: list = []
    ufirst, dfirst, tc, tv, tl, dc, dv, dl, lens = [], [], [], [], [], [], [], [], []
    for r, doc in enumerate(st["docs"][a:b]):
        units, direct, _ = analyze(doc)
        for keys, new, first, d, cols, vals, ls in (
            (ukeys, unew, ufirst, units, tc, tv, tl),
            (dkeys, dnew, dfirst, direct, dc, dv, dl),
        ):
            c = list(map(keys.get, d))
            if None in c:
                ks = list(d)
                for j, x in enumerate(c):
                    if x is None:
                        k = ks[j]
                        c[j] = keys[k] = len(keys)
                        new.append(k)
                        first.append(r)
            cols.extend(c)
            vals.extend(d.values())
            ls.append(len(c))
        lens.append(sum(v for k, v in units.items() if k[0] == "t"))
    return (
        pid, unew, ufirst, np.asarray(tc, dtype=np.int64), np.asarray(tv, dtype=np.float64), tl,
        dnew, dfirst, np.asarray(dc, dtype=np.int64), np.asarray(dv, dtype=np.float64), dl, lens,
    )


def analyse_chunks(analyzer, docs: list, workers: int):
    """Per chunk of ``ANALYSE_CHUNK`` documents, in order: the worker's pid,
    the unit keys it returns for the first time (with the document of the
    chunk where each first appears), its key numbers and counts per
    document, the same for the direct features, and the documents' lengths.
    The caller turns the workers' key numbers into ids (vectorise.py)."""
    import multiprocessing

    bounds = [(a, min(a + ANALYSE_CHUNK, len(docs))) for a in range(0, len(docs), ANALYSE_CHUNK)]
    _FORK_STATE.update(an=analyzer, docs=docs)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_fork_analyse, bounds)
    finally:
        _FORK_STATE.clear()


# ---- the two passes of a fit ------------------------------------------------------------------

def _pass_worker(conn, starts: list[int]) -> None:
    """Both passes of a fit over the chunks at ``starts`` (in a forked
    process that inherits the vectoriser and the analysed corpus): expand
    each chunk once, send the document frequencies, receive the IDF, then
    send the weighted rows of each chunk from the counts kept in between."""
    try:
        st = _FORK_STATE
        v, T, B, lengths, step, sure = st["v"], st["T"], st["B"], st["lengths"], st["step"], st["sure"]
        F = v.n_features
        kept: list[sp.csr_matrix | None] = []
        room = KEEP_BYTES
        df = np.zeros(F, dtype=np.int64)
        for a in starts:
            D = v.expand(T[a : a + step], B[a : a + step], drop=sure)
            df += np.bincount(D.indices, minlength=F)
            size = D.data.nbytes + D.indices.nbytes + D.indptr.nbytes
            if size <= room:
                room -= size
            else:
                D = None
            kept.append(D)
        conn.send(("df", df))
        del df
        v.set_idf_state(conn.recv())
        for i, a in enumerate(starts):
            D, kept[i] = kept[i], None
            if D is None:  # not kept: expanded again, without the cut features
                D = v.expand(T[a : a + step], B[a : a + step], cut=True)
            conn.send(("rows", a, v.chunk_rows(D, lengths[a : a + step])))
    except BaseException:
        import traceback

        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


class PassWorkers:
    """Forked processes for the two passes of a large fit; chunk i goes to
    worker i % workers, which keeps its chunks' expanded counts from the
    first pass to the second (up to ``KEEP_BYTES``; nothing is pickled on
    the way in but the IDF)."""

    def __init__(self, workers: int, vectoriser, T, B, lengths, step: int, starts: list[int], sure=None):
        self.v, self.workers, self.starts = vectoriser, min(workers, len(starts)), starts
        self.procs: list = []
        self.conns: list = []
        self._state = dict(v=vectoriser, T=T, B=B, lengths=lengths, step=step, sure=sure)

    def __enter__(self):
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        _FORK_STATE.update(self._state)
        try:
            for w in range(self.workers):
                here, there = ctx.Pipe()
                p = ctx.Process(target=_pass_worker, args=(there, self.starts[w :: self.workers]), daemon=True)
                p.start()
                there.close()
                self.procs.append(p)
                self.conns.append(here)
        finally:
            _FORK_STATE.clear()
        return self

    def __exit__(self, *exc):
        for c in self.conns:
            c.close()
        for p in self.procs:
            p.join(timeout=None if exc[0] is None else 1)
            if p.is_alive():
                p.terminate()
                p.join()
        return False

    @staticmethod
    def _recv(conn):
        try:
            msg = conn.recv()
        except EOFError:
            raise RuntimeError("a matcher fit worker process ended early") from None
        if msg[0] == "error":
            raise RuntimeError("matcher fit worker failed:\n" + msg[1])
        return msg

    def df(self) -> np.ndarray:
        """Document frequencies over all chunks (sum of the workers')."""
        df = np.zeros(self.v.n_features, dtype=np.int64)
        for c in self.conns:
            df += self._recv(c)[1]
        return df

    def rows(self) -> list[sp.csr_matrix]:
        """Send the fitted IDF; the weighted rows of every chunk, in chunk order."""
        from multiprocessing.connection import wait

        state = self.v.idf_state()
        for c in self.conns:
            c.send(state)
        out: dict[int, sp.csr_matrix] = {}
        left = {c: len(self.starts[w :: self.workers]) for w, c in enumerate(self.conns)}
        while any(left.values()):
            for c in wait([c for c, n in left.items() if n]):
                _, a, W = self._recv(c)
                out[a] = W
                left[c] -= 1
        return [out[a] for a in self.starts]


# ---- hub values -------------------------------------------------------------------------------

def _fork_hubs(task) -> np.ndarray:
    side, ref, a = task
    st = _FORK_STATE
    return st["hubs"].values(st["rows"][side][a : a + HUB_CHUNK], ref)


def hub_values_chunks(hubs, rows: dict, directions: list[tuple[str, str]], workers: int) -> dict:
    """``hubs.values`` of every row of each candidate side against each
    query side of ``directions`` (``rows``: the sides' rows), in chunks of
    ``HUB_CHUNK`` rows in forked processes: (side, query side) -> values."""
    import multiprocessing

    tasks = [(side, ref, a) for side, ref in directions for a in range(0, rows[side].shape[0], HUB_CHUNK)]
    _FORK_STATE.update(hubs=hubs, rows=rows)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_fork_hubs, tasks)
    finally:
        _FORK_STATE.clear()
    out = {}
    for side, ref in directions:
        mine = [v for (s, r, _), v in zip(tasks, parts) if (s, r) == (side, ref)]
        out[side, ref] = np.concatenate(mine) if mine else np.zeros(0, dtype=np.float32)
    return out

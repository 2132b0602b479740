"""The documents of one side as rows: an inverted index of the fitted rows, an append buffer, tombstones."""
from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from .documents import Document


class Store:
    """Documents of one side.  Fitted rows live in an inverted index (the
    transposed CSR matrix, features x documents), so a query touches only the
    posting lists of its own features; rows added later sit in a small append
    buffer until :meth:`compact` folds them in.  A removed or replaced
    document's row stays, marked dead, until then."""

    def __init__(self):
        self.ids: list[Hashable] = []
        self.row_of: dict[Hashable, int] = {}
        self.alive = np.zeros(0, dtype=bool)
        self.index = sp.csr_matrix((0, 0))  # features x documents
        self.rows = sp.csr_matrix((0, 0))  # documents x features (for query rows)
        self.buffer: list[sp.csr_matrix] = []
        self.docs: dict[Hashable, Document] = {}
        self._stacked: sp.csr_matrix | None = None
        # per side this one is matched against, per row (dead included): how
        # close the document is to that side at large (see hubness.py)
        self.hub: dict[str, np.ndarray] = {}

    def __len__(self):
        return len(self.row_of)

    @property
    def n_dead(self) -> int:
        return len(self.ids) - len(self.row_of)

    @property
    def n_indexed(self) -> int:
        return self.index.shape[1]

    def set(self, docs: Sequence[Document], matrix: sp.csr_matrix):
        self.ids = [d.id for d in docs]
        self.row_of = {i: r for r, i in enumerate(self.ids)}
        if len(self.row_of) != len(self.ids):
            raise ValueError("duplicate document ids")
        self.alive = np.ones(len(self.ids), dtype=bool)
        self.rows = matrix.tocsr().astype(np.float32)
        self.index = self.rows.T.tocsr()
        self.buffer = []
        self.docs = {d.id: d for d in docs}
        self._stacked = None
        self.hub = {}

    def append(self, doc: Document, row: sp.csr_matrix, hub: Mapping[str, float] | None = None):
        """Add or replace a document (its old row dies); ``hub``: its hub
        value against each side it is matched against."""
        old = self.row_of.get(doc.id)
        if old is not None:
            self.alive[old] = False
        n = len(self.ids)
        self.row_of[doc.id] = n
        self.ids.append(doc.id)
        self.alive = np.append(self.alive, True)
        for ref, value in (hub or {}).items():
            values = self.hub.get(ref)
            if values is None:  # the first row measured against ``ref``
                values = np.zeros(n, dtype=np.float32)
            self.hub[ref] = np.append(values, np.float32(value))
        self.buffer.append(row)
        self.docs[doc.id] = doc

    def remove(self, doc_id) -> bool:
        r = self.row_of.pop(doc_id, None)
        if r is None:
            return False
        self.alive[r] = False
        self.docs.pop(doc_id, None)
        return True

    def _buffer(self, n_features: int) -> sp.csr_matrix:
        """The buffer rows as one CSR matrix.  Rows appended since the last
        call are stacked under the previous result (not all rows again)."""
        st = self._stacked
        done = 0 if st is None else st.shape[0]
        if done == len(self.buffer) and st is not None and st.shape[1] == n_features:
            return st
        new = self.buffer[done:]
        for b in new:
            if b.shape[1] != n_features:
                b.resize((1, n_features))
        if st is not None and st.shape[1] != n_features:
            st.resize((st.shape[0], n_features))  # more columns: indices stay valid
        parts = ([st] if st is not None and done else []) + new
        self._stacked = sp.vstack(parts, format="csr") if parts else sp.csr_matrix((0, n_features), dtype=np.float32)
        return self._stacked

    def all_rows(self, n_features: int) -> sp.csr_matrix:
        """Every row (indexed, then buffered; dead included), as wide as the vocabulary."""
        rows = self.rows
        if rows.shape[1] != n_features:
            rows = rows.copy()
            rows.resize((rows.shape[0], n_features))
        if self.buffer:
            rows = sp.vstack([rows, self._buffer(n_features)], format="csr")
        return rows

    def scores(self, q: sp.csr_matrix) -> np.ndarray:
        """Dot products of a (1 x F) query row with every row (dead included)."""
        F = q.shape[1]
        out = np.zeros(len(self.ids), dtype=np.float64)
        nb = self.n_indexed
        if nb and q.nnz:
            sel = q.indices < self.index.shape[0]
            idx = q.indices[sel]
            data = q.data[sel]
            post = self.index[idx]  # only the posting lists of the query's features
            out[:nb] = post.T @ data
        if self.buffer:
            out[nb:] = (self._buffer(F) @ q.T).toarray().ravel()
        return out

    def scores_matrix(self, Q: sp.csr_matrix) -> np.ndarray:
        """Dense (queries x documents) scores for a block of query rows: one
        sparse x sparse product through the inverted index."""
        F = Q.shape[1]
        out = np.zeros((Q.shape[0], len(self.ids)), dtype=np.float32)
        nb = self.n_indexed
        if nb:
            idx = self.index
            if idx.shape[0] < F:
                Qc = Q[:, : idx.shape[0]]
            else:
                Qc = Q
                if idx.shape[0] > F:
                    Qc = Q.copy()
                    Qc.resize((Q.shape[0], idx.shape[0]))
            out[:, :nb] = (Qc @ idx).toarray()
        if self.buffer:
            out[:, nb:] = (Q @ self._buffer(F).T).toarray()
        return out

    def compact(self, n_features: int):
        """Fold the buffer into the index and drop dead rows (no refit)."""
        idx = self.index
        if idx.shape[0] != n_features:
            idx = idx.tocoo()
            idx = sp.csr_matrix((idx.data, (idx.row, idx.col)), shape=(n_features, idx.shape[1]))
        if self.buffer:
            idx = sp.hstack([idx, self._buffer(n_features).T], format="csr")
        self.index = idx[:, np.flatnonzero(self.alive)].tocsr()
        self.rows = self.index.T.tocsr()
        self.hub = {ref: values[self.alive] for ref, values in self.hub.items()}
        self.ids = [i for i, a in zip(self.ids, self.alive) if a]
        self.row_of = {i: r for r, i in enumerate(self.ids)}
        self.alive = np.ones(len(self.ids), dtype=bool)
        self.buffer = []
        self._stacked = None

    def rows_of(self, doc_ids: Sequence[Hashable], n_features: int) -> sp.csr_matrix:
        """The rows of stored documents in the order given, as one matrix as
        wide as the vocabulary (the same rows as :meth:`row` one by one, with
        one row selection instead of one per document)."""
        r = np.fromiter((self.row_of[i] for i in doc_ids), dtype=np.int64, count=len(doc_ids))
        nb = self.n_indexed
        inside = r < nb
        if inside.all():
            out = self.rows[r]
        else:
            parts = [self.rows[r[inside]], self._buffer(n_features)[r[~inside] - nb]]
            width = max(part.shape[1] for part in parts)
            for part in parts:
                part.resize((part.shape[0], width))
            stacked = sp.vstack(parts, format="csr")
            at = np.concatenate([np.flatnonzero(inside), np.flatnonzero(~inside)])
            out = stacked[np.argsort(at, kind="stable")]
        if out.shape[1] != n_features:
            out.resize((out.shape[0], n_features))
        return out

    def row(self, doc_id, n_features: int) -> sp.csr_matrix:
        r = self.row_of[doc_id]
        nb = self.n_indexed
        q = self.rows[r] if r < nb else self._buffer(n_features)[r - nb]
        if q.shape[1] != n_features:
            q = q.copy()
            q.resize((1, n_features))
        return q

    def memory_bytes(self) -> int:
        m = sum(a.data.nbytes + a.indices.nbytes + a.indptr.nbytes for a in (self.index, self.rows))
        return m + sum(b.data.nbytes + b.indices.nbytes + b.indptr.nbytes for b in self.buffer)

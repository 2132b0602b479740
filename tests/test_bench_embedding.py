"""bench/embedding.py's measures: the matcher's keys as z-scores over what it retrieves, and MRR."""
import numpy as np

from bench import embedding


def test_a_candidate_the_matcher_does_not_retrieve_stays_below_every_one_it_does():
    keys = np.array([[0.3, -np.inf, 0.1, 0.2], [-np.inf, -np.inf, 0.4, -np.inf]])
    z = embedding.retrieved_z(keys)
    assert np.isfinite(z).all()
    assert z[0, 1] == z[0].min() and z[0, 1] == z[0, 2]  # at the lowest retrieved, not below it
    assert np.isclose(z[0, [0, 2, 3]].mean(), 0) and np.isclose(z[0, [0, 2, 3]].std(), 1, atol=1e-6)
    assert (z[1] == 0).all()  # one candidate retrieved: no spread to scale by


def test_mrr_takes_the_best_relevant_candidate_and_skips_queries_without_one():
    scores = np.array([[0.9, 0.5, 0.7], [0.1, 0.2, 0.3], [0.5, 0.5, 0.5], [-np.inf, 0.2, 0.1]])
    relevant = [[1, 2], [], [0], [0]]
    # query 1: best relevant (0.7) second; query 2 skipped; query 3: a tie counts in its favour; query 4: not retrieved
    assert embedding.mrr(scores, relevant) == (0.5 + 1.0 + 0.0) / 3


def test_the_model_reads_the_fields_the_matcher_reads():
    from matchmaker.matching.engine import Document

    doc = Document(id=1, title="Elektroingenieur", skills=["Hochspannung", "SPS"], text="Wir suchen", lang="de")
    assert embedding.text_of(doc) == "Elektroingenieur. Hochspannung, SPS. Wir suchen"
    assert embedding.text_of(Document(id=2, title="", skills=[], text="only text")) == "only text"

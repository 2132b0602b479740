"""Behaviour of the matching engine (no Flask app needed)."""
import itertools
import logging

import numpy as np
import pytest

from matchmaker.matching import bridge as bridge_mod
from matchmaker.matching.bridge import Bridge
from matchmaker.matching.engine import Document, Matcher, MatcherConfig, fit_label
from matchmaker.matching.text import CompoundSplitter, fold


@pytest.fixture(scope="module")
def ding():
    b = Bridge.load()
    if not b.available:
        pytest.skip("German-English dictionary (trans-de-en) not installed; set MATCHER_DICTIONARY or run the Makefile")
    return b


@pytest.fixture()
def mono(tmp_path, monkeypatch):
    monkeypatch.setattr(bridge_mod, "_warned", False)
    return Bridge.load(tmp_path / "no-such-dictionary")


OFFERS = [
    Document("o-auto", title="Ingenieur Automatisierungstechnik", text="Wir planen Steuerungen und Anlagen der Automatisierungstechnik.", lang="de"),
    Document("o-bake", title="Bäcker", text="Sie backen Brot und Brötchen in unserer Backstube.", lang="de"),
    Document("o-nurse", title="Pflegefachkraft", text="Pflege von Patienten im Krankenhaus, Schichtdienst.", lang="de"),
    Document("o-precise", title="Prüfer für Präzisionsinstrumente", text="Prüfung von Messgeräten.", lang="de"),
    Document("o-garden", title="Gärtner", text="Pflanzen, Rasen und Bäume im Park pflegen.", lang="de"),
]
PROFILES = [
    Document("p-auto", title="automation engineer", skills=["automation", "control systems"], lang="en"),
    Document("p-bake", title="baker", skills=["bake bread", "bakery"], lang="en"),
    Document("p-garden", title="gardener", skills=["garden", "trees"], lang="en"),
]


def test_fold_meets_umlaut_spellings():
    assert fold("Präzision") == fold("Praezision") == "praezision"
    assert fold("Straße") == fold("STRASSE")
    assert fold("café") == "cafe"


def test_german_english_pairs_rank_above_unrelated(ding):
    m = Matcher(bridge=ding).fit(OFFERS, PROFILES)
    for pid, oid in [("p-auto", "o-auto"), ("p-bake", "o-bake"), ("p-garden", "o-garden")]:
        hits = m.rank_id(pid, "profiles", k=3)
        assert hits and hits[0].id == oid, (pid, [(h.id, h.score) for h in hits])
    back = m.rank_id("o-bake", "offers", k=1)
    assert back[0].id == "p-bake"


def test_char_ngrams_meet_compound_and_english_word(ding):
    m = Matcher(bridge=ding).fit(OFFERS, PROFILES)
    score, reasons = m.explain(Document("q", title="automation", lang="en"), Document("c", title="Automatisierungstechnik", lang="de"))
    assert score > 0
    assert reasons[0].query_term == "automation" and reasons[0].candidate_term == "Automatisierungstechnik"


def test_reasons_name_real_shared_words(ding):
    m = Matcher(bridge=ding).fit(OFFERS, PROFILES)
    top = m.rank_id("p-auto", "profiles", k=1)[0]
    assert top.reasons
    query_words = {"automation", "engineer", "control", "systems"}
    offer_text = "Ingenieur Automatisierungstechnik Wir planen Steuerungen und Anlagen der Automatisierungstechnik"
    for r in top.reasons:
        assert set(r.query_term.split()) <= query_words, r
        assert all(w in offer_text for w in r.candidate_term.split()), r
        assert 0 < r.share <= 1
    assert sum(r.share for r in top.reasons) <= 1.0 + 1e-6
    assert set(top.reasons[0].as_dict()) == {"query_term", "candidate_term", "share"}


def test_filters_exclude_before_top_k(mono):
    m = Matcher(bridge=mono).fit(OFFERS, PROFILES)
    q = Document("q", title="Bäcker Gärtner Pflege", lang="de")
    everything = {h.id for h in m.rank(q, "offers", k=10)}
    assert {"o-bake", "o-garden", "o-nurse"} <= everything
    # a set of allowed ids: only those come back, and k is filled from them
    only = m.rank(q, "offers", k=1, allowed={"o-garden"})
    assert [h.id for h in only] == ["o-garden"]
    # a predicate
    pred = m.rank(q, "offers", k=10, allowed=lambda i: i != "o-bake")
    assert "o-bake" not in {h.id for h in pred}
    # a boolean mask aligned with ids()
    ids = m.ids("offers")
    mask = np.array([i == "o-nurse" for i in ids])
    assert [h.id for h in m.rank(q, "offers", k=10, allowed=mask)] == ["o-nurse"]
    assert m.rank(q, "offers", k=10, allowed=set()) == []


def test_upsert_and_remove_without_refit(mono):
    m = Matcher(bridge=mono).fit(OFFERS, PROFILES)
    idf_before = m.idf.copy()
    q = Document("q", title="Schornsteinfeger Kehrbezirk", lang="de")
    assert all(h.id != "o-new" for h in m.rank(q, "offers"))
    m.upsert("offers", Document("o-new", title="Schornsteinfeger", text="Kehrbezirk in Cottbus", lang="de"))
    hits = m.rank(q, "offers", k=3)
    assert hits[0].id == "o-new"
    # fitted weights of known features are unchanged (no refit)
    assert np.array_equal(m.idf[: len(idf_before)], idf_before)
    # a change replaces the document, it does not duplicate it
    m.upsert("offers", Document("o-new", title="Dachdecker", lang="de"))
    assert m.rank(q, "offers", k=1)[0].id != "o-new"
    assert m.rank(Document("q2", title="Dachdecker", lang="de"), "offers", k=1)[0].id == "o-new"
    assert m.ids("offers").count("o-new") == 1
    m.upsert("offers", Document("o-new", title="Schornsteinfeger", lang="de"))
    m.remove("offers", "o-new")
    assert all(h.id != "o-new" for h in m.rank(q, "offers"))
    assert ("offers", "o-new") not in m
    # profiles too, and rank_id works for a document added later
    m.upsert("profiles", Document("p-new", title="Schornsteinfeger", lang="de"))
    m.upsert("offers", Document("o-new2", title="Schornsteinfeger gesucht", lang="de"))
    assert m.rank_id("p-new", "profiles", k=1)[0].id == "o-new2"


def test_buffer_compaction_keeps_results(mono):
    m = Matcher(MatcherConfig(buffer_limit=2), bridge=mono).fit(OFFERS, PROFILES)
    for i in range(5):
        m.upsert("offers", Document(f"o-x{i}", title=f"Gärtner Nummer{i}", lang="de"))
    m.remove("offers", "o-x1")
    ids = {h.id for h in m.rank(Document("q", title="Gärtner", lang="de"), "offers", k=20)}
    assert {"o-garden", "o-x0", "o-x2", "o-x3", "o-x4"} <= ids and "o-x1" not in ids


def test_monolingual_fallback_warns_once(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(bridge_mod, "_warned", False)
    with caplog.at_level(logging.WARNING, logger="matchmaker.matching"):
        b1 = Bridge.load(tmp_path / "missing")
        b2 = Bridge.load(tmp_path / "missing")
    assert not b1.available and not b2.available
    warnings = [r for r in caplog.records if r.name == "matchmaker.matching" and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    m = Matcher(bridge=b1).fit(OFFERS, PROFILES)
    hits = m.rank(Document("q", title="Bäckerin", text="Brot backen", lang="de"), "offers", k=2)
    assert hits[0].id == "o-bake"


def test_env_var_path_resolution(tmp_path, monkeypatch):
    dic = tmp_path / "de-en"
    dic.write_text(
        "# tiny\nBäcker {m}; Bäckerin {f} | Bäcker {pl} :: baker | bakers\nBrot {n} :: bread\n", encoding="utf-8"
    )
    monkeypatch.setenv("MATCHER_DICTIONARY", str(dic))
    monkeypatch.setenv("MATCHER_CACHE_DIR", str(tmp_path / "cache"))
    b = Bridge.load()
    assert b.available and b.translate("baecker", "de") == ["baker"]
    assert b.translate("bread", "en") == ["brot"]
    assert b.masculine.get("baeckerin") == "baecker"
    assert Bridge.load().de_en == b.de_en  # from the cache


def test_compound_splitter():
    s = CompoundSplitter({"asphalt", "labor", "techniker", "maschine", "bediener"})
    assert s.split("asphaltlabortechniker") == ("asphalt", "labor", "techniker")
    assert s.split("maschinenbediener") == ("maschine", "bediener")
    assert s.split("kuchenteig") == ()


def test_fit_label_thresholds():
    assert fit_label(0.9) == "very_good"
    assert fit_label(0.2) == "good"
    assert fit_label(0.01) == "partial"


def test_reasons_api_explains_chosen_candidates_from_stored_rows(ding):
    m = Matcher(bridge=ding).fit(OFFERS, PROFILES)
    ranked = m.rank_id("p-auto", "profiles", k=3, explain=False)
    assert ranked and all(h.reasons == [] for h in ranked)
    ids = [h.id for h in ranked]
    by_id = m.reasons("p-auto", "offers", ids + ["no-such-offer"])
    assert set(by_id) == set(ids)
    assert by_id["o-auto"] and by_id["o-auto"][0].candidate_term in OFFERS[0].title + " " + OFFERS[0].text
    # the same reasons as rank(..., explain=True), and for a query document too
    explained = {h.id: h.reasons for h in m.rank_id("p-auto", "profiles", k=3)}
    assert by_id["o-auto"] == explained["o-auto"]
    doc_reasons = m.reasons(PROFILES[0], "offers", ["o-auto"])
    assert doc_reasons["o-auto"] == by_id["o-auto"]
    # the other direction: an offer id explains profiles
    back = m.reasons("o-bake", "profiles", ["p-bake"])
    assert back["p-bake"] and {r.query_term for r in back["p-bake"]} & {"Bäcker", "Brot", "backen", "Backstube", "Brötchen"}


def test_reasons_follow_upserts(mono):
    m = Matcher(bridge=mono).fit(OFFERS, PROFILES)
    q = Document("q", title="Schornsteinfeger", lang="de")
    m.upsert("offers", Document("o-new", title="Gärtner", lang="de"))
    assert m.reasons(q, "offers", ["o-new"])["o-new"] == []
    m.upsert("offers", Document("o-new", title="Schornsteinfeger gesucht", lang="de"))
    (r,) = m.reasons(q, "offers", ["o-new"])["o-new"]
    assert (r.query_term, r.candidate_term) == ("Schornsteinfeger", "Schornsteinfeger")
    m.remove("offers", "o-new")
    assert m.reasons(q, "offers", ["o-new"]) == {}


def test_explain_uses_stored_documents_and_matches_rank_score(mono):
    m = Matcher(bridge=mono).fit(OFFERS, PROFILES)
    q = Document("q", title="Gärtner", text="Bäume pflegen", lang="de")
    (hit,) = m.rank(q, "offers", k=1)
    score, reasons = m.explain(q, OFFERS[4])
    assert hit.id == "o-garden" and score == pytest.approx(hit.score, rel=1e-5)
    assert reasons == hit.reasons


def test_rank_batch_agrees_with_rank_id(mono):
    m = Matcher(bridge=mono).fit(OFFERS, PROFILES + [Document("p-de", title="Gärtner Bäcker", lang="de")])
    batch = m.rank_batch(["p-de", "p-bake"], "profiles", k=3)
    for pid, got in zip(["p-de", "p-bake"], batch):
        want = [(h.id, h.score) for h in m.rank_id(pid, "profiles", k=3, explain=False)]
        assert [i for i, _ in got] == [i for i, _ in want]
        assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-5)


def test_dictionary_cache_is_plain_text_in_a_private_directory(tmp_path, monkeypatch):
    dic = tmp_path / "de-en"
    dic.write_text("Bäcker {m}; Bäckerin {f} :: baker\nBrot {n} :: bread\n", encoding="utf-8")
    cache = tmp_path / "cache"
    b = Bridge.load(dic, cache_dir=cache)
    assert b.available
    assert (cache.stat().st_mode & 0o777) == 0o700
    (f,) = list(cache.iterdir())
    assert not f.read_bytes().startswith(b"\x80")  # not a pickle
    assert (f.stat().st_mode & 0o077) == 0
    assert Bridge.load(dic, cache_dir=cache).de_en == b.de_en
    # a cache directory others may write to is not trusted: it is ignored
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    planted = shared / f.name
    planted.write_text(f.read_text(encoding="utf-8").replace("baker", "planted"), encoding="utf-8")
    assert Bridge.load(dic, cache_dir=shared).translate("baecker", "de") == ["baker"]
    # a tampered or foreign file in the private directory is never executed, only parsed or ignored
    f.write_text("garbage", encoding="utf-8")
    assert Bridge.load(dic, cache_dir=cache).translate("baecker", "de") == ["baker"]


def test_creating_a_matcher_reuses_the_analysis_of_its_bridge(ding):
    a = Matcher(bridge=ding)
    b = Matcher(bridge=ding)
    assert a.analyzer.splitter is b.analyzer.splitter


SPEED_DOCS = [
    *OFFERS,
    *PROFILES,
    Document("mixed", title="Power Plant Ingenieur", skills=["power plant", "POWER plant", "data processing data"],
             text="The power plant station and the power plant; power plant. Präzision, Praezision, STRASSE ß.", lang=None),
    Document("odd", title="\u037a Anlage", skills=["\u037a power plant"], text="power \u037a plant \u037a station", lang="en"),
    Document("repeat", title="Bäcker Bäcker", skills=["Brot", "Brot backen", "brot"], text="Brot Brot brot Brötchen und Brot", lang="de"),
    Document("empty", title="", skills=(), text=""),
]


@pytest.mark.parametrize("which", ["ding", "mono"])
def test_fast_analysis_gives_the_plain_loops_result(which, request):
    """The fast path of Analyzer.analyze (cached tokens, Counter, phrase
    pairs) gives the units and direct features of the plain loop (the one
    that also records provenance), in the same order."""
    b = request.getfixturevalue(which)
    for config in (MatcherConfig(), MatcherConfig(char_fields=("title",), bigram_fields=("skills",))):
        an = Matcher(config, bridge=b).analyzer
        for doc in SPEED_DOCS * 2:  # the second round reads the token cache
            units, direct, lang = an.analyze(doc)
            u2, d2, lang2, _ = an.analyze(doc, provenance=True)
            assert lang == lang2
            assert list(units.items()) == list(u2.items()), doc.id
            assert list(direct.items()) == list(d2.items()), doc.id


def test_fractional_field_weights_take_the_plain_loop(mono):
    an = Matcher(MatcherConfig(title_weight=2.5, text_weight=0.1), bridge=mono).analyzer
    units, direct, _ = an.analyze(Document("x", title="Brot Brot", text="Brot backen " * 3, lang="de"))
    u2, d2, _, _ = an.analyze(Document("x", title="Brot Brot", text="Brot backen " * 3, lang="de"), provenance=True)
    assert units == u2 and direct == d2
    assert "_tok_info" not in an.__dict__  # the fast path was not taken


def test_interleaved_upserts_and_queries_match_upserts_then_queries(mono):
    """The append buffer is extended, not rebuilt, between queries; the
    scores are those of upserting everything first."""
    docs = [Document(f"o-n{i}", title=f"Gärtner Bäume {i}", text="Rasen pflegen" if i % 2 else "Park", lang="de") for i in range(12)]
    a = Matcher(bridge=mono).fit(OFFERS, PROFILES)
    b = Matcher(bridge=mono).fit(OFFERS, PROFILES)
    for d in docs:
        a.upsert("offers", d)
        a.rank_id("p-garden", "profiles", k=5, explain=False)
    a.upsert("offers", Document("o-n3", title="Bäcker", lang="de"))
    a.remove("offers", "o-n4")
    for d in docs:
        b.upsert("offers", d)
    b.upsert("offers", Document("o-n3", title="Bäcker", lang="de"))
    b.remove("offers", "o-n4")
    for pid in ("p-garden", "p-bake"):
        assert [(h.id, h.score) for h in a.rank_id(pid, "profiles", k=None, explain=False)] == [
            (h.id, h.score) for h in b.rank_id(pid, "profiles", k=None, explain=False)
        ]
    assert a.rank_batch(["p-garden"], "profiles", k=20) == b.rank_batch(["p-garden"], "profiles", k=20)


def test_memory_estimate_counts_the_arrays(mono):
    m = Matcher(bridge=mono).fit(OFFERS, PROFILES)
    st = m.stores["offers"]
    before = st.memory_bytes()
    assert before >= st.rows.data.nbytes + st.index.data.nbytes > 0
    m.upsert("offers", Document("o-n", title="Gärtner", lang="de"))
    assert st.memory_bytes() > before


@pytest.mark.parametrize("keep", [1 << 30, 40_000, 0])
@pytest.mark.parametrize("which", ["mono", "ding"])
def test_fit_with_worker_processes_gives_the_same_index(which, keep, request, monkeypatch):
    """Forked analysis (several chunks per worker, so a worker's own key
    numbers span chunks) and forked passes (several chunks per worker, kept
    between the passes or, beyond ``keep`` bytes, expanded again) give the
    index of one process, which expands each chunk twice."""
    from matchmaker.matching import engine

    bridge = request.getfixturevalue(which)
    monkeypatch.setattr(engine, "_ANALYSE_CHUNK", 7)  # analysis is forked too
    monkeypatch.setattr(engine, "_KEEP_BYTES", keep)
    docs = [Document(f"o{i}", title=f"Gärtner {i % 7}", skills=["Rasen", f"Baum{i % 5}"], text="Park pflegen " * (i % 4 + 1), lang="de")
            for i in range(40)]
    docs += [Document(f"oe{i}", title="Automatisierungstechniker", skills=["Steuerungstechnik", "Anlagenbau"][: i % 2 + 1],
                      text=f"Wir planen Anlagen und Steuerungen {i}, Wartung und Prüfung", lang="de") for i in range(25)]
    profs = [Document(f"p{i}", title=f"Bäcker {i % 3}", text="Brot backen und Park", lang="de") for i in range(30)]
    # known words in new orders: chunks with new bigrams but no new units
    profs += [Document(f"pp{i}", text=" ".join(p), lang="de") for i, p in enumerate(itertools.permutations(["Rasen", "Park", "Brot", "Wiese"]))]
    profs += [Document(f"pe{i}", title="automation engineer", skills=["control systems", f"plant {i % 4}"],
                       text="planning and maintenance of plants, inspection of machines", lang="en") for i in range(25)]
    one = Matcher(MatcherConfig(chunk_size=16), bridge=bridge).fit(docs, profs)
    two = Matcher(MatcherConfig(chunk_size=16, workers=2), bridge=bridge).fit(docs, profs)
    for side in ("offers", "profiles"):
        a, b = one.stores[side].rows, two.stores[side].rows
        assert a.shape == b.shape and np.array_equal(a.indptr, b.indptr)
        assert np.array_equal(a.indices, b.indices) and np.array_equal(a.data, b.data)
    assert np.array_equal(one.idf, two.idf)
    assert one._units == two._units and one._features == two._features
    assert one._feature_block == two._feature_block
    assert one.rank_id("pe3", "profiles") == two.rank_id("pe3", "profiles")
    # some character n-grams are known to be cut before the first pass
    T, _, _ = Matcher(bridge=bridge)._analyse(docs + profs)
    assert one._surely_cut(T, len(docs) + len(profs)).any()


def test_features_left_out_of_the_first_pass_give_the_same_index(ding):
    """The n-grams left out of the first pass (known to be cut) are the
    ones the full count would cut: same IDF, same rows."""
    docs = [Document(f"o{i}", title="Automatisierungstechniker", skills=["Steuerungstechnik"],
                     text=f"Wir planen Anlagen {i % 9} und Steuerungen, Wartung und Prüfung", lang="de") for i in range(60)]
    docs += [Document(f"e{i}", title="automation engineer", text=f"planning of plants {i % 5}", lang="en") for i in range(40)]
    cfg = MatcherConfig(char_max_df_min_docs=10)
    m = Matcher(cfg, bridge=ding).fit(docs[:50], docs[50:])
    T, _, _ = m._analyse(docs)
    sure = m._surely_cut(T, len(docs))
    assert sure.any() and (m.idf[sure] == 0).all()
    full = Matcher(cfg, bridge=ding)
    T, B, lengths = full._analyse(docs)
    D = full._expand(T, B)
    full._set_idf(np.bincount(D.indices, minlength=full.n_features), len(docs), lengths)
    assert np.array_equal(full.idf, m.idf)
    W = full._chunk_rows(D, lengths)
    rows = m.stores["offers"].rows
    assert np.array_equal(W[:50].toarray().astype(np.float32), rows.toarray())

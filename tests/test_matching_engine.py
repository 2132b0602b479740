"""Behaviour of the matching engine (no Flask app needed)."""
import itertools
import logging
import os

from pathlib import Path

import marisa_trie
import numpy as np
import pytest

from matchmaker.matching import bridge as bridge_mod
from matchmaker.matching import tables
from matchmaker.matching import thesaurus as thesaurus_mod
from matchmaker.matching.bridge import Bridge
from matchmaker.matching.engine import Document, Matcher, MatcherConfig, fit_labels
from matchmaker.matching.text import CompoundSplitter, fold
from matchmaker.matching.thesaurus import Thesaurus


@pytest.fixture(scope="module")
def thes():
    t = Thesaurus.load()
    if not t.available:
        pytest.skip("German thesaurus (openthesaurus-de-text) not installed; set MATCHER_THESAURUS or run `make thesaurus`")
    return t


@pytest.fixture(scope="module")
def thes_en():
    t = Thesaurus.load(lang="en")
    if not t.available:
        pytest.skip("English thesaurus (mythes-en-us) not installed; set MATCHER_THESAURUS_EN or run `make thesaurus`")
    return t


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
    idf_before = m.vectoriser.idf.copy()
    q = Document("q", title="Schornsteinfeger Kehrbezirk", lang="de")
    assert all(h.id != "o-new" for h in m.rank(q, "offers"))
    m.upsert("offers", Document("o-new", title="Schornsteinfeger", text="Kehrbezirk in Cottbus", lang="de"))
    hits = m.rank(q, "offers", k=3)
    assert hits[0].id == "o-new"
    # fitted weights of known features are unchanged (no refit)
    assert np.array_equal(m.vectoriser.idf[: len(idf_before)], idf_before)
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


def test_known_words_are_split_only_at_a_real_head():
    # the dictionary knows all of these as whole words; -ion and -ern are endings, not heads
    s = CompoundSplitter({"polizei", "beamter", "polizeibeamter", "konstrukt", "ion", "konstruktion", "lind", "ern", "lindern"})
    assert s.split("polizeibeamter") == ()
    assert s.split("polizeibeamter", known=True) == ("polizei", "beamter")
    assert s.split("konstruktion", known=True) == ()
    assert s.split("lindern", known=True) == ()
    # an unknown compound may still end in a short word
    assert CompoundSplitter({"wasserstoff", "ion"}).split("wasserstoffion") == ("wasserstoff", "ion")


def test_fit_labels_are_relative_to_the_fits_a_query_gets():
    # scores of hand-written sets: every right pair scored about 0.12 and was called "partial" by the
    # old fixed thresholds (0.18 / 0.45); among the query's own fits the best fifth is "good"
    ranked = [0.16, 0.14, 0.12, 0.11, 0.09, 0.08, 0.07, 0.06, 0.05, 0.05]
    assert fit_labels(ranked) == ["good"] * 2 + ["partial"] * 8
    # "very good" only with a clear margin: 1.5 times the best fit below the best fifth
    ranked = [0.52, 0.25, 0.2, 0.12, 0.11, 0.09, 0.08, 0.07, 0.06, 0.05]
    assert fit_labels(ranked) == ["very_good", "good"] + ["partial"] * 8
    # a flat list has good fits but none clearly ahead; order decides, not the score alone
    assert fit_labels([0.2, 0.2, 0.2, 0.2, 0.2]) == ["good", "partial", "partial", "partial", "partial"]
    # one fit is good (nothing to stand ahead of); none, none
    assert fit_labels([0.05]) == ["good"]
    assert fit_labels([0.4, 0.1]) == ["very_good", "partial"]
    assert fit_labels([]) == []


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


def _corpus(rng, prefix, n, words=None):
    words = words or ("Anlage Technik Steuerung Energie Netz Planung Projekt Wartung Prüfung Labor Chemie Logistik "
                      "Software Daten Sensor Motor Turbine Wärme Solar Batterie Montage Fertigung Vertrieb Beratung "
                      "Ingenieur Mechaniker Elektriker Planer Entwickler Kaufmann Schicht Lausitz").split()
    p = 1.0 / np.arange(1, len(words) + 1)
    p /= p.sum()
    return [Document(f"{prefix}{i}", title=" ".join(rng.choice(words, 2, p=p)),
                     text=" ".join(rng.choice(words, int(rng.integers(5, 30)), p=p)), lang="de") for i in range(n)]


@pytest.mark.parametrize("hub_weight", [0.0, 0.5, 5.0])
def test_rank_batch_is_rank_id_one_by_one_on_a_larger_corpus(mono, hub_weight):
    """Hundreds of candidates share words with every query, so the batch's
    top-n candidates do not hold all of them; a large hub weight reorders
    beyond them, and offers that share nothing with the profiles (the
    lowest hub values) crowd the candidates (asked again, then scored
    whole); upserted (buffered) and removed (dead) offers are ranked as one
    by one."""
    rng = np.random.default_rng(3)
    apart = "Bäcker Brot Pflege Patient Krankenhaus Friseur Garten Rasen Koch Küche Hotel Gast".split()
    offers = _corpus(rng, "o", 400) + _corpus(rng, "x", 400, apart)
    profiles = _corpus(rng, "p", 60)
    m = Matcher(MatcherConfig(hub_weight=hub_weight), bridge=mono).fit(offers, profiles)
    for d in _corpus(rng, "o-new", 5):
        m.upsert("offers", d)
    for i in range(0, 400, 37):
        m.remove("offers", f"o{i}")
    m.upsert("offers", Document("o1", title="Turbine Wartung", text="Turbine Wartung Schicht", lang="de"))
    pids = [d.id for d in profiles]
    for threads in (1, 2):
        batch = m.rank_batch(pids, "profiles", k=10, threads=threads)
        for pid, got in zip(pids, batch):
            want = [(h.id, h.score) for h in m.rank_id(pid, "profiles", k=10, explain=False)]
            assert len(got) == 10
            assert got == want, pid  # the same ids in the same order, the same scores to the bit


@pytest.mark.parametrize("hub_weight", [0.0, 0.5])
def test_a_score_floor_in_the_ranking_cuts_as_the_list_cut_after(mono, hub_weight):
    """`min_score` leaves out exactly the candidates a caller would drop from the whole ranking, in the
    same order, with a filter and with dead and buffered rows."""
    rng = np.random.default_rng(5)
    offers = _corpus(rng, "o", 300)
    m = Matcher(MatcherConfig(hub_weight=hub_weight), bridge=mono).fit(offers, _corpus(rng, "p", 40))
    for d in _corpus(rng, "o-new", 5):
        m.upsert("offers", d)
    m.remove("offers", "o7")
    allowed = {d.id for d in offers[::2]} | {"o-new1", "o-new2"}
    cut_somewhere = 0
    for query in _corpus(rng, "q", 10):
        for chosen in (None, allowed):
            whole = m.rank(query, "offers", k=None, allowed=chosen, explain=False)
            scores = sorted(h.score for h in whole)
            floor = scores[len(scores) // 2]
            kept = m.rank(query, "offers", k=None, allowed=chosen, explain=False, min_score=floor)
            assert [(h.id, h.score) for h in kept] == [(h.id, h.score) for h in whole if h.score >= floor]
            cut_somewhere += 0 < len(kept) < len(whole)
    assert cut_somewhere > 10


DING = "Bäcker {m}; Bäckerin {f} :: baker\nBrot {n} :: bread\nBrot backen :: to bake bread\n"


def test_dictionary_cache_is_memory_mapped_tables_in_a_private_directory(tmp_path):
    dic = tmp_path / "de-en"
    dic.write_text(DING, encoding="utf-8")
    cache = tmp_path / "cache"
    b = Bridge.load(dic, cache_dir=cache)
    assert b.available and b.translate("baecker", "de") == ["baker"]
    assert (cache.stat().st_mode & 0o777) == 0o700
    files = sorted(cache.iterdir())
    assert {f.name.split(".", 1)[1] for f in files} == {
        "de-en.keys", "de-en.values", "en-de.keys", "en-de.values", "masculine.keys", "masculine.values", "masc-nouns"}
    for f in files:
        assert not f.read_bytes().startswith(b"\x80")  # not a pickle
        assert (f.stat().st_mode & 0o077) == 0
    # a second load maps the written tables and answers as the parse does
    again = Bridge.load(dic, cache_dir=cache)
    assert isinstance(again.de_en, tables.Table) and isinstance(again.masc_nouns, marisa_trie.Trie)
    parsed = Bridge.parse(dic)
    for name in ("de_en", "en_de", "masculine"):
        assert dict(getattr(again, name).items()) == getattr(parsed, name)
    assert set(again.masc_nouns) == set(parsed.masc_nouns) == {"baecker"}
    assert again.masculine.get("baeckerin") == "baecker" and again.has("brot backen", "de")
    assert again.translate("bread", "en") == ["brot"] and again.translate("nothing", "en") == []
    # a cache directory others may write to is not trusted: it is ignored
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    assert isinstance(Bridge.load(dic, cache_dir=shared).de_en, dict)
    assert list(shared.iterdir()) == []
    # a damaged file is ignored (parsed and written again); so is one others may write to
    values = next(f for f in files if f.name.endswith(".de-en.values"))
    for spoil in (lambda: values.write_bytes(values.read_bytes()[:-3]), lambda: values.write_bytes(b"garbage"),
                  lambda: values.chmod(0o666)):
        spoil()
        loaded = Bridge.load(dic, cache_dir=cache)
        assert loaded.translate("baecker", "de") == ["baker"]
        assert (values.stat().st_mode & 0o077) == 0, "written again"
    if os.getuid() == 0:  # a file of another user (only root can give one away)
        os.chown(values, 65534, 65534)
        assert Bridge.load(dic, cache_dir=cache).translate("baecker", "de") == ["baker"]
        assert values.stat().st_uid == 0, "written again"
    keys = next(f for f in files if f.name.endswith(".de-en.keys"))
    keys.write_bytes(b"We love Marisa." + bytes(40))
    assert Bridge.load(dic, cache_dir=cache).translate("baecker", "de") == ["baker"]
    assert isinstance(Bridge.load(dic, cache_dir=cache).de_en, tables.Table)


def test_tables_derived_from_the_dictionary_are_written_once_and_mapped(tmp_path):
    dic = tmp_path / "de-en"
    dic.write_text(DING + "Maschine {f} :: machine\nBediener {m} :: operator\n", encoding="utf-8")
    cache = tmp_path / "cache"
    Bridge.load(dic, cache_dir=cache)
    fresh = Bridge.load(dic, cache_dir=cache)  # as a later process: everything from the cache
    a = Matcher(bridge=fresh, thesaurus=Thesaurus(), thesaurus_en=Thesaurus()).analyzer
    derived = {f.name.split(".", 1)[1] for f in cache.iterdir()} - {
        "de-en.keys", "de-en.values", "en-de.keys", "en-de.values", "masculine.keys", "masculine.values", "masc-nouns"}
    assert {"split", "phrase-heads-de", "phrase-heads-en", "function-phrases-de", "function-phrases-en"} <= derived
    assert a.splitter.split("maschinenbediener") == ("maschine", "bediener")
    units, _, _ = a.analyze(Document(None, title="Brot backen", lang="de"))
    assert ("p", "brot backen", "de") in units
    # the next analyser maps the same files, and a damaged one is built again
    (cache / f"{Path(fresh.cache_file).name}.split").write_bytes(b"garbage")
    again = Matcher(bridge=Bridge.load(dic, cache_dir=cache), thesaurus=Thesaurus(), thesaurus_en=Thesaurus()).analyzer
    assert again.splitter.split("maschinenbediener") == ("maschine", "bediener")
    assert tables.read_set(cache / f"{Path(fresh.cache_file).name}.split")  # written again, readable


def test_thesaurus_is_cached_as_memory_mapped_tables(tmp_path):
    src = tmp_path / "openthesaurus.txt"
    src.write_text("# x\nSchriftsetzer;Setzer\nUntersucher;Prüfer;Kontrolleur (österr.)\nPrüfer;Tester\n", encoding="utf-8")
    cache = tmp_path / "cache"
    first = Thesaurus.load(src, cache_dir=cache)
    parsed = Thesaurus.parse(src)
    again = Thesaurus.load(src, cache_dir=cache)
    assert isinstance(again.index, thesaurus_mod._Index)
    assert list(again.synsets) == parsed.synsets and dict(again.index.items()) == parsed.index
    assert again.synonyms("pruefer", 5) == parsed.synonyms("pruefer", 5) == first.synonyms("pruefer", 5)
    assert again.has("setzer") and not again.has("nothing")
    (sets,) = cache.glob("*.sets")
    sets.write_bytes(sets.read_bytes()[:20])
    assert Thesaurus.load(src, cache_dir=cache).synonyms("pruefer", 5) == parsed.synonyms("pruefer", 5)
    sets.chmod(0o666)
    assert Thesaurus.load(src, cache_dir=cache).synonyms("setzer", 5) == [("schriftsetzer", 2)]


def test_lemma_tables_answer_as_simplemma_and_are_mapped_from_the_cache(tmp_path):
    import simplemma
    from simplemma.strategies import DefaultStrategy

    cache = tmp_path / "cache"
    words = ["geprüft", "Anlagen", "planten", "testing", "studies", "Häuser", "ging", "xyzzyq"]

    def lemmatizer():
        return simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=tables.LemmaTables(cache)))

    first = [lemmatizer().lemmatize(w, lang) for lang in ("en",) for w in words]
    (keys,) = cache.glob("simplemma-*-en-*.keys")
    assert isinstance(tables.LemmaTables(cache).get_dictionary("en"), tables.Table)
    assert [lemmatizer().lemmatize(w, "en") for w in words] == first == [simplemma.lemmatize(w, "en") for w in words]
    keys.write_bytes(b"garbage")
    assert [lemmatizer().lemmatize(w, "en") for w in words] == first
    assert isinstance(tables.LemmaTables(cache).get_dictionary("en"), tables.Table)


def test_a_list_of_strings_is_read_back_and_a_damaged_one_refused(tmp_path):
    items = ["", "baker", "Bäcker\tbaecker", "x" * 1000]
    tables.Strings.write(tmp_path / "s", items)
    assert list(tables.Strings.read(tmp_path / "s")) == items
    data = (tmp_path / "s").read_bytes()
    for bad in (data[:-1], data + b"x", b"garbage", b""):
        (tmp_path / "s").write_bytes(bad)
        with pytest.raises(ValueError):
            tables.Strings.read(tmp_path / "s")


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


@pytest.mark.parametrize("limit", [0, 1])
def test_phrase_starts_of_first_words_with_many_second_words(limit, monkeypatch, ding):
    """A first word of more dictionary phrases than text._SECONDS_MAX keeps
    no set of its second words and is looked up pair by pair: the phrases
    found are the same as with the sets."""
    from matchmaker.matching import text as text_mod

    want = [Matcher(bridge=ding).analyzer.analyze(doc) for doc in SPEED_DOCS]
    assert any(k[0] == "p" for units, _, _ in want for k in units)  # phrases are found at all
    monkeypatch.setattr(text_mod, "_SECONDS_MAX", limit)
    an = Matcher(bridge=ding).analyzer
    for doc, (units, direct, lang) in zip(SPEED_DOCS * 2, want * 2):
        got = an.analyze(doc)
        assert list(got[0].items()) == list(units.items()), doc.id
        assert list(got[1].items()) == list(direct.items()), doc.id
    seconds = [x[5] for lang in ("de", "en") for x in an.__dict__["_tok_info"][lang].values() if x[5] is not None]
    assert True in seconds  # the pair-by-pair look-up was taken


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
    from matchmaker.matching import workers

    bridge = request.getfixturevalue(which)
    monkeypatch.setattr(workers, "ANALYSE_CHUNK", 7)  # analysis is forked too
    monkeypatch.setattr(workers, "KEEP_BYTES", keep)
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
    v1, v2 = one.vectoriser, two.vectoriser
    assert np.array_equal(v1.idf, v2.idf)
    assert v1.units == v2.units and v1.features == v2.features
    assert v1.feature_block == v2.feature_block
    assert one.rank_id("pe3", "profiles") == two.rank_id("pe3", "profiles")
    # some character n-grams are known to be cut before the first pass
    T, _, _ = Matcher(bridge=bridge).vectoriser.analyse_corpus(docs + profs)
    assert v1.surely_cut(T, len(docs) + len(profs)).any()


# A generic offer that shares a few common words with every profile, and
# specific offers that share one rare word with one profile each.
HUB_OFFERS = [
    Document("o-hub", title="team member", text="planning safety quality teamwork customer communication documentation reports office", lang="en"),
    Document("o-weld", title="welder", text="welding of steel pipes and tanks", lang="en"),
    Document("o-cook", title="cook", text="cooking meals in a canteen kitchen", lang="en"),
    Document("o-lab", title="laboratory technician", text="titration samples and chemical analysis", lang="en"),
]
HUB_PROFILES = [
    Document("p-weld", skills=["welding", "steel", "planning", "safety", "quality", "teamwork"], lang="en"),
    Document("p-cook", skills=["cooking", "meals", "customer", "communication", "quality", "teamwork"], lang="en"),
    Document("p-lab", skills=["titration", "samples", "documentation", "reports", "safety", "quality"], lang="en"),
    Document("p-office", skills=["office", "reports", "planning", "customer"], lang="en"),
    Document("p-assist", skills=["office", "communication", "documentation", "teamwork"], lang="en"),
    Document("p-clerk", skills=["reports", "customer", "safety", "quality"], lang="en"),
]


def test_hubness_correction_ranks_the_specific_fit_above_the_generic_one(mono):
    plain = Matcher(MatcherConfig(hub_weight=0), bridge=mono).fit(HUB_OFFERS, HUB_PROFILES)
    # without the correction the generic offer comes first for the lab technician
    assert plain.rank_id("p-lab", "profiles", k=1)[0].id == "o-hub"
    m = Matcher(bridge=mono).fit(HUB_OFFERS, HUB_PROFILES)
    for pid, oid in [("p-weld", "o-weld"), ("p-cook", "o-cook"), ("p-lab", "o-lab")]:
        hits = m.rank_id(pid, "profiles", k=None, explain=False)
        assert hits[0].id == oid, (pid, hits)
        # the generic offer is still listed (it shares words), and the score
        # shown is the plain similarity, not the corrected ranking key
        assert "o-hub" in [h.id for h in hits]
        assert {h.id: h.score for h in hits} == pytest.approx(
            {h.id: h.score for h in plain.rank_id(pid, "profiles", k=None, explain=False)}, rel=1e-6)
    # the office profile, which only shares the generic words, still finds the generic offer
    assert m.rank_id("p-office", "profiles", k=1)[0].id == "o-hub"
    # the hub value of the generic offer is the highest
    hub = dict(zip(m.stores["offers"].ids, m.stores["offers"].hub["profiles"]))
    assert max(hub, key=hub.get) == "o-hub"


def test_hub_values_from_a_sample_of_a_large_side(mono):
    exact = Matcher(bridge=mono).fit(HUB_OFFERS, HUB_PROFILES)
    sampled = Matcher(MatcherConfig(hub_sample=2, hub_k=2), bridge=mono).fit(HUB_OFFERS, HUB_PROFILES)
    ref, k = sampled.hubs.reference("profiles")
    assert ref is not None and ref.shape[1] == 2 and k == 1
    # every offer's hub value is its best similarity to one of the two sampled profiles
    S = (sampled.stores["offers"].rows @ ref).toarray()
    assert sampled.stores["offers"].hub["profiles"] == pytest.approx(S.max(axis=1), rel=1e-5)
    assert exact.stores["offers"].hub["profiles"].shape == sampled.stores["offers"].hub["profiles"].shape


def test_hub_values_follow_upserts_and_changes_of_the_other_side(mono):
    m = Matcher(bridge=mono).fit(HUB_OFFERS, HUB_PROFILES[:1])
    m.upsert("offers", Document("o-new", title="welding inspector", text="welding quality", lang="en"))
    new_hub = m.stores["offers"].hub["profiles"][m.stores["offers"].row_of["o-new"]]
    assert new_hub > 0  # measured against the one profile at once
    before = m.stores["offers"].hub["profiles"].copy()
    # many new profiles: the offers' hub values are computed again when next used
    for i in range(12):
        m.upsert("profiles", Document(f"p-x{i}", skills=["planning", "safety", "customer", f"skill{i}"], lang="en"))
    assert (m.stores["offers"].hub["profiles"] == before).all()  # not yet: nothing asked for them
    m.rank_id("p-x0", "profiles", k=3)
    after = m.stores["offers"].hub["profiles"].copy()
    assert not np.allclose(after, before)
    # the same values as measured afresh against all 13 profiles now
    m.hubs.refresh("offers", "profiles")
    assert after == pytest.approx(m.stores["offers"].hub["profiles"], rel=1e-6)
    rows = m.stores["offers"]
    o_hub = rows.row("o-hub", m.n_features)
    sims = np.sort(m.stores["profiles"].scores(o_hub))[::-1][:10]
    assert after[rows.row_of["o-hub"]] == pytest.approx(sims.mean(), rel=1e-5)


def test_hub_sample_of_a_side_that_grew_by_upserts(mono):
    m = Matcher(MatcherConfig(hub_sample=3, hub_k=2), bridge=mono).fit(HUB_OFFERS, [])
    for p in HUB_PROFILES:  # six profiles, all in the append buffer
        m.upsert("profiles", p)
    ref, k = m.hubs.reference("profiles")
    assert ref.shape[1] == 3 and k == 1
    m.hubs.refresh("offers", "profiles")
    assert (m.stores["offers"].hub["profiles"] > 0).any()
    hits = m.rank_id("p-lab", "profiles", k=None, explain=False)
    assert hits and hits[0].id in {"o-lab", "o-hub"}


# -- German synonyms (OpenThesaurus) ------------------------------------------

SYNONYM_OFFERS = OFFERS + [
    Document("o-kita", title="Kindergärtner", text="Betreuung von Kindern in der Kita.", lang="de"),
    Document("o-inspect", title="Inspektor", lang="de"),
    Document("o-set", title="Setzer", lang="de"),
]


@pytest.mark.parametrize(
    "title, synonym, offer", [("Erzieherin", "Kindergärtner", "o-kita"), ("Kontrolleur", "Inspektor", "o-inspect")]
)
def test_german_synonyms_rank_above_unrelated_titles(ding, thes, title, synonym, offer):
    # the thesaurus links these (Erzieher;Kindergärtner and Kontrolleur;...;Inspektor);
    # they share no word and no dictionary translation
    q = Document("q", title=title, lang="de")
    m = Matcher(bridge=ding, thesaurus=thes).fit(SYNONYM_OFFERS, PROFILES)
    hits = m.rank(q, "offers", k=3)
    assert hits[0].id == offer and hits[0].score > 2 * hits[1].score
    without = Matcher(bridge=ding, thesaurus=Thesaurus()).fit(SYNONYM_OFFERS, PROFILES)
    assert [h.id for h in without.rank(q, "offers", k=1)] != [offer]
    # the synonym is a feature of the German term, weighted below the term itself
    a = m.analyzer
    feats = a.expand_token(title.casefold(), "de", False)
    own = feats["w:" + a.term(title.casefold(), "de")]
    assert 0 < feats["w:" + a.term(synonym.casefold(), "de")] < own


def test_english_synonyms_rank_above_unrelated_titles(thes_en):
    # WordNet's first sense of "customer" is "client"; no shared word or n-gram
    offers = [
        Document("o-client", title="client", text="support for our clients", lang="en"),
        Document("o-baker", title="baker", text="bake bread and rolls", lang="en"),
        Document("o-driver", title="bus driver", text="drive the bus on city routes", lang="en"),
    ]
    q = Document("q", title="customer", lang="en")
    m = Matcher(bridge=Bridge(), thesaurus=Thesaurus(), thesaurus_en=thes_en).fit(offers, PROFILES)
    hits = m.rank(q, "offers", k=3)
    assert hits[0].id == "o-client"
    without = Matcher(bridge=Bridge(), thesaurus=Thesaurus(), thesaurus_en=Thesaurus()).fit(offers, PROFILES)
    assert [h.id for h in without.rank(q, "offers", k=1)] != ["o-client"]


def test_matcher_without_thesaurus_works_and_warns_once(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(thesaurus_mod, "_warned", set())
    monkeypatch.setattr(thesaurus_mod, "_default", {})
    monkeypatch.setenv("MATCHER_THESAURUS", str(tmp_path / "missing.txt"))
    monkeypatch.setenv("MATCHER_THESAURUS_EN", str(tmp_path / "missing.dat"))
    with caplog.at_level(logging.WARNING, logger="matchmaker.matching"):
        t1 = Thesaurus.load()
        t2 = thesaurus_mod.default_thesaurus()
        m = Matcher(bridge=Bridge()).fit(SYNONYM_OFFERS, PROFILES)
        Matcher(bridge=Bridge())
    assert not t1.available and not t2.available
    assert m.analyzer.thesaurus is None and m.analyzer.thesaurus_en is None
    warnings = [
        r.getMessage() for r in caplog.records
        if r.name == "matchmaker.matching" and r.levelno == logging.WARNING and "thesaurus" in r.getMessage()
    ]
    # one warning per missing file (German, English), each once
    assert len(warnings) == 2 and sum("German" in w for w in warnings) == 1, warnings
    hits = m.rank(Document("q", title="Setzerin", lang="de"), "offers", k=1)
    assert hits[0].id == "o-set"


def test_thesaurus_parse_and_path(tmp_path, monkeypatch):
    f = tmp_path / "openthesaurus.txt"
    f.write_text(
        "# comment;line\n"
        "Schriftsetzer;Setzer\n"
        "Untersucher;Prüfer;Kontrolleur (österr.);Inspektor;Überprüfer\n"
        "Prüfer;Prüfgerät\n"
        "Arzt;Doktor;Weißkittel (derb);Deputat...;(ein) Mann der Medizin;einer der vielen Heiler\n"
        "allein\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("MATCHER_THESAURUS", str(f))
    monkeypatch.setenv("MATCHER_CACHE_DIR", str(tmp_path / "cache"))  # its tables: not in the user's cache
    t = Thesaurus.load()
    assert t.available and t.source == str(f)
    assert t.synonyms("setzer", 5) == [("schriftsetzer", 2)]
    # annotations stripped, folded; the smallest set first
    assert t.synonyms("pruefer", 3) == [("pruefgeraet", 2), ("untersucher", 5), ("kontrolleur", 5)]
    assert t.synonyms("pruefer", 9, max_set=4) == [("pruefgeraet", 2)]
    # vulgar terms, "..." stems and terms of more than three words are left out; phrases are kept
    assert [k for k, _ in t.synonyms("arzt", 9)] == ["doktor", "mann der medizin"]
    assert not t.has("allein")  # a set of one links nothing


def test_mythes_parse_keeps_the_first_sense_with_synonyms(tmp_path, monkeypatch):
    f = tmp_path / "th_en_US_v2.dat"
    f.write_text(
        "UTF-8\n"
        "cook|3\n"
        "(noun)|Cook|James Cook|navigator (generic term)\n"
        "(noun)|chef (similar term)|skilled worker (generic term)\n"
        "(verb)|fix|ready|make|prepare|create from raw materials\n"
        "Mason|1\n"
        "(noun)|James Mason|actor (generic term)\n"
        "repair|2\n"
        "(noun)|fix|mend|mending\n"
        "(noun)|haunt|hangout\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("MATCHER_THESAURUS_EN", str(f))
    monkeypatch.setenv("MATCHER_CACHE_DIR", str(tmp_path / "cache"))
    t = Thesaurus.load(lang="en")
    assert t.synonyms("cook", 9) == [("fix", 5), ("ready", 5), ("make", 5), ("prepare", 5)]
    assert t.synonyms("repair", 2) == [("fix", 4), ("mend", 4)]
    assert not t.has("mason") and not t.has("fix")  # names; keys are the entries' words only



def test_features_left_out_of_the_first_pass_give_the_same_index(ding):
    """The n-grams left out of the first pass (known to be cut) are the
    ones the full count would cut: same IDF, same rows."""
    docs = [Document(f"o{i}", title="Automatisierungstechniker", skills=["Steuerungstechnik"],
                     text=f"Wir planen Anlagen {i % 9} und Steuerungen, Wartung und Prüfung", lang="de") for i in range(60)]
    docs += [Document(f"e{i}", title="automation engineer", text=f"planning of plants {i % 5}", lang="en") for i in range(40)]
    cfg = MatcherConfig(char_max_df_min_docs=10)
    m = Matcher(cfg, bridge=ding).fit(docs[:50], docs[50:])
    T, _, _ = m.vectoriser.analyse_corpus(docs)
    sure = m.vectoriser.surely_cut(T, len(docs))
    assert sure.any() and (m.vectoriser.idf[sure] == 0).all()
    full = Matcher(cfg, bridge=ding)
    v = full.vectoriser
    T, B, lengths = v.analyse_corpus(docs)
    D = v.expand(T, B)
    v.set_idf(np.bincount(D.indices, minlength=v.n_features), len(docs), lengths)
    assert np.array_equal(v.idf, m.vectoriser.idf)
    W = v.chunk_rows(D, lengths)
    rows = m.stores["offers"].rows
    assert np.array_equal(W[:50].toarray().astype(np.float32), rows.toarray())


def test_hub_values_from_worker_processes_are_the_same(mono, monkeypatch):
    from matchmaker.matching import workers

    monkeypatch.setattr(workers, "HUB_CHUNK", 2)  # several tasks per side
    for cfg in ({}, {"hub_sample": 3}):  # all rows, and a sample
        one = Matcher(MatcherConfig(**cfg), bridge=mono).fit(HUB_OFFERS, HUB_PROFILES)
        two = Matcher(MatcherConfig(workers=2, **cfg), bridge=mono).fit(HUB_OFFERS, HUB_PROFILES)
        for side, other in (("offers", "profiles"), ("profiles", "offers")):
            assert len(two.stores[side].hub[other]) == len(one.stores[side].ids)
            assert np.array_equal(one.stores[side].hub[other], two.stores[side].hub[other]), (cfg, side)
        assert (two.stores["offers"].hub["profiles"] > 0).all()


def test_reasons_leave_out_words_that_share_only_character_ngrams():
    # without a dictionary, only character n-grams link different words
    offers = [
        Document(id="o-h2", title="Forschungsfrage Elektrolyse", text="Forschung zur Elektrolyse", lang="de"),
        Document(id="o-plant", title="Pflanzenbauer", text="Pflanzenbau im Gewächshaus", lang="de"),
        Document(id="o-bread", title="Bäcker", text="Brot backen", lang="de"),
    ]
    profiles = [
        Document(id="p-h2", title="Wasserstoffbeimischung", skills=["Elektrolyse"], lang="de"),
        Document(id="p-typo", title="Pfanzenbauerin", lang="de"),
    ]
    m = Matcher(bridge=Bridge(), thesaurus=Thesaurus(), thesaurus_en=Thesaurus()).fit(offers, profiles)
    shared = m.reasons("p-h2", "offers", ["o-h2"])["o-h2"]
    assert ("Elektrolyse", "Elektrolyse") in {(r.query_term, r.candidate_term) for r in shared}
    # "-schung" alone is no reason to name Wasserstoffbeimischung beside Forschungsfrage
    assert all(r.query_term != "Wasserstoffbeimischung" for r in shared)
    # a misspelt word still meets its correct form through their n-grams, but n-grams alone
    # between two different words are no reason (with a dictionary, a typo is corrected to a
    # known spelling and named: tests/test_matching_text.py)
    typo = m.rank_id("p-typo", "profiles", k=1)[0]
    assert typo.id == "o-plant"
    assert typo.reasons == []


# -- the engine knows no Flask -------------------------------------------------

NO_WEB_STACK = '''
import sys

sys.path.insert(0, ROOT)  # -I leaves the working directory out of the path
REFUSED = ("flask", "werkzeug", "jinja2", "sqlalchemy", "flask_sqlalchemy", "babel", "wtforms")


class RefuseWebStack:
    """A finder that fails every import of the web stack, installed or not."""

    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top in REFUSED or top.startswith("flask_"):
            raise ImportError(f"{name} must not be imported by the matcher engine")
        return None


sys.meta_path.insert(0, RefuseWebStack())
try:
    import flask  # noqa: F401
except ImportError:
    pass
else:
    raise SystemExit("the finder let flask through")

from matchmaker.matching.bridge import Bridge
from matchmaker.matching.engine import Document, Matcher
from matchmaker.matching.thesaurus import Thesaurus

offers = [Document("o-bake", title="Bäcker", text="Brot und Brötchen backen", lang="de"),
          Document("o-garden", title="Gärtner", text="Rasen und Bäume im Park pflegen", lang="de")]
profiles = [Document("p-bake", title="Bäckerin", skills=["Brot backen"], lang="de")]
m = Matcher(bridge=Bridge(), thesaurus=Thesaurus(), thesaurus_en=Thesaurus()).fit(offers, profiles)
hits = m.rank_id("p-bake", "profiles", k=2)
assert hits and hits[0].id == "o-bake", hits
loaded = sorted(name for name in sys.modules if name.partition(".")[0] in REFUSED or name.startswith("flask_"))
assert not loaded, loaded
print("ranked", hits[0].id, "with reasons", [r.query_term for r in hits[0].reasons])
'''


def test_the_engine_imports_fits_and_ranks_without_flask():
    """`import matchmaker.matching.engine` in a process that cannot import Flask, Werkzeug, Jinja,
    SQLAlchemy, Babel or WTForms: the engine is plain Python (numpy, scipy, simplemma, PyStemmer)."""
    import subprocess
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[1])
    code = f"ROOT = {root!r}\n" + NO_WEB_STACK
    result = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ranked o-bake" in result.stdout


# -- sides are registrations ---------------------------------------------------

UNITS = [
    Document("u-bake", title="Lehrstuhl Lebensmitteltechnik", skills=["Brot backen", "Backstube"], lang="de"),
    Document("u-plant", title="Gartenbau", skills=["Pflanzen", "Bäume", "Rasen"], lang="de"),
]


def test_a_third_side_is_a_registration_that_leaves_the_other_pair_alone(mono):
    two = Matcher(bridge=mono).fit(OFFERS, PROFILES)
    three = Matcher(bridge=mono, pairs=[("offers", "profiles"), ("offers", "units")])
    three.fit_sides({"offers": OFFERS, "profiles": PROFILES, "units": []})
    # no units yet: offers and profiles rank and measure their hub values as in the two-side matcher
    assert set(three.stores["offers"].hub) == {"profiles", "units"}
    assert np.array_equal(two.stores["offers"].hub["profiles"], three.stores["offers"].hub["profiles"])
    for p in PROFILES:
        assert three.rank_id(p.id, "profiles", k=None, explain=False) == two.rank_id(p.id, "profiles", k=None, explain=False)
    for u in UNITS:
        three.upsert("units", u)
    # units are ranked against offers and offers against units, each with its own hub values
    assert three.rank_id("u-bake", "units", k=1)[0].id == "o-bake"
    assert three.rank_id("o-garden", "offers", k=1, side="units")[0].id == "u-plant"
    assert three.rank(Document(None, title="Backstube", lang="de"), "units", k=1, query_side="offers")[0].id == "u-bake"
    assert len(three.stores["offers"].hub["units"]) == len(three.stores["offers"].ids)
    reasons = three.reasons("u-bake", "offers", ["o-bake"], query_side="units")["o-bake"]
    assert "Brot" in {r.query_term for r in reasons}
    # an offer is matched with two sides: which one must be said; units are not matched with profiles
    with pytest.raises(ValueError):
        three.rank_id("o-bake", "offers")
    with pytest.raises(ValueError):
        three.rank_id("u-bake", "units", side="profiles")
    with pytest.raises(ValueError):
        two.fit_sides({"units": UNITS})


@pytest.mark.parametrize("which", ["ding", "mono"])
def test_one_row_is_weighted_as_among_many(which, request):
    """A query or an upsert (one row) is expanded in the columns it uses, a
    few rows likewise, a fit's chunks in the whole vocabulary: the row of a
    document is the same, to the bit, whichever way it was made, and new
    features (words the index has not seen) come out the same too."""
    b = request.getfixturevalue(which)
    m = Matcher(bridge=b).fit(OFFERS, PROFILES)
    docs = [d for d in SPEED_DOCS if d.title or d.skills or d.text] + [
        Document(None, title="Präzisionsinstrumentenprüferin", skills=["Machine lerning", "Power BI"],
                 text="Qualitaetsingenieur, Kauffrau und Laborantinnen in der Wasserstoffelektrolyse", lang="de"),
    ]
    many = m.transform(docs * 40)  # more than a few rows: the whole vocabulary's width
    few = m.transform(docs)
    for i, doc in enumerate(docs):
        one = m.transform([doc])
        for other in (few[i], many[i], many[len(docs) + i]):
            assert other.shape == one.shape
            assert np.array_equal(one.indices, other.indices), doc.id
            assert np.array_equal(one.data, other.data), doc.id


def test_a_documents_words_as_arrays_answer_as_the_dict_they_were_made_of():
    from matchmaker.matching.reasons import Words

    words = {901: "Schweißen", 17: "Python", 400_000: "Schweißen", 5: "Anlagenbau"}
    link = {901: 0.5, 17: 1.0, 400_000: 0.25, 5: 1.0}
    w = Words(words, link, weak=frozenset({5}))
    assert dict(w.items()) == words and len(w) == 4 and w.link == link
    assert w.get(17) == "Python" and w.get(18) is None and w[400_000] == "Schweißen" and 901 in w
    got, links = w.lookup(np.array([3, 5, 901, 400_000, 10**7]))
    assert got == [None, "Anlagenbau", "Schweißen", "Schweißen", None]
    assert links == [1.0, 1.0, 0.5, 0.25, 1.0]
    assert w.weak == {5}
    assert Words().lookup(np.array([1])) == ([None], [1.0]) and Words().get(1) is None


def test_coherence_sample_taken_from_each_side_is_that_of_the_stacked_rows():
    """With more rows than reason_coherence_sample, the sample's rows are
    taken from each side's rows: the result is that of the same rows of all
    sides stacked (as one side that holds only them)."""
    import numpy as np
    import scipy.sparse as sp

    from matchmaker.matching.reasons import coherence
    from matchmaker.matching.store import Store

    rng = np.random.default_rng(5)
    width = 40
    block = [0] * 30 + [1] * 10

    def rows(n):
        M = sp.random(n, width, density=0.3, random_state=rng, format="csr", dtype=np.float32)
        M.data = M.data + np.float32(0.1)
        return M

    sides = []
    for n in (70, 0, 55):
        store = Store()
        store.rows = rows(n) if n else sp.csr_matrix((0, width), dtype=np.float32)
        sides.append(store)
    small = MatcherConfig(reason_coherence_sample=60, reason_coherence_min_docs=2)
    pick = np.sort(np.random.default_rng(small.hub_seed).choice(125, 60, replace=False))
    one = Store()
    one.rows = sp.vstack([sides[0].rows, sides[2].rows]).tocsr()[pick]
    want = coherence([one], block, MatcherConfig(reason_coherence_sample=1000, reason_coherence_min_docs=2))
    got = coherence(sides, block, small)
    assert len(want[0]) > 0
    for a, b in zip(got, want):
        assert np.array_equal(a, b)


def test_a_cached_documents_words_take_the_smallest_exact_types():
    """A worker keeps a thousand documents' words: ids, places and link weights in the narrowest
    arrays that hold them exactly, and the same answers when they do not fit narrow ones."""
    from matchmaker.matching.reasons import Words

    small = Words({17: "Python", 901: "Schweißen"}, {17: 1.0, 901: 0.5}, heads=[901], head_parts={901, 17})
    assert small.feats.itemsize == 4 and small.starts.itemsize == 2 and small.links.itemsize == 4
    assert small.heads == {901} and small.head_parts == {17, 901} and small.weak == frozenset()
    assert small.lookup(np.array([17, 901])) == (["Python", "Schweißen"], [1.0, 0.5])
    # ids beyond 32 bits, a text of the words beyond 65,535 characters, a weight float32 cannot hold
    long = "x" * 70_000
    wide = Words({2**40: "Anlage", 3: long, 4: "Bau"}, {2**40: 0.1, 3: 1.0, 4: 1.0}, weak={2**40})
    assert wide.get(2**40) == "Anlage" and wide.get(4) == "Bau" and wide[3] == long
    assert wide.link == {3: 1.0, 4: 1.0, 2**40: 0.1} and wide.weak == {2**40}


def test_the_reasons_cache_stays_bounded_and_a_tiny_one_gives_the_same_reasons(ding):
    """The words of stored documents are kept for at most ``cache_size`` documents per process;
    a document dropped from the cache is analysed again and gives the same reasons."""
    full = Matcher(bridge=ding).fit(OFFERS, PROFILES)
    tiny = Matcher(bridge=ding).fit(OFFERS, PROFILES)
    tiny.explainer.cache_size = 2
    for _ in range(2):  # the second round finds most documents dropped again
        for side, docs in (("profiles", PROFILES), ("offers", OFFERS)):
            for d in docs:
                want = full.rank_id(d.id, side, k=5)
                assert tiny.rank_id(d.id, side, k=5) == want
                assert len(tiny.explainer.cache) <= 2
    assert any(h.reasons for h in full.rank_id("p-auto", "profiles", k=5))
    assert len(full.explainer.cache) == len(OFFERS) + len(PROFILES)


def test_units_without_a_compound_head_share_one_empty_set(ding):
    """Most units have no head or weak features: all of those give the same empty set instead of
    one each (the reasons keep one entry per unit)."""
    an = Matcher(bridge=ding).analyzer
    keys = [("t", w, "de", False) for w in ("brot", "garten", "pflege", "rasen")]
    heads = [an.head_features(k) for k in keys] + [an.head_part_features(k) for k in keys]
    weak = [an.weak_features(k) for k in keys]
    assert all(h == frozenset() for h in heads + weak)
    assert len({id(h) for h in heads + weak}) == 1
    assert an.head_features(("t", "automatisierungstechnik", "de", False))  # a compound still has its head


def test_each_feature_names_the_word_that_gives_it_most_the_first_of_equal_ones(ding):
    """A document's words behind its features, by their definition: per feature the word whose unit
    (or direct feature) gives it the largest weight, of equal ones the first in the document (units
    in its order, then the direct features); restricted to the features of a stored row."""
    m = Matcher(bridge=ding).fit(OFFERS, PROFILES)
    v = m.vectoriser
    queries = [Document(None, title="Prüfung Pruefung Prüfer", skills=["Prüfung von Messgeräten"], lang="de"),
               Document(None, title="automation engineer", skills=["control systems", "automation"], lang="en")]
    cases = [(d, None) for d in queries] + [(d, m.stores[side].row(d.id, v.n_features).indices)
                                            for side, docs in (("offers", OFFERS), ("profiles", PROFILES)) for d in docs]
    for doc, only in cases:
        units, direct, _, prov = m.analyzer.analyze(doc, provenance=True)
        best = {}
        entries = [(f, w * x, prov[key], x) for key, w in units.items() if key in v.units
                   for f, x in zip(v.unit_feats[v.units[key]].tolist(), v.unit_wts[v.units[key]].tolist())]
        entries += [(v.features[key], w, prov[key], 1.0) for key, w in direct.items() if key in v.features]
        for f, val, word, x in entries:
            if (only is None or f in set(only.tolist())) and (f not in best or val > best[f][0]):
                best[f] = (val, word, x)
        words = m.explainer.words(doc, only)
        assert dict(words.items()) == {f: word for f, (_, word, _) in best.items()}
        assert words.link == {f: x for f, (_, _, x) in best.items()}


def test_explaining_keeps_each_units_quiet_features_as_ids_not_names(ding):
    """The features that link no reason (weak, compound heads) are kept per unit as feature ids,
    not as names, and the ids are those of the names."""
    m = Matcher(bridge=ding).fit(OFFERS, PROFILES)
    an, v = m.analyzer, m.vectoriser
    for side, docs in (("profiles", PROFILES), ("offers", OFFERS)):
        for d in docs:
            m.rank_id(d.id, side, k=5)
    kept = list(m.explainer._quiet.values())
    assert kept and all(isinstance(ids, np.ndarray) and ids.dtype.kind == "i" for hit in kept for ids in hit[:3])
    key = ("t", "automatisierungstechnik", "de", True)
    assert key in v.units
    weak, heads, head_parts = m.explainer.quiet(key)
    assert len(heads), "a compound has its head's features"
    for ids, names in zip((weak, heads, head_parts), (an.weak_features(key), an.head_features(key),
                                                       an.head_part_features(key))):
        assert sorted(ids.tolist()) == sorted(v.features[n] for n in names if n in v.features)
    # the same, for every unit at once, as a snapshot keeps them
    table = m.explainer.quiet_table()
    assert table.n == len(v.units) and table.complete.all()
    for unit, uid in v.units.items():
        assert [a.tolist() for a in table[uid]] == [a.tolist() for a in m.explainer.quiet(unit)], unit


def test_a_document_that_is_not_stored_is_analysed_once_and_kept_within_bounds(ding):
    """A company sees reasons against a graduate's card, a document that is never stored, on every
    page that lists the graduate: its row and words are kept by content (at most ``fresh_size``), and
    give the same reasons as working them out again; a new word in the vocabulary retires them."""
    full = Matcher(bridge=ding).fit(OFFERS, PROFILES)
    tiny = Matcher(bridge=ding).fit(OFFERS, PROFILES)
    tiny.explainer.fresh_size = 2
    cards = [Document(None, title=t, skills=s, lang="en") for t, s in (
        ("automation engineer", ["control systems"]), ("baker", ["bread"]), ("gardener", ["trees", "garden"]),
        ("engineer", ["automation"]))]
    first = [full.explain(OFFERS[0], card) for card in cards]
    assert any(reasons for _score, reasons in first)
    assert len(full.explainer.fresh) == len(cards)
    for _ in range(2):
        assert [full.explain(OFFERS[0], card) for card in cards] == first
        assert [tiny.explain(OFFERS[0], card) for card in cards] == first
        assert len(tiny.explainer.fresh) <= 2
    # the same content is one entry, whatever list or tuple holds its skills
    full.explain(OFFERS[0], Document(None, title="baker", skills=("bread",), lang="en"))
    assert len(full.explainer.fresh) == len(cards)
    full.upsert("profiles", Document("p-new", title="Zytologe", skills=["Zellbiologie"], lang="de"))
    assert all(hit[2] != full.n_features for hit in full.explainer.fresh.values())
    assert [full.explain(OFFERS[0], card) for card in cards] == first


def test_a_row_mask_ranks_as_the_ids_it_was_made_of_also_after_changes(mono):
    """`Matcher.row_mask` looks a set of ids up once; ranking with it is ranking with the set. An offer
    added after it is not allowed by it, one removed after it is gone from both."""
    m = Matcher(bridge=mono).fit(OFFERS, PROFILES)
    query = Document(None, title="Pflege Park Bäume Brot Prüfung", lang="de")
    allowed = {"o-bake", "o-garden", "o-precise", "not-an-offer"}
    mask = m.row_mask("offers", allowed)
    assert [(h.id, h.score) for h in m.rank(query, "offers", k=None, allowed=mask, explain=False)] == \
        [(h.id, h.score) for h in m.rank(query, "offers", k=None, allowed=allowed, explain=False)]
    assert {h.id for h in m.rank(query, "offers", k=None, allowed=mask, explain=False)} == {"o-bake", "o-garden", "o-precise"}
    m.upsert("offers", Document("o-new", title="Gärtner für Bäume im Park", lang="de"))
    m.remove("offers", "o-bake")
    ranked = [h.id for h in m.rank(query, "offers", k=None, allowed=mask, explain=False)]
    assert "o-new" not in ranked and "o-bake" not in ranked and set(ranked) == {"o-garden", "o-precise"}
    assert ranked == [h.id for h in m.rank(query, "offers", k=None, allowed={"o-garden", "o-precise"}, explain=False)]

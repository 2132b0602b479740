"""Metrics, eval-set loading and the `flask matcher eval` command."""
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from matchmaker.matching.cli import matcher_cli
from matchmaker.matching.evaluation import METRICS, evaluate, load_set, mean_metrics, query_metrics

DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev"


def test_query_metrics_hand_computed():
    # grade-2 items at ranks 2 and 4, a grade-1 item at rank 1; one grade-2 never retrieved
    grades = {"a": 1, "b": 2, "d": 2, "z": 2}
    m = query_metrics(["a", "b", "c", "d"], grades)
    assert m["mrr"] == pytest.approx(1 / 2)
    assert m["recall@10"] == pytest.approx(2 / 3)
    assert m["map"] == pytest.approx((1 / 2 + 2 / 4) / 3)
    dcg = 1 / math.log2(2) + 3 / math.log2(3) + 3 / math.log2(5)
    idcg = 3 / math.log2(2) + 3 / math.log2(3) + 3 / math.log2(4) + 1 / math.log2(5)
    assert m["ndcg@10"] == pytest.approx(dcg / idcg)


def test_query_metrics_perfect_and_empty():
    m = query_metrics(["x"], {"x": 2})
    assert m == {"mrr": 1.0, "recall@10": 1.0, "ndcg@10": 1.0, "map": 1.0}
    m = query_metrics([], {"x": 2})
    assert m == {"mrr": 0.0, "recall@10": 0.0, "ndcg@10": 0.0, "map": 0.0}
    # recall@10 only counts the first ten
    m = query_metrics([f"n{i}" for i in range(10)] + ["x"], {"x": 2})
    assert m["recall@10"] == 0.0 and m["mrr"] == pytest.approx(1 / 11)
    avg = mean_metrics([{k: 1.0 for k in METRICS}, {k: 0.0 for k in METRICS}])
    assert avg["mrr"] == 0.5 and avg["queries"] == 2


def _write_set(folder: Path):
    folder.mkdir(parents=True)
    profiles = [
        {"id": "p1", "lang": "en", "headline": "baker", "skills": ["bake bread", "pastry"], "about": ""},
        {"id": "p2", "lang": "en", "headline": "gardener", "skills": ["prune trees", "lawn care"], "about": ""},
        {"id": "p3", "lang": "en", "headline": "welder", "skills": ["weld steel"], "about": "I weld pipes."},
    ]
    offers = [
        {"id": "o1", "lang": "en", "title": "baker", "description": "Bake bread and pastry every morning.", "skills": []},
        {"id": "o2", "lang": "en", "title": "gardener", "description": "Care for trees and lawn in the park.", "skills": ["prune trees"]},
        {"id": "o3", "lang": "en", "title": "welder", "description": "Weld steel pipes.", "skills": []},
        {"id": "o4", "lang": "en", "title": "pastry chef", "description": "Make pastry.", "skills": []},
    ]
    (folder / "profiles.jsonl").write_text("\n".join(json.dumps(p) for p in profiles) + "\n", encoding="utf-8")
    (folder / "offers.jsonl").write_text("\n".join(json.dumps(o) for o in offers) + "\n", encoding="utf-8")
    (folder / "qrels.tsv").write_text(
        "profile_id\toffer_id\tgrade\np1\to1\t2\np1\to4\t1\np2\to2\t2\np3\to3\t2\n", encoding="utf-8"
    )


def test_load_set_maps_fields(tmp_path):
    _write_set(tmp_path / "tiny")
    es = load_set(tmp_path / "tiny")
    assert es.name == "tiny" and len(es.profiles) == 3 and len(es.offers) == 4
    p1 = es.profiles[0]
    assert (p1.title, list(p1.skills), p1.lang) == ("baker", ["bake bread", "pastry"], "en")
    o2 = es.offers[1]
    assert o2.title == "gardener" and o2.text.startswith("Care") and list(o2.skills) == ["prune trees"]
    assert es.qrels[("p1", "o4")] == 1


def test_load_set_builds_documents_the_apps_way(tmp_path):
    """By default the eval knows what the app knows: a profile's language is detected from its text
    (the app has no field for it), an offer's is the one the company chose on the form."""
    folder = tmp_path / "langs"
    folder.mkdir()
    profiles = [  # the file's language is wrong on purpose: the app would not know it
        {"id": "p1", "lang": "en", "headline": "Schauspiellehrerin", "skills": [], "about": ""},
        {"id": "p2", "lang": "de", "headline": "", "skills": ["maintain electrical equipment"], "about": ""},
        {"id": "p3", "lang": "en", "headline": "Max Mustermann", "skills": ["Schweißen"],
         "about": "Erreichbar unter max@example.org oder 0355 123456."},
    ]
    offers = [{"id": "o1", "lang": "en", "title": "Elektriker", "description": "", "skills": []}]
    (folder / "profiles.jsonl").write_text("\n".join(json.dumps(p) for p in profiles) + "\n", encoding="utf-8")
    (folder / "offers.jsonl").write_text("\n".join(json.dumps(o) for o in offers) + "\n", encoding="utf-8")
    (folder / "qrels.tsv").write_text("profile_id\toffer_id\tgrade\np1\to1\t2\n", encoding="utf-8")

    es = load_set(folder)
    assert [p.lang for p in es.profiles] == ["de", "en", "de"]
    assert es.offers[0].lang == "en"  # as the company chose it
    assert "max@example.org" not in es.profiles[2].text and "123456" not in es.profiles[2].text  # scrubbed
    given = load_set(folder, given_language=True)
    assert [p.lang for p in given.profiles] == ["en", "de", "en"]


def test_cli_given_language_flag(tmp_path):
    _write_set(tmp_path / "one")
    res = CliRunner().invoke(matcher_cli, ["eval", "--given-language", "--json", str(tmp_path / "one")])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)[0]["systems"]["matcher"]["profile->offers"]["queries"] == 3


def test_evaluate_both_directions_three_systems(tmp_path):
    _write_set(tmp_path / "tiny")
    (r,) = evaluate([tmp_path / "tiny"])
    assert set(r["systems"]) == {"matcher", "tfidf-default", "bm25"}
    for by_dir in r["systems"].values():
        assert set(by_dir) == {"profile->offers", "offer->profiles"}
        assert by_dir["profile->offers"]["queries"] == 3
        assert by_dir["offer->profiles"]["queries"] == 3
    assert r["systems"]["matcher"]["profile->offers"]["mrr"] == pytest.approx(1.0)


def test_cli_table_and_json(tmp_path):
    _write_set(tmp_path / "one")
    _write_set(tmp_path / "two")
    runner = CliRunner()
    res = runner.invoke(matcher_cli, ["eval", str(tmp_path / "one"), str(tmp_path / "two")])
    assert res.exit_code == 0, res.output
    for system in ("matcher", "tfidf-default", "bm25"):
        for direction in ("profile->offers", "offer->profiles"):
            assert sum(1 for line in res.output.splitlines() if system in line and direction in line) == 2
    for metric in METRICS:
        assert metric in res.output
    res = runner.invoke(matcher_cli, ["eval", "--json", str(tmp_path / "one")])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data[0]["set"] == "one"
    assert 0 <= data[0]["systems"]["bm25"]["offer->profiles"]["map"] <= 1


def test_cli_rejects_missing_folder(tmp_path):
    res = CliRunner().invoke(matcher_cli, ["eval", str(tmp_path / "nope")])
    assert res.exit_code != 0


@pytest.mark.skipif(not (DEV / "titles-de").is_dir(), reason="../shared/eval/dev is not present")
def test_dev_set_smoke():
    (r,) = evaluate([DEV / "titles-de"])
    ours = r["systems"]["matcher"]["profile->offers"]["mrr"]
    assert ours > r["systems"]["tfidf-default"]["profile->offers"]["mrr"]


def _analyzer():
    from matchmaker.matching.bridge import default_bridge
    from matchmaker.matching.engine import MatcherConfig
    from matchmaker.matching.text import Analyzer

    bridge = default_bridge()
    if not bridge.available:
        pytest.skip("German-English dictionary not installed")
    return Analyzer(MatcherConfig(), bridge)


def test_text_pipeline_reaches_related_forms():
    a = _analyzer()
    # English verbs are keyed "to inspect" in the dictionary; skills say "inspect"
    assert a.bridge.translate("inspect", "en")
    # the verb behind a noun: agent nouns (en) and -ung nouns (de)
    assert a.derived("inspector", "en") == "inspect"
    assert a.derived("engineer", "en") is None  # "engine" is no verb
    assert a.derived("pruefung", "de") == a.term("prüfer", "de")
    # feminine forms onto masculine ones
    assert a.normal("ermittlungsbeamtin", "de") == "ermittlungsbeamter"
    assert a.normal("kauffrau", "de") == "kaufmann"
    # a known compound is split as well; an English word in a German title is translated
    assert "w:" + a.term("beamter", "de") in a.expand_token("polizeibeamter", "de", False)
    assert any(k.startswith("w:sicher") for k in a.expand_token("security", "de", False))


UNIT_SETS = Path(__file__).resolve().parent.parent / "eval" / "dev-units"


def test_a_set_of_units_is_built_the_apps_way_and_reported_as_units(tmp_path):
    folder = tmp_path / "units-tiny"
    folder.mkdir()
    units = [
        {"id": "u1", "lang": "de", "name": "", "topics": ["electrolysis", "hydrogen"],
         "expertise": "We study how the stacks of water electrolysers age in the field.", "methods": "",
         "equipment": ""},
        {"id": "u2", "lang": "en", "name": "Holzbau", "topics": [],
         "expertise": "Wir planen mehrgeschossige Holzgebäude und prüfen den Brandschutz.", "methods": "",
         "equipment": ""},
    ]
    questions = [
        {"id": "o1", "lang": "de", "title": "Elektrolyse", "description": "Wasserstoff aus Elektrolyse.", "skills": []},
        {"id": "o2", "lang": "en", "title": "timber building", "description": "", "skills": ["fire safety"]},
    ]
    (folder / "units.jsonl").write_text("\n".join(json.dumps(u) for u in units) + "\n", encoding="utf-8")
    (folder / "offers.jsonl").write_text("\n".join(json.dumps(o) for o in questions) + "\n", encoding="utf-8")
    (folder / "qrels.tsv").write_text("unit_id\toffer_id\tgrade\nu1\to1\t2\nu2\to2\t2\n", encoding="utf-8")
    es = load_set(folder)
    assert es.kind == "units" and [u.lang for u in es.profiles] == ["en", "de"]  # detected: the file is wrong
    assert list(es.profiles[0].skills) == ["electrolysis", "hydrogen"] and "Holzgebäude" in es.profiles[1].text
    res = CliRunner().invoke(matcher_cli, ["eval", str(folder)])
    assert res.exit_code == 0, res.output
    assert "unit->questions" in res.output and "question->units" in res.output
    assert "profile->offers" not in res.output


@pytest.mark.skipif(not (UNIT_SETS / "units-de__questions-en").is_dir(), reason="eval/dev-units is not present")
def test_unit_sets_load_with_every_judged_pair_known():
    for name in ("units-en__questions-de", "units-de__questions-en"):
        es = load_set(UNIT_SETS / name, given_language=True)
        ids = {d.id for d in es.profiles} | {d.id for d in es.offers}
        assert es.kind == "units" and len(es.profiles) == len(es.offers) >= 100
        assert all(u in ids and o in ids for u, o in es.qrels)
        assert sum(grade == 2 for grade in es.qrels.values()) == len(es.profiles)

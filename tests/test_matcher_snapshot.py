"""The index as a snapshot on disk: built once, loaded by every process, switched atomically, followed;
and no request waits for a build (warm start)."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from helpers import PASSWORD

from matchmaker.matching import index, snapshot
from matchmaker.models import Role

SKILLS = [["python", "data"], ["Wasserstoff", "Elektrolyse"], ["SPS", "Automatisierungstechnik"],
          ["Schweißen", "Montage"], ["chemistry", "laboratory"]]


def _world(make_offer, make_profile, n: int = 5):
    offers = [make_offer(title=f"{' '.join(skills)} Stelle {i}", required_skills=skills,
                         description=f"Wir arbeiten mit {skills[0]} und {skills[1]}.")
              for i, skills in enumerate(SKILLS[:n])]
    profiles = [make_profile(headline=f"{skills[1]} engineer", skills=skills, wanted_kinds=[],
                             visible_to_companies=True)
                for skills in reversed(SKILLS[:n])]
    return offers, profiles


def _rankings(matcher, profiles, offers):
    return ([[(m.id, round(m.score, 6)) for m in matcher.rank_id(p.id, "profiles", k=10)] for p in profiles],
            [[(m.id, round(m.score, 6)) for m in matcher.rank_id(o.id, "offers", k=10, side="profiles")] for o in offers])


def test_snapshot_round_trip_ranks_as_a_fresh_build(app, make_offer, make_profile, monkeypatch):
    monkeypatch.setattr(snapshot, "INLINE_BYTES", 0)  # every array mapped from its file, read-only
    offers, profiles = _world(make_offer, make_profile)
    folder = index.rebuild_snapshot(app)
    assert snapshot.current(index.snapshot_root(app)) == folder
    assert (folder / "done").exists() and list(folder.glob("a*.npy")), "arrays are kept as .npy files"

    fresh = index.MatcherIndex()
    fresh.build()
    loaded = index.MatcherIndex()  # as in a new process
    loaded.load_snapshot(folder)
    # the words that link no reason come with the snapshot: a serving process does not learn them again
    assert loaded.matcher.explainer._everyday is not None
    assert loaded.matcher.explainer._general is not None
    assert loaded.version == index.current_version() == fresh.version
    assert loaded.seen == fresh.seen
    expected = _rankings(fresh.matcher, profiles, offers)
    assert any(expected[0]), "the world has fits to compare"
    assert _rankings(loaded.matcher, profiles, offers) == expected
    # the big arrays are mapped from the files (plain read-only views of the mapping), not read into
    # private memory
    store = loaded.matcher.stores["offers"]
    data = store.rows.data
    assert type(data) is np.ndarray and isinstance(data.base, np.memmap) and not data.flags.writeable
    assert np.array_equal(loaded.matcher.explainer.everyday(), fresh.matcher.explainer.everyday())
    assert loaded.matcher.explainer.general() == fresh.matcher.explainer.general()
    # reasons come from the stored documents' texts, decoded from the snapshot
    for p in profiles:
        got = loaded.matcher.rank_id(p.id, "profiles", k=3)
        want = fresh.matcher.rank_id(p.id, "profiles", k=3)
        assert [[r.query_term for r in m.reasons] for m in got] == [[r.query_term for r in m.reasons] for m in want]
    # ... and each unit's features that link no reason come with it as ids: none worked out again
    ex = loaded.matcher.explainer
    assert ex.quiet_base is not None and ex.quiet_base.n == len(loaded.matcher.vectoriser.units)
    assert not ex._quiet


def test_changes_since_the_snapshot_are_applied_on_load(app, db, make_offer, make_profile):
    offers, profiles = _world(make_offer, make_profile, n=3)
    folder = index.rebuild_snapshot(app)
    built_version = snapshot.load_meta(folder)["version"]
    new = make_offer(title="Python data engineer", required_skills=["python", "data"])
    gone = offers[1]
    db.session.delete(gone)
    profiles[0].skills = ["Elektrolyse", "Brennstoffzelle"]
    db.session.commit()
    assert index.current_version() > built_version

    index.forget_indexes()
    idx = index.get_index()
    idx.load_snapshot(folder)
    assert idx.version == built_version and new.id not in idx.matcher.ids("offers")
    matcher = index.get_matcher()  # syncs the changes since the snapshot, no build
    assert idx.builds == 0 and idx.loads == 1 and idx.updates == 1
    assert new.id in matcher.ids("offers") and gone.id not in matcher.ids("offers")
    top = matcher.rank_id(profiles[0].id, "profiles", k=1)
    assert top and top[0].id != gone.id
    fresh = index.MatcherIndex()
    fresh.build()
    assert sorted(matcher.ids("offers")) == sorted(fresh.matcher.ids("offers"))
    assert [m.id for m in matcher.rank_id(new.id, "offers", k=5, side="profiles")] == \
        [m.id for m in fresh.matcher.rank_id(new.id, "offers", k=5, side="profiles")]


def test_the_switch_is_atomic_and_old_snapshots_are_pruned(app, make_offer, make_profile):
    """A reader loading the current snapshot while rebuilds publish new ones gets a whole snapshot
    every time (its own version and the rows it holds), never half of one."""
    _world(make_offer, make_profile, n=3)
    root = index.snapshot_root(app)
    index.rebuild_snapshot(app)
    seen, problems, stop = [], [], threading.Event()

    def read():
        while not stop.is_set():
            folder = snapshot.current(root)
            try:
                matcher, meta = snapshot.load(folder)
            except FileNotFoundError:  # pruned between the look and the load: look again
                continue
            except Exception as exc:  # pragma: no cover - what the test is for
                problems.append(repr(exc))
                return
            if sorted(matcher.ids("offers")) != sorted(meta["rows"]["offers"]):
                problems.append(f"{folder}: rows and index differ")
            seen.append(folder.name)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(3):
            make_offer(title=f"Neue Stelle {i} Python", required_skills=["python"])
            index.rebuild_snapshot(app)
    finally:
        stop.set()
        reader.join(60)
    assert not problems
    assert len(seen) >= 1
    folders = sorted(p.name for p in root.glob("snap-*"))
    assert len(folders) == 2, "two snapshots are kept"
    assert snapshot.current(root).name in folders
    assert snapshot.load_meta(snapshot.current(root))["version"] == index.current_version()


def test_a_half_written_snapshot_is_never_current(tmp_path):
    def fail(folder):
        folder.mkdir()
        (folder / "state.pkl").write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        snapshot.publish(tmp_path, fail)
    assert snapshot.current(tmp_path) is None
    assert not list(tmp_path.glob("snap-*")), "the half-written folder is removed"


def test_warm_start_loads_the_snapshot_at_start(make_app, make_offer, make_profile, tmp_path):
    app = make_app()
    offers, profiles = _world(make_offer, make_profile, n=3)
    folder = index.rebuild_snapshot(app)
    index.forget_indexes()
    warm = make_app(MATCHER_WARM_START=True)  # create_app loads it (as at a server's start)
    with warm.app_context():
        idx = index.get_index()
        assert idx.matcher is not None and idx.snapshot == str(folder) and idx.builds == 0


def test_no_request_waits_for_a_build_the_pages_say_being_prepared(make_app, db, make_user, make_offer, make_profile,
                                                                    monkeypatch):
    app = make_app()
    user = make_user(Role.graduate)
    make_profile(user=user, skills=["python"], headline="Python developer", wanted_kinds=[])
    make_offer(title="Python developer", required_skills=["python"])
    index.MatcherIndex().build()  # the dictionaries loaded once per process, before the clock runs
    index.forget_indexes()
    release = threading.Event()
    real_fit = index.fit_from_database

    def slow_fit(dictionary=None):  # the real build, held until the test has seen the waiting page
        assert release.wait(60)
        return real_fit(dictionary)

    monkeypatch.setattr(index, "fit_from_database", slow_fit)
    warm = make_app(MATCHER_WARM_START=True)
    warm.test_client_class = app.test_client_class
    client = warm.test_client()
    assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    started = time.perf_counter()
    for lang, text in (("en", "The ranking is being prepared"), ("de", "Die Rangfolge wird vorbereitet")):
        db.session.get(type(user), user.id).locale = lang  # in the session of the app context now pushed
        db.session.commit()
        response = client.get("/matches/offers")
        assert response.status_code == 503
        assert text in response.get_data(as_text=True)
        assert response.headers["Retry-After"] and response.headers["Refresh"]
    assert time.perf_counter() - started < 5, "the page answers at once"
    release.set()
    with warm.app_context():
        idx = index.get_index()
    idx.preparing.join(600)
    assert not idx.preparing.is_alive() and idx.error is None
    assert idx.matcher is not None and idx.snapshot is not None
    response = client.get("/matches/offers")
    assert response.status_code == 200 and "Python developer" in response.get_data(as_text=True)


def test_a_published_rebuild_is_swapped_in_without_a_pause(make_app, make_offer, make_profile):
    app = make_app()
    _world(make_offer, make_profile, n=2)
    index.rebuild_snapshot(app)
    index.forget_indexes()
    warm = make_app(MATCHER_WARM_START=True, MATCHER_SNAPSHOT_CHECK_SECONDS=0)
    with warm.app_context():
        idx = index.get_index()
        first = idx.snapshot
        newer = index.rebuild_snapshot(warm)  # as a background job would
        index.get_matcher()  # sees the newer snapshot, loads it in the background, answers with the old
        idx.preparing.join(60)
        assert idx.snapshot == str(newer) != first
        assert idx.builds == 0 and idx.loads == 2


def test_warm_start_setting(make_app):
    from config import Config, TestConfig

    assert Config.MATCHER_WARM_START is True and TestConfig.MATCHER_WARM_START is False
    app = make_app(MATCHER_WARM_START=False)
    with app.app_context():
        assert index.get_index().matcher is None  # nothing loaded or built at start
        index.get_matcher()  # built on first use, as the tests expect
        assert index.get_index().builds == 1


def test_flask_matcher_build(app, runner, make_offer, make_profile):
    _world(make_offer, make_profile, n=2)
    result = runner.invoke(args=["matcher", "build"])
    assert result.exit_code == 0, result.output
    folder = snapshot.current(index.snapshot_root(app))
    assert folder is not None and str(folder) in result.output
    assert snapshot.load_meta(folder)["version"] == index.current_version()


def test_feature_table_looks_many_names_up_as_one_by_one():
    table = snapshot.FeatureTable.of({f"w{i}": i for i in range(500)})
    table["new"] = 500  # added after loading
    names = ["w3", "new", "absent", "w499", "w0", "", "w3"]
    assert table.get_many(names) == [table.get(n) for n in names] == [3, 500, None, 499, 0, None, 3]
    assert snapshot.FeatureTable.of({}).get_many(["a"]) == [None]


def _typo_corpus():
    from matchmaker.matching.engine import Document, Matcher

    offers = [Document(f"o{i}", title=t, skills=(t,), text=f"{t} im Industriepark", lang="de")
              for i, t in enumerate(["Maschinenbau Ingenieur", "Instandhaltung Elektrotechnik", "Python Entwicklung"])]
    profiles = [Document("p0", title="Elektrotechnik", skills=("Instandhaltung",), text="Wartung", lang="de")]
    return Matcher().fit(offers, profiles)


def test_the_corpus_typo_index_is_loaded_from_the_snapshot_not_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setattr(snapshot, "INLINE_BYTES", 0)  # every array mapped from its file
    m = _typo_corpus()
    built = m.analyzer.corpus_typos
    assert built is not None and built.knows("maschinenbau")
    snapshot.save(m, tmp_path / "s", {"version": 1})
    loaded, _ = snapshot.load(tmp_path / "s")
    typos = loaded.analyzer.corpus_typos
    keys = typos.keys
    assert isinstance(keys, np.memmap) or isinstance(keys.base, np.memmap), "the hashes come from the snapshot's files"
    assert list(typos.words) == list(built.words)
    for word in ("maschienenbau", "instandhaltnug", "pyhton"):
        assert loaded.analyzer.corrections(word, "de") == m.analyzer.corrections(word, "de") != []


def test_a_snapshot_of_the_first_format_still_loads(tmp_path):
    # format 1 kept the corpus's words only; they are indexed again on load
    m = _typo_corpus()
    state = snapshot.matcher_state(m)
    state["format"] = 1
    state["corpus_words"] = list(state.pop("corpus_typos").words)
    folder = tmp_path / "old"
    folder.mkdir()
    snapshot._dump(state, folder / "state.pkl")
    snapshot._dump({"version": 1}, folder / "meta.pkl")
    (folder / "done").write_text("1\n")
    loaded, meta = snapshot.load(folder)
    assert meta == {"version": 1}
    assert loaded.analyzer.corrections("maschienenbau", "de") == m.analyzer.corrections("maschienenbau", "de") != []
    assert [x.id for x in loaded.rank_id("p0", "profiles", k=3)] == [x.id for x in m.rank_id("p0", "profiles", k=3)]


def test_a_feature_block_is_read_alone_as_from_every_block_joined():
    blocks = snapshot.BlockList(np.array([0, 1, 2, 1, 0], dtype=np.int8), [2, 3])
    blocks.append(1)
    joined = np.asarray(blocks)
    assert len(blocks) == len(joined) == 8
    for i in range(-8, 8):
        assert blocks[i] == int(joined[i]) and isinstance(blocks[i], int)
    assert blocks[np.int64(6)] == 3
    assert blocks[2:7] == joined[2:7].tolist() and blocks[5:] == [2, 3, 1]
    with pytest.raises(IndexError):
        blocks[8]


def test_a_snapshot_of_other_dictionary_tables_is_built_again(make_app, make_offer, make_profile, tmp_path):
    """A snapshot records the dictionary tables it was built from (the file and the tables' format);
    one built from other tables is not loaded, so the next start or build makes a new one."""
    app = make_app()
    _world(make_offer, make_profile, n=2)
    folder = index.rebuild_snapshot(app)
    assert index.usable_snapshot(app) == folder
    assert snapshot.load_meta(folder)["dictionary"] == index.dictionary_tables(app)
    dic = tmp_path / "de-en"
    dic.write_text("Brot {n} :: bread\n", encoding="utf-8")
    other = make_app(MATCHER_DICTIONARY=str(dic))
    assert index.dictionary_tables(other) != index.dictionary_tables(app)
    assert index.usable_snapshot(other) is None
    rebuilt = index.rebuild_snapshot(other, only_if_missing=True)
    assert rebuilt != folder and index.usable_snapshot(other) == rebuilt
    assert index.usable_snapshot(app) is None  # and the first app's tables are now the other ones

"""Long texts and concurrent requests must not stall the matcher.

One unbroken "word" of 20,000 letters once took minutes to analyse (the compound splitter was cubic in
the length of a word), and the index analysed changed documents while holding the lock every page
waited for. Analysis is now linear in the text, and a sync analyses outside the locks readers take.
Times are compared with a normal text of the same length in the same run (CPU time of this process),
never with a fixed number of seconds."""

from __future__ import annotations

import random
import threading
import time
from datetime import date, timedelta

import pytest

from matchmaker.graduates.forms import ABOUT_MAX, CV_MAX, SKILL_LENGTH, SKILLS_MAX
from matchmaker.matching import index
from matchmaker.matching.bridge import Bridge
from matchmaker.matching.engine import Document, Matcher, MatcherConfig
from matchmaker.matching.text import CompoundSplitter
from matchmaker.models import Role

# A long text may cost at most this many times a normal text of the same length.
MAX_RATIO = 5.0


@pytest.fixture(scope="module")
def words(ding):
    return sorted(w for w in ding.german_words() if w.isalpha() and 4 <= len(w) <= 14)


def normal_text(words, n: int, seed: int) -> str:
    """n characters of dictionary words and spaces (a text of new words: nothing cached)."""
    rng = random.Random(seed)
    out, length = [], 0
    while length < n:
        w = rng.choice(words)
        out.append(w.capitalize() if rng.random() < 0.3 else w)
        length += len(w) + 1
    return " ".join(out)[:n]


def one_word(words, n: int, seed: int) -> str:
    """n letters without a break: dictionary words run together, as a compound splitter sees them."""
    rng = random.Random(seed)
    parts, length = [], 0
    while length < n:
        parts.append(rng.choice(words))
        length += len(parts[-1])
    return "".join(parts)[:n].capitalize()


def long_words(words, n: int, each: int, seed: int) -> str:
    """n characters of distinct unbroken words of ``each`` letters (every one goes to the splitter)."""
    rng = random.Random(seed)
    out, length = [], 0
    while length < n:
        out.append(one_word(words, each, rng.randrange(1 << 30)))
        length += each + 1
    return " ".join(out)[:n]


def test_splitter_splits_long_compounds_up_to_its_cap_and_leaves_longer_runs_alone():
    s = CompoundSplitter({"wasser", "stoff", "elektrolyse", "anlage", "ueberwachung", "verordnung"})
    compound = "wasserstoffelektrolyseanlagenueberwachungsverordnung"  # 52 letters
    parts = ("wasser", "stoff", "elektrolyse", "anlage", "ueberwachung", "verordnung")
    assert s.split(compound) == parts
    assert s.max_word == 80
    assert s.split(compound + "wasserstoff" * 2) == parts + ("wasser", "stoff") * 2  # 74 letters
    assert s.split(compound + "wasserstoff" * 3) == ()  # 85 letters: no German word is that long
    run = "wasserstoff" * 2000  # 22,000 letters: returned at once (the cubic splitter took minutes)
    assert s.split(run) == () and s.split(run, known=True) == ()


def _cost(matcher: Matcher, doc_id: str, text: str, query: str) -> float:
    """CPU seconds to index a document and explain it for a query of the same kind (analysis, the
    numbers, and the words behind the reasons)."""
    start = time.process_time()
    matcher.upsert("profiles", Document(doc_id, text=text))
    matcher.reasons(Document(None, text=query), "profiles", [doc_id])
    return time.process_time() - start


def test_analysis_time_is_linear_in_the_text_however_long_its_words(ding, words):
    m = Matcher(bridge=ding)
    m.fit([Document("o", title="Ingenieur Automatisierungstechnik", text="Steuerungen planen", lang="de")],
          [Document("p", title="automation engineer", skills=["automation"], lang="en")])
    n = 20_000
    normal = _cost(m, "normal-20k", normal_text(words, n, 1), normal_text(words, 2000, 2))
    word = _cost(m, "word-20k", one_word(words, n, 3), one_word(words, 2000, 4))
    assert word <= MAX_RATIO * normal, (word, normal)
    n = 200_000
    normal = _cost(m, "normal-200k", normal_text(words, n, 5), normal_text(words, 2000, 6))
    word = _cost(m, "word-200k", one_word(words, n, 7), one_word(words, 2000, 8))
    # every word just under the splitter's cap: the most work the splitter does per letter
    capped = _cost(m, "capped-200k", long_words(words, n, 79, 9), long_words(words, 2000, 79, 10))
    assert word <= MAX_RATIO * normal, (word, normal)
    assert capped <= MAX_RATIO * normal, (capped, normal)
    assert {"word-20k", "word-200k", "capped-200k"} <= set(m.ids("profiles"))


def test_queries_never_see_half_an_upsert(tmp_path):
    """Readers rank, explain and look up stored documents while a writer upserts, removes and
    compacts; each upsert and removal is applied whole under the matcher's lock, so no reader
    meets a store whose arrays disagree (before, this raised shape errors within a few upserts)."""
    bridge = Bridge.load(tmp_path / "no-dictionary")  # monolingual: quick
    m = Matcher(MatcherConfig(buffer_limit=15, hub_sample=20), bridge=bridge)
    terms = ("Anlage Steuerung Pumpe Wasser Strom Netz Kabel Rohr Ventil Motor Getriebe Lager Schicht "
             "Wartung Planung Bau Labor Probe Messung Analyse").split()

    def doc(i, prefix):
        rng = random.Random(i)
        return Document(f"{prefix}{i}", title=" ".join(rng.sample(terms, 2)), lang="de",
                        text=" ".join(f"{rng.choice(terms)}{rng.randrange(50)}" for _ in range(40)))

    m.fit([doc(i, "o") for i in range(30)], [doc(i, "p") for i in range(30)])
    errors: list[BaseException] = []
    stop = threading.Event()

    def read(seed):
        rng = random.Random(seed)
        try:
            while not stop.is_set():
                q = doc(rng.randrange(10_000), "q")
                hits = m.rank(q, "offers", k=5, explain=False)
                m.reasons(q, "offers", [h.id for h in hits])
                m.rank_id(f"p{rng.randrange(30)}", "profiles", k=3)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            errors.append(exc)
            stop.set()

    readers = [threading.Thread(target=read, args=(seed,)) for seed in range(3)]
    for t in readers:
        t.start()
    try:
        for i in range(30, 300):
            if stop.is_set():
                break
            m.upsert("offers", doc(i, "o"))
            if i % 7 == 0:
                m.remove("offers", f"o{i - 3}")
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert not errors, repr(errors[0])
    assert "o299" in m.ids("offers") and "o291" not in m.ids("offers")  # 294 removed 291


# ---- through the app --------------------------------------------------------------------------

def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _run(length: int, seed: int) -> str:
    """An unbroken run of German letters (umlauts and ß included)."""
    rng = random.Random(seed)
    pieces = ["wasser", "stoff", "elektro", "lyse", "anlagen", "über", "wachung", "straße", "größe", "prüf",
              "technik", "ingenieur", "Verfahren", "schicht", "leiter", "ung", "ge", "en", "s"]
    out, n = [], 0
    while n < length:
        out.append(rng.choice(pieces))
        n += len(out[-1])
    return "".join(out)[:length]


def test_longest_allowed_profile_and_offer_then_matching_pages(client, db, make_user, make_company, login_as, company_user):
    # the graduate saves every free-text field at its limit, each one unbroken word
    graduate = make_user(Role.graduate, locale="en")
    login_as(graduate)
    skills = [_run(SKILL_LENGTH, 100 + i) for i in range(SKILLS_MAX)]
    response = client.post("/me/profile", data={
        "name": "Long Texts", "headline": _run(160, 1), "about": _run(ABOUT_MAX, 2),
        "study_programme": "", "study_other": _run(160, 3), "degree": "master",
        "skills": "\n".join(skills), "places": _run(200, 4), "cv_text": _run(CV_MAX, 5),
        "wanted_kinds": ["job"], "visible_to_companies": "y",
        **{f"languages-{i}-{f}": "" for i in range(5) for f in ("language", "level")}})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert len(graduate.profile.cv_text) == CV_MAX and len(graduate.profile.about) == ABOUT_MAX
    _page(client, "/matches/offers")
    _page(client, "/matches/offers?all=1")

    # a company saves an offer at its limits and publishes it
    company = make_company()
    login_as(company_user(company))
    response = client.post("/offers/new", data={
        "kind": "job", "title": _run(160, 6), "description": _run(20000, 7),
        "required_skills": ", ".join(_run(80, 200 + i) for i in range(40)),
        "nice_skills": ", ".join(_run(80, 300 + i) for i in range(40)),
        "fields_other": ", ".join(_run(80, 400 + i) for i in range(10)),
        "place": _run(160, 8), "remote_share": "0", "language": "de",
        "start_date": (date.today() + timedelta(days=20)).isoformat()})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    offer_id = int(response.location.rstrip("/").split("/")[-1])
    assert client.post(f"/offers/{offer_id}/publish").status_code == 302
    _page(client, f"/matches/offers/{offer_id}/graduates")
    _page(client, f"/matches/offers/{offer_id}/graduates?all=1")

    login_as(graduate)
    _page(client, "/matches/offers?all=1")
    login_as(make_user(Role.staff))
    _page(client, "/matches/board")
    matcher = index.get_matcher()
    assert offer_id in matcher.ids("offers") and graduate.profile.id in matcher.ids("profiles")


def test_a_sync_in_progress_does_not_hold_up_other_requests(app, client, make_profile, make_offer, login_as, words):
    me = make_profile(headline="Python developer", skills=["Python", "SQL"], wanted_kinds=[])
    make_offer(title="Data Analyst (m/w/d)", required_skills=["Python", "SQL"],
               description="Datenanalyse mit Python und SQL.")
    login_as(me.user)
    assert "Data Analyst" in _page(client, "/matches/offers")  # builds the index
    idx = index.get_index()
    builds, updates = idx.builds, idx.updates
    # another graduate saves a profile at the longest allowed lengths: the next request syncs it
    big = make_profile(headline="Verfahrensingenieur", about=normal_text(words, ABOUT_MAX, 21),
                       cv_text=normal_text(words, CV_MAX, 22))
    inside, release = threading.Event(), threading.Event()
    steps = []

    def progress(step, side, doc_id):
        steps.append((step, side, doc_id))
        if step == "analyse" and doc_id == big.id:
            inside.set()
            release.wait(timeout=120)  # holds this sync in progress until the reader is done

    idx.progress = progress

    def sync():
        with app.app_context():
            index.get_matcher()

    def read(out):
        with app.app_context():
            out.append(_page(client, "/matches/offers"))

    syncer = threading.Thread(target=sync)
    syncer.start()
    try:
        assert inside.wait(timeout=120), "the sync did not start"
        pages: list[str] = []
        reader = threading.Thread(target=read, args=(pages,))
        reader.start()
        reader.join(timeout=60)
        assert not reader.is_alive(), "a page waited for another request's sync"
        assert syncer.is_alive() and ("applied", "profiles", big.id) not in steps  # the sync was still on
        assert "Data Analyst" in pages[0]
    finally:
        release.set()
        syncer.join(timeout=120)
        idx.progress = None
    assert not syncer.is_alive()
    assert ("applied", "profiles", big.id) in steps
    assert idx.builds == builds and idx.updates == updates + 1
    assert big.id in index.get_matcher().ids("profiles")

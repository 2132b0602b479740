"""A process follows the changes to offers and profiles by reading only the rows changed since the
version it synced to; what it then holds is what comparing every row gives."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import event

from matchmaker.matching import index
from matchmaker.models import MatcherState, OfferStatus

SKILLS = [["python", "data"], ["Wasserstoff", "Elektrolyse"], ["SPS", "Automatisierungstechnik"],
          ["Schweißen", "Montage"], ["chemistry", "laboratory"], ["SAP", "Logistik"]]


def _world(make_offer, make_profile):
    offers = [make_offer(title=f"{' '.join(skills)} Stelle {i}", required_skills=skills,
                         description=f"Wir arbeiten mit {skills[0]} und {skills[1]}.")
              for i, skills in enumerate(SKILLS)]
    profiles = [make_profile(headline=f"{skills[1]} engineer", skills=skills, wanted_kinds=[],
                             visible_to_companies=True)
                for skills in reversed(SKILLS)]
    return offers, profiles


def _held(idx):
    """What an index holds: per side the ids and stamps, and every stored document's top ten."""
    matcher = idx.matcher
    rankings = {side: {i: [(m.id, round(m.score, 6)) for m in matcher.rank_id(i, side, k=10, explain=False,
                                                                               side="profiles" if side == "offers"
                                                                               else "offers")]
                       for i in matcher.ids(side)}
                for side in ("offers", "profiles")}
    return {side: sorted(matcher.ids(side)) for side in index.SIDES}, idx.seen, rankings


def _built_alongside():
    """An index built now, to be synced by comparing every row (`_compared`)."""
    other = index.MatcherIndex()
    other.build()
    return other


def _compared(other):
    """`other` synced the plain way: every live row's stamp compared with the one it holds."""
    other.since = None
    other.sync()
    return _held(other)


def _statements(db):
    seen = []
    listener = lambda _c, _cur, statement, *_a: seen.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    return seen, lambda: event.remove(db.engine, "before_cursor_execute", listener)


def test_each_sync_reads_only_the_changed_rows_and_holds_what_comparing_every_row_gives(app, db, make_offer,
                                                                                   make_profile):
    offers, profiles = _world(make_offer, make_profile)
    idx = index.get_index()
    index.get_matcher()  # built
    plain = _built_alongside()
    offers[0].title = "Elektrolyse Wasserstoff Stelle"
    db.session.commit()
    index.get_matcher()  # the first sync after a build compares every row; then the version's time is known
    assert idx.since is not None

    changes = [
        lambda: setattr(profiles[1], "skills", ["Elektrolyse", "Brennstoffzelle"]),
        lambda: make_offer(title="Python data engineer", required_skills=["python", "data"]),
        lambda: setattr(offers[2], "status", OfferStatus.draft),  # no longer live: removed
        lambda: db.session.delete(offers[3]),  # gone without a stamp: found by the count, then all compared
        lambda: db.session.delete(profiles[4]),
        lambda: (setattr(offers[2], "status", OfferStatus.published),  # live again, and a new one
                 make_profile(headline="Logistik", skills=["SAP", "Logistik"], visible_to_companies=True)),
    ]
    for n, change in enumerate(changes):
        change()
        db.session.commit()
        statements, stop = _statements(db)
        try:
            index.get_matcher()
        finally:
            stop()
        assert _held(idx) == _compared(plain)
        # every read of the offers or profiles takes the rows stamped since, counts them, or loads the
        # changed ones by their ids
        for statement in statements if n not in (3, 4) else ():
            if re.search(r"\bFROM (offer|graduate_profile)\b", statement):
                assert re.search(r"updated_at >=|count\(\*\)|\.id IN \(", statement), statement


def test_a_change_committed_after_the_version_it_follows_is_not_missed(app, db, make_offer, make_profile):
    """A change is stamped after the version before it was raised: the rows read start there (less the
    clocks' margin), not at the last stamp seen."""
    offers, profiles = _world(make_offer, make_profile)
    idx = index.get_index()
    index.get_matcher()
    plain = _built_alongside()
    profiles[0].headline = "Montage engineer"
    db.session.commit()
    index.get_matcher()
    assert _held(idx) == _compared(plain)
    synced_at = idx.since
    # another transaction's change, stamped just before the version this process synced to was raised
    # (it had raised the version earlier and committed later)
    offers[1].required_skills = ["Montage", "Schweißen"]
    db.session.flush()
    offers[1].updated_at = synced_at - index.CLOCK_MARGIN / 2
    db.session.execute(MatcherState.__table__.update().values(version=MatcherState.version + 1))
    db.session.commit()
    index.get_matcher()
    assert _held(idx) == _compared(plain)
    assert idx.matcher.stores["offers"].docs[offers[1].id].skills[:2] == ("Montage", "Schweißen")
    assert offers[1].updated_at < synced_at and synced_at - offers[1].updated_at < timedelta(minutes=1)


def test_the_known_facts_of_offers_are_kept_compactly_and_forgotten_one_by_one():
    from datetime import date

    from matchmaker.matching.index import KnownFacts, OfferFacts
    from matchmaker.models import Degree, OfferKind

    job = OfferFacts(OfferKind.job, "B2", Degree.master, None, None)
    thesis = OfferFacts(OfferKind.thesis, None, None, date(2027, 1, 1), None)
    known = KnownFacts()
    assert known.get_many([1, 5, 10_000]) == {}
    known.update({5: job, 7: job, 100_000: thesis})
    assert known.get_many([1, 5, 7, 100_000, 200_000]) == {5: job, 7: job, 100_000: thesis}
    assert known.distinct == [job, thesis]  # each distinct set of values once, however many offers share it
    known.pop(7)
    known.pop(300_000)  # never read: nothing to forget
    assert known.get_many([5, 7]) == {5: job}
    known.update({7: thesis})
    assert known.get_many([7]) == {7: thesis} and len(known) == 3

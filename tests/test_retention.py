"""`flask gdpr retention` with a frozen clock: warn, erase, purge offers and logs; idempotent."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from helpers import PASSWORD

from matchmaker.models import (AuditEntry, Introduction, IntroductionState, Offer, OfferStatus, OutboxMessage, Role,
                               User, utcnow)

NOW = utcnow().replace(microsecond=0)


def run(runner, now: datetime):
    result = runner.invoke(args=["gdpr", "retention", "--now", now.strftime("%Y-%m-%dT%H:%M:%S")])
    assert result.exit_code == 0, result.output
    return result.output


def reload(db, user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_inactive_graduates_are_warned_once_then_erased(app, db, runner, outbox, make_user, make_profile):
    sleeper = make_user(Role.graduate, email="sleeper@example.org", last_login_at=NOW - timedelta(days=731))
    make_profile(user=sleeper, name="Paula Schlaf")
    never = make_user(Role.graduate, email="never@example.org", created_at=NOW - timedelta(days=800))
    active = make_user(Role.graduate, email="active@example.org", last_login_at=NOW - timedelta(days=100))
    staff = make_user(Role.staff, email="staff@example.org", last_login_at=NOW - timedelta(days=2000))

    output = run(runner, NOW)
    assert "warned 2 inactive graduate(s); erased 0 account(s)" in output
    assert reload(db, sleeper).retention_warned_at == NOW and reload(db, never).retention_warned_at == NOW
    assert reload(db, active).retention_warned_at is None and reload(db, staff).retention_warned_at is None
    [mail] = outbox("sleeper@example.org")
    assert mail.kind == "retention_warning" and "/auth/login" in mail.body

    # Running again changes nothing and sends nothing twice.
    assert "warned 0 inactive graduate(s); erased 0 account(s)" in run(runner, NOW + timedelta(days=1))
    assert len(outbox("sleeper@example.org")) == 1

    # Not before the grace period has passed.
    assert "erased 0 account(s)" in run(runner, NOW + timedelta(days=59))
    output = run(runner, NOW + timedelta(days=61))
    assert "erased 2 account(s)" in output
    for user in (sleeper, never):
        gone = reload(db, user)
        assert gone.email.endswith("@erased.invalid") and not gone.active and gone.profile is None
    assert outbox("sleeper@example.org") == []
    assert reload(db, active).email == "active@example.org"
    assert "erased 0 account(s)" in run(runner, NOW + timedelta(days=62))


def test_a_login_after_the_warning_keeps_the_account(app, db, runner, login_as, make_user):
    user = make_user(Role.graduate, email="back@example.org", last_login_at=NOW - timedelta(days=800))
    run(runner, NOW)
    assert reload(db, user).retention_warned_at == NOW
    login_as(user, PASSWORD)
    assert "erased 0 account(s)" in run(runner, NOW + timedelta(days=61))
    assert reload(db, user).email == "back@example.org"
    # Inactive again for the whole period: a new warning.
    later = NOW + timedelta(days=800)
    assert "warned 1 inactive graduate(s)" in run(runner, later)
    assert reload(db, user).retention_warned_at == later


def test_retention_erases_the_cv_file(app, db, runner, make_user, make_profile):
    folder = Path(app.instance_path) / "uploads" / "cv"
    folder.mkdir(parents=True)
    name = "0" * 32 + ".pdf"
    (folder / name).write_bytes(b"%PDF-1.4\n%%EOF\n")
    user = make_user(Role.graduate, last_login_at=NOW - timedelta(days=1000))
    make_profile(user=user, cv_file=name)
    run(runner, NOW - timedelta(days=61))
    run(runner, NOW)
    assert not (folder / name).exists()


def test_old_offers_are_purged_and_introductions_keep_their_kind(app, db, runner, make_offer, make_profile,
                                                                 make_introduction):
    old = make_offer(title="Old")
    closed = make_offer(title="Closed long ago")
    recent = make_offer(title="Recently expired")
    draft = make_offer(title="Old draft", published=False)
    live = make_offer(title="Live")
    long_ago = NOW - timedelta(days=500)
    # The factory sets a fresh expiry; these offers ended long ago and lately.
    db.session.execute(db.update(Offer).where(Offer.id == old.id).values(expires_at=NOW - timedelta(days=400)))
    db.session.execute(db.update(Offer).where(Offer.id == recent.id).values(expires_at=NOW - timedelta(days=100)))
    db.session.execute(db.update(Offer).where(Offer.id == closed.id)
                       .values(status=OfferStatus.closed, expires_at=None, updated_at=long_ago))
    db.session.execute(db.update(Offer).where(Offer.id == draft.id).values(updated_at=long_ago))
    intro = make_introduction(IntroductionState.hired, offer=old, profile=make_profile(), now=NOW)
    assert "purged 2 offer(s)" in run(runner, NOW)
    db.session.expire_all()
    assert {o.title for o in db.session.scalars(db.select(Offer))} == {recent.title, draft.title, live.title}
    kept = db.session.get(Introduction, intro.id)
    assert kept.offer_id is None and kept.offer_kind == old.kind and kept.state == IntroductionState.hired
    assert "purged 0 offer(s)" in run(runner, NOW)


def test_old_logs_are_purged(app, db, runner, make_user):
    user = make_user(Role.graduate, last_login_at=NOW)
    db.session.add_all([
        AuditEntry(actor_id=user.id, subject_user_id=user.id, action="view_profile",
                   created_at=NOW - timedelta(days=400)),
        AuditEntry(actor_id=user.id, subject_user_id=user.id, action="view_cv", created_at=NOW - timedelta(days=10)),
        OutboxMessage(recipient="a@example.org", subject="old", body="x", sent_at=NOW - timedelta(days=400)),
        OutboxMessage(recipient="a@example.org", subject="recent", body="x", sent_at=NOW - timedelta(days=10)),
        OutboxMessage(recipient="a@example.org", subject="unsent", body="x", created_at=NOW - timedelta(days=400)),
    ])
    db.session.commit()
    assert "1 audit entr(ies), 1 sent mail(s)" in run(runner, NOW)
    db.session.expire_all()
    assert [a.action for a in db.session.scalars(db.select(AuditEntry))] == ["view_cv"]
    assert sorted(m.subject for m in db.session.scalars(db.select(OutboxMessage))) == ["recent", "unsent"]
    assert "0 audit entr(ies), 0 sent mail(s)" in run(runner, NOW)


def test_bad_now_is_refused(runner):
    result = runner.invoke(args=["gdpr", "retention", "--now", "yesterday"])
    assert result.exit_code == 2 and "Invalid value" in result.output

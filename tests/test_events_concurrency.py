"""Capacity holds when people register at the same moment: real connections in threads, on SQLite and (with
TEST_DATABASE_URL) PostgreSQL. Each thread has its own app context, so its own session and connection."""

from __future__ import annotations

import threading
import time

from matchmaker.events import operations
from matchmaker.extensions import db as _db
from matchmaker.models import Event, EventRegistration, RegistrationStatus, Role, User

HOLD_SECONDS = 0.6


def _statuses(db, event) -> list[RegistrationStatus]:
    return list(db.session.scalars(db.select(EventRegistration.status).where(EventRegistration.event_id == event.id)
                                   .order_by(EventRegistration.id)))


def _register(app, event_id: int, user_id: int) -> RegistrationStatus:
    with app.app_context():
        try:
            registration = operations.register(_db.session.get(Event, event_id), _db.session.get(User, user_id))
            status = registration.status
            _db.session.commit()
            return status
        finally:
            _db.session.remove()


def test_the_second_registration_waits_for_the_first_and_then_counts_its_place(app, db, make_user, make_event):
    event = make_event(capacity=1)
    # Plain ids: the threads must not touch the test's own session.
    event_id, first_id, second_id = event.id, make_user(Role.graduate).id, make_user(Role.graduate).id
    first_has_registered = threading.Event()
    results: dict[str, object] = {}
    errors: list[BaseException] = []

    def hold_open():
        with app.app_context():
            try:
                registration = operations.register(_db.session.get(Event, event_id), _db.session.get(User, first_id))
                results["first"] = registration.status
                first_has_registered.set()
                # The first transaction is still open (its place not yet committed) while the second tries.
                time.sleep(HOLD_SECONDS)
                results["first_committed_at"] = time.monotonic()
                _db.session.commit()
            except BaseException as error:  # noqa: BLE001 - reported by the test below
                errors.append(error)
                first_has_registered.set()
            finally:
                _db.session.remove()

    def try_meanwhile():
        first_has_registered.wait(10)
        try:
            results["second"] = _register(app, event_id, second_id)
            results["second_done_at"] = time.monotonic()
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=hold_open), threading.Thread(target=try_meanwhile)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert results["first"] == RegistrationStatus.registered
    # The second registration was held until the first committed, then saw the event full.
    assert results["second_done_at"] >= results["first_committed_at"]
    assert results["second"] == RegistrationStatus.waiting
    assert _statuses(db, event) == [RegistrationStatus.registered, RegistrationStatus.waiting]


def test_many_at_once_fill_exactly_the_capacity(app, db, make_user, make_event):
    capacity, people = 3, 8
    event = make_event(capacity=capacity)
    event_id, user_ids = event.id, [make_user(Role.graduate).id for _ in range(people)]
    start = threading.Barrier(people)
    results: list[RegistrationStatus] = []
    errors: list[BaseException] = []

    def run(user_id: int):
        try:
            start.wait(10)
            results.append(_register(app, event_id, user_id))
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=run, args=(user_id,)) for user_id in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(results).count(RegistrationStatus.registered) == capacity
    statuses = _statuses(db, event)
    assert statuses.count(RegistrationStatus.registered) == capacity
    assert statuses.count(RegistrationStatus.waiting) == people - capacity


def test_a_cancellation_and_a_registration_at_once_give_the_free_place_to_one(app, db, make_user, make_event,
                                                                            make_registration):
    event = make_event(capacity=1)
    holder, waiting, newcomer = make_user(Role.graduate), make_user(Role.graduate), make_user(Role.graduate)
    make_registration(event, holder)
    make_registration(event, waiting, RegistrationStatus.waiting)
    event_id, holder_id, waiting_id, newcomer_id = event.id, holder.id, waiting.id, newcomer.id
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def cancel():
        try:
            start.wait(10)
            with app.app_context():
                operations.cancel_registration(_db.session.get(Event, event_id), _db.session.get(User, holder_id))
                _db.session.commit()
                _db.session.remove()
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    def register():
        try:
            start.wait(10)
            _register(app, event_id, newcomer_id)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=cancel), threading.Thread(target=register)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    statuses = _statuses(db, event)
    assert statuses.count(RegistrationStatus.registered) == 1
    # In either order the person who waited first gets the free place and the newcomer waits behind.
    registered = db.session.scalar(db.select(EventRegistration.user_id).where(
        EventRegistration.event_id == event.id, EventRegistration.status == RegistrationStatus.registered))
    assert registered == waiting_id

"""Offers state their pay (a range per hour, month or year) and a contact person: form, page, list filter."""

from datetime import date

from matchmaker.models import Offer, SalaryPeriod

TODAY = date.today()


def offer_form(**overrides):
    data = {
        "kind": "job", "title": "Elektroniker (m/w/d)", "description": "Wartung der Anlagen.",
        "place": "Spremberg", "language": "de", "salary_currency": "EUR",
    }
    data.update(overrides)
    return data


def newest(db):
    return db.session.scalars(db.select(Offer).order_by(Offer.id.desc())).first()


def test_pay_range_and_contact_are_saved_and_shown(client, db, make_company, login_as, company_user):
    company = make_company()
    login_as(company_user(company))
    response = client.post("/offers/new", data=offer_form(
        salary_min="3200", salary_max="3850.50", salary_period="month",
        contact_name="  Anna   Schulz ", contact_role="Leitung Personal", contact_email="jobs@example.org",
        contact_phone="+49 3563 1234-0"))
    assert response.status_code == 302, response.get_data(as_text=True)
    offer = newest(db)
    assert (offer.salary_min_cents, offer.salary_max_cents) == (320000, 385050)
    assert offer.salary_currency == "EUR" and offer.salary_period == SalaryPeriod.month
    assert offer.contact_name == "Anna Schulz" and offer.contact_role == "Leitung Personal"
    assert offer.contact_email == "jobs@example.org" and offer.contact_phone == "+49 3563 1234-0"
    page = client.get(f"/offers/{offer.id}", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Anna Schulz" in page and "Leitung Personal" in page and "jobs@example.org" in page  # the owner sees all
    # the edit form shows the saved values again
    form = client.get(f"/offers/{offer.id}/edit").get_data(as_text=True)
    assert 'value="3200.00"' in form and 'value="3850.50"' in form and 'value="jobs@example.org"' in form


def test_pay_is_shown_in_the_readers_language(client, make_offer):
    offer = make_offer(salary_min_cents=320000, salary_max_cents=380000, salary_period=SalaryPeriod.month)
    client.get("/lang/de")
    german = client.get(f"/offers/{offer.id}").get_data(as_text=True)
    assert "3.200\xa0€ – 3.800\xa0€ pro Monat" in german
    client.get("/lang/en")
    english = client.get(f"/offers/{offer.id}").get_data(as_text=True)
    assert "€3,200 – €3,800 per month" in english
    hourly = make_offer(salary_min_cents=1550, salary_period=SalaryPeriod.hour, title="Werkstudent")
    assert "from €15.50 per hour" in client.get(f"/offers/{hourly.id}").get_data(as_text=True)
    listing = client.get("/offers/").get_data(as_text=True)
    assert "€3,200 – €3,800 per month" in listing and "from €15.50 per hour" in listing


def test_no_pay_means_no_pay_line(client, make_offer):
    offer = make_offer()
    assert 'id="offer-salary"' not in client.get(f"/offers/{offer.id}").get_data(as_text=True)


def test_contact_address_is_public_only_with_the_offer(client, db, make_company, make_offer, make_user,
                                                       login_as):
    company = make_company()
    draft = make_offer(company=company, published=False, contact_name="Anna Schulz",
                       contact_email="jobs@example.org", contact_phone="03563 1234")
    public = make_offer(company=company, contact_name="Anna Schulz", contact_email="jobs@example.org",
                        contact_phone="03563 1234")
    assert client.get(f"/offers/{draft.id}").status_code == 404
    body = client.get(f"/offers/{public.id}").get_data(as_text=True)
    assert "jobs@example.org" in body and "03563 1234" in body
    # a closed offer a graduate reaches through staff: staff see it; the address is not on a non-public page
    staff = make_user("staff")
    login_as(staff)
    assert "jobs@example.org" in client.get(f"/offers/{draft.id}").get_data(as_text=True)


BAD_PAY = [
    ("salary_min", {"salary_min": "0", "salary_period": "month"}),
    ("salary_min", {"salary_min": "-5", "salary_period": "month"}),
    ("salary_min", {"salary_min": "1000001", "salary_period": "year"}),
    ("salary_min", {"salary_min": "NaN", "salary_period": "month"}),
    ("salary_min", {"salary_min": "Infinity", "salary_period": "month"}),
    ("salary_min", {"salary_min": "1e999999999", "salary_period": "month"}),
    ("salary_min", {"salary_min": "12.345", "salary_period": "hour"}),
    ("salary_min", {"salary_min": "viel", "salary_period": "month"}),
    ("salary_min", {"salary_min": "9" * 5000, "salary_period": "month"}),
    ("salary_max", {"salary_min": "4000", "salary_max": "3000", "salary_period": "month"}),
    ("salary_period", {"salary_min": "4000"}),
    ("salary_period", {"salary_period": "month"}),
    ("salary_period", {"salary_min": "4000", "salary_period": "week"}),
    ("salary_currency", {"salary_currency": "BTC"}),
    ("contact_name", {"contact_name": "n" * 121}),
    ("contact_role", {"contact_role": "r" * 121}),
    ("contact_email", {"contact_email": "not an address"}),
    ("contact_email", {"contact_email": "a" * 250 + "@example.org"}),
    ("contact_phone", {"contact_phone": "call me maybe"}),
    ("contact_phone", {"contact_phone": "1" * 41}),
]


def test_bad_pay_and_contact_input_is_refused_and_kept(client, db, make_company, login_as, company_user):
    login_as(company_user(make_company()))
    for field, case in BAD_PAY:
        response = client.post("/offers/new", data=offer_form(**case))
        assert response.status_code == 400, (case, db.session.scalars(db.select(Offer)).all())
        body = response.get_data(as_text=True)
        assert f'id="{field}-err"' in body, (field, case)
        assert 'value="Elektroniker (m/w/d)"' in body, case
    assert db.session.scalar(db.select(db.func.count(Offer.id))) == 0


def test_longest_allowed_pay_and_contact_are_accepted(client, db, make_company, login_as, company_user):
    login_as(company_user(make_company()))
    response = client.post("/offers/new", data=offer_form(
        salary_min="0.01", salary_max="1000000", salary_period="year", salary_currency="CHF",
        contact_name="n" * 120, contact_role="r" * 120, contact_email="a" * 64 + "@" + "b" * 60 + ".org",
        contact_phone="+" + "1" * 39))
    assert response.status_code == 302
    offer = newest(db)
    assert offer.salary_min_cents == 1 and offer.salary_max_cents == 100_000_000 and offer.salary_currency == "CHF"
    assert len(offer.contact_name) == 120


def test_editing_removes_the_pay(client, db, make_company, make_offer, login_as, company_user):
    company = make_company()
    offer = make_offer(company=company, salary_min_cents=300000, salary_period=SalaryPeriod.month)
    login_as(company_user(company))
    response = client.post(f"/offers/{offer.id}/edit", data=offer_form(salary_min="", salary_period=""))
    assert response.status_code == 302
    db.session.refresh(offer)
    assert offer.salary_min_cents is None and offer.salary_period is None and not offer.has_salary


def listed(client, **params):
    response = client.get("/offers/", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_list_filters_by_pay_given_and_by_a_minimum(client, make_company, make_offer):
    company = make_company()
    make_offer(company=company, title="Ohne Angabe")
    make_offer(company=company, title="Monat hoch", salary_min_cents=400000, salary_max_cents=480000,
               salary_period=SalaryPeriod.month)
    make_offer(company=company, title="Monat niedrig", salary_max_cents=250000, salary_period=SalaryPeriod.month)
    make_offer(company=company, title="Stunde", salary_min_cents=1800, salary_period=SalaryPeriod.hour)
    make_offer(company=company, title="Zloty", salary_min_cents=900000, salary_currency="PLN",
               salary_period=SalaryPeriod.month)
    everything = listed(client)
    assert all(t in everything for t in ("Ohne Angabe", "Monat hoch", "Monat niedrig", "Stunde", "Zloty"))
    given = listed(client, salary="y")
    assert "Ohne Angabe" not in given and all(t in given for t in ("Monat hoch", "Monat niedrig", "Stunde"))
    at_least = listed(client, pay_from="3000", pay_period="month")
    assert "Monat hoch" in at_least
    assert not any(t in at_least for t in ("Monat niedrig", "Stunde", "Ohne Angabe", "Zloty"))
    hourly = listed(client, pay_from="15", pay_period="hour")
    assert "Stunde" in hourly and "Monat hoch" not in hourly
    # a minimum that is not understood is ignored with a message, never a 500
    body = listed(client, pay_from="1e999999999")
    assert "Ohne Angabe" in body and 'id="pay_from-err"' in body
    assert "Ohne Angabe" in listed(client, pay_from="viel", pay_period="week")

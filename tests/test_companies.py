import re
from datetime import timedelta

from matchmaker.models import Company, Membership, OfferStatus, Role, Sector, SizeBand, User, utcnow


def profile_form(**overrides):
    data = {"sector": "hydrogen", "size_band": "50-249", "site": "Spremberg",
            "about": "Wir bauen Elektrolyseure.", "website": "https://wasserstoff.example.org",
            "contact_email": "jobs@wasserstoff.example.org"}
    data.update(overrides)
    return data


# ---- public pages --------------------------------------------------------------------------------

def test_public_list_shows_verified_companies_with_sector_filter(client, make_company):
    make_company(name="Kraftwerk Nord AG", sector=Sector.energy)
    make_company(name="Papier Süd GmbH", sector=Sector.paper_packaging)
    make_company(name="Wartet Noch GmbH", verified=False)
    body = client.get("/companies/").get_data(as_text=True)
    assert "Kraftwerk Nord AG" in body and "Papier Süd GmbH" in body and "Wartet Noch GmbH" not in body

    body = client.get("/companies/?sector=energy").get_data(as_text=True)
    assert "Kraftwerk Nord AG" in body and "Papier Süd GmbH" not in body

    body = client.get("/companies/?sector=research").get_data(as_text=True)
    assert 'class="empty"' in body

    for bad in ("moon", "<script>x</script>"):
        response = client.get("/companies/", query_string={"sector": bad})
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert "Kraftwerk Nord AG" in body and "Papier Süd GmbH" in body and 'class="errors"' in body
        assert "<script>x</script>" not in body
    for page in ("abc", "-1", str(10**30)):
        assert client.get("/companies/", query_string={"page": page}).status_code == 200


def test_public_list_is_paginated(app, client, make_company):
    for n in range(app.config["PAGE_SIZE"] + 2):
        make_company(name=f"Firma {n:03d} AG", with_user=False)
    first = client.get("/companies/").get_data(as_text=True)
    assert "Firma 000 AG" in first and f"Firma {app.config['PAGE_SIZE'] + 1:03d} AG" not in first
    second = client.get("/companies/?page=2").get_data(as_text=True)
    assert f"Firma {app.config['PAGE_SIZE'] + 1:03d} AG" in second


def test_empty_company_list_invites_companies(client):
    body = client.get("/companies/").get_data(as_text=True)
    assert 'class="empty"' in body and "/auth/register/company" in body


def test_company_page_shows_profile_and_only_open_offers(client, make_company, make_offer):
    company = make_company(name="Lausitz H2 GmbH", sector=Sector.hydrogen, size_band=SizeBand.medium,
                           site="Spreetal", about="Grüner Wasserstoff.", website="https://h2.example.org",
                           contact_email="info@h2.example.org")
    make_offer(company=company, title="Offene Stelle")
    make_offer(company=company, title="Nur Entwurf", published=False)
    body = client.get(f"/companies/{company.id}").get_data(as_text=True)
    for text in ("Lausitz H2 GmbH", "Hydrogen", "50–249 employees", "Spreetal", "Grüner Wasserstoff.",
                 'href="https://h2.example.org"', "info@h2.example.org", "Offene Stelle"):
        assert text in body, text
    assert "Nur Entwurf" not in body


def test_unverified_company_page_only_for_its_members_and_staff(client, make_company, make_user, login_as,
                                                                company_user):
    company = make_company(verified=False)
    assert client.get(f"/companies/{company.id}").status_code == 404
    assert client.get("/companies/999999").status_code == 404
    login_as(company_user(make_company()))
    assert client.get(f"/companies/{company.id}").status_code == 404
    login_as(company_user(company))
    assert client.get(f"/companies/{company.id}").status_code == 200
    login_as(make_user(Role.staff))
    assert client.get(f"/companies/{company.id}").status_code == 200


def test_unsafe_website_stored_earlier_is_not_linked(client, db, make_company):
    company = make_company(website="javascript:alert(1)")
    body = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert 'href="javascript:' not in body


# ---- the dashboard ------------------------------------------------------------------------------

def test_dashboard_explains_verification_state(client, db, make_company, login_as, company_user):
    company = make_company(verified=False)
    login_as(company_user(company))
    body = client.get("/companies/mine").get_data(as_text=True)
    assert "Waiting for verification by the Präsenzstelle: until then your offers stay drafts" in body

    company.rejected_at = utcnow()
    company.rejection_reason = "Kein Sitz im <b>Industriepark</b> erkennbar."
    db.session.commit()
    body = client.get("/companies/mine").get_data(as_text=True)
    assert "could not verify" in body and "Kein Sitz im &lt;b&gt;Industriepark&lt;/b&gt; erkennbar." in body

    company.rejected_at, company.rejection_reason, company.verified_at = None, "", utcnow()
    db.session.commit()
    assert "You can publish offers" in client.get("/companies/mine").get_data(as_text=True)


def test_dashboard_groups_own_offers_by_status(client, db, make_company, make_offer, login_as, company_user):
    company = make_company()
    make_offer(company=company, title="Öffentlich")
    make_offer(company=company, title="Im Entwurf", published=False)
    make_offer(company=company, title="Beendet", published=False, status=OfferStatus.closed)
    make_offer(title="Fremdes Angebot")
    login_as(company_user(company))
    body = client.get("/companies/mine").get_data(as_text=True)
    assert body.index("Published (1)") < body.index("Öffentlich") < body.index("Drafts (1)") \
        < body.index("Im Entwurf") < body.index("Closed (1)") < body.index("Beendet")
    assert "Fremdes Angebot" not in body
    assert "/publish" in body and "/close" in body and "/reopen" in body


def test_dashboard_empty_state(client, make_company, login_as, company_user):
    login_as(company_user(make_company()))
    body = client.get("/companies/mine").get_data(as_text=True)
    assert 'class="empty"' in body and "/offers/new" in body


# ---- membership -----------------------------------------------------------------------------------

def test_member_approves_a_colleague_who_is_told_by_mail(client, db, make_company, make_user, login_as, outbox,
                                                         company_user):
    company = make_company(name="Papierfabrik GmbH")
    colleague = make_user(Role.company, company_id=company.id, membership=Membership.pending, locale="en")
    login_as(company_user(company))
    assert colleague.email in client.get("/companies/mine").get_data(as_text=True)
    response = client.post(f"/companies/mine/members/{colleague.id}/approve")
    assert response.status_code == 302
    db.session.refresh(colleague)
    assert colleague.membership == Membership.active and colleague.company_id == company.id
    (message,) = outbox(colleague.email)
    assert "Papierfabrik GmbH" in message.subject and "Papierfabrik GmbH" in message.body
    assert "a colleague has approved" in message.body
    # a second approval of the same person is refused and sends nothing
    assert client.post(f"/companies/mine/members/{colleague.id}/approve").status_code == 404
    assert len(outbox(colleague.email)) == 1
    # the approved colleague can now act for the company
    login_as(colleague)
    assert client.get("/offers/new").status_code == 200
    assert client.get("/companies/mine/edit").status_code == 200


def test_member_declines_a_request_which_unlinks_and_tells_them(client, db, make_company, make_user, login_as,
                                                                outbox, company_user):
    company = make_company(name="Recycling Spreetal GmbH")
    stranger = make_user(Role.company, company_id=company.id, membership=Membership.pending)
    login_as(company_user(company))
    assert client.post(f"/companies/mine/members/{stranger.id}/decline").status_code == 302
    db.session.refresh(stranger)
    assert stranger.company_id is None and stranger.membership is None
    (message,) = outbox(stranger.email)
    assert "declined" in message.subject and "Recycling Spreetal GmbH" in message.body
    # nothing left to decide
    assert client.post(f"/companies/mine/members/{stranger.id}/approve").status_code == 404
    login_as(stranger)
    body = client.get("/companies/mine").get_data(as_text=True)
    assert "not linked to a company" in body


def test_members_of_other_companies_and_non_pending_users_are_404(client, db, make_company, make_user, login_as,
                                                                  outbox, company_user):
    mine = make_company()
    other = make_company()
    theirs = make_user(Role.company, company_id=other.id, membership=Membership.pending)
    active = company_user(mine)
    graduate = make_user(Role.graduate)
    login_as(active)
    for user in (theirs, active, graduate):
        for action in ("approve", "decline"):
            assert client.post(f"/companies/mine/members/{user.id}/{action}").status_code == 404, (user, action)
    assert client.post("/companies/mine/members/999999/approve").status_code == 404
    db.session.refresh(theirs)
    assert theirs.membership == Membership.pending and theirs.company_id == other.id
    assert outbox() == []


def test_pending_member_is_blocked_and_told_why(client, db, make_company, make_user, login_as):
    company = make_company()
    waiting = make_user(Role.company, company_id=company.id, membership=Membership.pending)
    other = make_user(Role.company, company_id=company.id, membership=Membership.pending)
    login_as(waiting)
    body = client.get("/companies/mine").get_data(as_text=True)
    assert "waiting for approval" in body and "colleague" in body
    assert client.get("/companies/mine/edit").status_code == 403
    assert client.post("/companies/mine/edit", data=profile_form()).status_code == 403
    assert client.get("/offers/new").status_code == 403
    assert client.post(f"/companies/mine/members/{other.id}/approve").status_code == 403
    db.session.refresh(other)
    db.session.refresh(company)
    assert other.membership == Membership.pending and company.sector == Sector.energy


# ---- the company profile ---------------------------------------------------------------------

def test_member_edits_the_company_profile(client, db, make_company, login_as, company_user):
    company = make_company(name="Alter Name GmbH")
    login_as(company_user(company))
    form = client.get("/companies/mine/edit").get_data(as_text=True)
    assert "Energie im Industriepark." in form
    response = client.post("/companies/mine/edit", data=profile_form(name="Neuer Name"))
    assert response.status_code == 302
    db.session.refresh(company)
    assert company.name == "Alter Name GmbH"  # the verified name is not editable here
    assert company.sector == Sector.hydrogen and company.size_band == SizeBand.medium
    assert company.site == "Spremberg" and company.about == "Wir bauen Elektrolyseure."
    assert company.website == "https://wasserstoff.example.org"
    assert company.contact_email == "jobs@wasserstoff.example.org"
    # optional fields may be emptied
    response = client.post("/companies/mine/edit", data=profile_form(size_band="", website="", contact_email="",
                                                                     about=""))
    assert response.status_code == 302
    db.session.refresh(company)
    assert company.size_band is None and company.website == "" and company.contact_email == ""


BAD_PROFILE_INPUT = [
    ("website", {"website": "javascript:alert(1)"}),
    ("website", {"website": "JavaScript:alert(1)"}),
    ("website", {"website": "data:text/html,<script>alert(1)</script>"}),
    ("website", {"website": "ftp://files.example.org"}),
    ("website", {"website": "http://"}),
    ("website", {"website": "www.example.org"}),
    ("website", {"website": "https://exa mple.org"}),
    ("website", {"website": "https://example.org/" + "a" * 300}),
    ("website", {"website": "https://[::1"}),
    ("sector", {"sector": ""}),
    ("sector", {"sector": "moon"}),
    ("size_band", {"size_band": "huge"}),
    ("site", {"site": ""}),
    ("site", {"site": "s" * 161}),
    ("site", {"site": "Spremberg\u200b"}),
    ("site", {"site": "\u202eSpremberg"}),
    ("about", {"about": "a" * 5001}),
    ("about", {"about": "Über\x00uns"}),
    ("contact_email", {"contact_email": "not-an-email"}),
    ("contact_email", {"contact_email": "x" * 250 + "@example.org"}),
]


def test_company_profile_rejects_bad_input_and_keeps_it(client, db, make_company, login_as, company_user):
    company = make_company(site="Industriepark Schwarze Pumpe")
    login_as(company_user(company))
    for field, case in BAD_PROFILE_INPUT:
        data = profile_form(**case)
        if field != "site":
            data["site"] = "Mein Standort bleibt"
        response = client.post("/companies/mine/edit", data=data)
        assert response.status_code == 400, case
        body = response.get_data(as_text=True)
        assert f'id="{field}-err"' in body, case
        if field != "site":
            assert 'value="Mein Standort bleibt"' in body, case
        assert "<script>alert(1)</script>" not in body
    db.session.refresh(company)
    assert company.site == "Industriepark Schwarze Pumpe" and company.sector == Sector.energy


# ---- access ---------------------------------------------------------------------------------------

def test_access_to_the_company_area(client, db, make_company, make_user, login_as):
    company = make_company()
    pending = make_user(Role.company, company_id=company.id, membership=Membership.pending)
    routes = [("get", "/companies/mine"), ("get", "/companies/mine/edit"), ("post", "/companies/mine/edit"),
              ("post", f"/companies/mine/members/{pending.id}/approve"),
              ("post", f"/companies/mine/members/{pending.id}/decline")]
    for method, path in routes:
        response = getattr(client, method)(path)
        assert response.status_code == 302 and "/auth/login" in response.location, path
    for role in (Role.graduate, Role.staff, Role.admin, Role.board, Role.researcher):
        login_as(make_user(role))
        for method, path in routes:
            assert getattr(client, method)(path).status_code == 403, (role, path)
    for path in ("/companies/", f"/companies/{company.id}"):
        assert client.get(path).status_code == 200
    assert db.session.get(User, pending.id).membership == Membership.pending
    assert db.session.scalar(db.select(db.func.count(Company.id))) == 1


def test_the_registrants_personal_email_is_not_published_as_the_company_contact(client, db, login_as):
    from helpers import PASSWORD

    from matchmaker.models import Company, User

    response = client.post("/auth/register/company", data={
        "email": "chefin.privat@firma.de", "password": PASSWORD, "password_again": PASSWORD,
        "accept_privacy": "y", "mode": "new", "company_name": "Spreewald Sensorik GmbH", "sector": "it"})
    assert response.status_code == 302
    company = db.session.scalar(db.select(Company).where(Company.name == "Spreewald Sensorik GmbH"))
    assert company is not None and company.contact_email == ""
    company.verified_at = company.created_at
    user = db.session.scalar(db.select(User).where(User.email == "chefin.privat@firma.de"))
    user.confirmed_at = company.created_at
    db.session.commit()
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "chefin.privat@firma.de" not in page and "mailto:" not in page
    login_as(user)
    form = client.get("/companies/mine/edit").get_data(as_text=True)
    assert 'placeholder="e.g. karriere@your-company.de"' in form and "function address" in form


# ---- what waits for the company, and what each offer has drawn ---------------------------------------

def _waiting_setup(make_company, make_offer, make_profile, make_introduction):
    """A company with a public offer and a draft, and introductions in every state that counts."""
    from datetime import timedelta

    from matchmaker.models import IntroductionState as S
    from matchmaker.models import Side

    company = make_company(name="Lausitz Wasserstoff GmbH")
    offer = make_offer(company=company, title="Elektrolyse-Ingenieur (m/w/d)",
                       required_skills=["Elektrolyse", "Wasserstoff"], description="PEM-Elektrolyse im Park.")
    draft = make_offer(company=company, title="Entwurf Laborstelle", published=False)
    fitting = [make_profile(visible_to_companies=True, headline="Wasserstoff", skills=["Elektrolyse", "Wasserstoff"],
                            wanted_kinds=[]) for _ in range(3)]
    make_profile(visible_to_companies=False, skills=["Elektrolyse", "Wasserstoff"], wanted_kinds=[])  # not findable
    earlier = utcnow() - timedelta(days=3)
    interest = [make_introduction(S.accepted_by_graduate, offer=offer, profile=profile, started_by=Side.graduate,
                                  now=earlier) for profile in fitting[:2]]
    proposal = make_introduction(S.proposed, offer=offer)
    make_introduction(S.accepted_by_company, offer=offer, started_by=Side.company)  # waits for the graduate
    make_introduction(S.introduced, offer=offer)
    make_introduction(S.declined, offer=offer, started_by=Side.graduate, closed_by_side=Side.graduate)  # taken back
    make_introduction(S.hired, offer=offer)  # closed: not open
    make_introduction(S.accepted_by_graduate, started_by=Side.graduate)  # another company's
    return company, offer, draft, interest, proposal


def test_dashboard_lists_what_waits_for_the_company_with_counts(client, db, make_company, make_offer, make_profile,
                                                                make_introduction, login_as, company_user):
    company, offer, draft, interest, proposal = _waiting_setup(make_company, make_offer, make_profile,
                                                               make_introduction)
    login_as(company_user(company))
    body = client.get("/companies/mine").get_data(as_text=True)
    waiting = body.split('id="waiting"', 1)[1].split("</section>", 1)[0]
    assert "2 graduates are interested and wait for your answer" in waiting
    assert "1 proposal of the Präsenzstelle waits for your answer" in waiting
    assert "1 introduction is made and has no outcome yet" in waiting
    assert "1 of your invitations waits for the graduate’s answer" in waiting
    # The three that wait for an answer are listed, each a link to the introduction, the longest waiting first.
    links = [f'href="/introductions/{intro.id}"' for intro in (*interest, proposal)]
    assert all(link in waiting for link in links)
    assert waiting.index(links[0]) < waiting.index(links[2])
    assert 'href="/introductions/?waiting=1"' in waiting


def test_the_navigation_badge_says_how_many_wait(client, db, make_company, make_offer, make_profile,
                                                  make_introduction, login_as, company_user):
    company, *_rest = _waiting_setup(make_company, make_offer, make_profile, make_introduction)
    login_as(company_user(company))
    for path in ("/companies/mine", "/offers/", "/introductions/"):
        nav = client.get(path).get_data(as_text=True).split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
        badge = nav.split('id="waiting-badge"', 1)[1].split("</a>", 1)[0]
        assert '<span aria-hidden="true">3</span>' in badge
        assert '<span class="visually-hidden">3 waiting</span>' in badge, badge
    # A company with nothing waiting has no badge; so has every other role.
    login_as(company_user(make_company()))
    assert "waiting-badge" not in client.get("/companies/mine").get_data(as_text=True)
    member = company_user(company)
    member.locale = "de"
    db.session.commit()
    login_as(member)
    assert '<span class="visually-hidden">3 warten</span>' in client.get("/offers/").get_data(as_text=True)


def test_the_waiting_list_of_introductions_shows_only_those_for_the_companys_answer(
        client, db, make_company, make_offer, make_profile, make_introduction, login_as, company_user):
    company, offer, draft, interest, proposal = _waiting_setup(make_company, make_offer, make_profile,
                                                               make_introduction)
    login_as(company_user(company))
    body = client.get("/introductions/?waiting=1").get_data(as_text=True)
    shown = {int(n) for n in re.findall(r'id="introduction-(\d+)"', body)}
    assert shown == {intro.id for intro in (*interest, proposal)}
    everything = client.get("/introductions/").get_data(as_text=True)
    assert len(re.findall(r'id="introduction-(\d+)"', everything)) == 7


def test_each_offer_shows_views_fits_interest_and_open_introductions(
        client, db, make_company, make_offer, make_profile, make_introduction, login_as, company_user):
    from matchmaker.models import PageViewKind
    from matchmaker.reports.operations import count_page_view

    company, offer, draft, interest, proposal = _waiting_setup(make_company, make_offer, make_profile,
                                                               make_introduction)
    for day in (utcnow().date(), utcnow().date(), utcnow().date() - timedelta(days=1)):
        count_page_view(PageViewKind.offer, offer.id, day=day)
    count_page_view(PageViewKind.offer, draft.id + 1000)
    db.session.commit()
    login_as(company_user(company))
    # Fits: the findable graduates the "Graduates who fit" page ranks for the offer, counted the same way.
    fits_page = client.get(f"/matches/offers/{offer.id}/graduates").get_data(as_text=True)
    ranked = fits_page.count('class="inline invite-form')
    body = client.get("/companies/mine").get_data(as_text=True)
    card = body.split(f'href="/offers/{offer.id}"', 1)[1]
    figures = card.split('class="figures"', 1)[1].split("</ul>", 1)[0]
    assert "3 views" in figures
    assert ranked >= 3
    assert f"{ranked} graduates fit" in figures
    assert f'href="/matches/offers/{offer.id}/graduates"' in figures
    assert "2 graduates interested" in figures  # the interest taken back does not count
    assert "5 open introductions" in figures  # two interests, the proposal, the invitation, the introduced one
    draft_card = body.split(f'href="/offers/{draft.id}"', 1)[1]
    draft_figures = draft_card.split('class="figures"', 1)[1].split("</ul>", 1)[0]
    assert "0 views" in draft_figures and "fit" not in draft_figures


def test_the_dashboard_never_waits_for_a_first_index_build(client, db, make_company, make_offer, make_profile,
                                                            login_as, company_user):
    from matchmaker.matching import index

    company = make_company()
    offer = make_offer(company=company, required_skills=["Elektrolyse"], title="Elektrolyse")
    make_profile(visible_to_companies=True, skills=["Elektrolyse"], headline="Elektrolyse", wanted_kinds=[])
    login_as(company_user(company))
    body = client.get("/companies/mine").get_data(as_text=True)
    figures = body.split(f'href="/offers/{offer.id}"', 1)[1].split('class="figures"', 1)[1].split("</ul>", 1)[0]
    assert "the ranking is being prepared" in figures and "graduate fits" not in figures
    with client.application.app_context():
        assert not index.index_ready()
    assert client.get(f"/matches/offers/{offer.id}/graduates").status_code == 200  # builds it
    body = client.get("/companies/mine").get_data(as_text=True)
    assert "1 graduate fits" in body and "being prepared" not in body


def test_offer_fits_are_bounded(app, db, make_company, make_offer, make_profile):
    from matchmaker.companies import queries
    from matchmaker.matching import index

    offer = make_offer(required_skills=["Elektrolyse"], title="Elektrolyse")
    for _ in range(4):
        make_profile(visible_to_companies=True, skills=["Elektrolyse"], headline="Elektrolyse", wanted_kinds=[])
    index.get_matcher()
    figures = queries.offer_figures([offer], fits_bound=2)[offer.id]
    assert figures.fits == 2 and figures.fits_more
    figures = queries.offer_figures([offer])[offer.id]
    assert figures.fits == 4 and not figures.fits_more

"""Public offer pages carry schema.org JobPosting JSON-LD that job search engines read; others carry none."""

from datetime import timedelta

import extruct

from matchmaker.models import OfferKind, SalaryPeriod, utcnow

REQUIRED = ("title", "description", "datePosted", "validThrough", "hiringOrganization", "jobLocation",
            "employmentType")


def postings(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    data = extruct.extract(html, base_url="http://localhost" + url, syntaxes=["json-ld"], uniform=True)
    return [item for item in data["json-ld"] if item.get("@type") == "JobPosting"], html


def test_public_offer_page_carries_a_complete_job_posting(client, make_company, make_offer):
    company = make_company(name="Lausitz Energie GmbH", website="https://lausitz-energie.example")
    offer = make_offer(company=company, kind=OfferKind.internship, title="Praktikum Elektrolyse",
                       description="Mitarbeit an der Anlage.\n\nWir bieten Betreuung.", place="Spremberg",
                       salary_min_cents=180000, salary_max_cents=210050, salary_period=SalaryPeriod.month,
                       contact_name="Anna Schulz", contact_email="jobs@example.org")
    found, _html = postings(client, f"/offers/{offer.id}")
    assert len(found) == 1
    posting = found[0]
    for field in REQUIRED:
        assert posting.get(field), field
    assert posting["title"] == "Praktikum Elektrolyse"
    assert posting["description"] == "<p>Mitarbeit an der Anlage.</p><p>Wir bieten Betreuung.</p>"
    assert posting["datePosted"].startswith(offer.published_at.date().isoformat())
    assert posting["validThrough"].startswith(offer.expires_at.date().isoformat())
    assert posting["hiringOrganization"]["name"] == "Lausitz Energie GmbH"
    assert posting["hiringOrganization"]["sameAs"] == "https://lausitz-energie.example"
    address = posting["jobLocation"]["address"]
    assert address["addressLocality"] == "Spremberg" and address["addressCountry"] == "DE"
    assert posting["employmentType"] == "INTERN"
    assert posting["directApply"] is False
    assert posting["url"].endswith(f"/offers/{offer.id}")
    salary = posting["baseSalary"]
    assert salary["currency"] == "EUR"
    assert salary["value"] == {"@type": "QuantitativeValue", "unitText": "MONTH", "minValue": 1800,
                               "maxValue": 2100.5}
    assert posting["applicationContact"]["email"] == "jobs@example.org"


def test_kinds_map_to_employment_types_and_pay_is_left_out_when_not_given(client, make_company, make_offer):
    company = make_company()
    expected = {OfferKind.job: "FULL_TIME", OfferKind.working_student: "PART_TIME", OfferKind.thesis: "INTERN",
                OfferKind.trainee: "FULL_TIME", OfferKind.research_project: "CONTRACTOR"}
    for kind, employment_type in expected.items():
        offer = make_offer(company=company, kind=kind)
        posting = postings(client, f"/offers/{offer.id}")[0][0]
        assert posting["employmentType"] == employment_type
        assert "baseSalary" not in posting


def test_script_closing_text_cannot_break_out_of_the_json(client, make_offer):
    hostile = "</script><script>alert(1)</script> & 'quoted'"
    offer = make_offer(title=hostile[:160], description=hostile)
    found, html = postings(client, f"/offers/{offer.id}")
    assert found[0]["title"] == hostile[:160]  # the text arrives intact in the data...
    head = html.split("</head>")[0]
    assert "<script>alert(1)" not in head  # ...and never as markup
    assert head.count("</script>") == 1


def test_no_job_posting_on_pages_that_are_not_public(client, db, make_company, make_offer, company_user,
                                                     login_as, make_user):
    company = make_company()
    draft = make_offer(company=company, published=False)
    expired = make_offer(company=company)
    expired.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    login_as(company_user(company))  # the owner sees both pages, without JSON-LD
    for offer in (draft, expired):
        found, html = postings(client, f"/offers/{offer.id}")
        assert found == [] and "application/ld+json" not in html
    login_as(make_user("staff"))
    assert postings(client, f"/offers/{draft.id}")[0] == []

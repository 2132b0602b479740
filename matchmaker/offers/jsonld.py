"""schema.org `JobPosting` for a public offer page, so that job search engines find the offer."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from markupsafe import escape

from ..models import Offer, OfferKind, SalaryPeriod
from ..outbox import external_url

# schema.org employmentType for each kind of offer (the values job search engines know).
EMPLOYMENT_TYPES = {
    OfferKind.job: "FULL_TIME",
    OfferKind.internship: "INTERN",
    OfferKind.thesis: "INTERN",
    OfferKind.working_student: "PART_TIME",
    OfferKind.trainee: "FULL_TIME",
    OfferKind.research_project: "CONTRACTOR",
}
SALARY_UNITS = {SalaryPeriod.hour: "HOUR", SalaryPeriod.month: "MONTH", SalaryPeriod.year: "YEAR"}
EDUCATION = {"bachelor": "bachelor degree", "master": "postgraduate degree", "diplom": "postgraduate degree",
             "phd": "postgraduate degree"}


def _instant(value: datetime) -> str:
    return value.replace(tzinfo=timezone.utc).isoformat(timespec="seconds")


def _amount(cents: int) -> float | int:
    amount = Decimal(cents) / 100
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _description_html(text: str) -> str:
    """The offer's plain text as the small HTML job search engines expect: escaped, paragraphs kept."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{escape(p)}</p>".replace("\n", "<br>") for p in paragraphs)


def job_posting(offer: Offer) -> dict:
    """The JobPosting of a public offer (the caller checks `offer.is_public`)."""
    company = offer.company
    organization = {"@type": "Organization", "name": company.name,
                    "url": external_url("companies.detail", company_id=company.id)}
    if company.website:
        organization["sameAs"] = company.website
    posting: dict = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": offer.title,
        "description": _description_html(offer.description),
        "identifier": {"@type": "PropertyValue", "name": company.name, "value": str(offer.id)},
        "datePosted": _instant(offer.published_at or offer.created_at),
        "hiringOrganization": organization,
        "jobLocation": {"@type": "Place", "address": {
            "@type": "PostalAddress", "addressLocality": offer.place, "addressRegion": "Brandenburg",
            "addressCountry": "DE"}},
        "employmentType": EMPLOYMENT_TYPES[offer.kind],
        "url": external_url("offers.detail", offer_id=offer.id),
        # Interest is shown on this page, but through an account and a brokered introduction.
        "directApply": False,
        "inLanguage": offer.language,
    }
    if offer.expires_at:
        posting["validThrough"] = _instant(offer.expires_at)
    if offer.remote_share >= 100:
        posting["jobLocationType"] = "TELECOMMUTE"
        posting["applicantLocationRequirements"] = {"@type": "Country", "name": "DE"}
    if offer.has_salary:
        value: dict = {"@type": "QuantitativeValue", "unitText": SALARY_UNITS[offer.salary_period]}
        low, high = offer.salary_min_cents, offer.salary_max_cents
        if low is not None and high is not None and low != high:
            value.update(minValue=_amount(low), maxValue=_amount(high))
        else:
            value["value"] = _amount(low if low is not None else high)
        posting["baseSalary"] = {"@type": "MonetaryAmount", "currency": offer.salary_currency, "value": value}
    if offer.start_date:
        posting["jobStartDate"] = offer.start_date.isoformat()
    if offer.required_skills:
        posting["skills"] = ", ".join(offer.required_skills)
    if offer.degree:
        posting["educationRequirements"] = {"@type": "EducationalOccupationalCredential",
                                            "credentialCategory": EDUCATION[offer.degree.value]}
    if offer.contact_name or offer.contact_email or offer.contact_phone:
        contact = {"@type": "ContactPoint", "contactType": offer.contact_role or "recruiting"}
        if offer.contact_name:
            contact["name"] = offer.contact_name
        if offer.contact_email:
            contact["email"] = offer.contact_email
        if offer.contact_phone:
            contact["telephone"] = offer.contact_phone
        posting["applicationContact"] = contact
    return posting

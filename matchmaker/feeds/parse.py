"""Postings out of a fetched feed: schema.org JobPosting JSON-LD in a career page, a JSON feed, an XML feed.

No Flask and no database here: `parse(kind, fetched)` returns `Posting`s (plain values, cut to the lengths
the offer's columns hold) or raises `ParseError` with a code for the feed's status. Every parser works in
time linear in the body (which the fetch already limited in size): XML through defusedxml, which refuses
entity declarations and external references (no "billion laughs"), JSON with nesting errors caught.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError as XMLParseError

from .fetch import Fetched

MAX_SALARY_CENTS = 100_000_000  # a million per period, as the offer form allows
TITLE_LENGTH, DESCRIPTION_LENGTH, PLACE_LENGTH, KEY_LENGTH = 160, 20_000, 160, 500


class ParseError(Exception):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail[:300]


@dataclass
class Posting:
    key: str
    title: str
    description: str = ""
    kind: str = "job"
    place: str = ""
    start_date: date | None = None
    salary_min_cents: int | None = None
    salary_max_cents: int | None = None
    salary_currency: str = "EUR"
    salary_period: str | None = None
    contact: dict = field(default_factory=dict)


# ---- text ------------------------------------------------------------------------------------

class _Text(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def plain_text(value, limit: int) -> str:
    """Text without markup, blank runs folded, cut to `limit` characters."""
    if not isinstance(value, str):
        value = "" if value is None else str(value)
    if "<" in value:
        parser = _Text()
        parser.feed(value)
        parser.close()
        value = "".join(parser.parts)
    value = "".join(ch for ch in value if ch in "\n\t" or ch.isprintable())
    lines = [" ".join(line.split()) for line in value.splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text[:limit]


def one_line(value, limit: int) -> str:
    return " ".join(plain_text(value, limit * 4).split())[:limit]


# ---- values ----------------------------------------------------------------------------------

KIND_WORDS = (  # the title says best what a posting is; checked in this order
    ("working_student", ("werkstudent", "working student")),
    ("thesis", ("abschlussarbeit", "masterarbeit", "bachelorarbeit", "thesis", "diplomarbeit")),
    ("internship", ("praktikum", "praktikant", "internship", "intern ")),
    ("trainee", ("trainee",)),
    ("research_project", ("forschungsprojekt", "research project")),
)
EMPLOYMENT_KINDS = {"INTERN": "internship", "INTERNSHIP": "internship"}
KINDS = {"job", "internship", "thesis", "working_student", "trainee", "research_project"}
PERIODS = {"HOUR": "hour", "HOURLY": "hour", "MONTH": "month", "MONTHLY": "month", "YEAR": "year",
           "YEARLY": "year", "ANNUAL": "year", "ANNUALLY": "year"}


def guess_kind(title: str, stated=None) -> str:
    if isinstance(stated, str) and stated.strip().lower() in KINDS:
        return stated.strip().lower()
    lowered = f" {title.lower()} "
    for kind, words in KIND_WORDS:
        if any(word in lowered for word in words):
            return kind
    values = stated if isinstance(stated, list) else [stated]
    for value in values:
        if isinstance(value, str) and value.strip().upper() in EMPLOYMENT_KINDS:
            return EMPLOYMENT_KINDS[value.strip().upper()]
    return "job"


def to_date(value) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def to_cents(value) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        amount = Decimal(str(value).strip().replace(" ", "")[:30])
        if not amount.is_finite():
            return None
        cents = int((amount * 100).to_integral_value())
    except (InvalidOperation, ValueError):
        return None
    return cents if 0 < cents <= MAX_SALARY_CENTS else None


def salary_fields(low, high, currency, period) -> dict:
    """The pay as the offer keeps it, or nothing when it is not clear (no guessing)."""
    low_cents, high_cents = to_cents(low), to_cents(high)
    period = PERIODS.get(str(period or "").strip().upper()) if period else None
    if period is None or (low_cents is None and high_cents is None):
        return {}
    if low_cents is not None and high_cents is not None and high_cents < low_cents:
        return {}
    currency = str(currency or "EUR").strip().upper()
    if currency not in {"EUR", "PLN", "CZK", "CHF", "GBP", "USD"}:
        return {}
    return {"salary_min_cents": low_cents, "salary_max_cents": high_cents, "salary_currency": currency,
            "salary_period": period}


def stable_key(*candidates) -> str | None:
    """The posting's identifier or url; a long one is kept as its hash so that it fits the column."""
    for value in candidates:
        if isinstance(value, dict):
            value = value.get("value") or value.get("@id") or value.get("name")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            value = value.strip()
            return value if len(value) <= KEY_LENGTH else "sha256:" + hashlib.sha256(value.encode()).hexdigest()
    return None


def _first(value):
    return value[0] if isinstance(value, list) and value else value


def _text(value) -> str:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _contact(name="", role="", email="", phone="") -> dict:
    contact = {"contact_name": one_line(_text(name), 120), "contact_role": one_line(_text(role), 120),
               "contact_phone": one_line(_text(phone), 40)}
    email = one_line(_text(email), 254).removeprefix("mailto:")
    contact["contact_email"] = email if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email) else ""
    if contact["contact_phone"] and not re.fullmatch(r"\+?[0-9 ()/.-]{3,40}", contact["contact_phone"]):
        contact["contact_phone"] = ""
    return {k: v for k, v in contact.items() if v}


def _posting(key, title, **values) -> Posting | None:
    title = one_line(title, TITLE_LENGTH)
    key = key or (f"title:{title.casefold()}" if title else None)
    if not title or not key:
        return None
    return Posting(key=key, title=title, **values)


# ---- JSON-LD ---------------------------------------------------------------------------------

def _is_job_posting(item) -> bool:
    kind = item.get("@type") if isinstance(item, dict) else None
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1] == "JobPosting" for k in kinds)


def _job_postings(data, found: list, depth: int = 0) -> None:
    """Every JobPosting object, also inside @graph or lists (bounded depth)."""
    if depth > 8:
        return
    if isinstance(data, list):
        for item in data:
            _job_postings(item, found, depth + 1)
    elif isinstance(data, dict):
        if _is_job_posting(data):
            found.append(data)
        elif "@graph" in data:
            _job_postings(data["@graph"], found, depth + 1)


def from_job_posting(item: dict) -> Posting | None:
    """A schema.org JobPosting as a Posting."""
    title = _text(item.get("title") or item.get("name"))
    location = _first(item.get("jobLocation"))
    place = ""
    if isinstance(location, dict):
        address = location.get("address")
        if isinstance(address, dict):
            place = _text(address.get("addressLocality")) or _text(address.get("streetAddress"))
        elif isinstance(address, str):
            place = address
        place = place or _text(location.get("name"))
    salary = {}
    base = item.get("baseSalary")
    if isinstance(base, dict):
        value = base.get("value")
        if isinstance(value, dict):
            single = value.get("value")
            salary = salary_fields(value.get("minValue", single), value.get("maxValue", single),
                                   base.get("currency"), value.get("unitText"))
        else:
            salary = salary_fields(value, value, base.get("currency"), base.get("unitText"))
    contact = item.get("applicationContact")
    contact = _contact(contact.get("name"), contact.get("contactType"), contact.get("email"),
                       contact.get("telephone")) if isinstance(contact, dict) else {}
    return _posting(stable_key(item.get("identifier"), item.get("url"), item.get("@id")), title,
                    description=plain_text(_text(item.get("description")), DESCRIPTION_LENGTH),
                    kind=guess_kind(title, item.get("employmentType")), place=one_line(place, PLACE_LENGTH),
                    start_date=to_date(_first(item.get("jobStartDate"))), contact=contact, **salary)


def parse_jsonld_page(fetched: Fetched) -> list[Posting]:
    """The JobPostings of a career page; the page's encoding is taken from its header, BOM or meta tag, and
    bytes that do not fit it become replacement characters instead of an error."""
    from extruct.jsonld import JsonLdExtractor
    from extruct.utils import parse_html
    from w3lib.encoding import html_to_unicode

    _encoding, html = html_to_unicode(f"charset={fetched.charset}" if fetched.charset else None, fetched.body)
    try:
        tree = parse_html(html.encode("utf-8"), encoding="utf-8")
    except Exception as error:  # lxml's own errors: not a readable page
        raise ParseError("bad_content", f"{type(error).__name__}: {error}") from None
    extractor, data = JsonLdExtractor(), []
    if tree is None:
        return []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        # Each block on its own: one broken block must not hide the postings of the others.
        try:
            data.extend(extractor.extract_items(script, base_url=fetched.url))
        except (ValueError, RecursionError, TypeError):
            continue
    found: list = []
    _job_postings(data, found)
    return [p for p in (from_job_posting(item) for item in found) if p is not None]


# ---- JSON feed -------------------------------------------------------------------------------

def _plain_item(item: dict) -> Posting | None:
    """A posting of a plain JSON feed: id, url, title, description, kind, place, start, salary, contact."""
    title = _text(item.get("title"))
    salary = item.get("salary") if isinstance(item.get("salary"), dict) else {}
    contact = item.get("contact") if isinstance(item.get("contact"), dict) else {}
    return _posting(
        stable_key(item.get("id"), item.get("identifier"), item.get("url")), title,
        description=plain_text(_text(item.get("description") or item.get("content_html")
                                     or item.get("content_text")), DESCRIPTION_LENGTH),
        kind=guess_kind(title, item.get("kind") or item.get("employmentType")),
        place=one_line(_text(item.get("place") or item.get("location") or item.get("city")), PLACE_LENGTH),
        start_date=to_date(item.get("start") or item.get("start_date")),
        contact=_contact(contact.get("name"), contact.get("role"), contact.get("email"), contact.get("phone")),
        **salary_fields(salary.get("min"), salary.get("max"), salary.get("currency"), salary.get("period")))


def parse_json_feed(fetched: Fetched) -> list[Posting]:
    """A list of postings, or an object holding one under jobs/postings/items/offers (JSON Feed's "items"),
    or schema.org JobPostings."""
    body = fetched.body
    try:
        if fetched.charset and fetched.charset.lower().replace("-", "") not in ("utf8", "utf16", "utf32"):
            text = body.decode(fetched.charset, errors="replace")
        else:
            text = body.decode("utf-8-sig", errors="replace") if not body[:2] in (b"\xff\xfe", b"\xfe\xff") \
                else body.decode("utf-16", errors="replace")
        data = json.loads(text)
    except LookupError:
        data = None
        try:
            data = json.loads(body.decode("utf-8", errors="replace"))
        except (ValueError, RecursionError) as error:
            raise ParseError("bad_content", f"JSON: {error}") from None
    except (ValueError, RecursionError) as error:
        raise ParseError("bad_content", f"JSON: {str(error)[:200]}") from None
    if isinstance(data, dict):
        for name in ("jobs", "postings", "items", "offers", "@graph"):
            if isinstance(data.get(name), list):
                data = data[name]
                break
        else:
            data = [data]
    if not isinstance(data, list):
        raise ParseError("bad_content", "JSON: neither a list of postings nor an object holding one")
    postings = []
    for item in data:
        if not isinstance(item, dict):
            continue
        posting = from_job_posting(item) if _is_job_posting(item) else _plain_item(item)
        if posting is not None:
            postings.append(posting)
    return postings


# ---- XML feed --------------------------------------------------------------------------------

XML_ITEMS = {"job", "item", "posting", "offer", "vacancy"}


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _xml_item(element) -> Posting | None:
    """<job> with children id|referencenumber|guid, url|link, title, description, kind|jobtype,
    place|city|location, start|startdate, salary_min, salary_max, currency, salary_period, contact_*."""
    values: dict[str, str] = {}
    for child in element:
        name = _local(child.tag)
        if name and name not in values:
            values[name] = "".join(child.itertext()).strip()
    title = values.get("title", "")
    return _posting(
        stable_key(values.get("id"), values.get("referencenumber"), values.get("guid"), values.get("url"),
                   values.get("link")), title,
        description=plain_text(values.get("description", ""), DESCRIPTION_LENGTH),
        kind=guess_kind(title, values.get("kind") or values.get("jobtype")),
        place=one_line(values.get("place") or values.get("city") or values.get("location") or "", PLACE_LENGTH),
        start_date=to_date(values.get("start") or values.get("startdate")),
        contact=_contact(values.get("contact_name", ""), values.get("contact_role", ""),
                         values.get("contact_email", ""), values.get("contact_phone", "")),
        **salary_fields(values.get("salary_min"), values.get("salary_max"), values.get("currency"),
                        values.get("salary_period")))


def _xml_root(fetched: Fetched):
    try:
        return SafeET.fromstring(fetched.body)
    except DefusedXmlException as error:
        raise ParseError("xml_entities", type(error).__name__) from None
    except XMLParseError as first:
        # A wrong or missing encoding declaration: read the bytes as the header says (or UTF-8), replacing what
        # does not fit, and parse the text without its declaration.
        text = fetched.body.decode(_codec(fetched.charset), errors="replace")
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
        try:
            return SafeET.fromstring(text)
        except DefusedXmlException as error:
            raise ParseError("xml_entities", type(error).__name__) from None
        except XMLParseError:
            raise ParseError("bad_content", f"XML: {first}") from None


def _codec(charset: str | None) -> str:
    import codecs

    try:
        return codecs.lookup(charset).name if charset else "utf-8"
    except LookupError:
        return "utf-8"


def parse_xml_feed(fetched: Fetched) -> list[Posting]:
    root = _xml_root(fetched)
    postings = []
    for element in root.iter():
        if _local(element.tag) in XML_ITEMS:
            posting = _xml_item(element)
            if posting is not None:
                postings.append(posting)
    return postings


PARSERS = {"jsonld_page": parse_jsonld_page, "json_feed": parse_json_feed, "xml_feed": parse_xml_feed}


def parse(kind: str, fetched: Fetched) -> list[Posting]:
    return PARSERS[kind](fetched)

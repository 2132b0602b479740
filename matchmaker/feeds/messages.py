"""What a feed's status says, in the reader's language, for each failure code of fetch.py and parse.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..models import FeedKind

FEED_KIND_LABELS = {
    FeedKind.jsonld_page: _l("Career page with schema.org JobPosting (JSON-LD)"),
    FeedKind.json_feed: _l("JSON job feed"),
    FeedKind.xml_feed: _l("XML job feed"),
}

FEED_ERRORS = {
    "invalid_url": _l("The address is not valid: only http and https addresses with a host name, without a user "
                      "name or password."),
    "dns": _l("The host name could not be found. Please check the address."),
    "forbidden_address": _l("The address points into a private or special network and is not fetched. Please "
                            "register the public address of the page."),
    "connect": _l("The server could not be reached."),
    "tls": _l("The server's certificate could not be verified."),
    "timeout": _l("The server answered too slowly and the time limit was reached."),
    "too_large": _l("The answer is too large (more than 5 MB). Please register a smaller feed or page."),
    "too_many_redirects": _l("The address redirects too often (a redirect loop?)."),
    "redirect_elsewhere": _l("The address redirects to another host. Please register the address it leads to."),
    "http_status": _l("The server answered with an error."),
    "bad_content": _l("The answer could not be read as this kind of feed."),
    "xml_entities": _l("The XML declares entities (a DTD), which are refused for safety. Please serve the feed "
                       "without a DTD."),
    "no_postings": _l("No job postings were found at this address. Is it the right page, and the right kind?"),
}


def feed_error_text(code: str) -> str:
    return str(FEED_ERRORS.get(code, _l("The import failed.")))

"""Reading the app's own pages: which forms they carry, where they post, and which fields they have.

Shared by the input-safety tests (fuzz, mass assignment), so that a new route or a new field is covered
without anyone adding it to a list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, hidden, file, email, date, number, password, ...
    options: list[str] = field(default_factory=list)
    value: str = ""


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, Field] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option_value: str | None = None
        self._option_text: list[str] = []

    def _add(self, name: str | None, kind: str, value: str = "") -> Field | None:
        if self._form is None or not name:
            return None
        existing = self._form.fields.get(name)
        if existing is None:
            existing = self._form.fields[name] = Field(name=name, kind=kind, value=value)
        if kind in ("checkbox", "radio") and value:
            existing.options.append(value)
        return existing

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = attrs.get("action") or self.page_path
            self._form = Form(action=urlsplit(action).path or self.page_path,
                              method=(attrs.get("method") or "get").upper())
            self.forms.append(self._form)
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind not in ("submit", "button", "reset", "image"):
                self._add(attrs.get("name"), kind, attrs.get("value") or "")
        elif tag == "textarea":
            self._add(attrs.get("name"), "textarea")
        elif tag == "select":
            self._select = self._add(attrs.get("name"), "select")
        elif tag == "option" and self._select is not None:
            self._option_value = attrs.get("value")
            self._option_text = []

    def handle_data(self, data):
        if self._option_value is None and self._select is not None:
            self._option_text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._select is not None:
            value = self._option_value if self._option_value is not None else "".join(self._option_text).strip()
            self._select.options.append(value)
            self._option_value = None


def forms_in(html: str, page_path: str) -> list[Form]:
    parser = _FormParser(page_path)
    parser.feed(html)
    parser.close()
    return parser.forms


def endpoint_of(app, path: str, method: str) -> tuple[str, dict] | None:
    """The endpoint (and its arguments) a form's action reaches, or None."""
    adapter = app.url_map.bind("localhost")
    try:
        return adapter.match(path, method=method)
    except (HTTPException, RequestRedirect):
        return None


def url_for_rule(rule, values: dict) -> str:
    """The rule's path with `values` filled in for its arguments."""
    url = rule.rule
    for name in rule.arguments:
        for pattern in (f"<int:{name}>", f"<path:{name}>", f"<{name}>"):
            url = url.replace(pattern, str(values[name]))
    return url

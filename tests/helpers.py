"""Plain values and functions the test files share (fixtures live in conftest.py).

Only what a fixture cannot be: constants and builders used in parametrize lists and default arguments.
"""

from __future__ import annotations

import re
import zlib

# The password every factory-made account has.
PASSWORD = "correct horse battery staple"


def link_in(message) -> str:
    """The path of the first link in a mail (an OutboxMessage)."""
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def make_pdf(text: str = "Marta Kowalska, process engineer, Python", pages: int = 1, catalog_extra: bytes = b"",
             content: bytes | None = None, flate: bool = False, page_extra: dict[int, bytes] | None = None,
             extra_objects: list[bytes] = ()) -> bytes:
    """A small valid PDF with one line of Helvetica text per page (built by hand, no library needed).

    `page_extra` adds entries to the dictionary of a page (by index); `extra_objects` are numbered from
    `first_extra_object(pages)` on.
    """
    page_extra = page_extra or {}
    objects = [b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
               f"<< /Type /Pages /Kids [{' '.join(f'{3 + 2 * i} 0 R' for i in range(pages))}] "
               f"/Count {pages} >>".encode()]
    font = 3 + 2 * pages
    for i in range(pages):
        stream = content if content is not None else f"BT /F1 12 Tf 72 720 Td ({text} {i + 1}) Tj ET".encode()
        if flate:
            stream = zlib.compress(stream, 9)
            head = b"<< /Length %d /Filter /FlateDecode >>" % len(stream)
        else:
            head = b"<< /Length %d >>" % len(stream)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 {font} "
                       f"0 R >> >> /Contents {4 + 2 * i} 0 R ".encode() + page_extra.get(i, b"") + b" >>")
        objects.append(head + b"\nstream\n" + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects.extend(extra_objects)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def first_extra_object(pages: int = 1) -> int:
    """The number the first of `make_pdf`'s `extra_objects` gets."""
    return 4 + 2 * pages



def html_tables(html: str) -> dict[str, list[list[str]]]:
    """The tables of a page that have an id, as rows of cell texts (header row first)."""
    from html.parser import HTMLParser

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.tables, self.current, self.row, self.cell = {}, None, None, None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "table" and attrs.get("id"):
                self.current = self.tables.setdefault(attrs["id"], [])
            elif tag == "tr" and self.current is not None:
                self.row = []
            elif tag in ("td", "th") and self.row is not None:
                self.cell = []

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None:
                self.row.append(" ".join("".join(self.cell).split()))
                self.cell = None
            elif tag == "tr" and self.row is not None:
                self.current.append(self.row)
                self.row = None
            elif tag == "table":
                self.current = None

    parser = Parser()
    parser.feed(html)
    return parser.tables


def followed(client, response) -> str:
    """A POST answered by a redirect to a page to GET (redirect after POST, also when refused): that
    page's text, with what was flashed."""
    assert response.status_code in (302, 303), (response.status_code, response.get_data(as_text=True)[:300])
    page = client.get(response.location)
    assert page.status_code == 200, page.status_code
    return page.get_data(as_text=True)


# ---- a real SMTP server on loopback (the `smtp` fixture) ------------------------------------------

def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An SMTP handler that keeps what it accepts; it can refuse, or be slow."""

    def __init__(self):
        self.messages: list = []
        self.refuse = False
        self.delay = 0.0

    async def handle_DATA(self, server, session, envelope):
        import asyncio
        import email
        import email.policy

        if self.refuse:
            return "550 5.7.1 Not accepted in this test"
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message.envelope_to = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m.envelope_to]


class SmtpServer:
    """aiosmtpd on a free loopback port; `stop()` and `start()` again for an outage on the same port."""

    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

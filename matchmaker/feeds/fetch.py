"""Fetching a company's feed safely: one registered address, checked before every connection.

No Flask here. A fetch

- goes only to the registered host, on http or https; a redirect may change the path or scheme, never
  the host, and each redirect target is checked again (at most `max_redirects`);
- resolves the host once, refuses it if any address it resolves to is loopback, private, link-local,
  multicast, reserved or otherwise not globally routable (unless an allowed network holds it), and then
  connects to that very checked address (the Host header and TLS name stay the host's), so a second DNS
  answer cannot point elsewhere;
- stops at a total time limit (`timeout`, connect and read together, DNS included) and at `max_bytes` of
  body, compressed or not: a larger body is refused before it is read to the end.

Every failure is a `FetchError` with a code the feed's status page words for people.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

USER_AGENT = "Matchmaker-OfferImport/1.0 (+https://www.b-tu.de)"
_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="feed-dns")


class FetchError(Exception):
    """A fetch that failed: `code` (see feeds/messages.py) and a short technical detail."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail[:300]


@dataclass
class Fetched:
    url: str
    body: bytes
    content_type: str
    charset: str | None


def parse_networks(values) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(value, strict=False) for value in values]


def address_allowed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, allowed_networks) -> bool:
    """A globally routable unicast address, or one inside an explicitly allowed network."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if any(ip.version == net.version and ip in net for net in allowed_networks):
        return True
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_private
                                 or ip.is_link_local or ip.is_unspecified)


def check_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an address a feed may have; FetchError("invalid_url") otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchError("invalid_url", str(error)) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("invalid_url", "only http and https addresses with a host")
    if parts.username or parts.password:
        raise FetchError("invalid_url", "no user name or password in the address")
    try:  # an internationalised name in its ASCII form, as DNS and the Host header carry it
        host = parts.hostname.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise FetchError("invalid_url", "host name") from None
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80)


def resolve(host: str, port: int, allowed_networks, timeout: float) -> str:
    """The one checked address to connect to; every address the name resolves to must be allowed."""
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        future = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
        try:
            infos = future.result(timeout=max(timeout, 0.01))
        except FutureTimeout:
            raise FetchError("timeout", "name resolution") from None
        except (socket.gaierror, UnicodeError, OSError) as error:
            raise FetchError("dns", f"{host}: {error}") from None
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise FetchError("dns", host)
    refused = [str(ip) for ip in addresses if not address_allowed(ip, allowed_networks)]
    if refused:
        raise FetchError("forbidden_address", f"{host} → {refused[0]}")
    return str(addresses[0])


def _with_ip(url: str, ip: str, port: int) -> str:
    parts = urlsplit(url)
    netloc = f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


def _host_header(host: str, scheme: str, port: int) -> str:
    name = f"[{host}]" if ":" in host else host
    default = 443 if scheme == "https" else 80
    return name if port == default else f"{name}:{port}"


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip().strip('"\'')[:40] or None
    return None


def _read_body(response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    length = response.headers.get("content-length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise FetchError("too_large", f"{int(length)} bytes")
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        decoder = zlib.decompressobj(zlib.MAX_WBITS | 32)
    elif encoding in ("", "identity"):
        decoder = None
    else:
        raise FetchError("bad_content", f"content encoding {encoding[:40]}")
    body = bytearray()
    raw = 0
    for chunk in response.iter_raw():  # as the bytes arrive (a chunk size would wait for a full chunk)
        raw += len(chunk)
        if raw > max_bytes:
            raise FetchError("too_large", f"more than {max_bytes} bytes")
        if decoder is not None:
            try:
                # At most what still fits, plus one byte to notice a body that is too large once unpacked.
                data = decoder.decompress(chunk, max_bytes - len(body) + 1)
            except zlib.error as error:
                raise FetchError("bad_content", f"compressed body: {error}") from None
            if decoder.unconsumed_tail:
                raise FetchError("too_large", f"more than {max_bytes} bytes unpacked")
        else:
            data = chunk
        body += data
        if len(body) > max_bytes:
            raise FetchError("too_large", f"more than {max_bytes} bytes")
        if time.monotonic() > deadline:
            raise FetchError("timeout", "the body came too slowly")
    return bytes(body)


def fetch(url: str, *, allowed_networks=(), max_bytes: int = 5 * 1024 * 1024, timeout: float = 20.0,
          max_redirects: int = 3, accept: str = "*/*") -> Fetched:
    """The body at `url` within the limits (see the module's docstring); FetchError on any failure."""
    networks = parse_networks(allowed_networks)
    deadline = time.monotonic() + timeout
    scheme, host, port = check_url(url)
    pinned: dict[int, str] = {}
    current = url
    for _hop in range(max_redirects + 1):
        scheme, hop_host, port = check_url(current)
        if hop_host != host:
            raise FetchError("redirect_elsewhere", hop_host)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError("timeout")
        if port not in pinned:  # the host is resolved once; only another port asks again (same name)
            pinned[port] = resolve(host, port, networks, remaining)
        ip = pinned[port]
        remaining = deadline - time.monotonic()
        limits = httpx.Timeout(connect=min(remaining, 10.0), read=remaining, write=remaining, pool=remaining)
        headers = {"Host": _host_header(host, scheme, port), "User-Agent": USER_AGENT, "Accept": accept,
                   "Accept-Encoding": "gzip, identity"}
        extensions = {"sni_hostname": host} if scheme == "https" else {}
        try:
            with httpx.Client(timeout=limits, follow_redirects=False, trust_env=False) as client:
                request = client.build_request("GET", _with_ip(current, ip, port), headers=headers,
                                               extensions=extensions)
                response = client.send(request, stream=True)
                try:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        if not location:
                            raise FetchError("http_status", f"{response.status_code} without a Location")
                        current = urljoin(current, location)
                        continue
                    if response.status_code != 200:
                        raise FetchError("http_status", f"HTTP {response.status_code}")
                    body = _read_body(response, max_bytes, deadline)
                    content_type = response.headers.get("content-type", "")
                    return Fetched(url=current, body=body, content_type=content_type.split(";")[0].strip().lower(),
                                   charset=_charset(content_type))
                finally:
                    response.close()
        except FetchError:
            raise
        except httpx.TimeoutException:
            raise FetchError("timeout") from None
        except httpx.ConnectError as error:
            detail = str(error)
            raise FetchError("tls" if "SSL" in detail or "certificate" in detail else "connect", detail) from None
        except (httpx.HTTPError, httpx.InvalidURL, OSError) as error:
            raise FetchError("connect", f"{type(error).__name__}: {error}") from None
    raise FetchError("too_many_redirects", f"more than {max_redirects}")

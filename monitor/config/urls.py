"""base_url: where the API of one account is reached (a proxy, the simulator, a path prefix)."""

from __future__ import annotations

import functools
import ipaddress
from urllib.parse import urlsplit

from monitor.config.fields import Invalid, as_string
from monitor.config.text import show

API_PATH = "/api/v2"


def default_base_url(subdomain: str) -> str:
    return f"https://{subdomain}.zendesk.com"


@functools.lru_cache(maxsize=1024)  # for speed: ip_address is slow, and tenants share hosts
def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_base_url(value: object) -> str:
    """The URL without a trailing slash; requests go to {base_url}/api/v2/..."""
    text = as_string(value)
    if "@" in text:
        # Never echo it: the part before "@" may be a password.
        raise Invalid('must not contain a user name or password ("@"); credentials go in auth')
    if not text.strip():
        raise Invalid('is empty; remove it or write a URL like "https://acme.zendesk.com"')
    joined = "".join(text.split())  # without any whitespace
    if joined != text:
        raise Invalid(f"{show(text)} contains spaces; write {show(joined)}")
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unclosed "[" of an IPv6 address
        raise Invalid(
            f'{show(text)} is not a valid URL; write one like "https://acme.zendesk.com"'
        ) from None
    if "://" not in text:
        raise Invalid(f"{show(text)} is not an absolute URL; write {show('https://' + text)}")
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise Invalid(f"{show(text)} must start with https://")
    host = parts.hostname
    if not host:
        raise Invalid(f"{show(text)} has no host")
    try:
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError:
        raise Invalid(f"{show(text)} has an invalid port") from None
    if "?" in text:
        # The query may carry a token (?access_token=...): never echo it.
        raise Invalid(f"has a query (?...); remove it: write {show(_without_tail(text))}")
    if "#" in text:
        raise Invalid(f"has a fragment (#...); remove it: write {show(_without_tail(text))}")
    if scheme == "http" and not is_loopback(host):
        raise Invalid(
            f"{show(text)} uses plain http; use https (http is allowed only for localhost)"
        )
    url = text.rstrip("/")
    if url.lower().endswith(API_PATH):
        fixed = url[: -len(API_PATH)]
        raise Invalid(
            f"{show(text)} ends with {API_PATH}, which the monitor adds itself; write {show(fixed)}"
        )
    return url


def _without_tail(url: str) -> str:
    """The URL up to its query or fragment."""
    return url.split("?", 1)[0].split("#", 1)[0].rstrip("/")

"""Zendesk subdomains, validated like Zendesk does, with the value to write instead."""

from __future__ import annotations

import re
import unicodedata

from monitor.config.fields import Invalid, as_string
from monitor.config.text import show

SUBDOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
LONGEST = 63
_SUFFIX = ".zendesk.com"
_EXAMPLE = '"acme" for acme.zendesk.com'


def parse_subdomain(value: object) -> str:
    text = as_string(value)
    if SUBDOMAIN.fullmatch(text):
        return text
    raise Invalid(subdomain_problem(text))


def is_subdomain(text: str) -> bool:
    return SUBDOMAIN.fullmatch(text) is not None


def _host(text: str) -> str:
    """What the user probably meant as a host: no spaces, scheme, user, path or port."""
    host = text.strip()
    if "://" in host:
        host = host.split("://", 1)[1]
    host = host.split("/", 1)[0].rsplit("@", 1)[-1].split(":", 1)[0]
    return host.lower().rstrip(".")


def _fix(text: str) -> str | None:
    """The subdomain the user meant, when it can be told without guessing."""
    host = _host(text)
    if host.endswith(_SUFFIX):
        host = host[: -len(_SUFFIX)]
    return host if is_subdomain(host) else None


def subdomain_problem(text: str) -> str:
    """Why `text` is not a subdomain, naming the value to write whenever it can be known."""
    fix = _fix(text)
    write = f"; write {show(fix)}" if fix is not None else ""
    stripped = text.strip()
    if not stripped:
        return f"is empty; write the subdomain of the account, like {_EXAMPLE}"
    if "://" in stripped:
        if fix is not None:
            return f"{show(text)} is a URL; write only the subdomain {show(fix)}"
        return f"{show(text)} is a URL; write only the subdomain, like {_EXAMPLE}"
    if _host(text).endswith(_SUFFIX):
        if fix is not None:
            return f"{show(text)} is a full host name; write only the subdomain {show(fix)}"
        return f'{show(text)} is a full host name; write only the part before ".zendesk.com"'
    if "." in stripped:
        return f"{show(text)} is a host name; write only the Zendesk subdomain, like {_EXAMPLE}"
    if any(char.isspace() for char in stripped):
        words = stripped.lower().split()
        joined, hyphened = "".join(words), "-".join(words)
        if is_subdomain(joined) and is_subdomain(hyphened):
            return (
                f"{show(text)} contains spaces, which a subdomain cannot have; "
                f"write {show(joined)} or {show(hyphened)}"
            )
        return f'{show(text)} contains spaces; a subdomain has only a-z, 0-9 and "-"'
    if stripped != text:
        return f"{show(text)} has leading or trailing spaces{write}"
    if stripped != stripped.lower() and fix is not None:
        return f"{show(text)} has uppercase letters{write}"
    bad = sorted({char for char in stripped.lower() if not (char.isascii() and char.isalnum())})
    bad = [char for char in bad if char != "-"]
    if bad:
        chars = ", ".join(show(char) for char in bad)
        like = _replace_invalid(stripped)
        hint = f" (like {show(like)})" if like is not None else ""
        return f'{show(text)} contains {chars}; use only a-z, 0-9 and "-"{hint}'
    if len(stripped) > LONGEST:
        return (
            f"{show(text)} is {len(stripped)} characters long; a subdomain has at most {LONGEST}: "
            "check that only the subdomain was copied"
        )
    if stripped.startswith("-") or stripped.endswith("-"):
        trimmed = stripped.lower().strip("-")
        if is_subdomain(trimmed):
            return f'{show(text)} cannot start or end with "-"; write {show(trimmed)}'
        return f'{show(text)} cannot start or end with "-"'
    return f'{show(text)} is not a valid subdomain; use only a-z, 0-9 and "-"'


def _replace_invalid(text: str) -> str | None:
    # "é" -> "e": accents are split off and dropped before the rest becomes "-".
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    candidate = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return candidate if is_subdomain(candidate) else None

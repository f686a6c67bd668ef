"""Subdomains validated like Zendesk does; a wrong one names the value to write instead."""

# ruff: noqa: E501 - a table of whole messages reads best one case per line

from __future__ import annotations

import pytest

from monitor.config.fields import Invalid
from monitor.config.subdomain import parse_subdomain

LIKE = '"acme" for acme.zendesk.com'


@pytest.mark.parametrize(
    "value",
    ["acme", "a", "0", "acme-eu", "a1-b2", "123", "a" * 63, "x" + "-" * 61 + "y"],
)
def test_valid_subdomains(value: str) -> None:
    assert parse_subdomain(value) == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        # a scheme: a URL was pasted
        ("https://acme.zendesk.com", '"https://acme.zendesk.com" is a URL; write only the subdomain "acme"'),
        ("https://acme.zendesk.com/agent/tickets/1", '"https://acme.zendesk.com/agent/tickets/1" is a URL; write only the subdomain "acme"'),
        ("http://Acme.Zendesk.com:443/", '"http://Acme.Zendesk.com:443/" is a URL; write only the subdomain "acme"'),
        ("https://support.acme.com", f'"https://support.acme.com" is a URL; write only the subdomain, like {LIKE}'),
        # the .zendesk.com suffix
        ("acme.zendesk.com", '"acme.zendesk.com" is a full host name; write only the subdomain "acme"'),
        ("ACME.ZENDESK.COM", '"ACME.ZENDESK.COM" is a full host name; write only the subdomain "acme"'),
        ("acme.zendesk.com.", '"acme.zendesk.com." is a full host name; write only the subdomain "acme"'),
        ("ac_me.zendesk.com", '"ac_me.zendesk.com" is a full host name; write only the part before ".zendesk.com"'),
        ("support.acme.com", f'"support.acme.com" is a host name; write only the Zendesk subdomain, like {LIKE}'),
        # spaces
        (" acme", '" acme" has leading or trailing spaces; write "acme"'),
        ("acme ", '"acme " has leading or trailing spaces; write "acme"'),
        ("\tAcme\n", '"\\tAcme\\n" has leading or trailing spaces; write "acme"'),
        ("ac me", '"ac me" contains spaces, which a subdomain cannot have; write "acme" or "ac-me"'),
        ("Ac  Me", '"Ac  Me" contains spaces, which a subdomain cannot have; write "acme" or "ac-me"'),
        ("a_b c", '"a_b c" contains spaces; a subdomain has only a-z, 0-9 and "-"'),
        # uppercase
        ("Acme", '"Acme" has uppercase letters; write "acme"'),
        ("ACME-EU", '"ACME-EU" has uppercase letters; write "acme-eu"'),
        # empty
        ("", f"is empty; write the subdomain of the account, like {LIKE}"),
        ("   ", f"is empty; write the subdomain of the account, like {LIKE}"),
        # other invalid characters
        ("acme_corp", '"acme_corp" contains "_"; use only a-z, 0-9 and "-" (like "acme-corp")'),
        ("Acme_Corp!", '"Acme_Corp!" contains "!", "_"; use only a-z, 0-9 and "-" (like "acme-corp")'),
        ("acmé", '"acmé" contains "é"; use only a-z, 0-9 and "-" (like "acme")'),
        ("___", '"___" contains "_"; use only a-z, 0-9 and "-"'),
        ("-acme", '"-acme" cannot start or end with "-"; write "acme"'),
        ("acme-", '"acme-" cannot start or end with "-"; write "acme"'),
        ("-", '"-" cannot start or end with "-"'),
        # too long
        ("a" * 64, f'"{"a" * 57}..." is 64 characters long; a subdomain has at most 63: check that only the subdomain was copied'),
    ],
)  # fmt: skip
def test_invalid_subdomains_say_what_to_write(value: str, message: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_subdomain(value)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (123, 'must be a string; got the number 123 (write "123" in quotes)'),
        (None, "must be a string; got an empty value"),
        (["acme"], "must be a string; got a list"),
        (True, "must be a string; got true"),
    ],
)
def test_a_subdomain_must_be_a_string(value: object, message: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_subdomain(value)
    assert caught.value.message == message

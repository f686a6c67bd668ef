"""Secrets: read only on demand, never printed, never pickled; failures name the place only."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from monitor.config import Secret, SecretRef, SecretUnavailable, validate
from tests.canary import CANARY_ENV, CANARY_TOKEN, leaks

# Shaped like a real Zendesk API token (40 mixed-case letters and digits), unlike the shared one.
CANARY = "Zk9CanaryToken0xDEADBEEFqLw2Vb7Nn3Pp4Tt8"


def write_config(tmp_path: Path, auth: str) -> str:
    path = tmp_path / "config.yaml"
    path.write_text(
        "tenants:\n"
        "  - name: acme\n"
        "    subdomain: acme\n"
        f"    auth: {{type: api_token, email: agent@acme.com, {auth}}}\n",
        encoding="utf-8",
    )
    return str(path)


def test_a_secret_never_prints_its_value() -> None:
    secret = Secret(CANARY)
    assert repr(secret) == "<secret>"
    assert str(secret) == "<secret>"
    assert f"{secret}" == "<secret>"
    assert f"{secret!r:>20}" == "            <secret>"
    assert "%s %r" % (secret, secret) == "<secret> <secret>"  # noqa: UP031 - the old way too
    assert CANARY not in repr([secret, {"token": secret}])
    assert secret.reveal() == CANARY


def test_a_secret_cannot_be_pickled() -> None:
    with pytest.raises(TypeError, match="not serialisable"):
        pickle.dumps(Secret(CANARY))


def test_secrets_compare_by_value() -> None:
    assert Secret("a") == Secret("a")
    assert Secret("a") != Secret("b")
    assert hash(Secret("a")) == hash(Secret("a"))


def test_env_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACME_TOKEN", f"  {CANARY}\n")
    assert SecretRef(env="ACME_TOKEN").read() == Secret(CANARY)


def test_env_is_read_at_every_call(monkeypatch: pytest.MonkeyPatch) -> None:
    ref = SecretRef(env="ACME_TOKEN")
    monkeypatch.setenv("ACME_TOKEN", "one")
    assert ref.read().reveal() == "one"
    monkeypatch.setenv("ACME_TOKEN", "two")
    assert ref.read().reveal() == "two"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "environment variable ACME_TOKEN is not set"),
        ("", "environment variable ACME_TOKEN is empty"),
        ("  \n", "environment variable ACME_TOKEN is empty"),
    ],
)
def test_env_unset_or_empty(
    monkeypatch: pytest.MonkeyPatch, value: str | None, message: str
) -> None:
    if value is None:
        monkeypatch.delenv("ACME_TOKEN", raising=False)
    else:
        monkeypatch.setenv("ACME_TOKEN", value)
    with pytest.raises(SecretUnavailable) as caught:
        SecretRef(env="ACME_TOKEN").read()
    assert str(caught.value) == message


def test_file_read(tmp_path: Path) -> None:
    (tmp_path / "token").write_text(f"{CANARY}\n", encoding="utf-8")
    assert SecretRef(file=tmp_path / "token").read() == Secret(CANARY)


def test_file_missing_empty_or_a_directory(tmp_path: Path) -> None:
    (tmp_path / "empty").write_text("\n", encoding="utf-8")
    cases = {
        tmp_path / "missing": f"file {tmp_path}/missing does not exist",
        tmp_path / "empty": f"file {tmp_path}/empty is empty",
        tmp_path: f"file {tmp_path} could not be read (IsADirectoryError)",
    }
    for path, message in cases.items():
        with pytest.raises(SecretUnavailable) as caught:
            SecretRef(file=path).read()
        assert str(caught.value) == message


def test_file_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "token"
    path.write_text(CANARY, encoding="utf-8")

    def refuse(self: Path, encoding: str | None = None) -> str:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_text", refuse)
    with pytest.raises(SecretUnavailable) as caught:
        SecretRef(file=path).read()
    assert str(caught.value) == f"file {path} is not readable (permission denied)"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_file_unreadable_by_mode(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text(CANARY, encoding="utf-8")
    path.chmod(0)
    with pytest.raises(SecretUnavailable, match="permission denied"):
        SecretRef(file=path).read()


def test_file_not_utf8_does_not_quote_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_bytes(CANARY.encode() + b"\xff")
    with pytest.raises(SecretUnavailable) as caught:
        SecretRef(file=path).read()
    assert str(caught.value) == f"file {path} could not be read (UnicodeDecodeError)"


def test_validate_reads_no_secret_without_check_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self: SecretRef) -> Secret:
        raise AssertionError("a secret was read")

    monkeypatch.setattr(SecretRef, "read", explode)
    path = write_config(tmp_path, "token_env: ACME_TOKEN")
    assert validate(path, check_secrets=False) == (["ok: 1 tenants"], 0)


def test_check_secrets_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_config(tmp_path, "token_env: ACME_TOKEN")
    monkeypatch.delenv("ACME_TOKEN", raising=False)
    assert validate(path, check_secrets=True) == (
        [f"{path}:4: tenants[0].auth.token_env: environment variable ACME_TOKEN is not set"],
        2,
    )
    monkeypatch.setenv("ACME_TOKEN", "")
    assert validate(path, check_secrets=True) == (
        [f"{path}:4: tenants[0].auth.token_env: environment variable ACME_TOKEN is empty"],
        2,
    )
    monkeypatch.setenv("ACME_TOKEN", CANARY)
    assert validate(path, check_secrets=True) == (["ok: 1 tenants"], 0)


def test_check_secrets_file_relative_to_the_config(tmp_path: Path) -> None:
    path = write_config(tmp_path, "token_file: secrets/acme")
    assert validate(path, check_secrets=True) == (
        [
            f"{path}:4: tenants[0].auth.token_file: file {tmp_path}/secrets/acme does not exist",
        ],
        2,
    )
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "acme").write_text("", encoding="utf-8")
    assert validate(path, check_secrets=True) == (
        [f"{path}:4: tenants[0].auth.token_file: file {tmp_path}/secrets/acme is empty"],
        2,
    )
    (tmp_path / "secrets" / "acme").write_text(CANARY, encoding="utf-8")
    assert validate(path, check_secrets=True) == (["ok: 1 tenants"], 0)


def test_check_secrets_only_for_valid_tenants(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UNSET", raising=False)
    path = tmp_path / "config.yaml"
    path.write_text(
        "tenants:\n"
        "  - {name: a, subdomain: A, auth: {type: api_token, email: a@a.com, token_env: UNSET}}\n"
        "  - {name: b, subdomain: b, auth: {type: api_token, email: b@b.com, token_env: UNSET}}\n",
        encoding="utf-8",
    )
    assert validate(str(path), check_secrets=True) == (
        [
            f'{path}:2: tenants[0].subdomain: "A" has uppercase letters; write "a"',
            f"{path}:3: tenants[1].auth.token_env: environment variable UNSET is not set",
        ],
        2,
    )


def test_the_canary_never_appears_in_any_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACME_TOKEN", CANARY)
    (tmp_path / "token").write_text(CANARY, encoding="utf-8")
    path = tmp_path / "config.yaml"
    path.write_text(
        "tenants:\n"
        "  - name: env\n"
        "    subdomain: acme\n"
        "    auth: {type: api_token, email: a@acme.com, token_env: ACME_TOKEN}\n"
        "  - name: file\n"
        "    subdomain: acme\n"
        "    auth: {type: api_token, email: a@acme.com, token_file: token}\n"
        "  - name: pasted_token\n"
        "    subdomain: acme\n"
        f"    auth: {{type: api_token, email: a@acme.com, token: {CANARY}, token_env: X}}\n"
        "  - name: pasted_in_email\n"
        "    subdomain: acme\n"
        f"    auth: {{type: api_token, email: 'a@acme.com/token:{CANARY}', token_env: X}}\n"
        "  - name: pasted_in_email_colon\n"
        "    subdomain: acme\n"
        f"    auth: {{type: api_token, email: 'a@acme.com:{CANARY}', token_env: X}}\n"
        "  - name: pasted_as_env\n"
        "    subdomain: acme\n"
        f"    auth: {{type: api_token, email: a@acme.com, token_env: {CANARY}}}\n"
        "  - name: pasted_as_env_invalid\n"
        "    subdomain: acme\n"
        f"    auth: {{type: api_token, email: a@acme.com, token_env: '{CANARY}-x'}}\n"
        "  - name: pasted_as_file\n"
        "    subdomain: acme\n"
        f"    auth: {{type: api_token, email: a@acme.com, token_file: {CANARY}}}\n"
        "  - name: pasted_in_url\n"
        "    subdomain: acme\n"
        f"    base_url: 'https://agent:{CANARY}@acme.zendesk.com'\n"
        "    auth: {type: api_token, email: a@acme.com, token_env: X}\n",
        encoding="utf-8",
    )
    for check_secrets in (False, True):
        lines, code = validate(str(path), check_secrets=check_secrets)
        assert code == 2
        assert len(lines) == 7
        assert not [line for line in lines if CANARY in line], lines


def test_the_shared_canary_never_appears_either(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(
        "tenants:\n"
        "  - name: env\n"
        "    subdomain: acme\n"
        f"    auth: {{type: api_token, email: a@acme.com, token_env: {CANARY_ENV}}}\n"
        "  - name: pasted\n"
        "    subdomain: acme\n"
        f"    auth: {{type: api_token, email: 'a@acme.com/token:{CANARY_TOKEN}',"
        f" token_env: {CANARY_TOKEN}}}\n"
        f"    base_url: https://a:{CANARY_TOKEN}@acme.zendesk.com\n",
        encoding="utf-8",
    )
    for check_secrets in (False, True):
        lines, code = validate(str(path), check_secrets=check_secrets)
        assert code == 2
        assert [line.split(": ", 2)[1] for line in lines] == [
            "tenants[1].auth.email",
            "tenants[1].auth.token_env",
            "tenants[1].base_url",
        ]
        assert not any(leaks(line) for line in lines)

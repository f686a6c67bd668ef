"""File-level problems: the config cannot be used at all (`ParseOutcome.config` is None)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from monitor.config import load, validate

TENANT = """\
  - name: acme
    subdomain: acme
    auth: {type: api_token, email: agent@acme.com, token_env: ACME_TOKEN}
"""


def check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> list[str]:
    """Validates `text` as ./config.yaml (the path as a user types it), asserting exit 2."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.yaml").write_text(text, encoding="utf-8")
    lines, code = validate("config.yaml", check_secrets=False)
    assert code == 2
    assert load("config.yaml").config is None
    return lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "tenants:\n  - name: acme\n    subdomain: [acme\n",
            "config.yaml:4: invalid YAML: expected ',' or ']', but got '<stream end>'"
            " (while parsing a flow sequence on line 3)",
            id="unclosed-flow-sequence",
        ),
        pytest.param(
            "tenants:\n  - name: acme\n   subdomain: acme\n",
            "config.yaml:3: invalid YAML: expected <block end>, but found '<block mapping start>'"
            " (while parsing a block collection on line 2)",
            id="bad-indentation",
        ),
        pytest.param(
            "tenants:\n\t- name: acme\n",
            "config.yaml:2: invalid YAML: found character '\\t' that cannot start any token",
            id="tab",
        ),
        pytest.param(
            "tenants: []\n---\ntenants: []\n",
            "config.yaml:2: invalid YAML: the file must hold one document",
            id="two-documents",
        ),
        pytest.param(
            "tenants: !!python/object/apply:os.system [echo hi]\n",
            "config.yaml:1: invalid YAML: could not determine a constructor for the tag"
            " 'tag:yaml.org,2002:python/object/apply:os.system'",
            id="no-object-construction",
        ),
        pytest.param(
            "tenants: \x01\n",
            "config.yaml:1: invalid YAML: character #x0001 is not allowed",
            id="control-character",
        ),
    ],
)
def test_yaml_syntax_errors_have_the_line_of_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, expected: str
) -> None:
    assert check(tmp_path, monkeypatch, text) == [expected]


TOP = 'the top level must be a mapping with "tenants" (and optionally "defaults")'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- name: acme\n", f"config.yaml:1: {TOP}; got a list"),
        ("# comments only\n\njust text\n", f'config.yaml:3: {TOP}; got "just text"'),
        ("", f"config.yaml:1: {TOP}; got nothing (the file is empty)"),
        ("# comments only\n", f"config.yaml:1: {TOP}; got nothing (the file is empty)"),
    ],
)
def test_top_level_not_a_mapping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, expected: str
) -> None:
    assert check(tmp_path, monkeypatch, text) == [expected]


def test_unknown_top_level_key_with_did_you_mean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = f"tenants:\n{TENANT}defualts:\n  interval: 60s\n"
    assert check(tmp_path, monkeypatch, text) == [
        'config.yaml:5: defualts: unknown key; did you mean "defaults"?',
    ]


def test_unknown_top_level_key_without_a_close_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = f"tenants:\n{TENANT}metrics: {{port: 9100}}\n"
    assert check(tmp_path, monkeypatch, text) == [
        "config.yaml:5: metrics: unknown key; expected one of: defaults, tenants",
    ]


def test_defaults_keys_at_the_top_level_point_to_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = f"interval: 60s\ntenants:\n{TENANT}"
    assert check(tmp_path, monkeypatch, text) == [
        "config.yaml:1: interval: unknown key; interval belongs under defaults",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "defaults: {interval: 60s}\n",
            "config.yaml:1: tenants: required; list the tenants to check",
        ),
        ("tenant:\n" + TENANT, None),
        (
            "tenants: {name: acme}\n",
            "config.yaml:1: tenants: must be a list of tenants; got a mapping",
        ),
        ("tenants:\n", "config.yaml:1: tenants: must be a list of tenants; got an empty value"),
        ("tenants: []\n", "config.yaml:1: tenants: is empty; list at least one tenant"),
    ],
)
def test_tenants_missing_or_not_a_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, expected: str | None
) -> None:
    lines = check(tmp_path, monkeypatch, text)
    if expected is None:  # a misspelled `tenants`: both the typo and the missing key
        assert lines == [
            'config.yaml:1: tenant: unknown key; did you mean "tenants"?',
            "config.yaml:1: tenants: required; list the tenants to check",
        ]
    else:
        assert lines == [expected]


def test_a_tenant_entry_that_is_not_a_mapping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = f"tenants:\n{TENANT}  - globex\n"
    assert check(tmp_path, monkeypatch, text) == [
        'config.yaml:5: tenants[1]: must be a mapping (one tenant); got "globex"',
    ]


@pytest.mark.parametrize(
    ("name_line", "expected"),
    [
        ("", "config.yaml:3: tenants[1].name: required; it is the tenant's label in metrics"),
        (
            "name: Acme Corp\n    ",
            'config.yaml:3: tenants[1].name: "Acme Corp" is not a valid name;'
            ' use only a-z, 0-9, "_" and "-"; write "acme-corp"',
        ),
        (
            "name: acme.eu\n    ",
            'config.yaml:3: tenants[1].name: "acme.eu" is not a valid name;'
            ' use only a-z, 0-9, "_" and "-"; write "acme-eu"',
        ),
        (
            "name: 42\n    ",
            "config.yaml:3: tenants[1].name: must be a string;"
            ' got the number 42 (write "42" in quotes)',
        ),
        (
            'name: ""\n    ',
            "config.yaml:3: tenants[1].name: is empty;"
            ' write a name like "acme" (a-z, 0-9, "_" and "-")',
        ),
        (
            "name: acme\n    ",
            'config.yaml:3: tenants[1].name: "acme" is already the name of tenants[0]',
        ),
    ],
    ids=["missing", "invalid", "dot", "number", "empty", "duplicate"],
)
def test_name_problems_are_file_level(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name_line: str, expected: str
) -> None:
    text = (
        "tenants:\n"
        "  - {name: acme, subdomain: acme, auth: {type: api_token, email: a@a.com, token_env: A}}\n"
        f"  - {name_line}subdomain: globex\n"
        "    auth: {type: api_token, email: a@globex.com, token_env: G}\n"
    )
    assert check(tmp_path, monkeypatch, text) == [expected]


def test_a_duplicate_name_key_is_file_level(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = f"tenants:\n{TENANT}    name: acme2\n"
    assert check(tmp_path, monkeypatch, text) == [
        "config.yaml:5: tenants[0].name: duplicate key; it is also on line 2",
    ]


def test_a_duplicate_top_level_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = f"tenants: []\ntenants:\n{TENANT}"
    assert check(tmp_path, monkeypatch, text) == [
        "config.yaml:2: tenants: duplicate key; it is also on line 1",
    ]


@pytest.mark.parametrize(
    ("defaults", "expected"),
    [
        (
            "  interval: 10s\n  timeout: 30s\n",
            ["config.yaml:3: defaults.timeout: timeout 30s must be below the interval 10s"],
        ),
        (
            "  interval: 10s\n  timeout: 10s\n",
            ["config.yaml:3: defaults.timeout: timeout 10s must be below the interval 10s"],
        ),
        (
            "  interval: 5s\n",
            [
                "config.yaml:2: defaults.interval: interval 5s must be above the timeout 10s"
                " (the built-in default)"
            ],
        ),
        (
            "  timeout: 2m\n",
            [
                "config.yaml:2: defaults.timeout: timeout 2m must be below the interval 60s"
                " (the built-in default)"
            ],
        ),
        (
            "  interval: 10x\n",
            [
                'config.yaml:2: defaults.interval: "10x" has an unknown unit "x";'
                " use ms, s, m, h or d"
            ],
        ),
        ("  timeout: 0s\n", ['config.yaml:2: defaults.timeout: "0s" must be more than 0']),
        ("  interval: -1\n", ["config.yaml:2: defaults.interval: -1 must be more than 0"]),
        ('  interval: "-1"\n', ['config.yaml:2: defaults.interval: "-1" must be more than 0']),
        (
            "  timeout: abc\n",
            [
                'config.yaml:2: defaults.timeout: "abc" is not a duration; write one like "500ms",'
                ' "30s", "5m", "1h", "1d" or a number of seconds'
            ],
        ),
        (
            "  interval: true\n",
            [
                'config.yaml:2: defaults.interval: must be a duration like "500ms", "30s", "5m",'
                ' "1h", "1d" or a number of seconds; got true'
            ],
        ),
        (
            "  intreval: 30s\n",
            ['config.yaml:2: defaults.intreval: unknown key; did you mean "interval"?'],
        ),
        (
            "  ca_file: ''\n",
            [
                "config.yaml:2: defaults.ca_file: is empty;"
                " remove it or write the path of a CA bundle (PEM)"
            ],
        ),
        (
            "  ca_file: missing-ca.pem\n",
            ['config.yaml:2: defaults.ca_file: "missing-ca.pem" does not exist'],
        ),
        (
            "  ca_file: .\n",
            ['config.yaml:2: defaults.ca_file: "." is a directory, not a file'],
        ),
        (
            "  interval: 0s\n  timeout: 1d\n  colour: blue\n",
            [
                'config.yaml:2: defaults.interval: "0s" must be more than 0',
                "config.yaml:4: defaults.colour: unknown key;"
                " expected one of: interval, timeout, ca_file",
            ],
        ),
    ],
)
def test_defaults_problems_are_file_level(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, defaults: str, expected: list[str]
) -> None:
    text = f"defaults:\n{defaults}tenants:\n{TENANT}"
    assert check(tmp_path, monkeypatch, text) == expected


def test_defaults_that_are_not_a_mapping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = f"defaults: [60s]\ntenants:\n{TENANT}"
    assert check(tmp_path, monkeypatch, text) == [
        "config.yaml:1: defaults: must be a mapping like {interval: 60s, timeout: 10s}; got a list",
    ]


def test_file_level_and_tenant_level_problems_are_all_reported_in_line_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "tenants:\n"
        "  - name: acme\n"
        "    subdomain: acme.zendesk.com\n"
        "    auth: {type: api_token, email: agent@acme.com, token_env: ACME_TOKEN}\n"
        "  - name: Acme\n"
        "    subdomain: acme\n"
        "    auth: {type: api_token, email: agent@acme.com, token_env: ACME_TOKEN}\n"
        "defaults: {timeout: 90s}\n"
    )
    assert check(tmp_path, monkeypatch, text) == [
        'config.yaml:3: tenants[0].subdomain: "acme.zendesk.com" is a full host name;'
        ' write only the subdomain "acme"',
        'config.yaml:5: tenants[1].name: "Acme" is not a valid name;'
        ' use only a-z, 0-9, "_" and "-"; write "acme"',
        "config.yaml:8: defaults.timeout: timeout 90s must be below the interval 60s"
        " (the built-in default)",
    ]


def test_ca_file_is_resolved_next_to_the_config_and_kept(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    path = tmp_path / "config.yaml"
    path.write_text(f"defaults: {{ca_file: ca.pem}}\ntenants:\n{TENANT}", encoding="utf-8")

    outcome = load(str(path))

    assert outcome.problems == ()
    assert outcome.config is not None
    assert outcome.config.defaults.ca_file == tmp_path / "ca.pem"
    assert validate(str(path), check_secrets=False) == (["ok: 1 tenants"], 0)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_ca_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("x", encoding="utf-8")
    ca.chmod(0)
    text = f"defaults: {{ca_file: {ca}}}\ntenants:\n{TENANT}"
    assert check(tmp_path, monkeypatch, text) == [
        f'config.yaml:1: defaults.ca_file: "{ca}" is not readable (permission denied)',
    ]


def test_an_unreadable_ca_file_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "ca.pem":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    (tmp_path / "ca.pem").write_text("x", encoding="utf-8")
    monkeypatch.setattr(Path, "open", refuse)
    text = f"defaults: {{ca_file: ca.pem}}\ntenants:\n{TENANT}"
    assert check(tmp_path, monkeypatch, text) == [
        'config.yaml:1: defaults.ca_file: "ca.pem" is not readable (permission denied)',
    ]


def test_a_file_that_cannot_be_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert validate("missing.yaml", check_secrets=False) == (
        ["missing.yaml: cannot read the file (No such file or directory)"],
        2,
    )


def test_a_file_that_is_not_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.yaml").write_bytes(b"tenants:\n  - name: caf\xe9\n")
    assert validate("config.yaml", check_secrets=False) == (
        ["config.yaml:2: the file is not UTF-8 text (byte 22)"],
        2,
    )

"""The fast reader (libyaml's events) and SafeLoader, the reference, read every file alike."""

from __future__ import annotations

import gc
import importlib
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.config.load import Document, load_document, read_document

# The module (monitor.config.load, from the package, is the function load).
loader = importlib.import_module("monitor.config.load")

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.yaml"
MISTAKES = Path(__file__).parent / "fixtures" / "mistakes.yaml"


def reference(text: str) -> Document:
    """What SafeLoader alone makes of `text`: the loader as it was before the fast reader."""
    with mock.patch.object(loader, "_compose", loader._compose_nodes):
        return read_document(text)


def same(document: Document, expected: Document) -> bool:
    """Equal, and with values of the same types (1, 1.0 and True are equal; nan is not)."""
    return repr(document) == repr(expected)


def fast_reader_takes(text: str) -> bool:
    """Whether the fast reader reads `text` itself, without leaving it to SafeLoader."""
    try:
        loader._EventReader(text).read()
    except Exception:  # noqa: BLE001 - any exception leaves the file to SafeLoader
        return False
    return text.endswith("\n") and loader._LIBYAML_DIFFERS.search(text) is None


@pytest.mark.parametrize("path", [EXAMPLE, MISTAKES], ids=["example", "mistakes"])
def test_both_paths_give_the_same_outcome_for_the_example_and_the_mistakes(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert fast_reader_takes(text)

    fast = load_document(str(path))
    with mock.patch.object(loader, "_compose", loader._compose_nodes):
        slow = load_document(str(path))

    assert fast.outcome == slow.outcome
    assert same(fast, slow)  # the data and the lines too
    assert loader._EventReader(text).read() == loader._compose_nodes(text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("tenants:\n\t- name: acme\n", id="tab"),
        pytest.param("tenants:\n  - {name: acme}", id="no-last-line-break"),
        pytest.param("a: &x {name: acme}\ntenants:\n  - *x\n", id="alias"),
        pytest.param("a: &x {name: acme}\ntenants:\n  - <<: *x\n    subdomain: b\n", id="merge"),
        pytest.param("tenants: &t\n  - *t\n", id="recursive-alias"),
        pytest.param("tenants: !!seq\n  - name: acme\n", id="tag"),
        pytest.param("%YAML 1.1\n---\ntenants: []\n", id="directive"),
        pytest.param("tenants: []\n---\ntenants: []\n", id="two-documents"),
        pytest.param("tenants:\n  - name: |#\n      acme\n", id="comment-after-block-scalar"),
        pytest.param("tenants: [{name: a?b}, {name: c:d}, {? }]\n", id="flow-plain-scalars"),
        pytest.param("tenants:\n  - name: a\u2028b\n", id="line-separator"),
        pytest.param("tenants: " + "[" * 40 + "]" * 40 + "\n", id="deep"),
        pytest.param("tenants: " + "[" * 600 + "]" * 600 + "\n", id="too-deep"),
        pytest.param("tenants:\n  - =: x\n", id="value-key"),
        pytest.param("tenants: [a, b\n", id="error"),
    ],
)
def test_files_left_to_safeloader_read_as_before(text: str) -> None:
    assert not fast_reader_takes(text)
    assert same(read_document(text), reference(text))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("# only a comment\n", id="comment"),
        pytest.param("---\n", id="empty-document"),
        pytest.param("--- \n...\n", id="ended-document"),
        pytest.param("- \n-\n- - x\n", id="empty-items"),
        pytest.param("? a\n: b\n? [c]\n: d\n", id="complex-key"),
        pytest.param("tenants:\r\n  - name: acme\r\n    name: acme\r\n", id="crlf-duplicate"),
        pytest.param(
            "1: a\ntrue: b\n1.0: c\n~: d\n2001-12-14: e\n0x1F: f\n.nan: g\n.nan: h\n",
            id="keys-that-are-not-strings",
        ),
        pytest.param("a: |\n  one\n  two\nb: >-\n  three\n\n  four\nc: 'x''y'\n", id="scalars"),
        pytest.param("{a: [1, {b: c}], d: {}, e: []}\n", id="flow"),
        pytest.param('a: "\\x41\\u00e9"\nb: "tab\\there"\n', id="escapes"),
        pytest.param("a: 1\n" * 3 + "b:\n  a: 2\n  a: 3\n", id="duplicates"),
    ],
)
def test_other_files_read_the_same_from_both(text: str) -> None:
    assert same(read_document(text), reference(text))


@pytest.mark.parametrize("limit", [0, 1, 2, 3, 5, 8])
def test_both_stop_recording_lines_after_the_same_node(
    limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "tenants:\n"
        "  - name: acme\n"
        "    name: acme\n"
        "    auth: {type: api_token, type: x, email: a@b.co}\n"
        "  - {name: b, name: c}\n"
    )
    monkeypatch.setattr(loader, "_MAX_NODES", limit)
    assert fast_reader_takes(text)
    assert loader._EventReader(text).read() == loader._compose_nodes(text)
    assert same(read_document(text), reference(text))


@pytest.fixture
def collector_off() -> Iterator[None]:
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_the_cycle_collector_is_back_on_after_a_load() -> None:
    read_document("tenants: [a\n")
    read_document("tenants: []\n")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_off")
def test_a_collector_that_was_off_stays_off() -> None:
    read_document("tenants: []\n")
    assert not gc.isenabled()


KEYS = ["tenants", "defaults", "name", "subdomain", "base_url", "auth", "type", "email"]
VALUES = ["acme", "api_token", "a@acme.com", "60s", "1", "yes", "~", "", "a b", "x: y", "#"]
scalars = st.none() | st.booleans() | st.integers(-5, 99) | st.sampled_from(VALUES) | st.text()
data = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS) | scalars, children, max_size=4)
    ),
    max_leaves=12,
)
# Edits that make a valid dump less so: indentation, flow indicators, comments, keys...
EDITS = ["\n", " ", "  ", "- ", ": ", "? ", "#", "[", "]", "{", "}", ",", "'", '"', "|", "\r\n"]


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=150)
@given(
    data,
    st.sampled_from([None, True, False]),
    st.sampled_from([20, 80]),
    st.lists(st.tuples(st.floats(0, 1), st.sampled_from(EDITS), st.booleans()), max_size=3),
)
def test_generated_files_read_the_same_from_both(
    value: object,
    flow: bool | None,
    width: int,
    edits: list[tuple[float, str, bool]],
) -> None:
    text = yaml.safe_dump(value, default_flow_style=flow, width=width, allow_unicode=True)
    for where, edit, insert in edits:
        at = int(where * len(text))
        text = text[:at] + edit + text[at:] if insert else text[:at] + text[at + 1 :]
    try:
        expected = reference(text)
    except ValueError:  # SafeLoader raises on a date that does not exist, like 2001-02-30
        with pytest.raises(ValueError):  # noqa: PT011 - the same error, whatever its text
            read_document(text)
    else:
        assert same(read_document(text), expected)

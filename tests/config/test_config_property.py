"""parse() never raises, whatever YAML-like data it gets, and locates every problem."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.config import load_text, parse
from monitor.config.model import ParseOutcome

KNOWN_KEYS = [
    "defaults", "tenants", "interval", "timeout", "ca_file", "name", "subdomain", "base_url",
    "auth", "expect", "type", "email", "token_env", "token_file", "ticket_access", "groups",
]  # fmt: skip
KNOWN_VALUES = [
    "api_token", "all", "groups", "60s", "10s", "0s", "10x", "acme", "Acme", "acme.zendesk.com",
    "https://acme.zendesk.com/", "http://localhost:1/x", "a@acme.com", "a@acme.com/token", "T",
    "", " ", "-1",
]  # fmt: skip

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(KNOWN_VALUES)
)
keys = (
    st.sampled_from(KNOWN_KEYS) | st.text(max_size=10) | st.integers() | st.none() | st.booleans()
)
data = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=25,
)
small = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(keys, children, max_size=3),
    max_leaves=6,
)
# Shaped like a config, so that the deeper parsers get arbitrary values too.
auths = st.dictionaries(st.sampled_from(["type", "email", "token_env", "token_file"]), small)
tenants = st.dictionaries(
    st.sampled_from(KNOWN_KEYS),
    small | auths | st.fixed_dictionaries({"ticket_access": small, "groups": small}),
)
configs = st.fixed_dictionaries(
    {"tenants": st.lists(tenants | small, max_size=4)},
    optional={"defaults": st.dictionaries(st.sampled_from(KNOWN_KEYS), small) | small},
)


def _under(location: str, root: str) -> bool:
    return location == root or location.startswith((f"{root}.", f"{root}["))


def check(outcome: ParseOutcome, top: object) -> None:
    for problem in outcome.problems:
        assert isinstance(problem.location, str)
        assert isinstance(problem.message, str)
        assert problem.message
        if problem.location and isinstance(top, dict):
            # A key path starts at a top-level key (one that is there, or a required one).
            roots = {str(key) for key in top} | {"tenants"}
            assert any(_under(problem.location, root) for root in roots), problem.location
    assert (outcome.config is None) == bool(outcome.file_problems)
    if outcome.config is not None:
        invalid = outcome.config.invalid_tenants
        assert sum(len(t.problems) for t in invalid) == len(outcome.tenant_problems)
        assert all(t.problems for t in invalid)


@given(data)
def test_parse_never_raises_on_arbitrary_data(value: object) -> None:
    check(parse(value), value)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(configs)
def test_parse_never_raises_on_config_shaped_data(value: dict[str, object]) -> None:
    check(parse(value), value)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=50)  # YAML is slow
@given(configs)
def test_loading_the_same_data_as_yaml_locates_every_problem(value: dict[str, object]) -> None:
    outcome = load_text(yaml.safe_dump(value))
    check(outcome, value)
    assert all(p.line is not None and p.line >= 1 for p in outcome.problems)

"""deploy/prometheus/alerts.yml: promtool accepts it and runs its unit tests (tests/deploy/rules/),
every alert is tested firing and not firing, the category lists match the catalogue, every
runbook_url resolves to a heading of docs/runbook.md, the README's alert table matches, and the
PrometheusRule rendering (deploy/prometheus/rules.py) holds exactly the same groups.

promtool comes with Debian's `prometheus` package (scripts/test installs it): a missing promtool
fails these tests, it never skips them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from deploy.prometheus import rules
from monitor.checks.categories import CATALOGUE, Category, Kind
from tests.cli.run import ROOT

ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
RULE_TESTS = Path(__file__).resolve().parent / "rules"
RUNBOOK = ROOT / "docs" / "runbook.md"
README = ROOT / "README.md"
PROMETHEUSRULE = ROOT / "deploy" / "kubernetes" / "prometheusrule.yaml"
UNIT_TEST_FILES = sorted(RULE_TESTS.glob("*.yml"))

# The alerts this package promises (README "Alerting"), with their severities.
EXPECTED_ALERTS = {
    "ZendeskCredentialBroken": {"warning", "critical"},
    "ZendeskPermissionRegression": {"warning", "critical"},
    "ZendeskCredentialExpiring": {"warning", "critical"},
    "ZendeskRateLimited": {"warning"},
    "ZendeskCheckStale": {"warning"},
    "ZendeskMonitorDown": {"critical"},
    "ZendeskMonitorNotReady": {"warning"},
    "ZendeskConfigReloadFailed": {"warning"},
}
# The category label's value when Prometheus no longer knows the last verdict's category.
UNKNOWN_CATEGORY = "unknown"
CATEGORY_ANCHOR = "{{ $labels.category }}"
# The runbook base URL the unit tests' expected annotations use.
UNIT_TEST_BASE = "https://git.example.com/zendesk-monitor/blob/main/"

Rule = dict[str, Any]


def alerts_text() -> str:
    return ALERTS.read_text(encoding="utf-8")


def groups() -> list[dict[str, Any]]:
    return rules.rule_groups(alerts_text())


def all_rules() -> list[Rule]:
    return [rule for group in groups() for rule in group["rules"]]


def alert_rules(name: str | None = None) -> list[Rule]:
    return [r for r in all_rules() if "alert" in r and (name is None or r["alert"] == name)]


def promtool() -> str:
    path = shutil.which("promtool")
    assert path is not None, "promtool is not installed (apt-get install prometheus): scripts/test"
    return path


def run_promtool(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool(), *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=300
    )


def names(kind: Kind) -> set[str]:
    return {c.value for c, info in CATALOGUE.items() if info.kind is kind}


def regex_alternatives(expr: str, operator: str) -> set[str]:
    """The alternatives of the one `category<operator>"a|b|c"` matcher in `expr`."""
    found = re.findall(rf'category{re.escape(operator)}"([a-z_|]+)"', expr)
    assert len(found) == 1, (operator, expr)
    return set(found[0].split("|"))


# --- promtool --------------------------------------------------------------------------------


def test_promtool_accepts_the_rules_file() -> None:
    done = run_promtool("check", "rules", str(ALERTS))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"SUCCESS: {len(all_rules())} rules found" in done.stdout


@pytest.mark.parametrize("path", UNIT_TEST_FILES, ids=lambda p: p.name)
def test_promtool_unit_tests_pass(path: Path, tmp_path: Path) -> None:
    """Runs on a copy of alerts.yml with the unit tests' runbook base, so the committed default
    base can change (README "Alerting") without touching the expected annotations."""
    rules_copy = tmp_path / ALERTS.relative_to(ROOT)
    rules_copy.parent.mkdir(parents=True)
    rules_copy.write_text(rules.with_runbook_base(alerts_text(), UNIT_TEST_BASE), encoding="utf-8")
    test_copy = tmp_path / path.relative_to(ROOT)
    test_copy.parent.mkdir(parents=True)
    shutil.copy(path, test_copy)
    done = run_promtool("test", "rules", path.name, cwd=test_copy.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout


def unit_tests() -> list[dict[str, Any]]:
    tests: list[dict[str, Any]] = []
    for path in UNIT_TEST_FILES:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert [(path.parent / f).resolve() for f in document["rule_files"]] == [ALERTS], path.name
        tests.extend(document["tests"])
    return tests


def test_every_alert_is_tested_firing_at_each_severity_and_not_firing() -> None:
    fired: dict[str, set[str]] = {}
    silent: set[str] = set()
    for test in unit_tests():
        for case in test.get("alert_rule_test", []):
            expected = case.get("exp_alerts") or []
            if not expected:
                silent.add(case["alertname"])
            for alert in expected:
                fired.setdefault(case["alertname"], set()).add(alert["exp_labels"]["severity"])
                assert set(alert["exp_annotations"]) == {"summary", "description", "runbook_url"}
    assert fired == EXPECTED_ALERTS
    assert silent == set(EXPECTED_ALERTS)


# --- the rules themselves --------------------------------------------------------------------


def test_the_alerts_are_the_promised_ones_with_their_severities() -> None:
    found: dict[str, set[str]] = {}
    for rule in alert_rules():
        found.setdefault(rule["alert"], set()).add(rule["labels"]["severity"])
    assert found == EXPECTED_ALERTS
    for rule in alert_rules():
        assert set(rule["annotations"]) == {"summary", "description", "runbook_url"}, rule
        assert "for" in rule, rule["alert"]


def test_every_alert_description_names_its_tenant_and_category() -> None:
    for rule in alert_rules():
        labels = rule["labels"]
        description = rule["annotations"]["description"]
        if "tenant" in rule["expr"] and rule["alert"] != "ZendeskMonitorDown":
            assert "{{ $labels.tenant }}" in description, rule["alert"]
        if "category" in labels:
            assert labels["category"] in description, rule["alert"]
        elif "last_verdict" in rule["expr"]:
            assert "{{ $labels.category }}" in description, rule["alert"]


@pytest.mark.parametrize("name", ["ZendeskCredentialBroken", "ZendeskPermissionRegression"])
def test_warning_and_critical_are_the_same_expression_for_5_and_30_minutes(name: str) -> None:
    warning, critical = sorted(alert_rules(name), key=lambda r: r["for"] != "5m")
    assert (warning["labels"]["severity"], warning["for"]) == ("warning", "5m")
    assert (critical["labels"]["severity"], critical["for"]) == ("critical", "30m")
    assert warning["expr"] == critical["expr"]
    assert warning["keep_firing_for"] == critical["keep_firing_for"]


def test_expiring_warns_at_30_days_and_is_critical_at_7() -> None:
    by_severity = {r["labels"]["severity"]: r for r in alert_rules("ZendeskCredentialExpiring")}
    stem = "min by (namespace, job, tenant, kind) (zendesk_credential_expiry_timestamp_seconds)"
    for severity, days in (("warning", 30), ("critical", 7)):
        expr = " ".join(by_severity[severity]["expr"].split())
        assert expr == f"{stem} - time() < {days} * 86400"


def test_the_category_lists_match_the_catalogue() -> None:
    (record,) = [r for r in all_rules() if r.get("record") == "zendesk_credential:last_verdict"]
    assert regex_alternatives(record["expr"], "!~") == names(Kind.TRANSIENT)
    for rule in alert_rules("ZendeskCredentialBroken"):
        assert regex_alternatives(rule["expr"], "!~") == {"ok", "permission_regression"}
    for rule in alert_rules("ZendeskPermissionRegression"):
        assert regex_alternatives(rule["expr"], "=") == {"permission_regression"}
    for rule in alert_rules("ZendeskCheckStale"):
        assert regex_alternatives(rule["expr"], "=~") <= names(Kind.TRANSIENT)
    for rule in alert_rules("ZendeskRateLimited"):
        assert rule["labels"]["category"] == Category.RATE_LIMITED.value
    assert UNKNOWN_CATEGORY not in {c.value for c in Category}


def test_the_broken_alert_reads_healthy_and_the_verdict_category() -> None:
    for rule in alert_rules("ZendeskCredentialBroken") + alert_rules("ZendeskPermissionRegression"):
        assert "zendesk_credential:last_verdict{" in rule["expr"]
        assert "min by (namespace, job, tenant) (zendesk_credential_healthy) == 0" in rule["expr"]


# --- runbook ---------------------------------------------------------------------------------


def github_anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to '-'."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def runbook_anchors() -> list[str]:
    anchors: list[str] = []
    fenced = False
    for line in RUNBOOK.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        match = None if fenced else re.match(r"^#{1,6} (.+)$", line)
        if match:
            anchors.append(github_anchor(match.group(1)))
    return anchors


def test_github_anchor_rules() -> None:
    assert github_anchor("auth_failed") == "auth_failed"
    assert github_anchor("ZendeskMonitorDown") == "zendeskmonitordown"
    assert github_anchor("When `check` says ok: the baseline!") == "when-check-says-ok-the-baseline"


def test_runbook_anchors_are_unique() -> None:
    anchors = runbook_anchors()
    assert len(anchors) == len(set(anchors)), anchors


def test_runbook_has_a_section_per_category() -> None:
    text = RUNBOOK.read_text(encoding="utf-8")
    for category in [*Category, UNKNOWN_CATEGORY]:
        assert re.search(rf"^## {category}$", text, re.M), category


def test_the_runbook_links_within_itself_resolve() -> None:
    links = re.findall(r"\]\(#([^)]+)\)", RUNBOOK.read_text(encoding="utf-8"))
    assert links
    assert set(links) <= set(runbook_anchors())


def test_every_runbook_url_has_one_base_and_resolves_to_a_runbook_heading() -> None:
    base = rules.runbook_base(groups())
    anchors = set(runbook_anchors())
    checked = 0
    for rule in alert_rules():
        url = rule["annotations"]["runbook_url"]
        assert url.startswith(base + rules.RUNBOOK_PATH), url
        anchor = url.removeprefix(base + rules.RUNBOOK_PATH)
        if anchor == CATEGORY_ANCHOR:
            # The alert's category label: every category it can carry has its section.
            possible = {c.value for c in Category} | {UNKNOWN_CATEGORY}
            assert possible <= anchors, possible - anchors
        else:
            assert "{{" not in anchor, url
            assert anchor in anchors, url
            assert rule["labels"].get("category", anchor) == anchor, url
        checked += 1
    assert checked == len(alert_rules())


# --- README ----------------------------------------------------------------------------------


def readme_section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", text, re.S | re.M)
    assert match is not None, title
    return match.group(1)


def test_readme_alert_table_matches_the_rules() -> None:
    rows = re.findall(
        r"^\| `(Zendesk\w+)` \| (\w+) \| (\w+) \| .+ \| \[[^]]+\]\(docs/runbook\.md#([\w-]+|"
        r"<category>)\) \|$",
        readme_section("Alerting"),
        re.M,
    )
    documented = {(name, severity, duration) for name, severity, duration, _ in rows}
    defined = {(r["alert"], r["labels"]["severity"], r["for"]) for r in alert_rules()}
    assert documented == defined
    anchors = set(runbook_anchors())
    assert {anchor for *_, anchor in rows} - {"<category>"} <= anchors


# --- rendering -------------------------------------------------------------------------------


def test_the_prometheusrule_rendering_holds_exactly_the_groups(tmp_path: Path) -> None:
    manifest = yaml.safe_load(rules.prometheusrule(alerts_text()))
    assert manifest["apiVersion"] == "monitoring.coreos.com/v1"
    assert manifest["kind"] == "PrometheusRule"
    assert manifest["metadata"] == {"name": "zendesk-monitor", "labels": rules.LABELS}
    assert manifest["spec"] == {"groups": groups()}
    spec = tmp_path / "spec.yml"
    spec.write_text(yaml.safe_dump(manifest["spec"]), encoding="utf-8")
    done = run_promtool("check", "rules", str(spec))
    assert done.returncode == 0, done.stdout + done.stderr


def runbook_neutral(groups_: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`groups_` with every runbook_url's base cut off (the base is a rendering option)."""
    base = rules.runbook_base(groups_)
    text = yaml.safe_dump({"groups": groups_}).replace(base + rules.RUNBOOK_PATH, "RUNBOOK#")
    return rules.rule_groups(text)


def test_the_runbook_base_option_changes_the_urls_and_nothing_else() -> None:
    rendered = rules.with_runbook_base(alerts_text(), "https://runbooks.example.org/zm")
    new_groups = rules.rule_groups(rendered)
    assert rules.runbook_base(new_groups) == "https://runbooks.example.org/zm/"
    assert runbook_neutral(new_groups) == runbook_neutral(groups())
    assert rules.runbook_base(groups()) not in rendered


@pytest.mark.parametrize("base", ["runbooks.example.org", "ftp://x/", "https://x/?a=1", "https:/"])
def test_a_runbook_base_that_is_not_an_http_url_is_refused(base: str) -> None:
    with pytest.raises(rules.RulesError, match="--runbook-base must"):
        rules.with_runbook_base(alerts_text(), base)


def test_render_command_writes_and_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "prometheusrule.yaml"
    options = ["--runbook-base", "https://wiki.example.org/zm/", "--output", str(out)]
    extra = ["--namespace", "monitoring", "--label", "release=kube-prometheus-stack"]
    assert rules.main(["prometheusrule", *options, *extra]) == 0
    manifest = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert manifest["metadata"]["namespace"] == "monitoring"
    assert manifest["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    assert rules.runbook_base(manifest["spec"]["groups"]) == "https://wiki.example.org/zm/"
    assert rules.main(["prometheusrule", *options, *extra, "--check"]) == 0
    assert rules.main(["prometheusrule", *options, "--check"]) == 1
    assert "not up to date" in capsys.readouterr().err
    plain = tmp_path / "alerts.yml"
    base = "https://x.example/"
    assert rules.main(["rules", "--runbook-base", base, "--output", str(plain)]) == 0
    assert rules.runbook_base(rules.rule_groups(plain.read_text())) == base
    assert rules.main(["rules", "--runbook-base", "nope", "--output", str(plain)]) == 2
    assert "--runbook-base must be an http(s) URL" in capsys.readouterr().err


def test_the_committed_prometheusrule_holds_exactly_the_alert_groups() -> None:
    if not PROMETHEUSRULE.exists():
        pytest.skip(
            "deploy/kubernetes/prometheusrule.yaml does not exist yet: render it with "
            "`python deploy/prometheus/rules.py prometheusrule`"
        )
    manifest = yaml.safe_load(PROMETHEUSRULE.read_text(encoding="utf-8"))
    assert manifest["kind"] == "PrometheusRule"
    assert manifest["spec"]["groups"], (
        "deploy/kubernetes/prometheusrule.yaml holds no rules: render it with "
        "`python deploy/prometheus/rules.py prometheusrule`"
    )
    assert runbook_neutral(manifest["spec"]["groups"]) == runbook_neutral(groups()), (
        "deploy/kubernetes/prometheusrule.yaml differs from deploy/prometheus/alerts.yml: "
        "render it again with `python deploy/prometheus/rules.py prometheusrule`"
    )


# --- the unit tests' input is what the daemon and Prometheus would produce --------------------


def expand(values: str) -> list[float | str | None]:
    """promtool's series notation: None for `_`, "stale" for a staleness marker."""
    out: list[float | str | None] = []
    for token in values.split():
        if token == "_":
            out.append(None)
        elif token == "stale":
            out.append("stale")
        elif match := re.fullmatch(r"_x(\d+)", token):
            out.extend([None] * int(match.group(1)))
        elif match := re.fullmatch(r"(-?[\d.e]+)(?:([+-])([\d.e]+))?x(\d+)", token):
            start, sign, step, times = match.groups()
            delta = float(step or 0) * (-1 if sign == "-" else 1)
            out.extend(float(start) + delta * i for i in range(int(times) + 1))
        else:
            out.append(float(token))
    return out


def test_expand_reads_promtool_notation() -> None:
    assert expand("_x2 1x2 stale 0+60x2 5") == [
        None, None, 1.0, 1.0, 1.0, "stale", 0.0, 60.0, 120.0, 5.0,
    ]  # fmt: skip


def series_of(test: dict[str, Any]) -> list[tuple[str, dict[str, str], list[Any]]]:
    found = []
    for item in test["input_series"]:
        match = re.fullmatch(r"([\w:]+)\{(.*)\}", item["series"])
        assert match is not None, item["series"]
        labels = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2)))
        found.append((match.group(1), labels, expand(item["values"])))
    return found


@pytest.mark.parametrize(
    "test", [t for t in unit_tests() if "input_series" in t], ids=lambda t: t.get("name", "")
)
def test_status_series_have_one_category_per_scrape_and_agree_with_healthy(
    test: dict[str, Any],
) -> None:
    """A tenant's zendesk_credential_status has one category per scrape; a category that ends
    while the tenant goes on is marked stale (as Prometheus does); a verdict category agrees with
    zendesk_credential_healthy where both are present."""
    status: dict[tuple[tuple[str, str], ...], dict[str, list[Any]]] = {}
    healthy: dict[tuple[tuple[str, str], ...], list[Any]] = {}
    for name, labels, values in series_of(test):
        key = tuple(sorted((k, v) for k, v in labels.items() if k != "category"))
        if name == "zendesk_credential_status":
            status.setdefault(key, {})[labels["category"]] = values
        elif name == "zendesk_credential_healthy":
            healthy[key] = values
    for key, by_category in status.items():
        length = max(len(v) for v in by_category.values())
        for t in range(length):
            now = {c for c, v in by_category.items() if t < len(v) and isinstance(v[t], float)}
            assert len(now) <= 1, (key, t, now)
            for category, values in by_category.items():
                ended = 0 < t < len(values) + 1 and isinstance(values[t - 1], float)
                gone = t >= len(values) or values[t] is None
                if ended and gone and now:
                    raise AssertionError(f"{key} {category} ends at {t}m without a stale marker")
            if now and key in healthy and t < len(healthy[key]):
                (category,) = now
                value = healthy[key][t]
                if Category(category).kind is Kind.OK:
                    assert value == 1.0, (key, t)
                elif Category(category).kind is Kind.CREDENTIAL:
                    assert value == 0.0, (key, t)

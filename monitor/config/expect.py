"""`expect`: what the integration user should be able to see, checked against Zendesk."""

from __future__ import annotations

from monitor.config import paths
from monitor.config.fields import Invalid, Section, as_string
from monitor.config.model import Expect
from monitor.config.text import describe, did_you_mean, one_of, show

TICKET_ACCESS = ("all", "groups")
EXPECT_EXAMPLE = "{ticket_access: groups, groups: [Support]}"


def parse_expect(tenant: Section) -> Expect | None:
    if not tenant.has("expect"):
        return Expect(ticket_access="all")  # for speed: the usual case, without a Section
    expect = tenant.section("expect", EXPECT_EXAMPLE, optional=True)
    if expect is None:
        return None
    expect.check_keys(("ticket_access", "groups"))
    access = "all"
    if expect.has("ticket_access"):
        access = expect.get("ticket_access", _ticket_access) or ""
    if access == "all":
        if expect.has("groups"):
            expect.add(
                "groups",
                "must not be set when ticket_access is all; remove it or set ticket_access: groups",
            )
            return None
        return Expect(ticket_access="all")
    groups = _groups(expect) if access == "groups" or expect.has("groups") else None
    if access != "groups" or groups is None:
        return None  # an invalid ticket_access was reported; its groups were still checked
    return Expect(ticket_access="groups", groups=groups)


def _ticket_access(value: object) -> str:
    text = as_string(value)
    if text in TICKET_ACCESS:
        return text
    close = did_you_mean(text, TICKET_ACCESS)
    hint = f'; did you mean "{close}"?' if close else ""
    raise Invalid(f"{show(text)} is not one of: {one_of(TICKET_ACCESS)}{hint}")


def _groups(expect: Section) -> tuple[str, ...] | None:
    if not expect.has("groups"):
        expect.add("groups", "required when ticket_access is groups; list the group names")
        return None
    value = expect.data["groups"]
    if isinstance(value, str):
        expect.add("groups", f"must be a list of group names; write [{value}]")
        return None
    if not isinstance(value, list):
        expect.add("groups", f"must be a list of group names; got {describe(value)}")
        return None
    if not value:
        expect.add("groups", "is empty; list at least one group name")
        return None
    where = expect.at("groups")
    seen: dict[str, int] = {}
    ok = True
    for index, name in enumerate(value):
        location = paths.item(where, index)
        message = _group_problem(name, seen)
        if message is not None:
            expect.ctx.problems.add(location, message)
            ok = False
        elif isinstance(name, str):
            seen[name] = index
    return tuple(value) if ok else None


def _group_problem(name: object, seen: dict[str, int]) -> str | None:
    if not isinstance(name, str):
        return f"must be a group name; got {describe(name)}"
    if not name.strip():
        return "is empty; write the name of a group"
    if name != name.strip():
        return f"{show(name)} has leading or trailing spaces; write {show(name.strip())}"
    if name in seen:
        return f"{show(name)} is listed twice (also groups[{seen[name]}])"
    return None

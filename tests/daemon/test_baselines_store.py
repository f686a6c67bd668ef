"""`BaselineStore`: one JSON file per tenant, written atomically, or memory only."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from monitor.daemon.baselines import BaselineError, BaselineStore

FACTS: dict[str, Any] = {
    "user_id": 1001,
    "role": "agent",
    "role_type": 0,
    "custom_role_id": 6,
    "ticket_restriction": "groups",
    "only_private_comments": False,
    "role_configuration": {"ticket_access": "within-groups", "ticket_editing": True},
    "group_ids": [12, 13],
}


def files(store: BaselineStore) -> list[str]:
    assert store.directory is not None
    return sorted(os.listdir(store.directory))


def test_round_trip(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path, clock=lambda: 1_800_000_000.0)
    assert store.persistent
    assert store.get("acme") is None
    store.set("acme", FACTS)
    assert store.get("acme") == FACTS
    assert store.names() == ["acme"]
    path = tmp_path / "baselines" / "acme.json"
    assert store.path("acme") == path
    document = json.loads(path.read_text())
    assert document == {
        "version": 1,
        "tenant": "acme",
        "saved_at": "2027-01-15T08:00:00+00:00",
        "facts": FACTS,
    }


def test_survives_a_restart(tmp_path: Path) -> None:
    BaselineStore(tmp_path).set("acme", FACTS)
    BaselineStore(tmp_path).set("globex", {**FACTS, "user_id": 7})
    restarted = BaselineStore(tmp_path)
    assert restarted.names() == ["acme", "globex"]
    assert restarted.get("acme") == FACTS
    assert restarted.problems == []


def test_a_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    store.set("acme", FACTS)
    store.set("acme", {**FACTS, "role": "admin"})  # a replacement too
    assert files(store) == ["acme.json"]
    assert BaselineStore(tmp_path).get("acme") == {**FACTS, "role": "admin"}


def test_a_failed_write_keeps_the_old_baseline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = BaselineStore(tmp_path)
    store.set("acme", FACTS)

    def full_disk(source: Any, target: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(BaselineError, match=r"acme\.json: cannot be written: No space left"):
        store.set("acme", {**FACTS, "role": "admin"})
    monkeypatch.undo()
    assert store.get("acme") == FACTS
    assert files(store) == ["acme.json"]  # the temporary file is gone
    assert BaselineStore(tmp_path).get("acme") == FACTS


def test_an_unwritable_state_dir_is_an_error_naming_the_file(tmp_path: Path) -> None:
    not_a_directory = tmp_path / "state"
    not_a_directory.write_text("")
    store = BaselineStore(not_a_directory)
    assert [str(p) for p in store.problems] == [
        f"{not_a_directory / 'baselines'}: cannot be listed: Not a directory"
    ]
    with pytest.raises(BaselineError, match=r"baselines/acme\.json: cannot be written"):
        store.set("acme", FACTS)
    assert store.get("acme") is None


CORRUPT: list[tuple[bytes, str]] = [
    (b'{"version": 1, "tenant": "acme", "facts": {', "is not valid JSON"),
    (b"\xff\xfe", "is not valid JSON"),
    (b"[1, 2]", 'is not a baseline: no "facts" object'),
    (b'{"version": 2, "tenant": "acme", "facts": {}}', "has version 2, not 1"),
    (b'{"version": 1, "tenant": "globex", "facts": {}}', "is the baseline of 'globex'"),
]


@pytest.mark.parametrize(("content", "message"), CORRUPT)
def test_a_corrupt_file_is_reported_not_fatal(tmp_path: Path, content: bytes, message: str) -> None:
    BaselineStore(tmp_path).set("globex", FACTS)
    corrupt = tmp_path / "baselines" / "acme.json"
    corrupt.write_bytes(content)
    store = BaselineStore(tmp_path)
    assert len(store.problems) == 1
    assert store.problems[0].path == corrupt
    assert message in str(store.problems[0])
    assert str(corrupt) in str(store.problems[0])
    assert store.get("acme") is None
    assert store.get("globex") == FACTS  # the others load


def test_saving_over_a_corrupt_file_moves_it_aside(tmp_path: Path) -> None:
    directory = tmp_path / "baselines"
    directory.mkdir()
    (directory / "acme.json").write_text("garbage")
    store = BaselineStore(tmp_path)
    store.set("acme", FACTS)
    assert store.problems == []
    assert sorted(os.listdir(directory)) == ["acme.json", "acme.json.corrupt"]
    assert (directory / "acme.json.corrupt").read_text() == "garbage"
    assert BaselineStore(tmp_path).get("acme") == FACTS


def test_a_file_that_is_not_a_tenant_is_reported(tmp_path: Path) -> None:
    directory = tmp_path / "baselines"
    directory.mkdir()
    (directory / "Acme Corp.json").write_text("{}")
    (directory / "notes.txt").write_text("ignored silently")
    store = BaselineStore(tmp_path)
    assert [p.path.name for p in store.problems] == ["Acme Corp.json"]
    assert store.names() == []


def test_reload_sees_what_another_process_wrote(tmp_path: Path) -> None:
    daemon = BaselineStore(tmp_path)
    daemon.set("acme", FACTS)
    daemon.set("globex", FACTS)
    command = BaselineStore(tmp_path)  # `baseline accept`, say
    command.set("acme", {**FACTS, "ticket_restriction": None})
    command.delete("globex")
    assert daemon.get("acme") == FACTS  # until the daemon reloads
    assert daemon.reload() == []
    assert daemon.get("acme") == {**FACTS, "ticket_restriction": None}
    assert daemon.get("globex") is None


def test_reload_keeps_the_last_good_baseline_of_a_file_broken_meanwhile(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    store.set("acme", FACTS)
    (tmp_path / "baselines" / "acme.json").write_text('{"version": 1, ')
    problems = store.reload()
    assert [p.path.name for p in problems] == ["acme.json"]
    assert store.get("acme") == FACTS


def test_delete(tmp_path: Path) -> None:
    store = BaselineStore(tmp_path)
    store.set("acme", FACTS)
    assert store.delete("acme") is True
    assert store.get("acme") is None
    assert files(store) == []
    assert store.delete("acme") is False


def test_in_memory(tmp_path: Path) -> None:
    store = BaselineStore(None)
    assert not store.persistent
    assert store.directory is None
    assert store.path("acme") is None
    store.set("acme", FACTS)
    assert store.get("acme") == FACTS
    assert store.reload() == []  # nothing to re-read: memory is the only copy
    assert store.get("acme") == FACTS
    assert store.delete("acme") is True
    assert store.delete("acme") is False
    assert BaselineStore(None).get("acme") is None  # gone with the process


def test_set_keeps_a_plain_json_copy_and_get_the_same_object_until_replaced(
    tmp_path: Path,
) -> None:
    store = BaselineStore(tmp_path)
    given = {**FACTS, "group_ids": (12, 13)}
    store.set("acme", given)
    given["role"] = "end-user"  # the caller's dict is not the baseline
    got = store.get("acme")
    assert got is not None
    assert got["group_ids"] == [12, 13]  # as it reads back from the file
    assert got == FACTS
    assert store.get("acme") is got  # the judge skips comparing unchanged facts by identity
    store.set("acme", FACTS)
    assert store.get("acme") is not got
    store.reload()
    assert store.get("acme") == FACTS


@pytest.mark.parametrize("name", ["../escape", "Acme", "", "a/b", ".hidden"])
def test_tenant_names_are_checked(tmp_path: Path, name: str) -> None:
    store = BaselineStore(tmp_path)
    with pytest.raises(ValueError, match="is not a tenant name"):
        store.set(name, FACTS)
    with pytest.raises(ValueError, match="is not a tenant name"):
        store.get(name)

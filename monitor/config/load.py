"""YAML text -> ParseOutcome, with the line of every key path for the messages."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from monitor.config import paths
from monitor.config.model import Config, ParseOutcome, Problem
from monitor.config.parse import parse_with
from monitor.config.text import show

_MERGE_TAG = "tag:yaml.org,2002:merge"
# Aliases can make a small file a huge tree ("billion laughs"); lines stop being recorded
# after this many nodes, which only makes some messages point at a parent's line.
_MAX_NODES = 100_000


@dataclass(frozen=True, slots=True)
class LineMap:
    """Key path -> 1-based line of the key (of the item for list indexes)."""

    lines: Mapping[str, int]

    def find(self, location: str) -> int | None:
        """The line of `location`, or of its nearest parent in the file (e.g. a missing key)."""
        path = location
        while True:
            if path in self.lines:
                return self.lines[path]
            if path == paths.ROOT:
                return None
            path = paths.parent(path)


@dataclass(frozen=True, slots=True)
class Document:
    """What the loader read: the outcome plus the data and lines, for `validate`."""

    outcome: ParseOutcome
    data: object = None
    lines: LineMap = LineMap({})


def load(path: str) -> ParseOutcome:
    return load_document(path).outcome


def load_text(text: str, *, base_dir: Path | None = None) -> ParseOutcome:
    return read_document(text, base_dir=base_dir).outcome


def load_document(path: str) -> Document:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return _failed(Problem(paths.ROOT, f"cannot read the file ({reason})"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return _failed(Problem(paths.ROOT, f"the file is not UTF-8 text (byte {exc.start})", line))
    return read_document(text, base_dir=Path(path).parent)


def read_document(text: str, *, base_dir: Path | None = None) -> Document:
    try:
        data, lines, duplicates = _compose(text)
    except yaml.YAMLError as exc:
        return _failed(_yaml_problem(exc, text))
    except RecursionError:
        return _failed(Problem(paths.ROOT, "invalid YAML: nested too deeply"))
    outcome = parse_with(data, extra=duplicates, base_dir=base_dir, check_file=readable_file)
    return Document(_with_lines(outcome, lines), data, lines)


def readable_file(path: Path) -> str | None:
    """Why `path` cannot be read as a file (None when it can); the file is not kept open."""
    try:
        with path.open("rb") as file:
            file.read(1)
    except FileNotFoundError:
        return f"{show(str(path))} does not exist"
    except IsADirectoryError:
        return f"{show(str(path))} is a directory, not a file"
    except PermissionError:
        return f"{show(str(path))} is not readable (permission denied)"
    except OSError as exc:
        return f"{show(str(path))} cannot be read ({exc.strerror or type(exc).__name__})"
    return None


def _failed(problem: Problem) -> Document:
    return Document(ParseOutcome(None, (problem,)))


def _yaml_problem(exc: yaml.YAMLError, text: str) -> Problem:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        if exc.problem == "but found another document":
            return Problem(paths.ROOT, "invalid YAML: the file must hold one document", line)
        message = f"invalid YAML: {exc.problem or exc.context}"
        if exc.problem and exc.context and exc.context_mark is not None:
            message += f" ({exc.context} on line {exc.context_mark.line + 1})"
        return Problem(paths.ROOT, message, line)
    if isinstance(exc, yaml.reader.ReaderError):
        line = text[: exc.position].count("\n") + 1
        return Problem(
            paths.ROOT, f"invalid YAML: character #x{exc.character:04x} is not allowed", line
        )
    return Problem(paths.ROOT, f"invalid YAML: {type(exc).__name__}")


def _compose(text: str) -> tuple[object, LineMap, list[Problem]]:
    # The node API gives lines; SafeLoader only builds plain values (no arbitrary objects).
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, LineMap({paths.ROOT: 1}), []  # an empty file: its problem is on line 1
        walker = _Walker(loader)
        walker.walk(node, paths.ROOT, node.start_mark.line + 1)
        # Walked before constructing: construction rewrites merge keys (<<) inside the nodes.
        data = loader.construct_document(node)
        return data, LineMap(walker.lines), walker.duplicates
    finally:
        loader.dispose()


class _Walker:
    """Records the line of every key path and reports duplicate keys."""

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.lines: dict[str, int] = {}
        self.duplicates: list[Problem] = []
        self.active: set[int] = set()  # nodes on the current path: aliases can be recursive
        self.count = 0

    def walk(self, node: Node, path: str, line: int) -> None:
        self.count += 1
        if id(node) in self.active or self.count > _MAX_NODES:
            return
        self.lines[path] = line
        self.active.add(id(node))
        if isinstance(node, MappingNode):
            self._mapping(node, path)
        elif isinstance(node, SequenceNode):
            for index, child in enumerate(node.value):
                self.walk(child, paths.item(path, index), child.start_mark.line + 1)
        self.active.discard(id(node))

    def _mapping(self, node: MappingNode, path: str) -> None:
        seen: dict[object, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG or not isinstance(key_node, ScalarNode):
                continue  # merged keys keep their parent's line; other keys fail construction
            key = self.loader.construct_object(key_node)
            line = key_node.start_mark.line + 1
            location = paths.child(path, key)
            if key in seen:
                self.duplicates.append(
                    Problem(location, f"duplicate key; it is also on line {seen[key]}", line)
                )
            else:
                seen[key] = line
            self.walk(value_node, location, line)


def _with_lines(outcome: ParseOutcome, lines: LineMap) -> ParseOutcome:
    def located(problems: tuple[Problem, ...]) -> tuple[Problem, ...]:
        found = [
            p if p.line is not None else dataclasses.replace(p, line=lines.find(p.location))
            for p in problems
        ]
        return tuple(sorted(found, key=lambda p: p.line or 0))

    config: Config | None = outcome.config
    if config is not None:
        invalid = tuple(
            dataclasses.replace(t, problems=located(t.problems)) for t in config.invalid_tenants
        )
        config = dataclasses.replace(config, invalid_tenants=invalid)
    return ParseOutcome(config, located(outcome.file_problems), located(outcome.tenant_problems))

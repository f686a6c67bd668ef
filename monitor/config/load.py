"""YAML text -> ParseOutcome, with the line of every key path for the messages."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import yaml
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from monitor.config import paths
from monitor.config.model import Config, ParseOutcome, Problem
from monitor.config.parse import parse_with
from monitor.config.text import show

_E = TypeVar("_E", bound=Event)

_MERGE_TAG = "tag:yaml.org,2002:merge"
# Aliases can make a small file a huge tree ("billion laughs"); lines stop being recorded
# after this many nodes, which only makes some messages point at a parent's line.
_MAX_NODES = 100_000
# Where libyaml reads a file differently from SafeLoader, without an error (found by comparing
# the two on generated files): tabs, the rarer line breaks, byte order marks, a comment right
# after a block scalar's | or >; and the lines at the end of a file without a last line break.
_LIBYAML_DIFFERS = re.compile(r"[\t\x85\u2028\u2029\ufeff]|[|>][-+0-9]*#")
# In flow collections ([...], {...}), SafeLoader ends plain scalars at ? (and at : before , [ ] {
# or }), and puts empty ones on other lines than libyaml: such scalars are left to SafeLoader.
_FLOW_PLAIN = re.compile(r"[^?:]+")
# Configs nest about 5 levels; deeper files are SafeLoader's, which says when it is too deep.
_DEEPEST_FAST = 32
_STR_TAG = "tag:yaml.org,2002:str"
# The other tags a plain scalar resolves to that SafeLoader constructs (<< and = are left to it).
_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp")
)


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
    with _gc_paused():
        try:
            data, lines, duplicates = _compose(text)
        except yaml.YAMLError as exc:
            return _failed(_yaml_problem(exc, text))
        except RecursionError:
            return _failed(Problem(paths.ROOT, "invalid YAML: nested too deeply"))
        except ValueError as exc:  # a YAML timestamp that is no date, like 2001-02-30
            return _failed(Problem(paths.ROOT, f"invalid YAML: a value is not valid ({exc})"))
        outcome = parse_with(data, extra=duplicates, base_dir=base_dir, check_file=readable_file)
        return Document(_with_lines(outcome, lines), data, lines)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """For speed: a large file makes many objects, which the cycle collector would go through
    again and again while they are made. Reference counting frees them anyway; the cycles that
    recursive aliases make are collected once the collector is back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    # For speed, most files are read from libyaml's events, in one pass: about 10 times faster
    # than SafeLoader's nodes. SafeLoader stays the reference: a file that the fast reader may
    # not take exactly as SafeLoader would (an anchor, a tag, a tab, deep nesting...), and a file
    # on which it raises anything at all (any YAML error), is read again by SafeLoader, so that
    # every message keeps its text and line (and whatever SafeLoader raises is still raised).
    if text.endswith("\n") and _LIBYAML_DIFFERS.search(text) is None:
        with contextlib.suppress(Exception):
            return _EventReader(text).read()
    return _compose_nodes(text)


def _compose_nodes(text: str) -> tuple[object, LineMap, list[Problem]]:
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


class _Unusual(Exception):
    """Something the fast reader leaves to SafeLoader."""


class _EventReader:
    """libyaml's events -> what _compose_nodes gives (data, lines, duplicate keys), in one pass.

    Only for documents without anchors, aliases, tags or directives, with scalar keys: anything
    else raises _Unusual. The data is what SafeLoader constructs; the lines and duplicate keys
    are what _Walker records, in the same order and with the same _MAX_NODES cut.
    """

    def __init__(self, text: str) -> None:
        self.loader = yaml.CSafeLoader(text)
        self.next_event = self.loader.get_event
        self.resolve: Callable[[type[Node], str, tuple[bool, bool]], str] = self.loader.resolve
        self.lines: dict[str, int] = {}
        self.duplicates: list[Problem] = []
        self.count = 0  # walked nodes, like _Walker.count
        self.depth = 0
        self.flow = False  # inside a flow collection ([...] or {...})
        self.tags: dict[str, str] = {}  # plain scalar -> its tag; for speed: keys repeat

    def read(self) -> tuple[object, LineMap, list[Problem]]:
        try:
            self._expect(StreamStartEvent)
            if self.loader.check_event(StreamEndEvent):
                return None, LineMap({paths.ROOT: 1}), []  # an empty file: its problem is on line 1
            start = self._expect(DocumentStartEvent)
            if start.version is not None or start.tags:
                raise _Unusual("a directive")
            event = self.next_event()
            data = self._node(event, paths.ROOT, _line(event))
            self._expect(DocumentEndEvent)
            self._expect(StreamEndEvent)  # a second document is SafeLoader's to report
            return data, LineMap(self.lines), self.duplicates
        finally:
            self.loader.dispose()

    def _expect(self, kind: type[_E]) -> _E:
        event = self.next_event()
        if not isinstance(event, kind):
            raise _Unusual(f"not a {kind.__name__}")
        return event

    def _node(self, event: Event | None, path: str, line: int) -> object:
        self.count += 1
        walked = self.count <= _MAX_NODES
        if walked:
            self.lines[path] = line
        if type(event) is ScalarEvent:
            return self._scalar(event)
        if not isinstance(event, MappingStartEvent | SequenceStartEvent):
            raise _Unusual("an alias")
        if event.anchor is not None or event.tag is not None or self.depth == _DEEPEST_FAST:
            raise _Unusual("an anchor, a tag or deep nesting")
        outer = self.flow
        self.depth += 1
        self.flow = outer or bool(event.flow_style)
        if isinstance(event, MappingStartEvent):
            value: object = self._mapping(path, walked)
        else:
            value = self._sequence(path)
        self.depth -= 1
        self.flow = outer
        return value

    def _mapping(self, path: str, walked: bool) -> dict[object, object]:
        mapping: dict[object, object] = {}
        seen: dict[object, int] = {}  # key -> its line
        while type(event := self.next_event()) is ScalarEvent:
            key = self._scalar(event)
            line = _line(event)
            location = paths.child(path, key)
            if walked and key in seen:
                self.duplicates.append(
                    Problem(location, f"duplicate key; it is also on line {seen[key]}", line)
                )
            elif walked:
                seen[key] = line
            mapping[key] = self._node(self.next_event(), location, line)
        if type(event) is not MappingEndEvent:
            raise _Unusual("a key that is not a scalar")
        return mapping

    def _sequence(self, path: str) -> list[object]:
        items: list[object] = []
        while type(event := self.next_event()) is not SequenceEndEvent:
            items.append(self._node(event, paths.item(path, len(items)), _line(event)))
        return items

    def _scalar(self, event: ScalarEvent) -> object:
        if event.anchor is not None or event.tag is not None:
            raise _Unusual("an anchor or a tag")
        if not event.implicit[0]:
            return event.value  # quoted or a block (| or >): a string
        if self.flow and not _FLOW_PLAIN.fullmatch(event.value):
            raise _Unusual("a plain scalar that SafeLoader reads differently")
        tag = self.tags.get(event.value)
        if tag is None:
            tag = self.tags[event.value] = self.resolve(ScalarNode, event.value, event.implicit)
        if tag == _STR_TAG:
            return event.value  # what SafeLoader constructs, without making a node
        if tag not in _SCALAR_TAGS:
            raise _Unusual("a merge key (<<), a value key (=) or the like")
        # Without marks: only errors use them, and errors are SafeLoader's to report.
        return self.loader.construct_object(ScalarNode(tag, event.value))


def _line(event: Event | None) -> int:
    if event is None or event.start_mark is None:
        raise _Unusual("no event, or one without a mark")
    return event.start_mark.line + 1


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

"""Safe YAML parsing with a position for every node, and the loader's error type.

``parse_document`` turns YAML text into plain data (dicts, lists, str, int, float,
bool, None) plus a ``LineMap`` from YAML paths such as ``steps[3].rules[0].match``
to 1-based (line, column). It refuses anything that could surprise an author or
exhaust memory: anchors and aliases, oversized files, several documents, non-mapping
documents, duplicate or non-string keys and unknown tags. ``ContentError`` is the only
exception it raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

MAX_BYTES = 512 * 1024
MAX_DEPTH = 64
#: above this many possible nesting openers, parse with the pure-Python loader, whose
#: recursion is bounded (libyaml's composer can overflow the C stack)
FAST_MAX_OPENERS = 10_000
ANCHOR_MESSAGE = "YAML anchors and aliases (&name / *name) are not allowed"
ANCHOR_FIX = "write the repeated content out in full"
_CLoader: Any = getattr(yaml, "CSafeLoader", None)
#: a superset of YAML anchors: "&" followed by a name, at a line start or after
#: whitespace or a flow indicator
_ANCHOR_HINT = re.compile(r"(?:^|[\s\[{,])&\S", re.MULTILINE)

_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file, located precisely, with a one-line fix."""

    file: str
    line: int
    column: int
    path: str
    message: str
    fix: str = ""
    #: "error" blocks a file; "warning" is reported but does not fail validation
    severity: str = "error"

    def __str__(self) -> str:
        where = self.path or "(document)"
        label = "warning: " if self.severity == "warning" else ""
        tail = f" — {self.fix}" if self.fix else ""
        return f"{self.file}:{self.line}:{self.column}: {where}: {label}{self.message}{tail}"

    @property
    def is_error(self) -> bool:
        """Return True unless this problem is only a warning."""
        return self.severity != "warning"


class ContentError(Exception):
    """A content file could not be loaded; ``problems`` says every reason why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems) or "invalid content")


class LineMap:
    """YAML path -> (line, column), both 1-based."""

    def __init__(self) -> None:
        self._where: dict[str, tuple[int, int]] = {}

    def add(self, path: str, line: int, column: int) -> None:
        """Record where the node at ``path`` starts."""
        self._where.setdefault(path, (line, column))

    def __contains__(self, path: object) -> bool:
        return path in self._where

    def __len__(self) -> int:
        return len(self._where)

    def get(self, path: str) -> tuple[int, int]:
        """Return the position of ``path`` or of its nearest recorded ancestor."""
        probe = path
        while probe:
            if probe in self._where:
                return self._where[probe]
            probe = parent_path(probe)
        return self._where.get("", (1, 1))

    def paths(self) -> Iterator[str]:
        """Iterate over the recorded paths."""
        return iter(self._where)


def child_path(path: str, key: str | int) -> str:
    """Return the path of a mapping key or sequence index under ``path``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def parent_path(path: str) -> str:
    """Return the path one level up (``a.b[2]`` -> ``a.b`` -> ``a`` -> ``""``)."""
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


class _Reject(Exception):
    """Internal: stop parsing at a node the loader refuses."""

    def __init__(self, mark: Any, message: str, fix: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message
        self.fix = fix


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases before they can be expanded."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Reject(event.start_mark, ANCHOR_MESSAGE, ANCHOR_FIX)
        return super().compose_node(parent, index)


def parse_document(text: str, filename: str) -> tuple[dict[str, Any], LineMap]:
    """Parse one YAML mapping document; raise ContentError with every problem found."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise ContentError([Problem(
            filename, 1, 1, "", f"file is {size} bytes, over the {MAX_BYTES} byte limit",
            "split the content into smaller files",
        )])
    node = _compose(text, filename)
    builder = _Builder(filename)
    try:
        data = builder.build(node, "", 0)
    except RecursionError:
        builder.fail(node, "", "the document is nested too deeply", "flatten the structure")
        data = None
    if builder.problems:
        raise ContentError(builder.problems)
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "empty"
        raise ContentError([Problem(
            filename, node.start_mark.line + 1, node.start_mark.column + 1, "",
            f"the document must be a mapping of keys to values, not {_kind_name(kind)}",
            "start the file with `schema_version: 1` and `kind: ...` at the left margin",
        )])
    return data, builder.lines


def _kind_name(kind: str) -> str:
    names = {"list": "a list", "str": "a string", "int": "a number", "float": "a number",
             "bool": "a boolean", "empty": "an empty document"}
    return names.get(kind, kind)


def _fast_ok(text: str) -> bool:
    """Return True when libyaml may compose ``text``: it is present, and the text cannot
    nest deeply enough to overflow its C stack (that needs thousands of openers)."""
    if _CLoader is None:
        return False
    openers = text.count("[") + text.count("{") + text.count("- ") + text.count("-\n")
    return openers + text.count("?") < FAST_MAX_OPENERS


def _reject_anchors(text: str) -> None:
    """Raise _Reject at the first anchor or alias. Aliases need an anchor, and an anchor
    is an ``&`` that starts a token, so texts without one skip the event scan."""
    if not _ANCHOR_HINT.search(text):
        return
    for event in yaml.parse(text, Loader=_CLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Reject(event.start_mark, ANCHOR_MESSAGE, ANCHOR_FIX)


def _compose_nodes(text: str) -> yaml.Node | None:
    """Compose with libyaml when safe, else with the pure-Python loader."""
    if _fast_ok(text):
        _reject_anchors(text)
        return yaml.compose(text, Loader=_CLoader)
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _compose(text: str, filename: str) -> yaml.Node:
    """Compose the single document in ``text`` into a node graph."""
    try:
        node = _compose_nodes(text)
    except _Reject as exc:
        raise ContentError([_at(filename, exc.mark, exc.message, exc.fix)]) from None
    except yaml.MarkedYAMLError as exc:
        raise ContentError([_yaml_problem(filename, exc, text)]) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        raise ContentError([Problem(
            filename, line, 1, "", f"character #x{exc.character:04x} is not allowed in YAML",
            "remove the control character (or write it as an escape in double quotes)",
        )]) from None
    except yaml.YAMLError as exc:
        raise ContentError([Problem(filename, 1, 1, "", f"YAML error: {exc}",
                                    "fix the YAML syntax")]) from None
    except RecursionError:
        raise ContentError([Problem(filename, 1, 1, "", "the document is nested too deeply",
                                    "flatten the structure")]) from None
    if node is None:
        raise ContentError([Problem(
            filename, 1, 1, "", "the file is empty",
            "start the file with `schema_version: 1` and `kind: ...`",
        )])
    return node


def _at(filename: str, mark: Any, message: str, fix: str) -> Problem:
    line = mark.line + 1 if mark is not None else 1
    column = mark.column + 1 if mark is not None else 1
    return Problem(filename, line, column, "", message, fix)


def _char_at(text: str, mark: Any) -> str:
    """Return the character at a mark's line/column, or ""."""
    if mark is None:
        return ""
    lines = text.split("\n")
    if 0 <= mark.line < len(lines) and 0 <= mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


def _at_end(text: str, mark: Any, problem: str) -> bool:
    """Return True when the parser ran off the end of the text (an unclosed construct)."""
    if "end of stream" in problem or "<stream end>" in problem:
        return True
    last_line = text.rstrip().count("\n")
    return mark is not None and mark.line > last_line


def _yaml_problem(filename: str, exc: yaml.MarkedYAMLError, text: str) -> Problem:
    """Turn a PyYAML error into a Problem at the line it names, with a likely fix."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    context = exc.context or ""
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    fix = "check indentation, colons and quoting on this line and the one above"
    if "'\\t'" in problem or "tab character" in problem or (
            "cannot start any token" in problem and _char_at(text, mark) == "\t"):
        message = "YAML syntax error: a tab character is used for indentation"
        fix = "indent with spaces, never tabs"
    elif "alias" in problem:
        message, fix = ANCHOR_MESSAGE, ANCHOR_FIX
    elif "expected a single document" in context + problem:
        message = "the file holds more than one YAML document"
        fix = "remove the `---` separator: one file holds one document"
    elif exc.context_mark is not None and _at_end(text, exc.problem_mark, problem):
        mark = exc.context_mark
        what = "quote" if "quoted" in context else "bracket or quote"
        message = f"YAML syntax error: the {what} opened here is never closed"
        fix = "close the quote or bracket that opens here"
    elif "mapping values are not allowed" in problem:
        fix = "quote the value: text containing ': ' must be in double quotes"
    elif "cannot start any token" in problem:
        fix = "quote the value (wrap it in double quotes)"
    return _at(filename, mark, message, fix)


class _Builder:
    """Build plain data from nodes, recording positions and collecting problems."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.lines = LineMap()
        self.problems: list[Problem] = []
        self._constructor = yaml.SafeLoader("")

    def fail(self, node: yaml.Node, path: str, message: str, fix: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(
            self.filename, mark.line + 1, mark.column + 1, path, message, fix,
        ))

    def build(self, node: yaml.Node, path: str, depth: int) -> Any:
        """Return the plain value of ``node`` (None where it is refused)."""
        self.lines.add(path, node.start_mark.line + 1, node.start_mark.column + 1)
        if depth > MAX_DEPTH:
            self.fail(node, path, f"nesting deeper than {MAX_DEPTH} levels",
                      "flatten the structure")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self.fail(node, path, f"unsupported tag {node.tag}", "remove the tag")
            return [self.build(item, child_path(path, i), depth + 1)
                    for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: str, depth: int) -> dict[str, Any]:
        if node.tag != _MAP:
            self.fail(node, path, f"unsupported tag {node.tag}", "remove the tag")
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.fail(key_node, path, "merge keys (<<) are not allowed",
                          "write the merged content out in full")
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                self.fail(key_node, path, "mapping keys must be plain text",
                          "quote the key or rename it (e.g. `\"yes\":`, `\"1\":`)")
                continue
            key = key_node.value
            sub = child_path(path, key)
            if key in out:
                self.fail(key_node, sub, f"duplicate key '{key}'",
                          "remove or rename one of the two entries")
                continue
            # a key's problems point at the key, not at a value on the next line
            self.lines.add(sub, key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, sub, depth + 1)
        return out

    def _scalar(self, node: yaml.Node, path: str) -> Any:
        tag = node.tag
        if tag not in _SCALAR_TAGS:
            self.fail(node, path, f"unsupported tag {tag}",
                      "remove the tag; only plain text, numbers, booleans and null are used")
            return None
        if tag in (_STR, "tag:yaml.org,2002:timestamp"):
            return str(node.value)
        try:
            return self._constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            self.fail(node, path, f"cannot read value {node.value!r}", "quote it as text")
            return None

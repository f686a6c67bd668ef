"""Prometheus text (0.0.4) and OpenMetrics (1.0.0) encoding of a registry, fast.

prometheus_client's own encoders validate and escape every label name of every sample again;
at 10,000 tenants (about 150,000 samples) that alone takes most of a second. This encoder
produces the same bytes (a test compares them) for what the daemon's registry holds, gauges,
counters and classic histograms without timestamps or exemplars, and refuses anything else
rather than encode it wrongly. A sample whose labels are `RenderedLabels` carries its label text
already rendered (the collector renders a tenant's label once for all its series); other label
names are checked once per process, label values escaped only when they need it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.metrics_core import Metric
from prometheus_client.openmetrics.exposition import CONTENT_TYPE_LATEST
from prometheus_client.utils import floatToGoString

TEXT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
OPENMETRICS_TYPE = CONTENT_TYPE_LATEST
# prometheus_client's own number format (Go's), so both encoders agree to the byte.
_number: Callable[[float], str] = floatToGoString
_SUPPORTED = ("counter", "gauge", "histogram")
_LEGACY_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LEGACY_LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_LABEL_NAMES: dict[str, str] = {}  # label names already checked: a handful, fixed by the code


class RenderedLabels(dict[str, str]):
    """Labels with their exposition text (`a="x",b="y"`, sorted by name, escaped) rendered once.
    Never mutate one: the text would no longer match."""

    __slots__ = ("text",)

    def __init__(self, labels: Mapping[str, str]) -> None:
        super().__init__(labels)
        self.text = _render(self)

    def plus(self, key: str, value: str) -> RenderedLabels:
        """These labels and one more; the text is spliced, not rendered again, when the new
        label sorts before or after all of these."""
        labels = RenderedLabels.__new__(RenderedLabels)
        labels.update(self)
        labels[key] = value
        pair = f'{_LABEL_NAMES.get(key) or _label_name(key)}="{_value(value)}"'
        if not self:
            labels.text = pair
        elif key < min(self):
            labels.text = f"{pair},{self.text}"
        elif key > max(self):
            labels.text = f"{self.text},{pair}"
        else:
            labels.text = _render(labels)
        return labels


def wants_openmetrics(accept: str | None) -> bool:
    """True when the `Accept` header prefers OpenMetrics to the Prometheus text format (as a
    Prometheus server's default header does); without a header, or on a tie, text."""
    best = {"openmetrics": 0.0, "text": 0.0}
    for item in (accept or "").split(","):
        media, *params = item.split(";")
        media = media.strip().lower()
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        kind = "openmetrics" if media == "application/openmetrics-text" else "text"
        if kind == "text" and media not in ("text/plain", "text/*", "*/*"):
            continue
        best[kind] = max(best[kind], quality)
    return best["openmetrics"] > best["text"]


def encode(families: Iterable[Metric], *, openmetrics: bool) -> bytes:
    """The exposition of `families` (as `registry.collect()` yields them)."""
    # One string per family: the lines of the largest (100,000 at 10,000 tenants) are freed as
    # soon as it is joined, rather than all 150,000 living until the end.
    chunks: list[str] = []
    numbers: dict[float, str] = {}  # most values repeat: 0, 1, intervals, bucket counts
    for metric in families:
        name = metric.name
        if metric.type not in _SUPPORTED or not _LEGACY_NAME.fullmatch(name):
            raise ValueError(f"cannot encode {metric.type} metric {name!r}")
        exposed = name + "_total" if metric.type == "counter" and not openmetrics else name
        lines: list[str] = []
        append = lines.append
        append(f"# HELP {exposed} {_help(metric.documentation, openmetrics)}\n")
        append(f"# TYPE {exposed} {metric.type}\n")
        if openmetrics and metric.unit:
            append(f"# UNIT {name} {metric.unit}\n")
        for sample in metric.samples:
            if sample[3] is not None or sample[4] is not None:
                raise ValueError(f"cannot encode a timestamp or exemplar in {name!r}")
            labels, value = sample[1], sample[2]
            number = numbers.get(value)
            if number is None:
                number = numbers[value] = _number(value)
            if type(labels) is RenderedLabels:
                append(f"{sample[0]}{{{labels.text}}} {number}\n")
            elif labels:
                append(f"{sample[0]}{{{_render(labels)}}} {number}\n")
            else:
                append(f"{sample[0]} {number}\n")
        chunks.append("".join(lines))
    if openmetrics:
        chunks.append("# EOF\n")
    return "".join(chunks).encode()


def _render(labels: Mapping[str, str]) -> str:
    return ",".join(
        [
            f'{_LABEL_NAMES.get(key) or _label_name(key)}="{_value(text)}"'
            for key, text in sorted(labels.items())
        ]
    )


def _label_name(key: str) -> str:
    if not _LEGACY_LABEL.fullmatch(key):
        raise ValueError(f"cannot encode label name {key!r}")
    _LABEL_NAMES[key] = key
    return key


def _value(text: str) -> str:
    if "\\" in text or "\n" in text or '"' in text:
        return text.replace("\\", r"\\").replace("\n", r"\n").replace('"', r"\"")
    return text


def _help(text: str, openmetrics: bool) -> str:
    text = text.replace("\\", r"\\").replace("\n", r"\n")
    return text.replace('"', r"\"") if openmetrics else text

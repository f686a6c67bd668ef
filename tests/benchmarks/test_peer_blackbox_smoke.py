"""The peer benchmark at a tiny scale: Debian's blackbox_exporter probes the simulator over
HTTPS and every probe succeeds (it raises otherwise), giving one figure per pass; the test
process's CPU affinity is as it was. No timing is asserted."""

from __future__ import annotations

import os
import re

import pytest

from benchmarks.peer_blackbox import main

pytestmark = pytest.mark.process


def test_every_pass_gives_a_figure(capsys: pytest.CaptureFixture[str]) -> None:
    affinity = os.sched_getaffinity(0)
    assert main(["--probes", "20", "--concurrency", "5", "--latency", "0", "--repeat", "2"]) == 0
    out = capsys.readouterr().out
    match = re.search(r"median ([0-9.]+) ms CPU per HTTPS probe \((.+)\); 20 probes a pass", out)
    assert match is not None, out
    assert float(match.group(1)) > 0
    assert len(match.group(2).split()) == 2
    assert os.sched_getaffinity(0) == affinity

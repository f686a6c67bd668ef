"""The per-layer client benchmark at a tiny scale: a figure for every layer, and the test
process's CPU affinity and environment as they were. No timing is asserted."""

from __future__ import annotations

import os
import re

import pytest

from benchmarks.client_layers import LAYERS, main
from benchmarks.daemon_setup import TOKEN_ENV

pytestmark = pytest.mark.process


def test_every_layer_gives_a_figure(capsys: pytest.CaptureFixture[str]) -> None:
    affinity = os.sched_getaffinity(0)
    argv = ["--tenants", "10", "--latency", "0", "--repeat", "2", "--requests", "3"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "10 tenants, concurrency 50, latency 0 s, 3 requests per tenant" in out
    for layer in LAYERS:
        match = re.search(rf"^{layer} +median ([0-9.]+) ms CPU per request \((.+)\)$", out, re.M)
        assert match is not None, out
        assert float(match.group(1)) > 0
        assert len(match.group(2).split()) == 2  # one figure per pass
    assert os.sched_getaffinity(0) == affinity
    assert TOKEN_ENV not in os.environ

"""collector_paused: no cyclic collection inside, the collector's state restored after (errors and
nesting included), and a filter run leaves it as it found it."""

from __future__ import annotations

import gc

import pytest

from dedupe import api
from dedupe.collector import collector_paused


def test_paused_inside_and_restored_after_even_on_error() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block restores what it found: paused
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_caller_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_filtering_leaves_the_collector_on(tmp_path) -> None:
    records = [{"id": str(i), "text": f"Story number {i} about the harbour and the city council. " * 30}
               for i in range(50)]
    kept = [d for d in api.filter(records, classify=False) if d.decision == "keep"]
    assert kept and gc.isenabled()

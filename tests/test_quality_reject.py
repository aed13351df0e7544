"""--reject-label parsing: LABEL or LABEL=P, the default probability from the config."""

from __future__ import annotations

import pytest

from dedupe.config import load_config
from dedupe.errors import ConfigError
from dedupe.quality import parse_reject_label


def test_label_with_probability():
    assert parse_reject_label("machine_translated=0.8") == ("machine_translated", 0.8)
    assert parse_reject_label(" low_quality =1") == ("low_quality", 1.0)


def test_label_alone_takes_the_configured_default():
    assert parse_reject_label("syndicated") == ("syndicated", load_config().quality.reject_probability)
    assert parse_reject_label("syndicated", default_probability=0.9) == ("syndicated", 0.9)


@pytest.mark.parametrize("spec, problem", [("spam=0.5", "unknown label"), ("low_quality=high", "not a number"),
                                           ("low_quality=1.5", "between 0 and 1"), ("=0.3", "unknown label")])
def test_bad_specs_are_clear_errors(spec, problem):
    with pytest.raises(ConfigError, match=problem):
        parse_reject_label(spec)

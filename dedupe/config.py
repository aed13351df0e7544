"""Configuration: one dataclass tree, defaults from dedupe/defaults.toml, overridable by a user TOML."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, is_dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from dedupe.errors import ConfigError


@dataclass
class InputConfig:
    text_field: str
    id_field: str
    url_field: str
    source_field: str
    date_field: str
    lang_field: str
    max_chars: int
    on_error: str


@dataclass
class LangConfig:
    engine: str
    sample_chars: int
    seed: int
    script_share: float

    def __post_init__(self) -> None:
        from dedupe.lang import ENGINES

        if self.engine not in ENGINES:
            raise ConfigError(f"[lang] engine {self.engine!r}: unknown engine (known: {', '.join(ENGINES)})")


@dataclass
class LearnedChromeConfig:
    enabled: bool
    min_line_chars: int
    min_articles_per_source: int
    min_articles_across: int
    min_sources_across: int
    max_words: int
    min_articles_long: int
    body_min_words: int
    same_article_overlap: float


@dataclass
class StripConfig:
    rules_dirs: list[str]
    disable: list[str]
    learned: LearnedChromeConfig


@dataclass
class NearConfig:
    num_perm: int
    threshold: float
    ngram: int
    shingle: str
    char_ngram: int
    seed: int
    scheme: str
    min_words_for_word_shingles: int
    containment: float
    containment_min_ratio: float
    lsh_recall_weight: float
    verify_exact: bool
    ta_marbuta: bool
    sign_batch_docs: int


@dataclass
class KeepPolicyConfig:
    source_priority: list[str]


@dataclass
class IndexConfig:
    path: str
    backend: str


@dataclass
class WorkersConfig:
    count: int
    chunk_docs: int
    min_parallel_docs: int


@dataclass
class FilterConfig:
    batch_docs: int
    classify: bool
    report_clusters: int


@dataclass
class ReportConfig:
    """What the HTML report shows at most: a run of any size gives a page a browser opens."""

    clusters: int
    members_per_cluster: int
    diffs_per_cluster: int
    diff_chars: int
    diff_context_words: int
    rules: int
    examples_per_rule: int
    example_context_chars: int
    example_max_chars: int
    sources: int
    chart_sources: int


@dataclass
class VerdictConfig:
    """Thresholds of the per-source verdicts (original, syndicator, machine-translating, low-quality, mixed)."""

    machine_translated: float
    low_quality: float
    syndicated: float
    duplicate_rate: float
    first_publisher_rate: float


@dataclass
class TrainConfig:
    """How the quality model is fitted: regularisation grids, folds, seed and per-label n-gram budgets."""

    C_grid: list[float]
    signal_C_grid: list[float]
    folds: int
    seed: int
    keep_top: dict[str, int]


@dataclass
class QualityConfig:
    """Classifier settings: model file, signal measurement, flag thresholds, reject default, verdicts."""

    model: str
    reject_probability: float
    explain_threshold: float
    explain_top: int
    sample_chars: int
    seed: int
    line_min_letters: int
    line_max_lines: int
    containment_ngram: int
    containment_sample_mod: int
    flags: dict[str, float]
    verdict: VerdictConfig
    train: TrainConfig


@dataclass
class Config:
    input: InputConfig
    lang: LangConfig
    strip: StripConfig
    near: NearConfig
    keep_policy: KeepPolicyConfig
    index: IndexConfig
    workers: WorkersConfig
    filter: FilterConfig
    report: ReportConfig
    quality: QualityConfig
    extra: dict[str, Any] = field(default_factory=dict)


def _merge(base: dict[str, Any], override: dict[str, Any], where: str) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if key not in base:
            raise ConfigError(f"{where}: unknown setting {key!r}")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: {key!r} must be a table")
            out[key] = _merge(base[key], value, f"{where}.{key}")
        else:
            out[key] = value
    return out



_SECTIONS: dict[str, type] = {
    "input": InputConfig,
    "lang": LangConfig,
    "near": NearConfig,
    "keep_policy": KeepPolicyConfig,
    "index": IndexConfig,
    "workers": WorkersConfig,
    "filter": FilterConfig,
    "report": ReportConfig,
}


def default_settings() -> dict[str, Any]:
    """The packaged defaults as a plain dict."""
    text = resources.files("dedupe").joinpath("defaults.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> Config:
    """Defaults, then the user's TOML file, then `overrides` (nested dict, e.g. from CLI options)."""
    data = default_settings()
    if path is not None:
        try:
            user = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: config file not found") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        data = _merge(data, user, str(path))
    if overrides:
        data = _merge(data, overrides, "option")
    try:
        sections = {name: cls(**data[name]) for name, cls in _SECTIONS.items()}
        strip = dict(data["strip"])
        strip["learned"] = LearnedChromeConfig(**strip["learned"])
        sections["strip"] = StripConfig(**strip)
        quality = dict(data["quality"])
        quality["verdict"] = VerdictConfig(**quality["verdict"])
        quality["train"] = TrainConfig(**quality["train"])
        sections["quality"] = QualityConfig(**quality)
    except TypeError as exc:
        raise ConfigError(f"configuration: {exc}") from None
    extra = {k: v for k, v in data.items() if k not in sections}
    return Config(**sections, extra=extra)


def as_dict(obj: Any) -> Any:
    """A config (or part of one) as plain data, for summaries and index metadata."""
    if is_dataclass(obj):
        return {f.name: as_dict(getattr(obj, f.name)) for f in fields(obj)}
    return obj

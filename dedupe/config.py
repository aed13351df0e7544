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
    balanced: list[str] = field(default_factory=list)  # labels whose signal stage weighs both classes equally


@dataclass
class QualityConfig:
    """Classifier settings: model file, signal measurement, flag thresholds, reject default, verdicts."""

    model: str
    reject_probability: float
    explain_threshold: float
    explain_top: int
    sample_chars: int
    text_mix_chars: int
    text_chars: int
    seed: int
    line_min_letters: int
    line_max_lines: int
    containment_ngram: int
    containment_sample_mod: int
    flags: dict[str, float]
    verdict: VerdictConfig
    train: TrainConfig


@dataclass
class GateConfig:
    """Thresholds of `dedupe gate`: a batch fails when a figure passes one (1.0 and 0 never fail)."""

    max_duplicate_rate: float
    max_rate: dict[str, float]
    min_documents: int
    max_stripped_share: float


@dataclass
class Config:
    """Every setting of every stage. Build it with `Config.defaults()`, `Config.from_toml(path)` or
    `Config.from_dict({...})`, or change attributes in code:

        >>> cfg = Config.from_dict({"near": {"threshold": 0.8}})
        >>> cfg.near.threshold
        0.8
        >>> cfg.filter.batch_docs = 1000
    """

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
    gate: GateConfig
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def defaults(cls) -> Config:
        """The packaged defaults (dedupe/defaults.toml)."""
        return load_config(None)

    @classmethod
    def from_toml(cls, path: str | Path, overrides: dict[str, Any] | None = None) -> Config:
        """Defaults, then the TOML file at `path`, then `overrides` (a nested dict); unknown keys are a ConfigError."""
        return load_config(path, overrides)

    @classmethod
    def from_dict(cls, settings: dict[str, Any]) -> Config:
        """Defaults overridden by a nested dict shaped like the TOML file, e.g. {"near": {"threshold": 0.8}}."""
        return load_config(None, settings)


def _merge(base: dict[str, Any], override: dict[str, Any], where: str) -> dict[str, Any]:
    """`override` on top of `base`; a key `base` lacks is an error, except in a table empty by default ([gate.max_rate])."""
    out = dict(base)
    for key, value in override.items():
        if key not in base:
            if not base:
                out[key] = value
                continue
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
    "gate": GateConfig,
}

LOCAL_CONFIG = "dedupe.toml"  # read from the working directory when no --config is given


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


def resolve_config_path(path: str | Path | None) -> str | None:
    """The config file a command reads: `path` when given, else `dedupe.toml` in the working directory if present."""
    if path:
        return str(path)
    return LOCAL_CONFIG if Path(LOCAL_CONFIG).is_file() else None


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = key if all(c.isalnum() or c in "_-" for c in key) else f'"{key}"'
        dotted = f"{prefix}.{name}" if prefix else name
        if isinstance(value, dict) and value:
            out.update(_flatten(value, dotted))
        else:
            out[dotted] = value
    return out


def setting_sources(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> dict[str, tuple[Any, str]]:
    """Every effective setting as dotted key -> (value, where it came from: "default", "file <path>" or "option").

    Loads the configuration first, so anything load_config refuses is refused here too.
    """
    load_config(path, overrides)
    sources = {key: (value, "default") for key, value in _flatten(default_settings()).items()}
    if path is not None:
        user = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        sources.update({key: (value, f"file {path}") for key, value in _flatten(user).items()})
    if overrides:
        sources.update({key: (value, "option") for key, value in _flatten(overrides).items()})
    return dict(sorted(sources.items()))


def as_dict(obj: Any) -> Any:
    """A config (or part of one) as plain data, for summaries and index metadata."""
    if is_dataclass(obj):
        return {f.name: as_dict(getattr(obj, f.name)) for f in fields(obj)}
    return obj

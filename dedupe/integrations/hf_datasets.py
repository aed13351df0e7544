"""dedupe over a Hugging Face `datasets.Dataset`: a function for `Dataset.map(batched=True)`, then `filter`.

    from datasets import load_dataset
    from dedupe.integrations.hf_datasets import dedupe_columns

    ds = load_dataset("json", data_files="raw.jsonl", split="train")
    ds = ds.map(dedupe_columns(index="store.sqlite"), batched=True, batch_size=10_000)
    kept = ds.filter(lambda row: row["dedupe_decision"] == "keep")

Each batch is one `dedupe.filter` run against the persistent `index`, which grows with the
batch's kept documents, so a copy in a later batch of a story kept earlier is still caught (as
`dedupe filter --batch-docs N` does). Run it with one process (`num_proc=1`): an SQLite index
takes one writer at a time. Nothing here imports `datasets`; the map function takes and gives
plain column dicts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from dedupe import api
from dedupe.config import Config

Columns = dict[str, list[Any]]


def dedupe_columns(config: Config | str | None = None, *, index: str | None = None, classify: bool = False,
                   reject_labels: Mapping[str, float] | Iterable[str] | None = None,
                   strip_text: bool = True) -> Callable[[Columns], Columns]:
    """A `Dataset.map(batched=True)` function adding `dedupe_decision`, `dedupe_reasons`,
    `dedupe_duplicate_of` and `dedupe_removed_chars` columns (and the cleaned text, with `strip_text`).

    Rows that cannot be read (empty text) are marked `reject` with reason `unreadable`.
    """

    def annotate(batch: Columns) -> Columns:
        cfg = api._settings(config, "skip")
        names = list(batch)
        n = len(batch[names[0]]) if names else 0
        records = [{name: batch[name][i] for name in names} for i in range(n)]
        out: Columns = {"dedupe_decision": [], "dedupe_reasons": [], "dedupe_duplicate_of": [], "dedupe_removed_chars": []}
        texts = list(batch.get(cfg.input.text_field, [None] * n))
        for i, doc in enumerate(api.filter(records, cfg, index=index, classify=classify or bool(reject_labels),
                                           reject_labels=reject_labels)):
            out["dedupe_decision"].append(doc.decision)
            out["dedupe_reasons"].append(list(doc.reasons))
            out["dedupe_duplicate_of"].append(doc.duplicate_of or "")
            out["dedupe_removed_chars"].append(sum(r.end - r.start for r in doc.removed))
            if strip_text and doc.error is None:
                texts[i] = doc.text
        if strip_text and cfg.input.text_field in batch:
            out[cfg.input.text_field] = texts
        return out

    return annotate

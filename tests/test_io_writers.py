"""Writers: atomic files, deterministic bytes, Parquet layout, CSV, several outputs committed together."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import os
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dedupe.document import Document
from dedupe.errors import DedupeError
from dedupe.io import AtomicOutputs, open_outputs, open_writer, read_documents, write_records
from dedupe.reasons import UNREADABLE


class Boom(Exception):
    pass


def _doc(i: int, text: str | None = None) -> Document:
    rec = {"id": f"d{i}", "text": text or f"نص الوثيقة رقم {i}", "n": i}
    return Document(id=rec["id"], text=rec["text"], record=rec, input_order=i)


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@pytest.mark.parametrize("name", ["o.jsonl", "o.jsonl.gz", "o.jsonl.zst", "o.parquet"])
def test_writer_body_raising_leaves_no_file(tmp_path: Path, name: str) -> None:
    with pytest.raises(Boom):
        with open_writer(str(tmp_path / name)) as writer:
            writer.write(_doc(0))
            raise Boom()
    assert _leftovers(tmp_path) == []


def test_writer_body_raising_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "kept.jsonl"
    target.write_text("previous contents\n", encoding="utf-8")
    with pytest.raises(Boom):
        with open_writer(str(target)) as writer:
            for i in range(100):
                writer.write(_doc(i))
            raise Boom()
    assert target.read_text(encoding="utf-8") == "previous contents\n"
    assert _leftovers(tmp_path) == ["kept.jsonl"]


def test_temp_file_lives_beside_the_target_until_commit(tmp_path: Path) -> None:
    target = tmp_path / "t.jsonl"
    with open_writer(str(target)) as writer:
        writer.write(_doc(0))
        names = _leftovers(tmp_path)
        assert len(names) == 1 and names[0].startswith(".t.jsonl.") and names[0].endswith(".tmp")
        assert not target.exists()
    assert _leftovers(tmp_path) == ["t.jsonl"]


def test_output_permissions_follow_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with open_writer(str(tmp_path / "p.jsonl")) as writer:
            writer.write(_doc(0))
    finally:
        os.umask(old)
    assert (tmp_path / "p.jsonl").stat().st_mode & 0o777 == 0o644


def test_jsonl_bytes_are_utf8_one_line_per_record_in_key_order(tmp_path: Path) -> None:
    doc = _doc(1, "سطر أول\nسطر ثان \u2028 بعده")
    with open_writer(str(tmp_path / "a.jsonl")) as writer:
        writer.write(doc)
    data = (tmp_path / "a.jsonl").read_bytes()
    assert data.count(b"\n") == 1 and data.endswith(b"\n")
    assert "سطر أول".encode("utf-8") in data  # ensure_ascii=False
    record = json.loads(data)
    assert list(record) == ["id", "text", "n", "dedupe"]
    assert record["text"] == doc.text


@pytest.mark.parametrize("name", ["x.jsonl", "x.jsonl.gz", "x.jsonl.zst", "x.parquet"])
def test_same_documents_same_bytes_whatever_the_file_name_and_time(tmp_path: Path, name: str) -> None:
    outputs = []
    for sub in ("one", "two"):
        (tmp_path / sub).mkdir()
        with open_writer(str(tmp_path / sub / name)) as writer:
            for i in range(20):
                writer.write(_doc(i))
        outputs.append((tmp_path / sub / name).read_bytes())
    assert outputs[0] == outputs[1]


def test_gzip_header_has_no_name_and_no_time(tmp_path: Path) -> None:
    with open_writer(str(tmp_path / "g.jsonl.gz")) as writer:
        writer.write(_doc(0))
    data = (tmp_path / "g.jsonl.gz").read_bytes()
    assert data[3] & 0x08 == 0  # FNAME flag clear
    assert data[4:8] == b"\x00\x00\x00\x00"  # MTIME 0
    assert json.loads(gzip.decompress(data))["id"] == "d0"


def test_unpaired_surrogate_is_escaped_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(b'{"id": "s", "text": "half a pair \\ud83d here"}\n')
    (doc,) = read_documents([str(path)])
    with open_writer(str(tmp_path / "out.jsonl")) as writer:
        writer.write(doc)
    (back,) = read_documents([str(tmp_path / "out.jsonl")])
    assert back.text == "half a pair \ud83d here"


def test_parquet_layout_typed_columns_and_json_columns(tmp_path: Path) -> None:
    records = [
        {"id": "p1", "text": "أول", "n": 1, "tags": ["a", "b"], "meta": {"k": 1}, "mixed": 1, "when": dt.date(2024, 3, 10)},
        {"id": "p2", "text": "second", "n": 2, "tags": [], "meta": {"other": [1, 2]}, "mixed": "one", "opt": 5, "when": dt.date(2024, 3, 11)},
        {"id": "p3", "text": "third", "n": None, "mixed": 2.5, "nullable": None},
        {"id": "p4", "text": "fourth", "n": 4, "nullable": "set"},
    ]
    path = tmp_path / "r.parquet"
    write_records(str(path), records)
    table = pq.read_table(path)
    meta = table.schema.metadata
    assert table.column_names == ["id", "text", "n", "tags", "meta", "mixed", "when", "opt", "nullable"]
    assert str(table.schema.field("n").type) == "int64"
    assert str(table.schema.field("tags").type.value_type) == "string"
    assert str(table.schema.field("when").type) == "date32[day]"
    assert json.loads(meta[b"dedupe.json_columns"]) == ["meta", "mixed", "nullable"]
    assert json.loads(meta[b"dedupe.optional_columns"]) == ["tags", "when", "opt"]
    back = [d.record for d in read_documents([str(path)])]
    assert back == records


def test_parquet_of_documents_keeps_the_dedupe_object_as_json_text(tmp_path: Path) -> None:
    doc = _doc(3)
    doc.add_signal("wire:tass")
    doc.labels = {"syndicated": 0.9}
    with open_writer(str(tmp_path / "d.parquet")) as writer:
        writer.write(doc)
    table = pq.read_table(tmp_path / "d.parquet")
    assert str(table.schema.field("dedupe").type) == "string"
    assert json.loads(table.column("dedupe")[0].as_py())["signals"] == ["wire:tass"]


def test_empty_outputs_are_valid_files(tmp_path: Path) -> None:
    for name in ("e.jsonl", "e.jsonl.gz", "e.jsonl.zst", "e.parquet"):
        with open_writer(str(tmp_path / name)):
            pass
        assert list(read_documents([str(tmp_path / name)])) == []


def test_write_records_csv_flat_columns(tmp_path: Path) -> None:
    rows = [
        {"source": "example.com", "documents": 3, "duplicate_rate": 0.5, "signals": ["wire:ap"], "ok": True},
        {"source": "مثال.السعودية", "documents": 1, "note": "has, a comma"},
    ]
    assert write_records(str(tmp_path / "s.csv"), rows) == 2
    with open(tmp_path / "s.csv", encoding="utf-8", newline="") as fh:
        read = list(csv.DictReader(fh))
    assert list(read[0]) == ["source", "documents", "duplicate_rate", "signals", "ok", "note"]
    assert read[0]["signals"] == '["wire:ap"]' and read[0]["ok"] == "true" and read[0]["note"] == ""
    assert read[1]["source"] == "مثال.السعودية" and read[1]["note"] == "has, a comma"


def test_write_records_jsonl_and_parquet_round_trip(tmp_path: Path) -> None:
    rows = [{"cluster": "c1", "size": 2, "members": ["a", "b"]}, {"cluster": "c2", "size": 1, "members": ["c"]}]
    for name in ("c.jsonl", "c.jsonl.zst", "c.parquet"):
        write_records(str(tmp_path / name), rows)
        lines = [d.record for d in read_documents([str(tmp_path / name)], on_error="skip")]
        assert lines == rows  # no text field: read back as unreadable rejects, records intact


def test_unknown_output_ending_and_missing_folder_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(DedupeError, match=r"out\.txt: unknown output format"):
        open_writer(str(tmp_path / "out.txt"))
    with pytest.raises(DedupeError, match=r"out\.csv: unknown output format"):
        open_writer(str(tmp_path / "out.csv"))  # CSV is for plain records only
    with pytest.raises(DedupeError, match=r"nope/o\.jsonl: cannot write: No such file or directory"):
        open_writer(str(tmp_path / "nope" / "o.jsonl"))


def test_stdout_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(buffer, encoding="utf-8"))
    with open_writer("-") as writer:
        writer.write(_doc(5))
    assert json.loads(buffer.getvalue())["id"] == "d5"


def test_atomic_outputs_commit_both_or_neither(tmp_path: Path) -> None:
    kept, rejects = tmp_path / "kept.jsonl", tmp_path / "rejects.jsonl.gz"
    with pytest.raises(Boom):
        with AtomicOutputs() as outs:
            outs.open(str(kept)).write(_doc(0))
            outs.open(str(rejects)).write(_doc(1))
            raise Boom()
    assert _leftovers(tmp_path) == []
    with AtomicOutputs() as outs:
        a = outs.open(str(kept))
        b = outs.open(str(rejects))
        assert outs.open(str(kept)) is a
        a.write(_doc(0))
        b.write(_doc(1))
        summary = outs.open_records(str(tmp_path / "summary.csv"))
        summary.write({"kept": 1, "rejected": 1})
        assert not kept.exists() and not rejects.exists()
    assert _leftovers(tmp_path) == ["kept.jsonl", "rejects.jsonl.gz", "summary.csv"]
    assert [d.id for d in read_documents([str(kept), str(rejects)])] == ["d0", "d1"]


def test_open_outputs_routes_rejects_and_shares_one_file_when_asked(tmp_path: Path) -> None:
    bad = Document(id="bad", text="", error="invalid JSON", decision="reject", reasons=[UNREADABLE], record={"raw": "{"})
    with open_outputs(str(tmp_path / "k.jsonl"), str(tmp_path / "r.jsonl")) as (kept, rejected):
        kept.write(_doc(0))
        rejected.write(bad)
    assert json.loads((tmp_path / "r.jsonl").read_text(encoding="utf-8")) == {
        "raw": "{", "dedupe": bad.dedupe_fields()}
    with open_outputs(str(tmp_path / "all.jsonl")) as (kept, rejected):
        assert kept is rejected
        kept.write(_doc(0))
        rejected.write(bad)
    assert len((tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()) == 2


def test_stale_temporary_files_of_dead_processes_are_swept(tmp_path) -> None:
    """A run killed outright leaves `.NAME.PID.*.tmp`; the next write of NAME removes it, not a live one's."""
    import os
    import subprocess
    import sys

    from dedupe.io.atomic import sweep_stale
    from dedupe.io.writers import write_records

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    stale = tmp_path / f".out.jsonl.{dead_pid}.abc.tmp"
    live = tmp_path / f".out.jsonl.{os.getpid()}.xyz.tmp"
    other = tmp_path / f".other.jsonl.{dead_pid}.abc.tmp"
    for p in (stale, live, other):
        p.write_text("half")
    write_records(str(tmp_path / "out.jsonl"), [{"a": 1}])
    assert not stale.exists() and live.exists() and other.exists()
    assert (tmp_path / "out.jsonl").read_text() == '{"a":1}\n'
    assert sweep_stale(str(tmp_path), "other.jsonl") == 1

"""Bad input: under --on-error fail one InputError naming file and line; under skip an unreadable reject, nothing lost."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from conftest import FIXTURES
from dedupe.errors import InputError
from dedupe.io import FieldMap, read_documents
from dedupe.reasons import UNREADABLE

BAD = FIXTURES / "io" / "bad.jsonl"


def test_fixture_fails_at_the_first_bad_line() -> None:
    docs = read_documents([str(BAD)])
    first = next(docs)
    assert first.id == "ok-1"
    with pytest.raises(InputError) as info:
        next(docs)
    assert info.value.where == f"{BAD}:2"
    assert str(info.value).startswith(f"{BAD}:2: invalid JSON: ")


def test_fixture_under_skip_loses_nothing() -> None:
    docs = list(read_documents([str(BAD)], on_error="skip"))
    non_blank_lines = [line for line in BAD.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(docs) == len(non_blank_lines) == 7
    assert [d.input_order for d in docs] == list(range(7))
    assert [(d.id, d.error is None) for d in docs] == [
        ("ok-1", True), (f"{BAD}:2", False), ("no-text", False), ("number", False),
        ("blank", False), (f"{BAD}:7", False), ("ok-2", True),
    ]
    assert [d.where.rsplit(":", 1)[1] for d in docs] == ["1", "2", "3", "4", "6", "7", "8"]
    for doc in docs:
        if doc.error is None:
            assert doc.decision is None and doc.reasons == []
            continue
        assert doc.decision == "reject" and doc.reasons == [UNREADABLE]
        assert doc.text == ""
        record = doc.to_record()
        assert record["dedupe"]["error"] == doc.error and record["dedupe"]["where"] == doc.where
        assert "text" not in record or record["text"] == doc.record.get("text")  # never a made-up text
    assert docs[1].record == {"raw": non_blank_lines[1]}  # the broken line, salvaged as it was
    assert docs[2].record == {"id": "no-text", "body": "this record keeps its words in the wrong field"}


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


GOOD = b'{"id": "g", "text": "a good record"}\n'

# name, bytes, where (relative: ":N" suffix or "" for the file itself), problem start, salvaged record
LINE_CASES = [
    ("json.jsonl", GOOD + b'{"id": "j", "text": "x",}\n', ":2", "invalid JSON: Expecting property name enclosed in double quotes", {"raw": '{"id": "j", "text": "x",}'}),
    ("delim.jsonl", GOOD + GOOD + b'{"id": "k" "text": "x"}\n', ":3", "invalid JSON: Expecting ',' delimiter", {"raw": '{"id": "k" "text": "x"}'}),
    ("utf8.jsonl", GOOD + b'{"id": "u", "text": "caf\xe9"}\n', ":2", "invalid UTF-8 at byte 24", {"raw": '{"id": "u", "text": "caf\ufffd"}'}),
    ("missing.jsonl", GOOD + b'{"id": "m", "body": "words"}\n', ":2", "missing text field 'text'", {"id": "m", "body": "words"}),
    ("null.jsonl", GOOD + b'{"id": "n", "text": null}\n', ":2", "text field 'text' is not a string (got null)", {"id": "n", "text": None}),
    ("list.jsonl", GOOD + b'{"id": "l", "text": ["a", "b"]}\n', ":2", "text field 'text' is not a string (got array)", {"id": "l", "text": ["a", "b"]}),
    ("empty.jsonl", GOOD + b'{"id": "e", "text": " \\n\\t\\u00a0 "}\n', ":2", "empty text", {"id": "e", "text": " \n\t\u00a0 "}),
    ("big.jsonl", GOOD + b'{"id": "b", "text": "' + b"x" * 101 + b'"}\n', ":2", "text too large: 101 characters (max_chars is 100)", {"id": "b", "text": "x" * 101}),
    ("scalar.jsonl", GOOD + b'"just a string"\n', ":2", "not a JSON object (got string)", {"raw": '"just a string"'}),
    ("badid.jsonl", GOOD + b'{"id": {"x": 1}, "text": "fine text"}\n', ":2", "id field 'id' is not a string or integer (got object)", {"id": {"x": 1}, "text": "fine text"}),
]

FILE_CASES = [
    ("notgzip.jsonl.gz", b"this is plain text, not gzip\n", "", "unreadable file: not a gzip file", {}),
    ("notzstd.jsonl.zst", b"this is plain text, not zstd\n", "", "unreadable file: not a valid zstd stream", {}),
    ("notparquet.parquet", b"PAR? this is not parquet at all", "", "not a Parquet file", {}),
    ("binary.txt", b"looks like text\x00\x01\x02 but has NUL bytes", "", "binary file (contains NUL bytes)", {}),
    ("latin1.txt", b"caf\xe9 au lait", "", "invalid UTF-8 at byte 3", {"id": "latin1"}),
    ("big.txt", b"y" * 101, "", "text too large: 101 characters (max_chars is 100)", {"id": "big", "text": "y" * 101}),
    ("blank.txt", b"  \n\n  ", "", "empty text", {"id": "blank", "text": "  \n\n  "}),
    ("nothing.html", b"<html><head><title>A title and nothing else</title></head><body><div> </div></body></html>", "", "no main text found in HTML", {"id": "nothing", "text": ""}),
    ("binary.html", b"<html>\x00\x00\x00</html>", "", "binary file (contains NUL bytes)", {}),
]


@pytest.mark.parametrize("name,data,suffix,problem,salvage", LINE_CASES + FILE_CASES, ids=[c[0] for c in LINE_CASES + FILE_CASES])
def test_fail_names_file_and_line(tmp_path: Path, name: str, data: bytes, suffix: str, problem: str, salvage: dict) -> None:
    path = _write(tmp_path, name, data)
    with pytest.raises(InputError) as info:
        list(read_documents([path], FieldMap(), on_error="fail", max_chars=100))
    assert info.value.where == path + suffix
    assert info.value.problem.startswith(problem)
    assert str(info.value).startswith(f"{path}{suffix}: {problem}")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("name,data,suffix,problem,salvage", LINE_CASES + FILE_CASES, ids=[c[0] for c in LINE_CASES + FILE_CASES])
def test_skip_turns_it_into_an_unreadable_reject(tmp_path: Path, name: str, data: bytes, suffix: str, problem: str, salvage: dict) -> None:
    path = _write(tmp_path, name, data)
    docs = list(read_documents([path, str(FIXTURES / "io" / "articles.jsonl")], FieldMap(), on_error="skip", max_chars=100))
    good_before = data.count(GOOD) if suffix else 0
    assert len(docs) == good_before + 1 + 3  # count in == count out
    bad = docs[good_before]
    assert bad.where == path + suffix
    assert bad.error is not None and bad.error.startswith(problem)
    assert bad.decision == "reject" and bad.reasons == [UNREADABLE] and bad.text == ""
    assert bad.record == salvage
    assert [d.input_order for d in docs] == list(range(len(docs)))
    assert all(d.error is None for d in docs if d is not bad)  # reading goes on after the bad record
    json.dumps(bad.to_record())  # the reject can always be written


def test_truncated_gzip_keeps_what_came_before(tmp_path: Path) -> None:
    lines = b"".join(json.dumps({"id": str(i), "text": f"record number {i} " * 20}).encode() + b"\n" for i in range(200))
    packed = gzip.compress(lines, mtime=0)
    path = _write(tmp_path, "cut.jsonl.gz", packed[: len(packed) // 2])
    docs = list(read_documents([path], on_error="skip"))
    assert docs[-1].error == "unreadable file: compressed data ends early (truncated file)"
    assert docs[-1].where == f"{path}:{len(docs)}"
    assert all(d.error is None for d in docs[:-1]) and len(docs) > 10
    with pytest.raises(InputError, match="truncated file"):
        list(read_documents([path]))


def test_truncated_zstd_is_an_error_not_a_silent_end(tmp_path: Path) -> None:
    import zstandard

    lines = b"".join(json.dumps({"id": str(i), "text": f"record number {i} " * 20}).encode() + b"\n" for i in range(3000))
    packed = zstandard.ZstdCompressor(level=3).compress(lines)
    path = _write(tmp_path, "cut.jsonl.zst", packed[: len(packed) // 2])
    docs = list(read_documents([path], on_error="skip"))
    assert docs[-1].error == "unreadable file: compressed data ends early (truncated file)"
    assert all(d.error is None for d in docs[:-1])
    # several frames back to back are one stream
    whole = _write(tmp_path, "frames.jsonl.zst", packed + zstandard.ZstdCompressor(level=1).compress(lines))
    assert sum(1 for _ in read_documents([whole])) == 6000


def test_overlong_line_is_rejected_without_losing_the_next_one(tmp_path: Path) -> None:
    huge = json.dumps({"id": "huge", "text": "z" * 3_000_000}).encode() + b"\n"
    path = _write(tmp_path, "huge.jsonl", huge + GOOD)
    docs = list(read_documents([path], on_error="skip", max_chars=100))
    assert [d.id for d in docs] == [f"{path}:1", "g"]
    assert docs[0].error.startswith("record too large: more than ")
    assert len(docs[0].record["raw"]) <= 200


def test_unreadable_file_permission(tmp_path: Path) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    path = _write(tmp_path, "locked.jsonl", GOOD)
    os.chmod(path, 0)
    with pytest.raises(InputError, match="Permission denied"):
        list(read_documents([path]))


def test_skip_keeps_going_across_files(tmp_path: Path) -> None:
    bad = _write(tmp_path, "a.jsonl.gz", b"not gzip")
    good = _write(tmp_path, "b.jsonl", GOOD + GOOD)
    docs = list(read_documents([str(tmp_path)], on_error="skip"))
    assert [d.where for d in docs] == [bad, f"{good}:1", f"{good}:2"]

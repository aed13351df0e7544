"""Readers: every input format, folders, stdin, field mapping, ids and sources."""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES
from dedupe.document import Document
from dedupe.errors import InputError
from dedupe.io import FieldMap, open_writer, read_configured, read_documents
from dedupe.config import load_config

IO_FIXTURES = FIXTURES / "io"


def _docs() -> list[Document]:
    """Documents carrying input records, as a reader would have produced them."""
    records = [
        {"id": "a1", "text": "خبر أول عن افتتاح الجسر فوق النهر.", "url": "https://www.example.co.uk/a", "published": "2024-03-10"},
        {"id": "a2", "text": "A second story, in English, with a tab\tand a newline\ninside.", "url": "http://blog.example.com/b"},
        {"id": "a3", "text": "Third: emoji 🙂 and U+2028 \u2028 stay inside one JSON line.", "extra": [1, 2, 3]},
    ]
    docs = []
    for i, rec in enumerate(records):
        doc = Document(id=rec["id"], text=rec["text"], url=rec.get("url"), record=rec, input_order=i)
        doc.add_signal("test:round-trip")
        doc.labels["syndicated"] = 0.25 * i
        docs.append(doc)
    return docs


@pytest.mark.parametrize("name", ["out.jsonl", "out.jsonl.gz", "out.jsonl.zst", "out.parquet"])
def test_round_trip_every_document_format(tmp_path: Path, name: str) -> None:
    docs = _docs()
    path = tmp_path / name
    with open_writer(str(path)) as writer:
        for doc in docs:
            writer.write(doc)
    back = list(read_documents([str(path)], FieldMap()))
    assert [d.record for d in back] == [d.to_record("text") for d in docs]
    assert [d.text for d in back] == [d.text for d in docs]
    assert [d.id for d in back] == ["a1", "a2", "a3"]
    assert [d.input_order for d in back] == [0, 1, 2]
    assert back[0].source == "example.co.uk" and back[1].source == "example.com" and back[2].source is None
    assert back[0].published == "2024-03-10"
    assert back[1].record["dedupe"]["signals"] == ["test:round-trip"]


def test_where_names_file_and_line_or_record(tmp_path: Path) -> None:
    docs = _docs()
    for name in ("w.jsonl", "w.parquet"):
        with open_writer(str(tmp_path / name)) as writer:
            for doc in docs:
                writer.write(doc)
    jsonl = list(read_documents([str(tmp_path / "w.jsonl")]))
    parquet = list(read_documents([str(tmp_path / "w.parquet")]))
    assert [d.where for d in jsonl] == [f"{tmp_path / 'w.jsonl'}:{n}" for n in (1, 2, 3)]
    assert [d.where for d in parquet] == [f"{tmp_path / 'w.parquet'}#record {n}" for n in (1, 2, 3)]


def test_fixture_jsonl_fields_ids_sources_and_lang() -> None:
    path = str(IO_FIXTURES / "articles.jsonl")
    docs = list(read_documents([path]))
    assert [d.id for d in docs] == ["river-1", "river-2", f"{path}:3"]  # missing id: file and line
    assert docs[0].source == "example.co.uk"
    assert docs[0].record["title"] == "جسر جديد"  # the record is kept whole
    assert docs[2].lang == "ar" and docs[0].lang is None
    assert docs[1].url == "http://www.example.com/bridge?ref=home"


def test_custom_field_names(tmp_path: Path) -> None:
    path = tmp_path / "custom.jsonl"
    rows = [
        {"doc_id": 7, "body": "Body text in a field of its own.", "link": "https://a.b.example.org/x", "site": "Example Daily", "date": "2023-01-02", "language": "en"},
        {"doc_id": "x-8", "body": "Another body, this one without a site field.", "link": "https://news.example.net/y"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    fields = FieldMap(text_field="body", id_field="doc_id", url_field="link", source_field="site", date_field="date", lang_field="language")
    docs = list(read_documents([str(path)], fields))
    assert [d.id for d in docs] == ["7", "x-8"]
    assert docs[0].source == "Example Daily" and docs[1].source == "example.net"
    assert docs[0].published == "2023-01-02" and docs[0].lang == "en"
    assert docs[0].to_record("body")["body"] == "Body text in a field of its own."


def test_field_map_from_config_and_read_configured(tmp_path: Path) -> None:
    cfg = load_config(None, {"input": {"text_field": "body", "on_error": "skip"}})
    fields = FieldMap.from_config(cfg.input)
    assert fields.text_field == "body" and fields.id_field == "id" and fields.source_field == ""
    path = tmp_path / "c.jsonl"
    path.write_text('{"body": "Readable words."}\n{"text": "wrong field"}\n', encoding="utf-8")
    docs = list(read_configured([str(path)], cfg.input))
    assert [d.error for d in docs] == [None, "missing text field 'body'"]


def test_txt_file_is_one_document_named_after_the_file() -> None:
    path = IO_FIXTURES / "folder" / "notes.txt"
    (doc,) = read_documents([str(path)])
    assert doc.id == "notes"
    assert doc.text == path.read_text(encoding="utf-8")
    assert doc.record == {"id": "notes", "text": doc.text}
    assert doc.where == str(path)


def test_html_fixture_keeps_the_article_and_drops_the_chrome() -> None:
    (doc,) = read_documents([str(IO_FIXTURES / "page.html")])
    assert doc.id == "page"
    assert "steel frame had been assembled" in doc.text
    assert "old crossing, closed since the flood" in doc.text
    for chrome in ("All rights reserved", "Privacy", "Bakery wins award", "Contact us"):
        assert chrome not in doc.text
    assert doc.url == "https://www.riverside-gazette.example.org/2024/03/footbridge"
    assert doc.source == "example.org"
    assert set(doc.record) == {"id", "text", "url", "title"}


def test_html_gz_is_read_like_html(tmp_path: Path) -> None:
    raw = (IO_FIXTURES / "page.html").read_bytes()
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(raw, mtime=0))
    (plain,) = read_documents([str(IO_FIXTURES / "page.html")])
    (packed,) = read_documents([str(tmp_path / "page.html.gz")])
    assert packed.text == plain.text and packed.id == "page"


def test_folder_is_walked_recursively_in_sorted_order() -> None:
    folder = IO_FIXTURES / "folder"
    docs = list(read_documents([str(folder)]))
    # notes.txt sorts before sub/batch.jsonl; .hidden.jsonl and readme.md are passed over
    assert [d.id for d in docs] == ["notes", "f-1", "f-2"]
    assert [d.input_order for d in docs] == [0, 1, 2]
    assert docs[1].where == f"{folder / 'sub' / 'batch.jsonl'}:1"


def test_folder_order_does_not_depend_on_creation_order(tmp_path: Path) -> None:
    names = ["b/z.txt", "a.txt", "b/a.txt", "c.jsonl", "aa/x.txt"]
    for name in names:  # created out of order on purpose
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".jsonl"):
            p.write_text(json.dumps({"id": name, "text": f"record in {name}"}) + "\n", encoding="utf-8")
        else:
            p.write_text(f"text of {name}", encoding="utf-8")
    docs = list(read_documents([str(tmp_path)]))
    assert [d.where for d in docs] == [str(tmp_path / n) + (":1" if n.endswith(".jsonl") else "")
                                       for n in ["a.txt", "aa/x.txt", "b/a.txt", "b/z.txt", "c.jsonl"]]


def test_several_inputs_keep_their_order_and_number_on(tmp_path: Path) -> None:
    first = tmp_path / "2.jsonl"
    first.write_text('{"id": "x", "text": "one"}\n{"id": "y", "text": "two"}\n', encoding="utf-8")
    docs = list(read_documents([str(first), str(IO_FIXTURES / "articles.jsonl")]))
    assert [d.id for d in docs][:3] == ["x", "y", "river-1"]
    assert [d.input_order for d in docs] == list(range(5))


def test_stdin_is_jsonl(monkeypatch: pytest.MonkeyPatch) -> None:
    data = '{"id": "s1", "text": "من الإدخال القياسي"}\n\n{"id": "s2", "text": "second line of stdin"}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode("utf-8")), encoding="utf-8"))
    docs = list(read_documents(["-"]))
    assert [d.id for d in docs] == ["s1", "s2"]
    assert docs[0].text == "من الإدخال القياسي"
    assert [d.where for d in docs] == ["<stdin>:1", "<stdin>:3"]  # blank line 2 is not a record


def test_stdin_replaced_by_a_text_only_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"text": "only text, no buffer"}\n'))
    (doc,) = read_documents(["-"])
    assert doc.text == "only text, no buffer" and doc.id == "<stdin>:1"


def test_byte_order_mark_and_crlf_lines(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"id": "b1", "text": "first"}\r\n{"id": "b2", "text": "second"}\r\n')
    assert [d.text for d in read_documents([str(path)])] == ["first", "second"]


def test_duplicate_ids_are_passed_through(tmp_path: Path) -> None:
    path = tmp_path / "dup.jsonl"
    path.write_text('{"id": "same", "text": "first copy"}\n{"id": "same", "text": "second copy"}\n', encoding="utf-8")
    docs = list(read_documents([str(path)]))
    assert [(d.id, d.text, d.error) for d in docs] == [("same", "first copy", None), ("same", "second copy", None)]


def test_missing_input_is_one_input_error_before_reading(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_documents([str(IO_FIXTURES / "articles.jsonl"), str(tmp_path / "missing.jsonl")])
    assert str(info.value) == f"{tmp_path / 'missing.jsonl'}: no such file or directory"


def test_unknown_ending_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"readme\.md: unknown input format: expected .*\.jsonl"):
        read_documents([str(IO_FIXTURES / "folder" / "readme.md")], on_error="skip")


def test_bad_on_error_value_is_refused() -> None:
    with pytest.raises(ValueError):
        read_documents([str(IO_FIXTURES / "articles.jsonl")], on_error="ignore")


def test_endings_are_case_insensitive_and_htm_is_html(tmp_path: Path) -> None:
    (tmp_path / "Upper.JSONL").write_text('{"id": "u", "text": "upper-case ending"}\n', encoding="utf-8")
    (tmp_path / "Old.HTM").write_bytes((IO_FIXTURES / "page.html").read_bytes())
    docs = list(read_documents([str(tmp_path)]))
    assert [d.id for d in docs] == ["Old", "u"]
    assert "steel frame" in docs[0].text

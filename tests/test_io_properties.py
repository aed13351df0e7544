"""Property tests: any text survives a write/read round trip; any bytes are read without a crash."""

from __future__ import annotations

import json
import os
import tempfile

from hypothesis import given, settings, strategies as st

from dedupe.document import Document
from dedupe.errors import InputError
from dedupe.io import open_writer, read_documents

# any code point but NUL and surrogates, with Arabic letters, marks and digits made common
_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
TEXT = st.text(st.one_of(_CHARS, _ARABIC), min_size=1, max_size=200).filter(lambda t: t.strip())
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(_CHARS, max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(_CHARS, max_size=5), inner, max_size=3),
    max_leaves=8,
)
EXTRA = st.dictionaries(st.text(_CHARS, min_size=1, max_size=8).filter(lambda k: k not in ("id", "text", "dedupe")), JSON_VALUE, max_size=3)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=5), extra=EXTRA, ending=st.sampled_from([".jsonl", ".jsonl.gz", ".jsonl.zst"]))
def test_jsonl_round_trip_any_text(texts: list[str], extra: dict, ending: str) -> None:
    docs = [Document(id=str(i), text=t, record={"id": str(i), "text": t, **extra}) for i, t in enumerate(texts)]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "p" + ending)
        with open_writer(path) as writer:
            for doc in docs:
                writer.write(doc)
        back = list(read_documents([path]))
    assert [d.text for d in back] == texts
    assert [d.record for d in back] == [d.to_record() for d in docs]


@settings(max_examples=80, deadline=None)
@given(lines=st.lists(st.binary(max_size=60).map(lambda b: b.replace(b"\n", b" ")), min_size=1, max_size=6))
def test_any_bytes_read_without_crash_and_nothing_lost(lines: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "fuzz.jsonl")
        with open(path, "wb") as fh:
            fh.write(b"\n".join(lines) + b"\n")
        docs = list(read_documents([path], on_error="skip"))
        try:
            strict = list(read_documents([path], on_error="fail"))
        except InputError as exc:
            assert "\n" not in str(exc) and str(exc).startswith(path)
            strict = None
    readable = [d for d in docs if d.error is None]
    assert all(d.text.strip() for d in readable)
    assert all(d.reasons == ["unreadable"] for d in docs if d.error is not None)
    if strict is not None:
        assert [d.text for d in strict] == [d.text for d in docs]
    # every line that is not blank is one document
    blank = sum(1 for i, line in enumerate(lines) if not (line[3:] if i == 0 and line.startswith(b"\xef\xbb\xbf") else line).strip())
    assert len(docs) == len(lines) - blank
    json.dumps([d.to_record() for d in docs])


WIDE_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(record=st.dictionaries(st.text(max_size=5), WIDE_JSON, max_size=4))
def test_lines_read_exactly_as_json_reads_them(record: dict) -> None:
    """orjson reads the common lines; whatever it reads differently (integers past 64 bits, unpaired
    surrogates, NaN, infinities) is read by json, so the record is always what json.loads gives."""
    from dedupe.io.jsonl import parse_line

    for line in (json.dumps(record), json.dumps(record, ensure_ascii=False).encode("utf-8", "surrogatepass")):
        raw = line.encode("utf-8") if isinstance(line, str) else line
        try:
            want = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            continue
        got = parse_line(raw, "f:1")
        assert got.problem is None and got.record == want and repr(got.record) == repr(want)


@settings(max_examples=300, deadline=None)
@given(record=st.dictionaries(st.text(max_size=5), WIDE_JSON, max_size=4))
def test_written_lines_read_back_as_the_record(record: dict) -> None:
    from dedupe.io.writers import json_line

    line = json_line(record)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert repr(json.loads(line.decode("utf-8"))) == repr(record)

"""registered_domain: the source of a URL from the bundled Public Suffix List."""

from __future__ import annotations

import pytest

from dedupe.source import registered_domain


@pytest.mark.parametrize(
    "url,expected",
    [
        ("https://www.example.com/a/b?c=d", "example.com"),
        ("http://a.b.c.example.com:8080/x", "example.com"),
        ("https://news.bbc.co.uk/world", "bbc.co.uk"),
        ("https://bbc.co.uk", "bbc.co.uk"),
        ("https://www.aljazeera.net/news/2024/1/1/x", "aljazeera.net"),
        ("https://WWW.Alarabiya.NET/ar", "alarabiya.net"),
        ("example.org/path/only", "example.org"),
        ("https://user:pass@sub.example.com.eg/", "example.com.eg"),
        ("https://someone.blogspot.com/2020/post", "someone.blogspot.com"),  # private suffix: each blog is a source
        ("https://مثال.السعودية/خبر", "مثال.السعودية"),
        ("https://xn--mgbh0fb.xn--mgberp4a5d4ar/", "مثال.السعودية"),  # punycode and Unicode are one source
        ("http://192.168.1.20/page", "192.168.1.20"),
        ("http://[2001:db8::1]/x", "2001:db8::1"),
        ("http://localhost:8000/", None),
        ("https://co.uk/", None),
        ("not a url at all", None),
        ("", None),
        (None, None),
    ],
)
def test_registered_domain(url: str | None, expected: str | None) -> None:
    assert registered_domain(url) == expected


def test_no_network_and_no_cache_file(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("registered_domain tried to use the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    registered_domain.cache_clear()
    assert registered_domain("https://www.example.gov.uk/") == "example.gov.uk"

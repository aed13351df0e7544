"""The source of a document: the registered domain of its URL, from tldextract's bundled suffix list.

No network: the Public Suffix List snapshot shipped inside tldextract is used and never refreshed,
so the same URL always maps to the same source on every machine.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit


@lru_cache(maxsize=1)
def _extractor() -> Any:
    """tldextract on its bundled snapshot, built on first use (importing tldextract pulls in requests).

    suffix_list_urls=() and cache_dir=None: only the bundled snapshot, no fetch, no cache file.
    Private suffixes (blogspot.com, github.io, ...) count as suffixes, so each blog hosted on one
    of them is its own source rather than all of them being "blogspot.com".
    """
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def _host(url: str) -> str:
    """The host part of a URL (or of a bare `host/path`), lower-cased, without port or userinfo."""
    text = url.strip()
    if "//" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return ""
    return host.rstrip(".").lower()


def _unicode_label(label: str) -> str:
    """A punycode label (xn--...) as Unicode, so both spellings of a domain are one source."""
    if label.startswith("xn--"):
        try:
            return label.encode("ascii").decode("idna")
        except UnicodeError:
            return label
    return label


@lru_cache(maxsize=65536)
def registered_domain(url: str | None) -> str | None:
    """`news.bbc.co.uk/x` -> `bbc.co.uk`; an IP address host is its own source; None when there is none."""
    if not url or not isinstance(url, str):
        return None
    host = _host(url)
    if not host or " " in host:
        return None
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    host = ".".join(_unicode_label(label) for label in host.split("."))
    parts = _extractor()(host)
    if not parts.domain or not parts.suffix:
        return None
    return f"{parts.domain}.{parts.suffix}"

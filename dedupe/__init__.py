"""dedupe: deduplication and source-quality checking for scraped news and web text."""

__version__ = "0.1.0"

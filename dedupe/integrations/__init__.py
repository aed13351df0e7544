"""Adapters that put dedupe inside other data pipelines (each behind its own optional extra)."""

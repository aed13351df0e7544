"""Boilerplate rule packs (TOML), shipped inside the wheel as package data of dedupe.rules."""

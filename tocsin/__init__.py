"""Tocsin: settings, wiring and the `tocsin` command line.

Thin on purpose: it composes `bot`, `escalation`, `nlu` and `reports` in one place.
"""

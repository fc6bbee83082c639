"""Synthetic landing data for demos, tests and benchmarks: ``shoplake generate <domain>``.

One subpackage per domain whose ``generate(settings, out, days=, seed=, start=)`` writes
seeded landing folders with the traps of the domain's spec. Not part of the pipeline:
no job imports it.
"""

"""Seeded hard-case landing worlds written from the specs, independent of `shoplake generate`."""

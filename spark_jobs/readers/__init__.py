"""Readers of the published lake that never start Spark (PyIceberg, NumPy): the ML
training loader, partition sizes and the summaries ``make demo`` prints."""

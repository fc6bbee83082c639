"""The recsys domain: carousel impressions and customer actions → per-impression training input."""

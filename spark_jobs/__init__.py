"""shoplake Spark jobs: shared lakehouse helpers plus one subpackage per domain."""

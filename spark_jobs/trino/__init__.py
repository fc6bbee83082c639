"""The embedded Trino: analysts' read-only SQL over the lake's Iceberg catalog.

``install`` finds the cached server and a Java >= 24, ``config`` writes its catalog
(read-only, with the read-only MinIO user), ``server`` starts and stops it by its PID,
``services`` hooks it into ``shoplake services``, ``client`` runs queries.
"""

"""The quality gate every domain shares: write-audit-publish of gold with a Soda scan.

How a domain plugs in
---------------------
1. List its gold tables in :data:`spark_jobs.quality.domains.GOLD_TABLES` (dependency order).
   Their DDL sets ``'write.wap.enabled' = 'true'``.
2. Its gold job calls :func:`spark_jobs.quality.wap.reset_audit` for those tables, then writes
   inside ``with writing_to_audit(spark):`` — every write (and read) of a gold table goes to
   the ``audit`` branch; ``main``, what readers see, is untouched.
3. Its checks live in ``soda/<layer>/<domain>/<table>.yml`` (layer = silver, gold, ops).
   ``quality.scan <domain>`` exposes every table as a temp view named ``<namespace>_<table>``
   (the domain's gold tables read from ``audit``, the rest from ``main``) with the Soda
   variables ``ingest_date``, ``as_of`` and ``domain``, and fails listing the failed checks.
4. Its stages end with ``("quality.scan", domain), ("quality.publish", domain)``; publish
   fast-forwards ``main`` to ``audit`` for every listed table.
"""

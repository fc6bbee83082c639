"""The quality gate every domain shares: write-audit-publish of gold with a Soda scan.

How a domain plugs in
---------------------
1. Its declaration (``DOMAIN`` in its package) lists its gold tables in dependency order;
   their DDL sets ``'write.wap.enabled' = 'true'``.
2. Its gold job calls :func:`spark_jobs.quality.wap.reset_audit` for those tables, then writes
   inside ``with writing_to_audit(spark):`` — every write (and read) of a gold table goes to
   the ``audit`` branch; ``main``, what readers see, is untouched.
3. Its silver and ops checks live in ``soda/<layer>/<domain>/<table>.yml``; each gold
   table's checks in the ``checks`` of its ``sql/gold/<domain>/<table>.yml``.
   ``quality.scan <domain>`` exposes every table as a temp view named ``<namespace>_<table>``
   (the domain's gold tables read from ``audit``, the rest from ``main``) with the Soda
   variables ``ingest_date``, ``as_of`` and ``domain``, and fails listing the failed checks.
4. Every domain's jobs end with ``quality.scan`` and ``quality.publish``; publish
   fast-forwards ``main`` to ``audit`` for every gold table of the domain.
"""

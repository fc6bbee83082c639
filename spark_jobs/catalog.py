"""PyIceberg access to the same JDBC catalog Spark writes (no JVM needed).

Readers that must not start Spark — the training-data loader, tests, quick checks —
load tables through :func:`load_catalog`.
"""
from __future__ import annotations

from spark_jobs.config import CATALOG_NAME, Settings, is_s3, load_settings, sqlalchemy_catalog_uri


def catalog_properties(settings: Settings) -> dict[str, str]:
    props = {"uri": sqlalchemy_catalog_uri(settings), "warehouse": settings.warehouse}
    if is_s3(settings.warehouse):
        props.update({
            "s3.endpoint": settings.s3_endpoint,
            "s3.access-key-id": settings.s3_access_key or "",
            "s3.secret-access-key": settings.s3_secret_key or "",
            "s3.region": settings.s3_region,
            "s3.force-virtual-addressing": "false",
        })
    return props


def load_catalog(settings: Settings | None = None):
    """The ``lake`` catalog as a PyIceberg SqlCatalog."""
    from pyiceberg.catalog.sql import SqlCatalog

    return SqlCatalog(CATALOG_NAME, **catalog_properties(settings or load_settings()))

"""Small file operations on landing/warehouse URIs, for code that runs outside Spark.

The generator, the service manager and pre-flight checks use these; Spark jobs read
through Hadoop file systems instead. ``s3://bucket/key`` goes through boto3 to
``SHOPLAKE_S3_ENDPOINT``; ``file:///...`` and plain paths are local.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from spark_jobs.config import Settings, is_s3


def local_path(uri: str) -> Path:
    """The local path of a ``file://`` URI or plain path."""
    parsed = urlparse(uri)
    return Path(parsed.path if parsed.scheme == "file" else uri)


def join(uri: str, *parts: str) -> str:
    return "/".join([uri.rstrip("/"), *(p.strip("/") for p in parts)])


@lru_cache(maxsize=8)
def _s3_client(endpoint: str, access_key: str | None, secret_key: str | None, region: str):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=access_key, aws_secret_access_key=secret_key,
        region_name=region,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}, connect_timeout=5, read_timeout=60),
    )


def s3_client(settings: Settings):
    return _s3_client(settings.s3_endpoint, settings.s3_access_key, settings.s3_secret_key, settings.s3_region)


def _bucket_key(uri: str) -> tuple[str, str]:
    parsed = urlparse(uri)
    return parsed.netloc, parsed.path.lstrip("/")


def write_bytes(settings: Settings, uri: str, data: bytes) -> None:
    """Write one object/file, creating local parent directories as needed."""
    if is_s3(uri):
        bucket, key = _bucket_key(uri)
        s3_client(settings).put_object(Bucket=bucket, Key=key, Body=data)
    else:
        path = local_path(uri)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def root_exists(settings: Settings, uri: str) -> bool:
    """Whether a landing/warehouse root exists: the bucket on S3, the directory locally."""
    if not is_s3(uri):
        return local_path(uri).is_dir()
    from botocore.exceptions import BotoCoreError, ClientError

    bucket, _ = _bucket_key(uri)
    try:
        s3_client(settings).head_bucket(Bucket=bucket)
        return True
    except (ClientError, BotoCoreError):
        return False


def list_files(settings: Settings, uri: str) -> Iterator[str]:
    """Every file (object) under ``uri``, recursively, as a URI of the same kind
    (``file://`` in, ``file://`` out); a missing root has none. Markers (``_SUCCESS``,
    ``.crc``) are files like any other."""
    if is_s3(uri):
        bucket, key = _bucket_key(uri)
        prefix = key.rstrip("/") + "/" if key else ""
        pages = s3_client(settings).get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for page in pages:
            for item in page.get("Contents", []):
                yield f"s3://{bucket}/{item['Key']}"
        return
    root = local_path(uri)
    for folder, _, names in sorted(os.walk(root)):
        for name in sorted(names):
            path = Path(folder) / name
            yield path.as_uri() if uri.startswith("file:") else str(path)


def list_folders(settings: Settings, uri: str) -> list[str]:
    """Names of the folders directly under ``uri`` (on S3: its common prefixes), sorted;
    a missing root has none. One request per 1 000 folders, however many files they hold."""
    if is_s3(uri):
        bucket, key = _bucket_key(uri)
        prefix = key.rstrip("/") + "/" if key else ""
        pages = s3_client(settings).get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix,
                                                                             Delimiter="/")
        return sorted(common["Prefix"][len(prefix):].rstrip("/")
                      for page in pages for common in page.get("CommonPrefixes", []))
    root = local_path(uri)
    return sorted(entry.name for entry in root.iterdir() if entry.is_dir()) if root.is_dir() else []


def read_bytes(settings: Settings, uri: str) -> bytes:
    """The whole content of one object/file."""
    if is_s3(uri):
        bucket, key = _bucket_key(uri)
        return s3_client(settings).get_object(Bucket=bucket, Key=key)["Body"].read()
    return local_path(uri).read_bytes()


def replace_bytes(settings: Settings, uri: str, data: bytes) -> None:
    """Replace a file's content at once: readers see the old bytes or the new, never a
    part (an S3 PUT is atomic; locally a hidden temporary file is renamed over it)."""
    if is_s3(uri):
        write_bytes(settings, uri, data)
        return
    path = local_path(uri)
    temporary = path.with_name(f".{path.name}.rewrite")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def delete_file(settings: Settings, uri: str) -> None:
    if is_s3(uri):
        bucket, key = _bucket_key(uri)
        s3_client(settings).delete_object(Bucket=bucket, Key=key)
    else:
        local_path(uri).unlink(missing_ok=True)


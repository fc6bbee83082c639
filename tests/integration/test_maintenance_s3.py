"""Maintenance on S3 (a real MinIO): compaction, expiry and orphan removal list and delete
objects through the table's S3FileIO, with the lake's own keys."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
PROBE = Path(__file__).with_name("maintenance_s3_probe.py")


def test_maintenance_on_minio_compacts_expires_and_removes_only_old_orphans(minio_env):
    import os

    env = {**os.environ, **minio_env, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run([sys.executable, str(PROBE)], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])

    assert seen["rows_same"], seen
    assert seen["before"]["data_files"] == 6 and seen["before"]["delete_files"] > 0, seen
    assert seen["after"]["data_files"] == 1 and seen["after"]["delete_files"] == 0, seen
    assert seen["expired"] >= seen["before"]["snapshots"] - 1 and seen["after"]["snapshots"] == 1, seen
    assert seen["young_orphan_kept"] and seen["orphans_in_maintenance"] == 0, seen
    assert seen["removed_later"] == 1 and seen["orphan_gone"], seen

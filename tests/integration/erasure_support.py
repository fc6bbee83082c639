"""Test-side erasure helpers, written from docs/privacy.md without the product's code.

``landing_without`` copies a landing tree minus a subject's records (a JSON record whose
identifier field or any string value is the subject; a broken line that holds
``"<id_kind>": <subject>`` or the quoted identifier; a CSV line with the identifier as a
field). ``lake_contents`` reads every table as comparable rows, run-time columns left out.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from spark_jobs.config import NAMESPACES

# Columns that say when or by which run a row was written: they differ between two runs
# of the same data by design.
RUN_COLUMNS = {"loaded_at", "quarantined_at", "computed_at", "run_id", "started_at", "finished_at"}
# Bookkeeping of the runs, not data (docs/privacy.md, "What is compared"): the run log
# records runs (the erasure's re-runs among them); change lists only grow; the recsys
# state dates a rebuilt row by the rebuild, a folded one by its newest action (the
# histories built from it are compared). The verifier covers these tables too.
NOT_DATA = {"ops.run_log", "ops.changed_keys", "silver.recsys_action_changes", "silver.recsys_impression_changes",
            "silver.recsys_customer_history"}


def _same_id(value, subject: str) -> bool:
    """The spec's parsing: strings trimmed; a numeric id in any integer spelling."""
    text = str(value).strip()
    if subject.isdigit() and re.fullmatch(r"[+-]?\d+", text):
        return int(text) == int(subject)
    return text == subject


def _strings(node, id_kind: str, subject: str, key: str | None = None) -> bool:
    if isinstance(node, dict):
        return any(_strings(v, id_kind, subject, k) for k, v in node.items())
    if isinstance(node, list):
        return any(_strings(v, id_kind, subject) for v in node)
    if isinstance(node, str) and node.strip() == subject:
        return True
    return key == id_kind and not isinstance(node, bool) and isinstance(node, (int, str)) and _same_id(node, subject)


def is_subjects(text: str, subject: str, id_kind: str) -> bool:
    """Whether one landing record (a line, an array element) is the subject's."""
    try:
        return _strings(json.loads(text), id_kind, subject)
    except ValueError:
        pass
    keyed = re.findall(rf'"{id_kind}"\s*:\s*"?\s*([^",}}\s]+)', text)
    if any(_same_id(value, subject) for value in keyed) or re.search(rf'"\s*{re.escape(subject)}\s*"', text):
        return True
    return subject in [field.strip().strip('"') for field in text.split(",")]


def _json_array_without(text: str, subject: str, id_kind: str) -> str | None:
    try:
        elements = json.loads(text)
    except ValueError:
        return None if subject in text else text
    if not isinstance(elements, list):
        return text
    decoder, kept, position = json.JSONDecoder(), [], text.index("[") + 1
    for _ in elements:
        while text[position] in " \t\r\n,":
            position += 1
        _, end = decoder.raw_decode(text, position)
        if not is_subjects(text[position:end], subject, id_kind):
            kept.append(text[position:end])
        position = end
    if len(kept) == len(elements):
        return text
    return "[" + ",\n".join(kept) + "]\n" if kept else None


def landing_without(source: Path, target: Path, subject: str, id_kind: str) -> int:
    """Copy ``source`` to ``target`` without the subject's records; returns records dropped.
    Other records keep their bytes (lines are cut out, never re-encoded)."""
    dropped = 0
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        out = target / path.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes()
        if "/subscriptions/subscriptions/" in path.as_posix():
            text = data.decode("utf-8", errors="replace")
            kept_text = _json_array_without(text, subject, id_kind)
            new = data if kept_text == text else (kept_text.encode() if kept_text is not None else None)
        else:
            lines = data.splitlines(keepends=True)
            header = lines[:1] if path.suffix == ".csv" else []
            body = lines[len(header):]
            kept = [line for line in body
                    if not (line.strip() and is_subjects(line.decode("utf-8", errors="replace"), subject, id_kind))]
            new = data if len(kept) == len(body) else (
                b"".join(header + kept) if any(line.strip() for line in kept) else None)
        dropped += new != data
        if new is not None:
            out.write_bytes(new)
    return dropped


def lake_contents(spark) -> dict[str, list[tuple]]:
    """Every data table's rows (run-time columns left out), sorted."""
    contents = {}
    for namespace in NAMESPACES:
        if namespace == "privacy":
            continue
        for row in spark.sql(f"SHOW TABLES IN {namespace}").collect():
            table = f"{namespace}.{row['tableName']}"
            if row["isTemporary"] or table in NOT_DATA:
                continue
            frame = spark.table(table)
            frame = frame.select(*[c for c in frame.columns if c not in RUN_COLUMNS])
            contents[table] = sorted((tuple(_plain(v) for v in r) for r in frame.collect()), key=repr)
    return contents


def _plain(value):
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _plain(v)) for k, v in value.items()))
    if hasattr(value, "asDict"):
        return tuple(_plain(v) for v in value)
    return value


def differences(got: dict[str, list[tuple]], expected: dict[str, list[tuple]]) -> dict[str, str]:
    """table → what differs, for the tables that differ."""
    found = {}
    for table in sorted(set(got) | set(expected)):
        a, b = got.get(table, []), expected.get(table, [])
        if a != b:
            extra = [r for r in a if r not in b]
            missing = [r for r in b if r not in a]
            found[table] = f"{len(extra)} rows only after erasure {extra[:2]}, {len(missing)} only from scratch {missing[:2]}"
    return found

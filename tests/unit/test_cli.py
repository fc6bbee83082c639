"""The CLI fails with one clear line and exit code 2, never a stack trace."""
import os
import subprocess
import sys

SHOPLAKE = [sys.executable, "-m", "spark_jobs.cli"]


def run_cli(args, env_overrides, tmp_path):
    env = {**os.environ, "SHOPLAKE_HOME": str(tmp_path), **env_overrides}
    return subprocess.run(SHOPLAKE + args, env=env, capture_output=True, text=True, timeout=120)


def assert_one_line_error(result, *fragments):
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_missing_landing_root_exits_2_with_one_line(tmp_path):
    (tmp_path / "catalog.db").touch()
    result = run_cli(["run", "subscriptions", "--date", "2026-01-05"],
                     {"SHOPLAKE_LANDING": str(tmp_path / "no-such-landing"),
                      "SHOPLAKE_WAREHOUSE": (tmp_path / "wh").as_uri()}, tmp_path)
    assert_one_line_error(result, "landing root", "no-such-landing")


def test_unreachable_catalog_exits_2_with_one_line(tmp_path):
    result = run_cli(["run", "subscriptions", "--date", "2026-01-05"],
                     {"SHOPLAKE_CATALOG_URI": "jdbc:postgresql://127.0.0.1:9/iceberg",
                      "SHOPLAKE_LANDING": str(tmp_path)}, tmp_path)
    assert_one_line_error(result, "catalog", "not reachable")


def test_uninitialised_sqlite_catalog_says_to_run_init(tmp_path):
    result = run_cli(["run", "subscriptions", "--date", "2026-01-05"], {"SHOPLAKE_LANDING": str(tmp_path)}, tmp_path)
    assert_one_line_error(result, "shoplake init")


def test_unreachable_s3_landing_exits_2_with_one_line(tmp_path):
    (tmp_path / "catalog.db").touch()
    result = run_cli(["run", "subscriptions", "--date", "2026-01-05"],
                     {"SHOPLAKE_LANDING": "s3://landing", "SHOPLAKE_S3_ENDPOINT": "http://127.0.0.1:9"}, tmp_path)
    assert_one_line_error(result, "S3 endpoint", "not reachable")


def test_unknown_domain_exits_2(tmp_path):
    result = run_cli(["run", "nope", "--date", "2026-01-05"], {}, tmp_path)
    assert_one_line_error(result, "unknown domain")


def test_range_end_before_start_exits_2(tmp_path):
    result = run_cli(["run", "subscriptions", "--date", "2026-01-05", "--to", "2026-01-01"], {}, tmp_path)
    assert_one_line_error(result, "before")


def test_an_unexpected_error_is_one_line_and_its_code_locations_are_kept_privately(tmp_path, monkeypatch, capsys):
    """The line names a file holding where the error was raised (for whoever fixes it):
    code locations only, never the message, which may hold data such as a user id."""
    from types import SimpleNamespace

    from spark_jobs import cli

    def broken_command(args, settings):
        raise IndexError("u-000042 string index out of range")

    monkeypatch.setenv("SHOPLAKE_HOME", str(tmp_path / "home"))
    parser = SimpleNamespace(parse_args=lambda argv: SimpleNamespace(command="run", func=broken_command))
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    umask = os.umask(0o022)
    try:
        assert cli.main([]) == 2
    finally:
        os.umask(umask)
    lines = capsys.readouterr().err.strip().splitlines()
    saved = tmp_path / "home" / "last-error.txt"
    assert len(lines) == 1 and lines[0].startswith("shoplake: IndexError:") and str(saved) in lines[0], lines
    assert saved.stat().st_mode & 0o777 == 0o600
    frames = saved.read_text()
    assert "in broken_command" in frames and "test_cli.py" in frames
    assert "u-000042" not in frames

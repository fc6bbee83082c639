"""`spark_jobs.local_postgres`: a real PostgreSQL server started as the project's own
process, on loopback only, with generated passwords and owner-only local state."""
from __future__ import annotations

import os
import stat

import pytest
from process_watch import listening

from spark_jobs import local_postgres

pytestmark = pytest.mark.integration


@pytest.fixture()
def home(tmp_path):
    home = tmp_path / "home"
    yield home
    local_postgres.down(home, remove=True)


def test_up_is_idempotent_and_down_stops_the_server_by_pid(home):
    server = local_postgres.up(home)
    pid = server.pid()
    assert pid is not None and local_postgres.up(home) == server and server.pid() == pid
    assert local_postgres.down(home) is True
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert local_postgres.status(home) == f"postgres: down (data in {server.data_dir})"
    again = local_postgres.up(home)      # the same cluster, its data and passwords kept
    assert (again, again.pid() != pid) == (server, True)


def test_it_listens_on_loopback_and_every_login_needs_its_password(home):
    import psycopg2

    server = local_postgres.up(home)
    assert listening({server.pid()}) == {("127.0.0.1", server.port)}
    for password in ("", "wrong", server.superuser_password):
        with pytest.raises(psycopg2.OperationalError, match="password authentication failed|no password"):
            psycopg2.connect(host="127.0.0.1", port=server.port, user="iceberg", dbname="iceberg",
                             password=password, connect_timeout=5)
    with psycopg2.connect(host="127.0.0.1", port=server.port, user="iceberg", dbname="iceberg",
                          password=server.catalog_password) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False,)


def test_state_is_owner_only_and_the_server_owns_its_data(home):
    server = local_postgres.up(home)
    assert sorted(p.name for p in home.iterdir()) == ["postgres.env", "postgres.json", "postgres.log"]
    assert [p for p in home.iterdir() if stat.S_IMODE(p.stat().st_mode) & 0o077] == []
    env = dict(line.split("=", 1) for line in (home / "postgres.env").read_text().splitlines())
    assert env == server.catalog_env()
    data = server.data_dir.stat()
    assert stat.S_IMODE(data.st_mode) == 0o700 and stat.S_IMODE(os.stat(server.root).st_mode) == 0o700
    if os.geteuid() == 0:       # initdb refuses root: the postgres system user runs it
        import pwd

        assert data.st_uid == pwd.getpwnam("postgres").pw_uid
        assert not (home / "postgres").exists()

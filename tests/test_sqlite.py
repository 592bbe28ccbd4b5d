"""SQLite for one machine: several threads write to one file without "database is locked"."""

import threading

import sqlalchemy as sa

from portal.db import SQLITE_BUSY_TIMEOUT_MS, make_engine


def test_a_file_database_keeps_a_write_ahead_log_and_waits_for_a_busy_writer(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'one.sqlite'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
        assert timeout == SQLITE_BUSY_TIMEOUT_MS
    engine.dispose()


def test_eight_threads_writing_at_once_lose_nothing(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'busy.sqlite'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE views (n INTEGER)")
    errors = []

    def write(number):
        try:
            for _ in range(25):
                with engine.begin() as connection:
                    connection.execute(sa.text("INSERT INTO views VALUES (:n)"), {"n": number})
        except sa.exc.OperationalError as error:  # "database is locked"
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT count(*) FROM views").scalar()
    engine.dispose()
    assert errors == [] and stored == 200

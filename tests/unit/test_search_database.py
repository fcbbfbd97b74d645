"""Search over the shipped trees: pasted database error lines land on the right node.

Each line is written the way an engineer pastes it: a psql or mysql client
error, or a server log line with its log_line_prefix (PostgreSQL), its
[ERROR] [MY-...] prefix (MySQL) or PgBouncer's client id. The top hit must
be the node of the database tree that handles that error.
"""

from __future__ import annotations

import pytest

from tests.unit.search_support import assert_cases_name_nodes, assert_lands

PG = "2025-03-11 02:14:07.123 UTC [48213] app@app "

CASES: list[tuple[str, str]] = [
    # Connection slots.
    (
        'psql: error: connection to server at "10.0.0.5", port 5432 failed: '
        "FATAL:  sorry, too many clients already",
        "database:conn-states",
    ),
    (
        PG + "FATAL:  remaining connection slots are reserved for non-replication "
        "superuser connections",
        "database:conn-states",
    ),
    (
        PG + "FATAL:  remaining connection slots are reserved for roles with the "
        "SUPERUSER attribute",
        "database:conn-states",
    ),
    (PG + 'FATAL:  too many connections for role "app"', "database:conn-pool-oversized"),
    (
        "2025-03-11 02:14:07.123 UTC [1201] LOG C-0x55d5c1a0: (nodb)/(nouser)@10.0.0.9:51234 "
        "closing because: no more connections allowed (max_client_conn) (age=0s)",
        "database:pgbouncer-pools",
    ),
    (
        "2025-03-11 02:14:07.123 UTC [1201] LOG C-0x55d5c1a0: app/app@10.0.0.9:51234 "
        "closing because: query_wait_timeout (age=120s)",
        "database:pgbouncer-pools",
    ),
    ("ERROR 1040 (HY000): Too many connections", "database:mysql-too-many-connections"),
    # Reachability and authentication.
    (
        'psql: error: connection to server at "10.0.0.5", port 5432 failed: Connection '
        "refused\n\tIs the server running on that host and accepting TCP/IP connections?",
        "database:reachable",
    ),
    (PG + "FATAL:  the database system is in recovery mode", "database:server-down"),
    (
        "2025-03-11 02:14:07.123 UTC [812] LOG:  server process (PID 48213) was terminated "
        "by signal 9: Killed",
        "database:server-down",
    ),
    (
        "2025-03-11 02:14:07.123 UTC [48213] FATAL:  no pg_hba.conf entry for host "
        '"10.1.2.3", user "app", database "app", no encryption',
        "database:hba-missing-entry",
    ),
    # Locks and timeouts.
    (PG + "ERROR:  canceling statement due to lock timeout", "database:lock-waits"),
    (
        PG + "LOG:  process 48213 still waiting for AccessExclusiveLock on relation 16412 "
        "of database 16384 after 1000.052 ms",
        "database:lock-waits",
    ),
    (PG + "ERROR:  deadlock detected", "database:deadlock-order"),
    (
        PG + "DETAIL:  Process 48213 waits for ShareLock on transaction 1234567; "
        "blocked by process 48214.",
        "database:deadlock-order",
    ),
    (
        "ERROR 1213 (40001): Deadlock found when trying to get lock; try restarting transaction",
        "database:deadlock-order",
    ),
    (
        "ERROR 1205 (HY000): Lock wait timeout exceeded; try restarting transaction",
        "database:mysql-locks",
    ),
    (
        PG + "FATAL:  terminating connection due to idle-in-transaction timeout",
        "database:idle-in-txn",
    ),
    (
        '2025-03-11 02:14:07.123 UTC [9911] LOG:  skipping vacuum of "orders" '
        "--- lock not available",
        "database:vacuum-blockers",
    ),
    # Disk and WAL.
    (
        PG + 'ERROR:  could not extend file "base/16384/24576.12": No space left on device',
        "database:disk-first-aid",
    ),
    (
        "2025-03-11 02:14:07.123 UTC [48213] PANIC:  could not write to file "
        '"pg_wal/xlogtemp.48213": No space left on device',
        "database:disk-first-aid",
    ),
    (
        PG + 'ERROR:  could not write to file "base/pgsql_tmp/pgsql_tmp1081948.1326": '
        "No space left on device",
        "database:disk-temp-files",
    ),
    (
        "2025-03-11 02:14:07.123 UTC [733] LOG:  archive command failed with exit code 1",
        "database:archive-failing",
    ),
    (
        "2025-03-11T02:14:07.123456Z 0 [ERROR] [MY-000035] [Server] Disk is full writing "
        "'./binlog.000412' (OS errno 28 - No space left on device). Waiting for someone to "
        "free space... Retry in 60 secs. Write of 1 bytes failed",
        "database:mysql-binlogs",
    ),
    # Wraparound.
    (
        '2025-03-11 02:14:07.123 UTC [733] WARNING:  database "app" must be vacuumed '
        "within 39985967 transactions",
        "database:wraparound-age",
    ),
    (
        PG + "ERROR:  database is not accepting commands that assign new transaction IDs "
        'to avoid wraparound data loss in database "app"',
        "database:wraparound-age",
    ),
    # Replication.
    (
        "2025-03-11 02:14:07.123 UTC [5120] FATAL:  could not receive data from WAL stream: "
        "ERROR:  requested WAL segment 0000000100000000000000A1 has already been removed",
        "database:replica-rebuild",
    ),
    (
        "2025-03-11 02:14:07.123 UTC [5120] FATAL:  could not connect to the primary server: "
        'connection to server at "10.0.0.5", port 5432 failed: Connection refused',
        "database:replica-lag",
    ),
    (
        PG + "ERROR:  canceling statement due to conflict with recovery",
        "database:replay-conflict",
    ),
    (
        "2025-03-11T02:14:07.123456Z 12 [ERROR] [MY-010584] [Repl] Replica SQL for channel "
        "'': Could not execute Write_rows event on table app.orders; Duplicate entry '42' "
        "for key 'orders.PRIMARY', Error_code: 1062; handler error HA_ERR_FOUND_DUPP_KEY; "
        "the event's source log binlog.000123, end_log_pos 4567, Error_code: MY-001062",
        "database:mysql-sql-stopped",
    ),
    # Raised by the application's driver or pool, not by the server.
    (
        "asyncpg.exceptions.InvalidSQLStatementNameError: prepared statement "
        '"__asyncpg_stmt_e__" does not exist',
        "database:pgbouncer-prepared",
    ),
    (
        'PG::DuplicatePstatement: ERROR:  prepared statement "a1" already exists',
        "database:pgbouncer-prepared",
    ),
    (
        "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, "
        "connection timed out, timeout 30.00 (Background on this error at: "
        "https://sqlalche.me/e/20/3o7r)",
        "database:client-pool-exhausted",
    ),
    (
        "Npgsql.NpgsqlException (0x80004005): The connection pool has been exhausted, "
        "either raise 'Max Pool Size' (currently 100) or 'Timeout' (currently 15 seconds) "
        "in your connection string.",
        "database:client-pool-exhausted",
    ),
    (
        "HikariPool-1 - Failed to validate connection "
        "com.mysql.cj.jdbc.ConnectionImpl@67b9221d (No operations allowed after connection "
        "closed.). Possibly consider using a shorter maxLifetime value.",
        "database:stale-pooled-conn",
    ),
    (
        "[2026-04-28T10:24:21.780] [ERROR] server - Error: Connection terminated unexpectedly",
        "database:client-side",
    ),
    # Server limits other than connections and disk.
    (
        "2025-03-11 02:14:07.123 UTC [340] ERROR:  could not resize shared memory segment "
        '"/PostgreSQL.1767612635" to 183552 bytes: No space left on device',
        "database:shm-exhausted",
    ),
    (
        "pg_dump: error: query failed: ERROR:  out of shared memory",
        "database:lock-table-full",
    ),
    (PG + "ERROR:  integer out of range", "database:id-overflow"),
    (
        PG + 'ERROR:  nextval: reached maximum value of sequence "probe_id_seq" (32767)',
        "database:id-overflow",
    ),
    # Vacuum and CDC slots.
    (
        "tuples: 0 removed, 1000 remain, 380000 are dead but not yet removable",
        "database:bloat-vacuum",
    ),
    (
        "WARN Received 1000 events which were all filtered out, so no offset could be "
        "committed.",
        "database:cdc-slot-idle",
    ),
]


@pytest.mark.parametrize(("line", "expected"), CASES, ids=[expected for _, expected in CASES])
def test_pasted_line_lands_on_node(line: str, expected: str) -> None:
    assert_lands("database", line, expected)


def test_cases_name_existing_nodes() -> None:
    assert_cases_name_nodes("database", CASES)

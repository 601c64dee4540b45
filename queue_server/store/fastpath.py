"""Hot-path statements compiled once and run on the transaction's own DBAPI cursor.

SQLAlchemy's execution machinery costs more than SQLite itself for the three small statements
of a ticket issue. A :class:`RawStatement` compiles a Core statement once for the engine's
dialect (its paramstyle and the columns' bind processors included) and executes it directly,
inside the SQLAlchemy transaction the caller holds, so atomicity is unchanged.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError


class RawStatement:
    def __init__(self, stmt: Any, dialect: Dialect, keys: Sequence[str]) -> None:
        self._dbapi_error: type[Exception] = dialect.loaded_dbapi.Error
        compiled = stmt.compile(dialect=dialect, column_keys=list(keys))
        self.sql: str = compiled.string
        self._positional: bool = bool(compiled.positional)
        self._order: list[str] = list(compiled.positiontup or [])
        self._processors: dict[str, Any] = dict(compiled._bind_processors)
        # literal values inside the statement (the 1 of ``last + 1``) are binds too
        self._fixed = {name: b.value for name, b in compiled.binds.items() if name not in keys and not b.required}

    def _params(self, values: dict[str, Any]) -> Any:
        out = {k: (p(v) if (p := self._processors.get(k)) is not None and v is not None else v)
               for k, v in {**self._fixed, **values}.items()}
        return tuple(out[k] for k in self._order) if self._positional else out

    def _wrap(self, err: Exception, params: Any) -> Exception:
        """The driver's error as SQLAlchemy's (IntegrityError, OperationalError …), as Core would raise it."""
        return DBAPIError.instance(self.sql, params, err, self._dbapi_error)

    def execute(self, conn: Connection, values: dict[str, Any]) -> Any:
        cursor = conn.connection.cursor()
        params = self._params(values)
        try:
            cursor.execute(self.sql, params)
        except self._dbapi_error as err:
            raise self._wrap(err, params) from err
        return cursor

    def executemany(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        cursor = conn.connection.cursor()
        params = [self._params(r) for r in rows]
        try:
            cursor.executemany(self.sql, params)
        except self._dbapi_error as err:
            raise self._wrap(err, params) from err
        finally:
            cursor.close()

    def scalar(self, conn: Connection, values: dict[str, Any]) -> Any:
        cursor = self.execute(conn, values)
        row = cursor.fetchone()
        cursor.close()
        return row[0]

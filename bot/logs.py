"""Logging for the server: our own loggers may go to DEBUG, wire traces never do.

slack_sdk logs whole request and response bodies at DEBUG (modals with memo text, tokens in
headers), slack_bolt the body of every answer it sends back ("Responding with status: 200
body: ..."), aiosqlite every statement with its parameters, SQLAlchemy likewise; DESIGN.md
says logs never hold memo text, picks or tokens, whatever the verbosity.

Levels alone do not keep them out: Bolt gives the loggers it creates the root's level when an
app is built, so with `-v` set before the app exists they would log at DEBUG again. The
handler that writes the log therefore also drops their records below WARNING, whoever set
which level.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

QUIET_LOGGERS: tuple[str, ...] = ("slack_sdk", "slack_bolt", "aiosqlite", "sqlalchemy", "asyncpg")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class WireTraceFilter(logging.Filter):
    """Drops the third parties' records below WARNING."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        return not any(
            record.name == name or record.name.startswith(f"{name}.") for name in QUIET_LOGGERS
        )


def configure_logging(verbose: bool = False, *, stream: TextIO | None = None) -> logging.Handler:
    """Log to `stream` (standard error by default); returns the handler it installed."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(WireTraceFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    quiet()
    return handler


def quiet() -> None:
    # Children too: a child with a level of its own (SQLAlchemy's echo sets one on its engine
    # logger) would otherwise keep logging at DEBUG under a quiet parent.
    existing = list(logging.root.manager.loggerDict)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
        for child in existing:
            if child.startswith(f"{name}."):
                logging.getLogger(child).setLevel(logging.WARNING)

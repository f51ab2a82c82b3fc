"""Logging for the server: our own loggers may go to DEBUG, wire traces never do.

slack_sdk logs whole request and response bodies at DEBUG (modals with memo text, tokens in
headers), aiosqlite logs every statement with its parameters, SQLAlchemy likewise; DESIGN.md
says logs never hold memo text, picks or tokens, whatever the verbosity.
"""

from __future__ import annotations

import logging

QUIET_LOGGERS: tuple[str, ...] = ("slack_sdk", "slack_bolt", "aiosqlite", "sqlalchemy", "asyncpg")


def configure_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    quiet()


def quiet() -> None:
    # Children too: a child with a level of its own (SQLAlchemy's echo sets one on its engine
    # logger) would otherwise keep logging at DEBUG under a quiet parent.
    existing = list(logging.root.manager.loggerDict)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
        for child in existing:
            if child.startswith(f"{name}."):
                logging.getLogger(child).setLevel(logging.WARNING)

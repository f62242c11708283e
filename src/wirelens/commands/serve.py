"""``wirelens serve``: the REST API and dashboard over a store (FastAPI on uvicorn)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["is_loopback", "register", "serve"]

TOKEN_ENV = "WIRELENS_TOKEN"


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the ``wirelens`` app."""
    app.command()(serve)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and "localhost"; any other bind address is reachable by others."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    db: Annotated[Path, typer.Option("--db", help="The DuckDB store file.")] = Path(
        "wirelens.duckdb"
    ),
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    allow_private_urls: Annotated[
        bool, typer.Option(help="Let /analyze fetch private, loopback and link-local URLs.")
    ] = False,
    timeout: Annotated[
        float, typer.Option(help="Seconds one analysis may take before 504.", min=0.1)
    ] = 30.0,
) -> None:
    """Serve the REST API (/docs) and the dashboard (/) over the store.

    Bound to anything but loopback, it refuses to start without $WIRELENS_TOKEN; with a token
    set, every request needs ``Authorization: Bearer <token>``.
    """
    token = os.environ.get(TOKEN_ENV) or None
    if not is_loopback(host) and token is None:
        typer.echo(
            f"error: refusing to serve on {host} without a token: set {TOKEN_ENV} "
            "(clients then send Authorization: Bearer <token>), or bind 127.0.0.1",
            err=True,
        )
        raise typer.Exit(2)
    import uvicorn

    from ..api import create_app
    from ..store import StoreError

    try:
        app = create_app(db, token=token, allow_private_urls=allow_private_urls,
                         analysis_timeout=timeout)  # fmt: skip
    except StoreError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(f"wirelens: serving {db} on http://{host}:{port}/ (API docs at /docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")

"""Command groups beyond ``analyze``: each module defines ``register(app)`` adding its commands.

Modules import their heavy dependencies inside the command functions, so ``wirelens --help``
stays fast.
"""

from __future__ import annotations

import importlib

import typer

# Modules of this package whose ``register(app)`` adds commands to the ``wirelens`` app.
MODULES: list[str] = ["bench", "corpus", "views", "serve"]


def register_all(app: typer.Typer) -> None:
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}").register(app)

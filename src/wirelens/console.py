"""Terminal output shared by every command: stderr for progress and errors, stdout for reports."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

stderr = Console(stderr=True)


def report_console() -> Console:
    """A console for tables on stdout; wide when writing to a file or pipe, so nothing folds."""
    return Console() if sys.stdout.isatty() else Console(width=200)


def progress_bar(*, disable: bool = False) -> Progress:
    """The progress bar of long jobs, on stderr, gone when the job ends."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
        disable=disable,
    )

"""Scorers for the public annotated corpora in ../shared/data (read at run time, never copied)."""


class CorpusError(ValueError):
    """The corpus to score is missing, empty or not in the expected format."""

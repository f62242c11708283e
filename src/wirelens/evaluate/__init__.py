"""Scorers for the public annotated corpora in ../shared/data (read at run time, never copied)."""

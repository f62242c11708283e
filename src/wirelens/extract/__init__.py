"""Extractors: each reads the shared spaCy Doc and the Analysis so far, and adds its records."""

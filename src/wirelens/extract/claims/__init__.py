"""Claims and their evidential status."""

"""Cross-article views of the store (docs/CORPUS.md), one module per concern.

- :mod:`.similarity`      claim-to-claim similarity (TF-IDF over content stems + concept tokens)
- :mod:`.claim_tracking`  groups of the same claim across articles, their timeline and standing
- :mod:`.mentions`        sentences stating a tracked claim where no claim record carries it
- :mod:`.actors`          matching an actor across articles (country code or name)
- :mod:`.timelines`       an actor's (or pair's) events and statements by day
- :mod:`.escalation`      the daily escalation index
- :mod:`.words_deeds`     verbal vs material behaviour of an actor by day
- :mod:`.plots`           PNG (matplotlib) and self-contained HTML/SVG charts
"""

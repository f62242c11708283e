"""Train the event-type classifier shipped in src/wirelens/models/events/.

Trained on ../shared/data/events/plv/PLV_train.tsv (1,050 source-target pairs, 15 PLOVER root
labels) plus the 60 usable PLOVER gold-standard records in
../shared/data/events/plover_gsr_cameo/PLOVER_GSR_CAMEO.json. Only feature names and weights are
saved, no corpus text. First rebuilds resources/events/codebook_lexicon.tsv (lemma -> type vote
shares from the CAMEO/PLOVER codebook definitions in ../shared/data/ontology, no text), which the
features read; C, the tok2vec scale, the quad head's weight and the trigger-table prior are
chosen on a fixed 80/20 inner split (classifier.choose_settings), as in each fold of
`wirelens eval events`.

    python scripts/train_events.py [--data ../shared/data/events] [--out src/wirelens/models/events]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from wirelens.evaluate.events import GSR_FILE, PLV_FILE
from wirelens.extract.events import codebook
from wirelens.extract.events.classifier import (
    MODEL_FILE,
    choose_settings,
    featurize,
    quad_labels,
    save,
    train,
)
from wirelens.extract.events.data import read_gsr, read_plv
from wirelens.extract.events.lexicon import codebook_lexicon
from wirelens.pipeline import MODEL_NAME, load_nlp

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "events")
    parser.add_argument("--out", type=Path, default=REPO / "src" / "wirelens" / "models" / "events")
    parser.add_argument(
        "--ontology", type=Path, default=REPO.parent / "shared" / "data" / "ontology"
    )
    parser.add_argument(
        "--resources", type=Path, default=REPO / "src" / "wirelens" / "resources" / "events"
    )
    args = parser.parse_args()
    nlp = load_nlp()
    rows = codebook.write(
        codebook.build(nlp, args.ontology), args.resources / codebook.LEXICON_FILE
    )
    codebook_lexicon.cache_clear()
    print(f"{rows} codebook lexicon rows -> {args.resources / codebook.LEXICON_FILE}")
    examples = read_plv(args.data / PLV_FILE) + read_gsr(args.data / GSR_FILE)
    feats = featurize(nlp, examples)
    labels = [e.label for e in examples]
    quads = quad_labels(examples)
    settings = choose_settings(feats, labels, quads)
    model = train(feats, labels, quads, settings)
    model.about = (
        f"Event-type classifier (logistic regressions, v4: type head + quad head; "
        f"{settings.describe()} chosen on an 80/20 inner split) "
        f"trained by scripts/train_events.py on PLV_train.tsv + PLOVER_GSR_CAMEO.json "
        f"({len(examples)} pairs), spaCy {MODEL_NAME} features and codebook_lexicon.tsv; "
        f"feature weights only, no corpus text."
    )
    args.out.mkdir(parents=True, exist_ok=True)
    save(model, args.out / MODEL_FILE)
    print(
        f"{len(examples)} examples, {len(model.vocab)} sparse features -> {args.out / MODEL_FILE}"
    )


if __name__ == "__main__":
    main()

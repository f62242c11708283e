"""Train the event-type classifier shipped in src/wirelens/models/events/.

Trained on ../shared/data/events/plv/PLV_train.tsv (1,050 source-target pairs, 15 PLOVER root
labels) plus the 60 usable PLOVER gold-standard records in
../shared/data/events/plover_gsr_cameo/PLOVER_GSR_CAMEO.json. Only feature names and weights are
saved, no corpus text.

    python scripts/train_events.py [--data ../shared/data/events] [--out src/wirelens/models/events]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from wirelens.evaluate.events import GSR_FILE, PLV_FILE
from wirelens.extract.events.classifier import MODEL_FILE, featurize, save, train
from wirelens.extract.events.data import read_gsr, read_plv
from wirelens.pipeline import MODEL_NAME, load_nlp

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "events")
    parser.add_argument("--out", type=Path, default=REPO / "src" / "wirelens" / "models" / "events")
    args = parser.parse_args()
    examples = read_plv(args.data / PLV_FILE) + read_gsr(args.data / GSR_FILE)
    feats = featurize(load_nlp(), examples)
    model = train(feats, [e.label for e in examples])
    model.about = (
        f"Event-type classifier (logistic regression, v1) trained by scripts/train_events.py on "
        f"PLV_train.tsv + PLOVER_GSR_CAMEO.json ({len(examples)} pairs), spaCy {MODEL_NAME} "
        f"features; feature weights only, no corpus text."
    )
    args.out.mkdir(parents=True, exist_ok=True)
    save(model, args.out / MODEL_FILE)
    print(
        f"{len(examples)} examples, {len(model.vocab)} sparse features -> {args.out / MODEL_FILE}"
    )


if __name__ == "__main__":
    main()

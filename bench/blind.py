#!/usr/bin/env python3
"""Rebuild the blind-labelled set from ../shared/data/corpus.csv.

bench/blind-labels.csv holds only corpus row numbers and the tier each review
was given by hand, by TIERS.md, before the tool was run on it (sixty-nine batches,
sampled in train.csv's mix of categories, none of them in train.csv or
dev.csv). This writes `row,batch,tier,text` so `triage eval` can read it:

    python3 bench/blind.py /tmp/blind.csv && triage eval /tmp/blind.csv

Each batch was unseen only once: the rule lines written from its errors have
been fitted to it since. Use it as a second check beside dev.csv.
"""
import csv
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
corpus = here.parent.parent / "shared" / "data" / "corpus.csv"
with open(corpus, newline="", encoding="utf-8") as f:
    text = {r["row"]: r["review"] for r in csv.DictReader(f)}
with open(here / "blind-labels.csv", newline="", encoding="utf-8") as f:
    labels = list(csv.DictReader(f))
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["row", "batch", "tier", "text"])
    for r in labels:
        w.writerow([r["row"], r["batch"], r["tier"], text[r["row"]]])
print(f"{sys.argv[1]}: {len(labels)} labelled reviews from {corpus}")

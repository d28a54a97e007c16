#!/usr/bin/env python3
"""Build an N-row review export from ../shared/data/corpus.csv for benchmarks.

Every row is mid or low (the worst case: nothing is skipped before
segmentation). Texts cycle through the corpus; order numbers, buyers and
times are made up deterministically. Usage: make_export.py N OUT.csv
"""
import csv
import sys
from pathlib import Path


def main():
    n, out = int(sys.argv[1]), Path(sys.argv[2])
    corpus = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "corpus.csv"
    if len(sys.argv) > 3:
        corpus = Path(sys.argv[3])
    with open(corpus, newline="", encoding="utf-8") as f:
        texts = [r["review"] for r in csv.DictReader(f) if r["review"].strip()]
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["订单编号", "买家昵称", "宝贝名称", "评价等级", "评价内容", "评价时间"])
        for i in range(n):
            # a text that comes round again comes from the same buyer, so the
            # repeats do not look like a coordinated attack
            buyer = "王**" if i % 5 == 0 and i < len(texts) else f"买家{i % len(texts)}"
            day = 1 + i % 28
            w.writerow([
                str(3000000000000000000 + i),
                buyer,
                "测试宝贝",
                "差评" if i % 3 else "中评",
                texts[i % len(texts)],
                f"2026-11-{day:02d} {i % 24:02d}:{i % 60:02d}:00",
            ])


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The comparison issue 6 names: a pandas + jieba script doing a comparable
job (read the export, keep mid/low rows, segment, tier by keyword lists,
write a CSV). Run by bench/run.sh --python inside a throwaway venv."""
import sys
import time

import jieba
import pandas as pd

KEYS = {
    "courier": ["快递", "物流", "配送", "送货"],
    "service": ["客服", "发货", "发错", "退款", "赠品"],
    "quality": ["质量", "做工", "坏", "假货", "色差"],
}


def main():
    t = time.time()
    df = pd.read_csv(sys.argv[1], dtype=str)
    df = df[df["评价等级"].isin(["中评", "差评"])].copy()
    jieba.initialize()

    def tier(text):
        words = set(jieba.lcut(str(text)))
        best = "new_buyer"
        for key, cues in KEYS.items():
            if any(c in words for c in cues):
                best = key
        return best

    df["tier"] = df["评价内容"].map(tier)
    df.to_csv(sys.argv[2], index=False)
    print(f"pandas+jieba: {len(df)} rows in {time.time() - t:.2f} s")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Derives the sample suite's reranking and pair-classification tasks from the bundled sample.

Deterministic, Python 3 standard library only:
  python3 tools/make_eval_tasks.py [data/sample]   (after tools/make_sample.py; updates counts.json)

reranking/test.jsonl       {query, positive: [...], negative: [...]} per judged test query:
                           the relevant documents, and the 5 other corpus documents that share
                           the most word types with the query (ties by document id), so the
                           negatives are lexically close, as MTEB's reranking candidates are.
pair_classification/en-de.jsonl, en-fr.jsonl
                           {sentence1: xx, sentence2: en, label}: every bitext test pair (label 1)
                           and the same xx sentence with the English of the pair 7 rows further
                           on (label 0).
"""
import json
import re
import sys
from pathlib import Path

root = Path(sys.argv[1] if len(sys.argv) > 1 else "data/sample")


def rows(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def words(text):
    return set(re.findall(r"\w+", text.lower()))


def write(path, items):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for item in items:
            f.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")


corpus = {r["_id"]: r["text"] for r in rows(root / "retrieval/corpus.jsonl")}
queries = {r["_id"]: r["text"] for r in rows(root / "retrieval/queries.jsonl")}
qrels = {}
with open(root / "retrieval/qrels/test.tsv", encoding="utf-8") as f:
    next(f)
    for line in f:
        q, d, s = line.rstrip("\n").split("\t")
        if int(s) > 0:
            qrels.setdefault(q, []).append(d)
doc_words = {d: words(t) for d, t in corpus.items()}
reranking = []
for q in sorted(qrels):
    qw = words(queries[q])
    others = [d for d in corpus if d not in qrels[q]]
    others.sort(key=lambda d: (-len(qw & doc_words[d]), d))
    reranking.append({"query": queries[q],
                      "positive": [corpus[d] for d in sorted(qrels[q])],
                      "negative": [corpus[d] for d in others[:5]]})
write(root / "reranking/test.jsonl", reranking)

for lang in ("de", "fr"):
    pairs = rows(root / f"bitext/mining_test_en-{lang}.jsonl")
    out = []
    for i, p in enumerate(pairs):
        out.append({"sentence1": p["xx"], "sentence2": p["en"], "label": 1})
        out.append({"sentence1": p["xx"], "sentence2": pairs[(i + 7) % len(pairs)]["en"],
                    "label": 0})
    write(root / f"pair_classification/en-{lang}.jsonl", out)
counts_file = root / "counts.json"
counts = json.loads(counts_file.read_text()) if counts_file.exists() else {}
counts["reranking/test"] = len(reranking)
for lang in ("de", "fr"):
    counts[f"pair_classification/en-{lang}"] = sum(
        1 for _ in rows(root / f"pair_classification/en-{lang}.jsonl"))
counts_file.write_text(json.dumps(counts, indent=1, sort_keys=True))
print("reranking:", len(reranking), "queries; pair classification written")

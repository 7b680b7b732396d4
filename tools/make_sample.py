#!/usr/bin/python3
"""Builds the bundled sample (data/sample/) from the Debian corpus, deterministically.

Every row is chosen by a hash of its id, so the sample is stable across runs and machines.
    /usr/bin/python3 tools/make_sample.py /path/to/data/debian data/sample
"""
import gzip
import hashlib
import json
import os
import sys


def keep(key, per_mille):
    return int(hashlib.sha1(("sample-v1:" + key).encode()).hexdigest()[:8], 16) % 1000 < per_mille


def read_jsonl(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def write_jsonl(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return len(rows)


def main(src, out):
    counts = {}
    pairs = [r for r in read_jsonl(f"{src}/pairs/title_passage.jsonl.gz")]
    train = [dict(id=r["id"], query=r["query"], passage=r["passage"], section=r["section"])
             for r in pairs if r["split"] == "train" and keep(r["id"], 50)]
    counts["pairs/train"] = write_jsonl(f"{out}/pairs/train.jsonl", train)

    # Retrieval: test queries with their relevant docs, plus distractor docs from the corpus.
    queries = {q["_id"]: q for q in read_jsonl(f"{src}/retrieval/queries.jsonl")}
    qrels = []
    with open(f"{src}/retrieval/qrels/test.tsv", encoding="utf-8") as f:
        next(f)
        for line in f:
            qid, did, score = line.rstrip("\n").split("\t")
            if keep(qid, 35):
                qrels.append((qid, did, score))
    wanted = {d for _, d, _ in qrels}
    corpus = [d for d in read_jsonl(f"{src}/retrieval/corpus.jsonl")
              if d["_id"] in wanted or keep(d["_id"], 45)]
    counts["retrieval/corpus"] = write_jsonl(f"{out}/retrieval/corpus.jsonl", corpus)
    qids = sorted({q for q, _, _ in qrels})
    counts["retrieval/queries"] = write_jsonl(f"{out}/retrieval/queries.jsonl",
                                              [queries[q] for q in qids])
    os.makedirs(f"{out}/retrieval/qrels", exist_ok=True)
    with open(f"{out}/retrieval/qrels/test.tsv", "w", encoding="utf-8") as f:
        f.write("query-id\tcorpus-id\tscore\n")
        for q, d, s in qrels:
            f.write(f"{q}\t{d}\t{s}\n")
    counts["retrieval/qrels"] = len(qrels)

    # Dev retrieval (for choosing checkpoints): dev queries, their relevant docs, distractors.
    dev_qrels = []
    with open(f"{src}/retrieval/qrels/dev.tsv", encoding="utf-8") as f:
        next(f)
        for line in f:
            qid, did, score = line.rstrip("\n").split("\t")
            if keep(qid, 20):
                dev_qrels.append((qid, did, score))
    dev_wanted = {d for _, d, _ in dev_qrels}
    dev_corpus = [d for d in read_jsonl(f"{src}/retrieval/corpus.jsonl")
                  if d["_id"] in dev_wanted or keep("dev:" + d["_id"], 25)]
    counts["retrieval-dev/corpus"] = write_jsonl(f"{out}/retrieval-dev/corpus.jsonl",
                                                 dev_corpus)
    dev_qids = sorted({q for q, _, _ in dev_qrels})
    counts["retrieval-dev/queries"] = write_jsonl(f"{out}/retrieval-dev/queries.jsonl",
                                                  [queries[q] for q in dev_qids])
    os.makedirs(f"{out}/retrieval-dev/qrels", exist_ok=True)
    with open(f"{out}/retrieval-dev/qrels/dev.tsv", "w", encoding="utf-8") as f:
        f.write("query-id\tcorpus-id\tscore\n")
        for q, d, s in dev_qrels:
            f.write(f"{q}\t{d}\t{s}\n")
    counts["retrieval-dev/qrels"] = len(dev_qrels)

    def cls_rows(path, per_mille):
        return [dict(id=r["id"], text=r["text"], label=r["label"])
                for r in read_jsonl(path) if keep(r["id"], per_mille)]
    counts["classification/train"] = write_jsonl(
        f"{out}/classification/train.jsonl",
        cls_rows(f"{src}/classification/train.jsonl.gz", 60))
    counts["classification/dev"] = write_jsonl(
        f"{out}/classification/dev.jsonl", cls_rows(f"{src}/classification/dev.jsonl", 50))
    counts["classification/test"] = write_jsonl(
        f"{out}/classification/test.jsonl", cls_rows(f"{src}/classification/test.jsonl", 100))

    sets = list(read_jsonl(f"{src}/clustering/s2s_topical_sets.jsonl"))[:1]
    for s in sets:
        s["sentences"], s["labels"] = s["sentences"][:400], s["labels"][:400]
    counts["clustering/s2s_topical"] = write_jsonl(f"{out}/clustering/s2s_topical.jsonl", sets)

    for lang in ("de", "fr", "es", "ja", "ru"):
        mining = [r for r in read_jsonl(f"{src}/bitext/mining_test_en-{lang}.jsonl")
                  if keep(r["id"], 150)]
        counts[f"bitext/mining_en-{lang}"] = write_jsonl(
            f"{out}/bitext/mining_test_en-{lang}.jsonl",
            [dict(id=r["id"], en=r["en"], xx=r[lang]) for r in mining])
        train_pairs = [dict(id=r["id"], en=r["en_short"] + "\n\n" + r["en_long"],
                            xx=r[f"{lang}_short"] + "\n\n" + r[f"{lang}_long"])
                       for r in read_jsonl(f"{src}/bitext/en-{lang}.jsonl.gz")
                       if r["split"] == "train" and keep(r["id"], 40)]
        counts[f"bitext/train_en-{lang}"] = write_jsonl(
            f"{out}/bitext/train_en-{lang}.jsonl", train_pairs)
    with open(f"{out}/counts.json", "w") as f:
        json.dump(counts, f, indent=1, sort_keys=True)
    print(json.dumps(counts, indent=1, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

#!/usr/bin/python3
"""Writes a Hugging Face BERT directory with random weights of a real model's shape and that
model's tokenizer.json, for benchmarks: speed does not depend on the weights' values, only on the
shape and on how the tokenizer cuts the texts. Needs only NumPy (Debian: python3-numpy).

    /usr/bin/python3 tools/bench/shaped_bert.py --shape minilm-l6 \
        --tokenizer all-minilm-l6-v2-tokenizer.json --out /tmp/minilm-shape
"""
import argparse
import json
import os
import struct

import numpy as np

SHAPES = {  # layers, hidden, heads, ffn, positions
    "minilm-l6": (6, 384, 12, 1536, 512),
    "bge-small": (12, 384, 12, 1536, 512),
    "bert-base": (12, 768, 12, 3072, 512),
}


def tensors(vocab, layers, h, ffn, positions, rng):
    def normal(*shape):
        return (rng.standard_normal(shape) * 0.02).astype(np.float32)

    t = {"embeddings.word_embeddings.weight": normal(vocab, h),
         "embeddings.position_embeddings.weight": normal(positions, h),
         "embeddings.token_type_embeddings.weight": normal(2, h),
         "embeddings.LayerNorm.weight": np.ones(h, np.float32),
         "embeddings.LayerNorm.bias": np.zeros(h, np.float32)}
    for i in range(layers):
        p = f"encoder.layer.{i}."
        for name, (out, inp) in (("attention.self.query", (h, h)), ("attention.self.key", (h, h)),
                                 ("attention.self.value", (h, h)),
                                 ("attention.output.dense", (h, h)),
                                 ("intermediate.dense", (ffn, h)), ("output.dense", (h, ffn))):
            t[p + name + ".weight"] = normal(out, inp)
            t[p + name + ".bias"] = np.zeros(out, np.float32)
        for ln in ("attention.output.LayerNorm", "output.LayerNorm"):
            t[p + ln + ".weight"] = np.ones(h, np.float32)
            t[p + ln + ".bias"] = np.zeros(h, np.float32)
    return t


def write_safetensors(path, t):
    header, offset = {}, 0
    for name, a in t.items():
        header[name] = {"dtype": "F32", "shape": list(a.shape),
                        "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for a in t.values():
            f.write(a.astype("<f4").tobytes())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--shape", choices=sorted(SHAPES), required=True)
    p.add_argument("--tokenizer", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    layers, h, heads, ffn, positions = SHAPES[a.shape]
    with open(a.tokenizer, encoding="utf-8") as f:
        tok = json.load(f)
    vocab = len(tok["model"]["vocab"])
    os.makedirs(a.out, exist_ok=False)
    with open(os.path.join(a.out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok, f)
    config = {"model_type": "bert", "architectures": ["BertModel"], "vocab_size": vocab,
              "hidden_size": h, "num_hidden_layers": layers, "num_attention_heads": heads,
              "intermediate_size": ffn, "max_position_embeddings": positions,
              "type_vocab_size": 2, "hidden_act": "gelu", "layer_norm_eps": 1e-12,
              "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1}
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    write_safetensors(os.path.join(a.out, "model.safetensors"),
                      tensors(vocab, layers, h, ffn, positions, np.random.default_rng(a.seed)))
    print(f"{a.out}: {a.shape}, vocabulary {vocab}")


if __name__ == "__main__":
    main()

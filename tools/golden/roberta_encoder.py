#!/usr/bin/python3
"""Golden values for RoBERTa-family import: an independent PyTorch XLM-RoBERTa on a tiny random
checkpoint.

XLM-RoBERTa (Conneau et al. 2020, arXiv 1911.02116) is BERT's encoder with three differences the
importer must get right: position ids start after the padding index (padding_idx + 1 + the
token's index among the real tokens, as transformers' create_position_ids_from_input_ids), one
token type, and a SentencePiece (Unigram) tokenizer with <s> ... </s>. Writes a Hugging Face
XLMRobertaForMaskedLM-layout checkpoint (config.json, model.safetensors with the 'roberta.'
prefix and lm_head tensors the embedding model drops, tokenizer.json) and golden.json with the
token ids, the masked-mean-pooled states and the projected, L2-normalised embeddings, computed in
float64 from the float32 weights, padding filled with the padding id as transformers pads.

Run from the repository root (Debian: apt-get install python3-torch):
    /usr/bin/python3 tools/golden/roberta_encoder.py core/src/test/resources/golden/roberta-tiny
"""
import json
import math
import os
import struct
import sys

import torch
import torch.nn.functional as F

PAD = 1
CONFIG = dict(vocab_size=40, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
              intermediate_size=64, max_position_embeddings=16 + PAD + 1, type_vocab_size=1,
              layer_norm_eps=1e-5, hidden_act="gelu", model_type="xlm-roberta",
              architectures=["XLMRobertaForMaskedLM"], hidden_dropout_prob=0.1,
              attention_probs_dropout_prob=0.1, initializer_range=0.02, pad_token_id=PAD,
              bos_token_id=0, eos_token_id=2, position_embedding_type="absolute")
OUTPUT_DIM = 12


def random_weights(gen):
    c = CONFIG
    h, i_size = c["hidden_size"], c["intermediate_size"]

    def normal(*shape, std=0.5):
        return (torch.randn(*shape, generator=gen) * std).float()

    w = {
        "embeddings.word_embeddings.weight": normal(c["vocab_size"], h),
        "embeddings.position_embeddings.weight": normal(c["max_position_embeddings"], h),
        "embeddings.token_type_embeddings.weight": normal(c["type_vocab_size"], h),
        "embeddings.LayerNorm.weight": 1 + normal(h, std=0.2),
        "embeddings.LayerNorm.bias": normal(h, std=0.2),
    }
    for layer in range(c["num_hidden_layers"]):
        p = f"encoder.layer.{layer}."
        for name, (out_f, in_f) in {
            "attention.self.query": (h, h), "attention.self.key": (h, h),
            "attention.self.value": (h, h), "attention.output.dense": (h, h),
            "intermediate.dense": (i_size, h), "output.dense": (h, i_size)}.items():
            w[p + name + ".weight"] = normal(out_f, in_f, std=1 / math.sqrt(in_f))
            w[p + name + ".bias"] = normal(out_f, std=0.1)
        for ln in ("attention.output.LayerNorm", "output.LayerNorm"):
            w[p + ln + ".weight"] = 1 + normal(h, std=0.2)
            w[p + ln + ".bias"] = normal(h, std=0.2)
    return w


def roberta_pooled(w, ids):
    """Mean-pooled last hidden states of XLM-RoBERTa, written out from torch primitives."""
    c = CONFIG
    n, t = ids.shape
    heads = c["num_attention_heads"]
    d = c["hidden_size"] // heads
    eps = c["layer_norm_eps"]
    real = (ids != PAD).long()
    pos = torch.cumsum(real, dim=1) * real + PAD  # create_position_ids_from_input_ids
    mask = real.double()
    x = (w["embeddings.word_embeddings.weight"][ids]
         + w["embeddings.position_embeddings.weight"][pos]
         + w["embeddings.token_type_embeddings.weight"][torch.zeros_like(ids)])
    x = F.layer_norm(x, (c["hidden_size"],), w["embeddings.LayerNorm.weight"],
                     w["embeddings.LayerNorm.bias"], eps)
    bias = (1.0 - mask)[:, None, None, :] * torch.finfo(x.dtype).min
    for layer in range(c["num_hidden_layers"]):
        p = f"encoder.layer.{layer}."

        def lin(name, v):
            return F.linear(v, w[p + name + ".weight"], w[p + name + ".bias"])

        def split(v):
            return v.view(n, t, heads, d).transpose(1, 2)

        q, k, v = (split(lin("attention.self." + s, x)) for s in ("query", "key", "value"))
        probs = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + bias, dim=-1)
        ctx = (probs @ v).transpose(1, 2).reshape(n, t, c["hidden_size"])
        x = F.layer_norm(lin("attention.output.dense", ctx) + x, (c["hidden_size"],),
                         w[p + "attention.output.LayerNorm.weight"],
                         w[p + "attention.output.LayerNorm.bias"], eps)
        ffn = lin("output.dense", F.gelu(lin("intermediate.dense", x)))
        x = F.layer_norm(ffn + x, (c["hidden_size"],), w[p + "output.LayerNorm.weight"],
                         w[p + "output.LayerNorm.bias"], eps)
    m = mask.unsqueeze(-1)
    return (x * m).sum(1) / m.sum(1)


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        data = t.contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * ((8 - len(head) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)


def tokenizer_json():
    """A SentencePiece Unigram tokenizer as XLM-R's: <s>=0, <pad>=1, </s>=2, <unk>=3."""
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    pieces = [[s, 0.0] for s in specials] + [[f"\u2581w{i}", -1.0 - i / 100] for i in range(36)]
    added = [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for i, s in enumerate(specials)]
    return {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
            "normalizer": None,
            "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581",
                              "add_prefix_space": True},
            "post_processor": {"type": "TemplateProcessing",
                               "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                                          {"Sequence": {"id": "A", "type_id": 0}},
                                          {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                               "pair": [],
                               "special_tokens": {
                                   "<s>": {"id": "<s>", "ids": [0], "tokens": ["<s>"]},
                                   "</s>": {"id": "</s>", "ids": [2], "tokens": ["</s>"]}}},
            "decoder": {"type": "Metaspace", "replacement": "\u2581", "add_prefix_space": True},
            "model": {"type": "Unigram", "unk_id": 3, "vocab": pieces}}


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    gen = torch.Generator().manual_seed(20250308)
    w = random_weights(gen)
    proj_w = (torch.randn(OUTPUT_DIM, CONFIG["hidden_size"], generator=gen) * 0.3).float()
    proj_b = (torch.randn(OUTPUT_DIM, generator=gen) * 0.1).float()
    lengths = [9, 5, 2, 16]
    width = max(lengths)
    ids = torch.full((len(lengths), width), PAD, dtype=torch.long)
    for row, length in enumerate(lengths):
        ids[row, :length] = torch.randint(3, CONFIG["vocab_size"], (length,), generator=gen)
        ids[row, 0] = 0
        ids[row, length - 1] = 2

    w64 = {k: v.double() for k, v in w.items()}
    pooled = roberta_pooled(w64, ids)
    emb = F.normalize(F.linear(pooled, proj_w.double(), proj_b.double()), dim=-1)

    saved = {"roberta." + k: v for k, v in w.items()}
    saved["roberta.embeddings.position_ids"] = torch.arange(
        CONFIG["max_position_embeddings"]).float()[None, :]
    h = CONFIG["hidden_size"]
    saved["lm_head.dense.weight"] = (torch.randn(h, h, generator=gen) * 0.1).float()
    saved["lm_head.dense.bias"] = torch.zeros(h)
    saved["lm_head.bias"] = torch.zeros(CONFIG["vocab_size"])
    write_safetensors(os.path.join(out_dir, "model.safetensors"), saved)
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
    with open(os.path.join(out_dir, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(), f, indent=2, ensure_ascii=False)
    golden = {"torch": torch.__version__, "lengths": lengths, "ids": ids.tolist(),
              "projection_weight": proj_w.tolist(), "projection_bias": proj_b.tolist(),
              "pooled": pooled.tolist(), "embedding": emb.tolist()}
    with open(os.path.join(out_dir, "golden.json"), "w") as f:
        json.dump(golden, f)


if __name__ == "__main__":
    main(sys.argv[1])

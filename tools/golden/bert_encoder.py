#!/usr/bin/python3
"""Golden values for the SameDiff encoder: an independent PyTorch BERT on a tiny random checkpoint.

Writes a Hugging Face BertModel-layout checkpoint (config.json, model.safetensors with pooler
tensors the embedding model ignores, tokenizer.json) and golden.json with the token ids, the
masked-mean-pooled states and the projected, L2-normalised embeddings, and the same for the first
token's state (CLS pooling), computed in float64 from the float32 weights. The safetensors file is written here with struct/json, independently of the
Java writer.

Run from the repository root (Debian: apt-get install python3-torch):
    /usr/bin/python3 tools/golden/bert_encoder.py core/src/test/resources/golden/bert-tiny
"""
import json
import math
import os
import struct
import sys

import torch
import torch.nn.functional as F

CONFIG = dict(vocab_size=40, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
              intermediate_size=64, max_position_embeddings=16, type_vocab_size=2,
              layer_norm_eps=1e-12, hidden_act="gelu", model_type="bert",
              architectures=["BertModel"], hidden_dropout_prob=0.1,
              attention_probs_dropout_prob=0.1, initializer_range=0.02, pad_token_id=0)
OUTPUT_DIM = 12


def random_weights(gen, c=CONFIG):
    """BertModel-named weights of config c drawn from gen (with pooler tensors when asked)."""
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


def with_pooler(w, gen, c=CONFIG):
    """Adds the pooler tensors BertModel saves and the embedding model ignores."""
    h = c["hidden_size"]
    w["pooler.dense.weight"] = (torch.randn(h, h, generator=gen) * 0.5).float()
    w["pooler.dense.bias"] = (torch.randn(h, generator=gen) * 0.5).float()
    return w


def bert_states(w, ids, mask, pos=None, c=CONFIG):
    """Last hidden states of BERT [N, T, H], written out from torch primitives.

    pos: position ids [N, T]; BERT's 0..T-1 when None.
    """
    n, t = ids.shape
    heads = c["num_attention_heads"]
    d = c["hidden_size"] // heads
    eps = c["layer_norm_eps"]
    if pos is None:
        pos = torch.arange(t).unsqueeze(0).expand(n, t)
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
    return x


def bert_pooled(w, ids, mask):
    """Mean-pooled last hidden states of BERT."""
    m = mask.unsqueeze(-1)
    return (bert_states(w, ids, mask) * m).sum(1) / m.sum(1)


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
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"w{i}" for i in range(35)]
    return {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [],
            "normalizer": {"type": "BertNormalizer", "clean_text": True,
                           "handle_chinese_chars": True, "strip_accents": None,
                           "lowercase": False},
            "pre_tokenizer": {"type": "BertPreTokenizer"},
            "post_processor": {"type": "TemplateProcessing",
                               "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                                          {"Sequence": {"id": "A", "type_id": 0}},
                                          {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                               "pair": [],
                               "special_tokens": {
                                   "[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                                   "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}},
            "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
            "model": {"type": "WordPiece", "unk_token": "[UNK]",
                      "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
                      "vocab": {tok: i for i, tok in enumerate(vocab)}}}


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    gen = torch.Generator().manual_seed(20250307)
    w = with_pooler(random_weights(gen), gen)
    proj_w = (torch.randn(OUTPUT_DIM, CONFIG["hidden_size"], generator=gen) * 0.3).float()
    proj_b = (torch.randn(OUTPUT_DIM, generator=gen) * 0.1).float()
    lengths = [9, 5, 2, 16]
    width = max(lengths)
    ids = torch.zeros(len(lengths), width, dtype=torch.long)
    for row, length in enumerate(lengths):
        ids[row, :length] = torch.randint(1, CONFIG["vocab_size"], (length,), generator=gen)
    mask = (torch.arange(width)[None, :] < torch.tensor(lengths)[:, None]).double()

    w64 = {k: v.double() for k, v in w.items()}
    pooled = bert_pooled(w64, ids, mask)
    emb = F.normalize(F.linear(pooled, proj_w.double(), proj_b.double()), dim=-1)
    cls = bert_states(w64, ids, mask)[:, 0, :]
    cls_emb = F.normalize(F.linear(cls, proj_w.double(), proj_b.double()), dim=-1)

    write_safetensors(os.path.join(out_dir, "model.safetensors"), w)
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
    with open(os.path.join(out_dir, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(), f, indent=2)
    golden = {"torch": torch.__version__, "lengths": lengths, "ids": ids.tolist(),
              "projection_weight": proj_w.tolist(), "projection_bias": proj_b.tolist(),
              "pooled": pooled.tolist(), "embedding": emb.tolist(),
              "cls_pooled": cls.tolist(), "cls_embedding": cls_emb.tolist()}
    with open(os.path.join(out_dir, "golden.json"), "w") as f:
        json.dump(golden, f)


if __name__ == "__main__":
    main(sys.argv[1])

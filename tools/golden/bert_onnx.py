#!/usr/bin/python3
"""An ONNX export of the bert-tiny golden checkpoint, made the way users' ONNX files are made.

Loads bert-tiny's model.safetensors (written by bert_encoder.py) into a torch.nn.Module tree with
Hugging Face's BertModel names, and exports it with torch.onnx.export (constant folding on, as
Hugging Face's exporters do): the layer norms, embeddings and biases keep their names, the linear
kernels become anonymous transposed initializers feeding MatMul nodes. Output: last_hidden_state.
The Java importer must recover every tensor bit for bit; the golden pooled states of bert-tiny's
golden.json (PyTorch, float64) are the reference for the imported model's output.

Run from the repository root (Debian: apt-get install python3-torch):
    /usr/bin/python3 tools/golden/bert_onnx.py core/src/test/resources/golden/bert-tiny \\
        core/src/test/resources/golden/bert-tiny-onnx
"""
import json
import math
import os
import shutil
import struct
import sys

import torch
from torch import nn


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        start, end = meta["data_offsets"]
        values = struct.unpack("<%df" % ((end - start) // 4), data[start:end])
        out[name] = torch.tensor(values, dtype=torch.float32).reshape(meta["shape"])
    return out


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.word_embeddings = nn.Embedding(c["vocab_size"], h)
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], h)
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], h)
        self.LayerNorm = nn.LayerNorm(h, eps=c["layer_norm_eps"])

    def forward(self, ids, types):
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        return self.LayerNorm(self.word_embeddings(ids) + self.position_embeddings(pos)
                              + self.token_type_embeddings(types))


class SelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.d = h // self.heads
        self.query, self.key, self.value = nn.Linear(h, h), nn.Linear(h, h), nn.Linear(h, h)

    def forward(self, x, bias):
        n, t, h = x.shape

        def split(v):
            return v.view(n, t, self.heads, self.d).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        probs = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(self.d) + bias, dim=-1)
        return (probs @ v).transpose(1, 2).reshape(n, t, h)


class DenseNorm(nn.Module):
    def __init__(self, c, inner):
        super().__init__()
        self.dense = nn.Linear(inner, c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, v, residual):
        return self.LayerNorm(self.dense(v) + residual)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        setattr(self, "self", SelfAttention(c))
        self.output = DenseNorm(c, c["hidden_size"])

    def forward(self, x, bias):
        return self.output(getattr(self, "self")(x, bias), x)


class Intermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["intermediate_size"])

    def forward(self, x):
        return nn.functional.gelu(self.dense(x))


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = Attention(c)
        self.intermediate = Intermediate(c)
        self.output = DenseNorm(c, c["intermediate_size"])

    def forward(self, x, bias):
        x = self.attention(x, bias)
        return self.output(self.intermediate(x), x)


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))


class Bert(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = Embeddings(c)
        self.encoder = Encoder(c)

    def forward(self, input_ids, attention_mask, token_type_ids):
        x = self.embeddings(input_ids, token_type_ids)
        bias = (1.0 - attention_mask[:, None, None, :].float()) * -10000.0
        for layer in self.encoder.layer:
            x = layer(x, bias)
        return x


def main(src, out_dir):
    with open(os.path.join(src, "config.json")) as f:
        config = json.load(f)
    weights = {k: v for k, v in read_safetensors(os.path.join(src, "model.safetensors")).items()
               if not k.startswith("pooler.")}
    model = Bert(config).eval()
    model.load_state_dict(weights, strict=True)
    os.makedirs(out_dir, exist_ok=True)
    ids = torch.ones(2, 5, dtype=torch.long)
    torch.onnx.export(model, (ids, torch.ones_like(ids), torch.zeros_like(ids)),
                      os.path.join(out_dir, "model.onnx"),
                      input_names=["input_ids", "attention_mask", "token_type_ids"],
                      output_names=["last_hidden_state"],
                      dynamic_axes={n: {0: "batch", 1: "sequence"} for n in
                                    ["input_ids", "attention_mask", "token_type_ids",
                                     "last_hidden_state"]},
                      opset_version=14, do_constant_folding=True)
    shutil.copy(os.path.join(src, "tokenizer.json"), os.path.join(out_dir, "tokenizer.json"))
    with open(os.path.join(out_dir, "torch_version.txt"), "w") as f:
        f.write(torch.__version__ + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

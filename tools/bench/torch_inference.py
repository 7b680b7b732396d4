#!/usr/bin/python3
"""PyTorch reference for the inference benchmark: the same encoder shape, measured in the same run.

Prints one JSON line: gemm_gflops, tokens_per_second, model_gflops. Run by
`embedspark bench-inference` when /usr/bin/python3 has torch (Debian: python3-torch).
    /usr/bin/python3 tools/bench/torch_inference.py --vocab 8000 --hidden 256 --layers 4 \
        --heads 4 --ffn 1024 --batch 256 --width 64 --iterations 10
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn


class Layer(nn.Module):
    def __init__(self, h, heads, ffn):
        super().__init__()
        self.heads, self.d = heads, h // heads
        self.qkv = nn.Linear(h, 3 * h)
        self.out = nn.Linear(h, h)
        self.ln1 = nn.LayerNorm(h, eps=1e-12)
        self.ff1 = nn.Linear(h, ffn)
        self.ff2 = nn.Linear(ffn, h)
        self.ln2 = nn.LayerNorm(h, eps=1e-12)

    def forward(self, x, bias):
        n, t, h = x.shape
        q, k, v = self.qkv(x).view(n, t, 3, self.heads, self.d).permute(2, 0, 3, 1, 4)
        p = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(self.d) + bias, dim=-1)
        ctx = (p @ v).transpose(1, 2).reshape(n, t, h)
        x = self.ln1(x + self.out(ctx))
        return self.ln2(x + self.ff2(nn.functional.gelu(self.ff1(x))))


class Encoder(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.words = nn.Embedding(a.vocab, a.hidden)
        self.pos = nn.Embedding(getattr(a, "positions", 512), a.hidden)
        self.ln = nn.LayerNorm(a.hidden, eps=1e-12)
        self.layers = nn.ModuleList(Layer(a.hidden, a.heads, a.ffn) for _ in range(a.layers))
        self.proj = nn.Linear(a.hidden, getattr(a, "output", 0) or a.hidden)

    def forward(self, ids, mask):
        x = self.ln(self.words(ids) + self.pos(torch.arange(ids.shape[1]))[None])
        bias = (1.0 - mask)[:, None, None, :] * -1e9
        for layer in self.layers:
            x = layer(x, bias)
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        return nn.functional.normalize(self.proj(pooled), dim=-1)


def gemm_gflops(n=1024, repeats=10):
    a, b = torch.rand(n, n), torch.rand(n, n)
    a @ b
    best = 0.0
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ b
        best = max(best, 2 * n ** 3 / (time.perf_counter() - t0) / 1e9)
    return best


def main():
    p = argparse.ArgumentParser()
    for name, default in (("vocab", 8000), ("hidden", 256), ("layers", 4), ("heads", 4),
                          ("ffn", 1024), ("batch", 256), ("width", 64), ("iterations", 10),
                          ("threads", 2)):
        p.add_argument("--" + name, type=int, default=default)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = Encoder(a).eval()
    ids = torch.randint(0, a.vocab, (a.batch, a.width))
    mask = torch.ones(a.batch, a.width)
    with torch.no_grad():
        for _ in range(2):
            model(ids, mask)
        t0 = time.perf_counter()
        for _ in range(a.iterations):
            model(ids, mask)
        seconds = time.perf_counter() - t0
    h = a.hidden
    flops = a.layers * (8 * h * h + 4 * h * a.ffn + 4 * a.width * h) * a.batch * a.width \
        + 2 * h * h * a.batch
    print(json.dumps({"torch": torch.__version__, "gemm_gflops": gemm_gflops(),
                      "tokens_per_second": a.batch * a.width * a.iterations / seconds,
                      "model_gflops": flops * a.iterations / seconds / 1e9}))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""PyTorch reference for the training benchmark: same encoder shape, in-batch NCE, AdamW.

Prints one JSON line: gemm_gflops, tokens_per_second, model_gflops (three forward passes' FLOPs
per step, as the Java benchmark counts). Run by `embedspark bench-train` when /usr/bin/python3
has torch (Debian: python3-torch).
"""
import argparse
import importlib.util
import json
import os
import time

import torch
import torch.nn.functional as F

spec = importlib.util.spec_from_file_location(
    "torch_inference", os.path.join(os.path.dirname(__file__), "torch_inference.py"))
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)


def main():
    p = argparse.ArgumentParser()
    for name, default in (("vocab", 8000), ("hidden", 256), ("layers", 4), ("heads", 4),
                          ("ffn", 1024), ("pairs", 64), ("width", 64), ("steps", 3),
                          ("threads", 2)):
        p.add_argument("--" + name, type=int, default=default)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = ref.Encoder(a).train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)
    ids = torch.randint(0, a.vocab, (2 * a.pairs, a.width))
    mask = torch.ones(2 * a.pairs, a.width)

    def step():
        e = model(ids, mask)
        q, d = e[:a.pairs], e[a.pairs:]
        loss = F.cross_entropy(q @ d.T / 0.05, torch.arange(a.pairs))
        opt.zero_grad()
        loss.backward()
        opt.step()

    step()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    seconds = (time.perf_counter() - t0) / a.steps
    h = a.hidden
    forward = a.layers * (8 * h * h + 4 * h * a.ffn + 4 * a.width * h) * 2 * a.pairs * a.width \
        + 2 * h * h * 2 * a.pairs
    print(json.dumps({"torch": torch.__version__, "gemm_gflops": ref.gemm_gflops(),
                      "tokens_per_second": 2 * a.pairs * a.width / seconds,
                      "model_gflops": 3 * forward / seconds / 1e9}))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""PyTorch reference for the training benchmark: same encoder shape, in-batch NCE, AdamW, one
pass without a gradient cache (PyTorch eager, as a user's sentence-transformers fit would run).

With --batches FILE (or - for standard input, as `embedspark bench-train --data ...` passes
them), it runs exactly those token batches: each step embeds the queries padded to the longest
query and the passages padded to the longest passage, as a Hugging Face tokenizer pads each call.
Without it, random full-length sequences. Prints one JSON line: torch, gemm_gflops,
seconds_per_step, tokens_per_second (real tokens), model_gflops (three forward passes of FLOPs per
step, for random batches only), peak_mb (this process's peak resident memory). Needs Debian's
python3-torch.
"""
import argparse
import importlib.util
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

spec = importlib.util.spec_from_file_location(
    "torch_inference", os.path.join(os.path.dirname(__file__), "torch_inference.py"))
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)


def padded(rows):
    width = max(len(r) for r in rows)
    ids = torch.zeros(len(rows), width, dtype=torch.long)
    mask = torch.zeros(len(rows), width)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = torch.tensor(r)
        mask[i, :len(r)] = 1
    return ids, mask


def main():
    p = argparse.ArgumentParser()
    for name, default in (("vocab", 8000), ("hidden", 256), ("layers", 4), ("heads", 4),
                          ("ffn", 1024), ("positions", 512), ("output", 0), ("pairs", 64),
                          ("width", 64), ("steps", 3), ("threads", 2), ("warmup", 1)):
        p.add_argument("--" + name, type=int, default=default)
    p.add_argument("--batches")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = ref.Encoder(a).train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)
    if a.batches:
        if a.batches == "-":
            given = json.load(sys.stdin)
        else:
            with open(a.batches) as f:
                given = json.load(f)
        batches = [(padded(b["queries"]), padded(b["positives"])) for b in given]
    else:
        ids = torch.randint(0, a.vocab, (a.pairs, a.width))
        mask = torch.ones(a.pairs, a.width)
        batches = [((ids, mask), (ids.clone(), mask.clone()))] * a.steps

    def step(batch):
        (qi, qm), (pi, pm) = batch
        q, d = model(qi, qm), model(pi, pm)
        loss = F.cross_entropy(q @ d.T / 0.05, torch.arange(q.shape[0]))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    for _ in range(a.warmup):
        step(batches[0])
    t0 = time.perf_counter()
    for b in batches:
        step(b)
    seconds = (time.perf_counter() - t0) / len(batches)
    tokens = sum(float(qm.sum() + pm.sum()) for (_, qm), (_, pm) in batches) / len(batches)
    h = a.hidden
    forward = a.layers * (8 * h * h + 4 * h * a.ffn + 4 * a.width * h) * 2 * a.pairs * a.width \
        + 2 * h * h * 2 * a.pairs
    print(json.dumps({"torch": torch.__version__, "gemm_gflops": ref.gemm_gflops(),
                      "seconds_per_step": seconds, "tokens_per_second": tokens / seconds,
                      "model_gflops": 0 if a.batches else 3 * forward / seconds / 1e9,
                      "peak_mb": peak_mb()}))


def peak_mb():
    """VmHWM of this process image (getrusage's maxrss would include the JVM that started it)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return -1


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Golden values for AdamW, GradientClipping and LearningRateSchedule: PyTorch's own.

Three steps of torch.optim.AdamW on a weight (decayed) and a bias (not decayed) with given
gradients, global-norm clipping by torch.nn.utils.clip_grad_norm_, and a linear warmup/decay
schedule by torch.optim.lr_scheduler.LambdaLR.
    /usr/bin/python3 tools/golden/adamw.py > core/src/test/resources/golden/adamw.json
"""
import json

import torch

torch.manual_seed(1)
w = torch.nn.Parameter(torch.randn(3, 4, dtype=torch.float64))
b = torch.nn.Parameter(torch.randn(4, dtype=torch.float64))
start = {"w": w.detach().tolist(), "b": b.detach().tolist()}
opt = torch.optim.AdamW([{"params": [w], "weight_decay": 0.01},
                         {"params": [b], "weight_decay": 0.0}],
                        lr=1e-2, betas=(0.9, 0.98), eps=1e-6)
PEAK, WARMUP, TOTAL, FINAL = 1e-2, 2, 5, 0.1


def factor(step):  # LambdaLR passes the 0-based step; our schedule counts from 1
    s = step + 1
    if s <= WARMUP:
        return s / WARMUP
    return 1 - (1 - FINAL) * min(1.0, (s - WARMUP) / (TOTAL - WARMUP))


sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
grads, lrs, norms = [], [], []
for step in range(3):
    gw = torch.randn(3, 4, dtype=torch.float64) * 3
    gb = torch.randn(4, dtype=torch.float64) * 3
    grads.append({"w": gw.tolist(), "b": gb.tolist()})
    w.grad, b.grad = gw.clone(), gb.clone()
    norms.append(torch.nn.utils.clip_grad_norm_([w, b], max_norm=5.0).item())
    lrs.append(opt.param_groups[0]["lr"])
    opt.step()
    sched.step()
print(json.dumps({"start": start, "grads": grads, "lrs": lrs, "norms": norms,
                  "end": {"w": w.detach().tolist(), "b": b.detach().tolist()},
                  "schedule": [PEAK * factor(s - 1) for s in range(1, TOTAL + 1)]}))

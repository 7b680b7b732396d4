#!/usr/bin/python3
"""Golden values for GeminiNceLoss and MatryoshkaLoss: the loss of MISSION.md in PyTorch autograd.

    L_d = (1/B) sum_i -log( exp(s_ii/tau) / ( sum_k exp(s(q_i, n_ik)/tau)
                                               + sum_j mask(i,j) exp(s(q_i, p_j)/tau) ) )
    mask(i,j) = 0 when j != i and (q_i == q_j or p_i == p_j), else 1
    s = cosine of the first d coordinates; total = sum_d w_d L_d

Random inputs with duplicate queries and positives (equal keys, equal vectors) and 0..2 hard
negatives per row. Writes golden JSON with inputs, per-dim losses, total and gradients.
    /usr/bin/python3 tools/golden/gemini_loss.py > core/src/test/resources/golden/gemini_loss.json
"""
import json

import torch
import torch.nn.functional as F

torch.manual_seed(3)
B, D, TAU = 6, 8, 0.05
DIMS, WEIGHTS = [4, 8], [1.0, 0.5]
QUERY_KEYS = [0, 1, 0, 2, 3, 4]        # rows 0 and 2 share a query
POSITIVE_KEYS = [10, 11, 12, 11, 13, 14]  # rows 1 and 3 share a positive
NEGATIVES_PER_ROW = [0, 2, 1, 0, 2, 1]
K = max(NEGATIVES_PER_ROW)

q = F.normalize(torch.randn(B, D, dtype=torch.float64), dim=-1)
q[2] = q[0]
p = F.normalize(torch.randn(B, D, dtype=torch.float64), dim=-1)
p[3] = p[1]
n = F.normalize(torch.randn(B, K, D, dtype=torch.float64), dim=-1)
q.requires_grad_(True)
p.requires_grad_(True)
n.requires_grad_(True)

qk = torch.tensor(QUERY_KEYS)
pk = torch.tensor(POSITIVE_KEYS)
same = (qk[:, None] == qk[None, :]) | (pk[:, None] == pk[None, :])
keep = ~same | torch.eye(B, dtype=torch.bool)
has_neg = torch.arange(K)[None, :] < torch.tensor(NEGATIVES_PER_ROW)[:, None]


def nce(d):
    qd, pd, nd = (F.normalize(t[..., :d], dim=-1) for t in (q, p, n))
    s = qd @ pd.T / TAU
    s = s.masked_fill(~keep, float("-inf"))
    sn = torch.einsum("id,ikd->ik", qd, nd) / TAU
    sn = sn.masked_fill(~has_neg, float("-inf"))
    denominator = torch.logsumexp(torch.cat([s, sn], dim=1), dim=1)
    return (denominator - s.diagonal()).mean()


losses = [nce(d) for d in DIMS]
total = sum(w * l for w, l in zip(WEIGHTS, losses))
total.backward()


def rows(t):
    return t.detach().tolist()


print(json.dumps({
    "torch": torch.__version__, "temperature": TAU, "dims": DIMS, "weights": WEIGHTS,
    "query_keys": QUERY_KEYS, "positive_keys": POSITIVE_KEYS,
    "negatives_per_row": NEGATIVES_PER_ROW,
    "queries": rows(q), "positives": rows(p),
    "negatives": [rows(n[i, :NEGATIVES_PER_ROW[i]]) for i in range(B)],
    "losses": [l.item() for l in losses], "total": total.item(),
    "grad_queries": rows(q.grad), "grad_positives": rows(p.grad),
    "grad_negatives": [rows(n.grad[i, :NEGATIVES_PER_ROW[i]]) for i in range(B)],
}))

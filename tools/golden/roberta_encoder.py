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
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bert_encoder import bert_states, random_weights, write_safetensors  # noqa: E402

PAD = 1
CONFIG = dict(vocab_size=40, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
              intermediate_size=64, max_position_embeddings=16 + PAD + 1, type_vocab_size=1,
              layer_norm_eps=1e-5, hidden_act="gelu", model_type="xlm-roberta",
              architectures=["XLMRobertaForMaskedLM"], hidden_dropout_prob=0.1,
              attention_probs_dropout_prob=0.1, initializer_range=0.02, pad_token_id=PAD,
              bos_token_id=0, eos_token_id=2, position_embedding_type="absolute")
OUTPUT_DIM = 12


def roberta_pooled(w, ids):
    """Mean-pooled last hidden states of XLM-RoBERTa: BERT's layers (bert_encoder.bert_states)
    with positions counted after the padding index, as transformers'
    create_position_ids_from_input_ids."""
    real = (ids != PAD).long()
    pos = torch.cumsum(real, dim=1) * real + PAD
    mask = real.double()
    m = mask.unsqueeze(-1)
    return (bert_states(w, ids, mask, pos, CONFIG) * m).sum(1) / m.sum(1)


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
    w = random_weights(gen, CONFIG)
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

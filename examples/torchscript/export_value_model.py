#!/usr/bin/env python3
"""Export a PyTorch value model as TorchScript for arts-verifier.

arts-verifier serves a value model trained elsewhere, for the `text` task:

  arts-verifier --model value.pt --tokenizer_model tokenizer.model

What the model must take and give (docs/verifier.md, "A TorchScript value
model"):

  forward(tokens: LongTensor[B, T], boundaries: LongTensor[B, S])
      -> Tensor[B, S]

  tokens      each trace: 1 (begin), then the problem's SentencePiece pieces,
              2, then each step's pieces, each followed by 2; piece p is
              token 3 + p; 0 pads to T.
  boundaries  the positions of the 2s: entry 0 ends the problem alone, entry
              i the trace after step i; padded with 0 to S.
  returns     log F at each boundary: the log of the probability that the
              generator, continuing from that prefix, ends right (<= 0).
              Entries past a trace's own prefixes are ignored.

The model here is a small GRU with random weights (or --weights, a
state_dict of the same module): replace ValueModel with your own and keep
forward's signature. --reference scores a JSON Lines file of
{"problem", "steps"} with the exported model and writes what it gives, so
that a served model can be checked against PyTorch's own output.

  python3 examples/torchscript/export_value_model.py \\
      --tokenizer tokenizer.model --out value.pt \\
      [--reference traces.jsonl --expected expected.jsonl]

Uses Debian's python3-torch (1.13, the LibTorch arts-verifier links) and
python3-sentencepiece.
"""

import argparse
import json

import sentencepiece
import torch
import torch.nn.functional as F

PAD, BEGIN, END, FIRST_PIECE = 0, 1, 2, 3


class ValueModel(torch.nn.Module):
    """Tokens in, log F at each prefix's end out. A GRU reads left to right,
    so the output at a boundary sees that prefix only."""

    def __init__(self, vocab: int, width: int = 32):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab, width)
        self.rnn = torch.nn.GRU(width, width, batch_first=True)
        self.head = torch.nn.Linear(width, 1)

    def forward(self, tokens: torch.Tensor,
                boundaries: torch.Tensor) -> torch.Tensor:
        hidden, _ = self.rnn(self.embed(tokens))
        log_flow = F.logsigmoid(self.head(hidden).squeeze(-1))
        return log_flow.gather(1, boundaries)


def encode(sp, problem, steps):
    """(tokens, boundaries) of one trace, as arts-verifier encodes it."""
    tokens, boundaries = [BEGIN], []
    for segment in [problem] + list(steps):
        tokens += [FIRST_PIECE + p for p in sp.encode(segment)]
        tokens.append(END)
        boundaries.append(len(tokens) - 1)
    return tokens, boundaries


def batch(encoded):
    width = max(len(t) for t, _ in encoded)
    prefixes = max(len(b) for _, b in encoded)
    tokens = torch.zeros(len(encoded), width, dtype=torch.long)
    bounds = torch.zeros(len(encoded), prefixes, dtype=torch.long)
    for i, (t, b) in enumerate(encoded):
        tokens[i, :len(t)] = torch.tensor(t)
        bounds[i, :len(b)] = torch.tensor(b)
    return tokens, bounds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tokenizer", required=True,
                        help="the SentencePiece .model the traces are read with")
    parser.add_argument("--out", required=True, help="the TorchScript file")
    parser.add_argument("--weights", default="",
                        help="a state_dict of ValueModel; empty: random")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reference", default="",
                        help="JSON Lines of {problem, steps} to score")
    parser.add_argument("--expected", default="",
                        help="where to write their log F, one list a line")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    sp = sentencepiece.SentencePieceProcessor(model_file=args.tokenizer)
    model = ValueModel(FIRST_PIECE + sp.get_piece_size())
    if args.weights:
        model.load_state_dict(torch.load(args.weights))
    model.eval()
    scripted = torch.jit.script(model)
    scripted.save(args.out)
    print(f"wrote {args.out}: {sum(p.numel() for p in model.parameters())} "
          f"parameters, vocabulary {FIRST_PIECE + sp.get_piece_size()}")
    if args.reference:
        with open(args.reference) as f:
            traces = [json.loads(line) for line in f if line.strip()]
        encoded = [encode(sp, t["problem"], t["steps"]) for t in traces]
        with torch.no_grad():
            out = torch.jit.load(args.out)(*batch(encoded)).double()
        with open(args.expected, "w") as f:
            for i, (_, bounds) in enumerate(encoded):
                f.write(json.dumps(out[i, :len(bounds)].tolist()) + "\n")
        print(f"wrote {args.expected}: {len(traces)} traces scored")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Train the reply-link model on features dumped by the Swift replay, and write its weights.

The features come from the Swift engine itself (one implementation), dumped by
`rapport replay --features-out PREFIX LOG...` as PREFIX.f32 (float32 rows of
len(LinkFeature) values, the self candidate first) and PREFIX.idx (one line per message:
"NAME LINE c0,c1,..." with the candidates' line numbers). The gold links come from the
corpus annotations (Kummerfeld et al., ACL 2019, CC BY 4.0).

The model ranks a message's candidates with a softmax; the loss is -log of the probability
of the gold antecedents. Optionally a small hidden layer is added to the linear term; its
activation is a cheap stand-in for tanh, the very function the Swift linker runs.

    train_link_model.py --train PREFIX --gold DIR [--dev PREFIX --dev-gold DIR]
                        [--hidden N] [--epochs N] [--average N] [--seed N]
                        [--out LinkModel+Weights.swift]

Only train and dev are ever used; the corpus's test split is not in the project.
"""
import argparse, os, re, sys
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FEATURE_FILE = os.path.join(HERE, '..', 'Linking', 'LinkFeature.swift')


def feature_names():
    names = []
    for line in open(FEATURE_FILE):
        m = re.match(r'\s*case (\w+)\s*$', line)
        if m:
            names.append(m.group(1))
    return names


def read_gold(directory):
    gold = {}
    for name in os.listdir(directory):
        if not name.endswith('.annotation.txt'):
            continue
        log = name[:-len('.annotation.txt')]
        for line in open(os.path.join(directory, name)):
            nums = [int(t) for t in line.split() if t.lstrip('-').isdigit()]
            if len(nums) < 2:
                continue
            a, b = max(nums[:2]), min(nums[:2])
            gold.setdefault((log, a), set()).add(b)
    return gold


def load(prefix, gold, nfeat):
    x = np.fromfile(prefix + '.f32', dtype=np.float32).reshape(-1, nfeat)
    starts, labels, keys, cands = [], [], [], []
    row = 0
    skipped = 0
    keep_rows = []
    for line in open(prefix + '.idx'):
        name, num, cs = line.split()
        num = int(num)
        c = [int(v) for v in cs.split(',')]
        g = gold.get((name, num))
        if g is not None:
            lab = np.array([ci in g for ci in c], dtype=np.float32)
            keys.append((name, num, g))
            cands.append(c)
            if lab.sum() > 0:
                keep_rows.append(np.arange(row, row + len(c)))
                labels.append(lab)
            else:
                skipped += 1
        row += len(c)
    assert row == x.shape[0], (row, x.shape)
    idx = np.concatenate(keep_rows)
    sizes = np.array([len(k) for k in keep_rows])
    offs = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return dict(x=x[idx], y=np.concatenate(labels), offs=offs, sizes=sizes, skipped=skipped,
                allx=x, keys=keys, cands=cands)


def activation(a):
    """x(27 + x²)/(27 + 9x²) with x clamped to ±3: within 0.024 of tanh, smooth, ±1 from ±3 on,
    and a few instructions per unit (`LinkModel.activation` in Swift)."""
    c = np.clip(a, -3, 3)
    c2 = c * c
    return c * (27 + c2) / (27 + 9 * c2)


def activation_slope(a):
    """The derivative of `activation`: (9 - x²)² / (9 (3 + x²)²) inside ±3, 0 outside."""
    c2 = np.minimum(a * a, 9)
    return (9 - c2) ** 2 / (9 * (3 + c2) ** 2)


class Model:
    def __init__(self, nfeat, hidden, rng):
        self.w = np.zeros(nfeat, dtype=np.float64)
        self.hidden = hidden
        if hidden:
            self.W1 = rng.normal(0, 0.1, (hidden, nfeat))
            self.b1 = np.zeros(hidden)
            self.w2 = rng.normal(0, 0.1, hidden)

    def params(self):
        return [self.w] + ([self.W1, self.b1, self.w2] if self.hidden else [])

    def scores(self, x):
        s = x @ self.w
        if self.hidden:
            a = x @ self.W1.T + self.b1
            h = activation(a)
            s = s + h @ self.w2
            return s, (h, a)
        return s, None


def segment_softmax_loss(s, y, offs, sizes):
    m = np.maximum.reduceat(s, offs)
    e = np.exp(s - np.repeat(m, sizes))
    z = np.add.reduceat(e, offs)
    zg = np.add.reduceat(e * y, offs)
    loss = -np.sum(np.log(zg / z + 1e-12))
    p = e / np.repeat(z, sizes)
    pg = e * y / np.repeat(zg, sizes)
    return loss, p - pg  # gradient of the loss with respect to the scores


def train(model, d, epochs, lr, l2, batch, rng, aux=0.0, average=1):
    """Adam on the softmax loss; with `average` > 1 the model ends as the mean of its weights
    after each of the last `average` epochs (an average along one run, so its hidden units
    still correspond)."""
    params = model.params()
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    t = 0
    nq = len(d['offs'])
    snapshots = []
    for epoch in range(epochs):
        order = rng.permutation(nq)
        total = 0.0
        for b in range(0, nq, batch):
            qs = np.sort(order[b:b + batch])
            rows = np.concatenate([np.arange(d['offs'][q], d['offs'][q] + d['sizes'][q]) for q in qs])
            x, y = d['x'][rows], d['y'][rows]
            sizes = d['sizes'][qs]
            offs = np.concatenate([[0], np.cumsum(sizes)[:-1]])
            s, hidden = model.scores(x)
            loss, g = segment_softmax_loss(s, y, offs, sizes)
            total += loss
            grads = [x.T @ g + l2 * model.w]
            if model.hidden and aux:
                # The linear part alone must rank well too: the Swift linker shortlists
                # candidates by it and scores only the shortlist with the hidden layer.
                _, g_lin = segment_softmax_loss(x @ model.w, y, offs, sizes)
                grads[0] += aux * (x.T @ g_lin)
            if model.hidden:
                h, a = hidden  # the units' outputs and their sums before the activation
                gh = np.outer(g, model.w2) * activation_slope(a)
                grads += [gh.T @ x + l2 * model.W1, gh.sum(0), h.T @ g + l2 * model.w2]
            t += 1
            for i, (p, gr) in enumerate(zip(params, grads)):
                m[i] = 0.9 * m[i] + 0.1 * gr
                v[i] = 0.999 * v[i] + 0.001 * gr * gr
                p -= lr * (m[i] / (1 - 0.9 ** t)) / (np.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8)
        print(f'epoch {epoch + 1}: loss {total / nq:.4f}', file=sys.stderr)
        if epochs - epoch <= average:
            snapshots.append([p.copy() for p in params])
    if average > 1:
        for i, p in enumerate(params):
            p[...] = np.mean([snapshot[i] for snapshot in snapshots], axis=0)


def evaluate(model, prefix, gold, nfeat):
    x = np.fromfile(prefix + '.f32', dtype=np.float32).reshape(-1, nfeat)
    s, _ = model.scores(x)
    row = 0
    hit = pred = 0
    seen = set()
    for line in open(prefix + '.idx'):
        name, num, cs = line.split()
        num = int(num)
        c = [int(v) for v in cs.split(',')]
        best = c[int(np.argmax(s[row:row + len(c)]))]
        row += len(c)
        g = gold.get((name, num))
        if g is None:
            continue
        seen.add((name, num))
        pred += 1
        hit += best in g
    # Annotated lines not in the dump are system lines: the replay links them to themselves.
    gold_n = sum(len(g) for g in gold.values())
    for (name, num), g in gold.items():
        if (name, num) not in seen and any(k[0] == name for k in seen):
            pred += 1
            hit += num in g
    p = hit / pred if pred else 0
    r = hit / gold_n if gold_n else 0
    return 100 * 2 * p * r / (p + r) if p + r else 0


def swift_array(values):
    out = []
    line = '        '
    for v in values:
        item = f'{float(v):.6g}, '
        if len(line) + len(item) > 118:
            out.append(line.rstrip())
            line = '        '
        line += item
    out.append(line.rstrip())
    return '\n'.join(out)


def write_swift(model, names, path, note):
    with open(path, 'w') as f:
        f.write('// Generated by Training/train_link_model.py; do not edit. Regenerate with the commands in\n')
        f.write('// README.md (Reciprocity engine). ' + note + '\n')
        f.write('extension LinkModel {\n')
        f.write('    /// The trained reply-link model.\n')
        f.write('    public static let trained = LinkModel(\n')
        f.write('        featureNames: [\n')
        f.write('\n'.join(f'            "{n}",' for n in names) + '\n        ],\n')
        f.write('        linear: [\n' + swift_array(model.w) + '\n        ]')
        if model.hidden:
            f.write(',\n        hiddenWeights: [\n' + swift_array(model.W1.T.reshape(-1)) + '\n        ],\n')
            f.write('        hiddenBias: [\n' + swift_array(model.b1) + '\n        ],\n')
            f.write('        outputWeights: [\n' + swift_array(model.w2) + '\n        ]')
        f.write('\n    )\n}\n')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--train', required=True)
    ap.add_argument('--gold', required=True)
    ap.add_argument('--dev')
    ap.add_argument('--dev-gold')
    ap.add_argument('--hidden', type=int, default=0)
    ap.add_argument('--epochs', type=int, default=8)
    ap.add_argument('--lr', type=float, default=0.01)
    ap.add_argument('--l2', type=float, default=1e-4)
    ap.add_argument('--batch', type=int, default=512)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--aux', type=float, default=1.0, help='weight of the linear-part-alone loss (hidden models)')
    ap.add_argument('--average', type=int, default=1, help='average the weights after each of the last N epochs')
    ap.add_argument('--out')
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    names = feature_names()
    gold = read_gold(args.gold)
    d = load(args.train, gold, len(names))
    print(f'train: {len(d["offs"])} messages, {d["skipped"]} with no gold candidate in the window', file=sys.stderr)
    model = Model(len(names), args.hidden, rng)
    train(model, d, args.epochs, args.lr, args.l2, args.batch, rng, args.aux, args.average)
    train_f1 = evaluate(model, args.train, gold, len(names))
    note = f'train F1 {train_f1:.1f}'
    print(f'train F1 (approx.) {train_f1:.1f}')
    if args.dev:
        dev_f1 = evaluate(model, args.dev, read_gold(args.dev_gold), len(names))
        print(f'dev F1 (approx.) {dev_f1:.1f}')
        note += f', dev F1 {dev_f1:.1f}'
    if args.out:
        write_swift(model, names, args.out, (f'hidden={args.hidden} epochs={args.epochs} aux={args.aux} average={args.average} '
                    f'seed={args.seed} ({note}).'))
        print(f'wrote {args.out}', file=sys.stderr)
    top = sorted(zip(model.w, names), key=lambda t: -abs(t[0]))[:25]
    print(' '.join(f'{n}={w:.2f}' for w, n in top), file=sys.stderr)


if __name__ == '__main__':
    main()

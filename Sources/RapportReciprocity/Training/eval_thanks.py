#!/usr/bin/env python3
"""Evaluate thanks credit on the corpus, from the events a replay wrote.

    rapport replay --events-out dev-events.jsonl DEV/*.raw.txt
    eval_thanks.py --events dev-events.jsonl --corpus DEV [--labels dev-thanks-labels.txt]

Only annotated messages (line >= 1000) count. Figures:

- credit accuracy: among messages credited as thanks whose gold annotation links them to an
  earlier message by another user, the share where the credited nick is that message's author
  (the author of one of the gold antecedents, when there are several);
- false-credit rate: the share of credits given on messages that thank no one. Whether a
  message thanks someone is a human judgement: `--labels` lists, one per line as
  "NAME LINE", the credited messages a person read and found to thank no one. Messages not
  listed count as real thanks, so the file must be reviewed again whenever the detector
  changes (the script prints every credited message with --show to make that easy).

Corpus: Kummerfeld et al., ACL 2019, CC BY 4.0.
"""
import argparse, json, os, re

LINE = re.compile(r'^\[\d\d:\d\d\] (?:<([^>]+)>|\s*\* (\S+))')


def author(raw_line):
    m = LINE.match(raw_line)
    return (m.group(1) or m.group(2)) if m else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--events', required=True)
    ap.add_argument('--corpus', required=True)
    ap.add_argument('--labels')
    ap.add_argument('--show', action='store_true')
    args = ap.parse_args()

    raw, gold = {}, {}
    for name in os.listdir(args.corpus):
        if name.endswith('.raw.txt'):
            log = name[:-len('.raw.txt')]
            raw[log] = open(os.path.join(args.corpus, name), encoding='utf-8', errors='replace').read().split('\n')
            for line in open(os.path.join(args.corpus, log + '.annotation.txt')):
                nums = [int(t) for t in line.split() if t.lstrip('-').isdigit()]
                if len(nums) >= 2:
                    a, b = max(nums[:2]), min(nums[:2])
                    gold.setdefault((log, a), set()).add(b)
    not_thanks = set()
    if args.labels:
        for line in open(args.labels):
            parts = line.split('#')[0].split()
            if len(parts) >= 2:
                not_thanks.add((parts[0], int(parts[1])))

    credited = {}
    for line in open(args.events):
        e = json.loads(line)
        if e['kind'] == 'thanked' and e['line'] >= 1000:
            credited.setdefault((e['file'], e['line']), []).append(e['to'])

    scored = right = 0
    false_credits = credits = 0
    fold = lambda n: n.lower().translate(str.maketrans('[]\\~', '{}|^'))
    for (log, num), nicks in sorted(credited.items()):
        credits += len(nicks)
        thanker = author(raw[log][num])
        if (log, num) in not_thanks:
            false_credits += len(nicks)
            verdict = 'NOT THANKS'
        else:
            antecedents = {b for b in gold.get((log, num), set()) if b != num}
            authors = {fold(a) for a in (author(raw[log][b]) for b in antecedents) if a and fold(a) != fold(thanker or '')}
            verdict = 'no gold reply'
            if authors:
                scored += 1
                ok = any(fold(n) in authors for n in nicks)
                right += ok
                verdict = 'right' if ok else f'WRONG (gold {sorted(authors)})'
        if args.show:
            print(f'{log} {num} -> {",".join(nicks)}: {verdict} | {raw[log][num][:120]}')
    print(f'thanks credit accuracy: {right}/{scored} = {100 * right / max(scored, 1):.1f}%')
    print(f'false credits: {false_credits}/{credits} = {100 * false_credits / max(credits, 1):.1f}% '
          f'of credits given on messages that thank no one')


if __name__ == '__main__':
    main()

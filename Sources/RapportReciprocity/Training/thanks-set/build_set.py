#!/usr/bin/env python3
"""Build thanks-set.jsonl from labels.txt and the corpus's train split.

    build_set.py --corpus CORPUS/train [--labels labels.txt] [--out thanks-set.jsonl]

Each item carries the raw log lines before its message (at least --context lines, more when a
credited nick last spoke earlier, at most --max-context), so the engine can be replayed on it
without the corpus: who is present, who spoke to whom, and the reply links all come from them.

CORPUS is the Ubuntu IRC corpus (../shared/data/ubuntu-irc from the repository root):
Kummerfeld et al., ACL 2019, CC BY 4.0.
"""
import argparse, json, os, re, sys

MESSAGE = re.compile(r'^\[\d\d:\d\d\] (?:<([^>]+)> ?|\s*\* (\S+) )')


def author(line):
    m = MESSAGE.match(line)
    return (m.group(1) or m.group(2)) if m else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--corpus', required=True)
    ap.add_argument('--labels', default='labels.txt')
    ap.add_argument('--out', default='thanks-set.jsonl')
    ap.add_argument('--context', type=int, default=30)
    ap.add_argument('--max-context', type=int, default=120)
    args = ap.parse_args()
    assert '/dev' not in os.path.abspath(args.corpus), 'the thanks set comes from train only'
    logs, items, problems = {}, [], 0
    for row in open(args.labels, encoding='utf-8'):
        if not row.strip() or row.startswith('#'):
            continue
        name, number, kind, credit, _ = row.split(' ', 4)
        number = int(number)
        if name not in logs:
            path = os.path.join(args.corpus, name + '.raw.txt')
            logs[name] = open(path, encoding='utf-8', errors='replace').read().split('\n')
        lines = logs[name]
        credited = [] if credit == '-' else credit.split(',')
        start = max(0, number - args.context)
        for nick in credited:
            spoke = [n for n in range(number - 1, max(-1, number - args.max_context - 1), -1)
                     if (author(lines[n]) or '').lower() == nick.lower()]
            if not spoke:
                print(f'{name} {number}: {nick} did not speak in the {args.max_context} lines before', file=sys.stderr)
                problems += 1
            else:
                start = min(start, spoke[0])
        items.append({'source': f'{name}:{number}', 'kind': kind, 'credit': credited,
                      'context': lines[start:number], 'line': lines[number]})
    with open(args.out, 'w', encoding='utf-8') as out:
        for item in items:
            out.write(json.dumps(item, ensure_ascii=False) + '\n')
    print(f'{len(items)} items, {problems} credited nicks missing from their context', file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == '__main__':
    main()

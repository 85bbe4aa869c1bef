#!/usr/bin/env python3
"""Select candidate lines for the thanks set from the corpus's TRAIN split (never dev).

    select_candidates.py --corpus CORPUS/train > candidates.txt

Prints, per candidate, "NAME LINE HINT # <nick> text" plus, for reading, the author(s) of its gold
antecedents (annotated lines only) and the nicks seen in the context. Every line matching a hard
case is taken (they are rare); real thanks are taken as a sample spread over their spellings,
chosen by a hash of NAME and LINE so the selection is the same on every run. The hint only says
why a line was picked; the kind and the credit in labels.txt are a person's reading of the line
in its context.

CORPUS is the Ubuntu IRC corpus (../shared/data/ubuntu-irc from the repository root):
Kummerfeld et al., ACL 2019, CC BY 4.0.
"""
import argparse, hashlib, os, re

MESSAGE = re.compile(r'^\[\d\d:\d\d\] (?:<([^>]+)> ?|\s*\* (\S+) )(.*)$')
THANKS = re.compile(r"\b(thanks|thank|thanx|thnx|thx|ty|tyvm|cheers|appreciated?|kudos|merci|danke|gracias)\b", re.I)
HARD = [  # (hint, pattern on the text), first match wins
    ('software-plusplus', re.compile(r'(^|[^\w+])(c|g|notepad|libstdc|k3b|j)\+\+', re.I)),
    ('plusplus', re.compile(r'\+\+')),
    ('in-advance', re.compile(r"\btia\b|in adv|ahead of time|for any help|in advance|beforehand|thanks for (any|your) (help|time|ideas|suggestions)", re.I)),
    ('declined', re.compile(r"\bno,? (thanks|thx|ty|thank you)\b|thanks,? but no", re.I)),
    ('sarcastic', re.compile(r"thanks? (a lot )?for nothing|thanks a (lot|bunch) for (breaking|ruining|nothing)|gee,? thanks|thanks,? captain|yeah,? thanks|thanks a lot\.{2,}|thank god|thank goodness", re.I)),
    ('quoted', re.compile(r"<[^<> ]+>.*\b(thanks|thank|thx|ty)\b|\"[^\"]*\b(thanks|thank|thx|ty)\b[^\"]*\"", re.I)),
    ('bot', re.compile(r"\bub(o|ot)t?u\b|\bubot\w*", re.I)),
    ('question', re.compile(r"\b(thanks|thank|thx|ty)\b.*\?|\?.*\b(thanks|thank|thx|ty)\b", re.I)),
]
T = r"(thanks|thank|thx|ty|thanx|cheers)"
# The second pass (--second-pass): look-alikes the first left thin, among lines not yet labelled.
SECOND = [
    ('mention', re.compile(r"\b(said|says|told|tells|ask|asked)\b.*\b" + T + r"\b|\b" + T + r"\b.*\b(said|says|told|tell)\b", re.I)),
    ('quoted', re.compile(r"[\"“'][^\"”']*\b" + T + r"\b[^\"”']*[\"”']", re.I)),
    ('absent', re.compile(r"\b(thanks|thank|thx) (to )?(canonical|ubuntu|debian|mark|shuttleworth|the devs|developers|linus|god|microsoft|google|whoever)", re.I)),
    ('sarcastic', re.compile(r"(great|gee|wow|oh|well),? (thanks|thx)\b|thanks a lot\.{2,}|\bthanks?\b.*\b(not|useless|nothing)\b", re.I)),
]
SPELLINGS = ['thanks', 'thank you', 'thx', 'ty', 'tyvm', 'cheers', 'thank u', 'thanx', 'appreciate', 'thnx', 'kudos']


def stable(name, line):
    return int(hashlib.sha1(f'{name}:{line}'.encode()).hexdigest()[:8], 16)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--corpus', required=True)
    ap.add_argument('--per-spelling', type=int, default=12)
    ap.add_argument('--per-hint', type=int, default=60, help='at most this many lines of one hard case')
    ap.add_argument('--second-pass', metavar='LABELS', help='the second pass: lines not in LABELS (40 sarcasm candidates)')
    args = ap.parse_args()
    assert '/dev' not in os.path.abspath(args.corpus), 'the thanks set comes from train only'
    picked, hard, real = [], {}, {}
    labelled = set()
    if args.second_pass:
        labelled = {(r.split()[0], int(r.split()[1])) for r in open(args.second_pass) if r.strip()}
    for file in sorted(os.listdir(args.corpus)):
        if not file.endswith('.raw.txt'):
            continue
        name = file[:-len('.raw.txt')]
        lines = open(os.path.join(args.corpus, file), encoding='utf-8', errors='replace').read().split('\n')
        gold = {}
        annotation = os.path.join(args.corpus, name + '.annotation.txt')
        for row in open(annotation):
            nums = [int(t) for t in row.split()[:2]]
            if len(nums) == 2:
                gold.setdefault(max(nums), set()).add(min(nums))
        for number, raw in enumerate(lines):
            m = MESSAGE.match(raw)
            if not m or number < 50:
                continue
            nick, text = m.group(1) or m.group(2), m.group(3)
            if len(text) > 300 or (name, number) in labelled:
                continue
            if args.second_pass:
                hint = next((h for h, p in SECOND if p.search(text)), None)
                if hint:
                    hard.setdefault(hint, []).append((stable(name, number), name, number, nick, text, gold.get(number, set()), lines))
                continue
            hint = next((h for h, p in HARD if p.search(text)), None)
            if hint in ('bot', 'question') and not THANKS.search(text):
                hint = None
            if hint is None and THANKS.search(text):
                lower = text.lower()
                spelling = next((s for s in SPELLINGS if re.search(r'\b' + s + r'\b', lower)), 'other')
                real.setdefault(spelling, []).append((stable(name, number), name, number, nick, text, gold.get(number, set()), lines))
                continue
            if hint:
                hard.setdefault(hint, []).append((stable(name, number), name, number, nick, text, gold.get(number, set()), lines))
    for hint, rows in sorted(hard.items()):
        limit = 40 if args.second_pass and hint == 'sarcastic' else len(rows) if args.second_pass else args.per_hint
        for _, name, number, nick, text, antecedents, lines in sorted(rows)[:limit]:
            picked.append((name, number, hint, nick, text, antecedents, lines))
    for spelling, rows in sorted(real.items()):
        for _, name, number, nick, text, antecedents, lines in sorted(rows)[:args.per_spelling]:
            picked.append((name, number, 'thanks:' + spelling, nick, text, antecedents, lines))
    for name, number, hint, nick, text, antecedents, lines in sorted(picked):
        authors = []
        for a in sorted(antecedents):
            m = MESSAGE.match(lines[a]) if a != number else None
            if m:
                authors.append(m.group(1) or m.group(2))
        print(f'{name} {number} {hint} # <{nick}> {text}    [gold: {",".join(authors) or "-"}]')


if __name__ == '__main__':
    main()

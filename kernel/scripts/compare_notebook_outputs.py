"""Text outputs of two folders of executed notebooks, compared after masking what measures time; prints the rest.

Usage: python3 kernel/scripts/compare_notebook_outputs.py BEFORE_DIR AFTER_DIR"""
import difflib, json, os, re, sys
MASKS = [(re.compile(r'\[\d+:\d+<\d+:\d+, [\d.]+ it/s\]'), '[time]'),
         (re.compile(r'CPU time: [\d.]+ \w+, Wall time: [\d.]+ \w+'), 'CPU/wall time'),
         (re.compile(r'\b\d+(\.\d+)? s in all'), 'T s in all'),
         (re.compile(r'\|\s+[\d.]+\s+\|\s*$'), '| tokens_per_sec |')]
def texts(path):
    cells = []
    for c in json.load(open(path))['cells']:
        if c['cell_type'] != 'code':
            continue
        parts = []
        for o in c.get('outputs', []):
            if o['output_type'] == 'stream':
                text = ''.join(o['text'])
                if parts and parts[-1].startswith(o['name'] + ': '):  # one stream, flushed in other chunks
                    parts[-1] += text
                else:
                    parts.append(o['name'] + ': ' + text)
            elif o['output_type'] in ('execute_result', 'display_data') and 'text/plain' in o.get('data', {}):
                parts.append(''.join(o['data']['text/plain']))
            elif o['output_type'] == 'error':
                parts.append('error: %s: %s' % (o.get('ename'), o.get('evalue')))
        lines = []
        for l in '\n'.join(parts).split('\n'):
            for rx, rep in MASKS:
                l = rx.sub(rep, l)
            lines.append(l)
        cells.append(lines)
    return cells
a, b = sys.argv[1:3]
total = same = 0
for name in sorted(n for n in os.listdir(b) if n.endswith('.ipynb')):
    ca, cb = texts(os.path.join(a, name)), texts(os.path.join(b, name))
    n_diff = 0
    for i, (x, y) in enumerate(zip(ca, cb)):
        total += 1
        if x == y:
            same += 1
            continue
        n_diff += 1
        for d in difflib.unified_diff(x, y, lineterm='', n=0):
            if not d.startswith(('---', '+++', '@@')):
                print('  %s cell %d: %s' % (name, i, d[:200]))
    print('%s: %d code cells, %d differ after masking times' % (name, len(ca), n_diff))
print('code cells compared:', total, 'identical after masking times:', same)

#!/usr/bin/env python3
"""Grades pooled products for each query of queries.tsv by reading them (see README.md).

usage: judge.py products.tsv pool1.tsv [pool2.tsv ...] > judgments.csv
  products.tsv: `relevance --catalog bundled --export products.tsv` (id, brand, category path, product type, title)
  poolN.tsv:    `relevance --catalog bundled --dump poolN.tsv` (query, rank, id, score): the top PER_RANKING of each
plus a ranking of its own that knows nothing of the store's search: the products of the query's categories (or,
for a model number, the products naming it) with the most query words in the title.
"""
import csv, glob, json, os, re, sys, zipfile

PER_RANKING = 30
HERE = os.path.dirname(os.path.abspath(__file__))
ICECAT = os.path.join(HERE, '..', '..', 'src', 'Bazaar.Web', 'Catalog', 'icecat')


def compact(text):
    return re.sub(r'[^a-z0-9]', '', text.lower())


def load_models():
    models = {}
    for path in sorted(glob.glob(os.path.join(ICECAT, '*.zip'))):
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                for p in json.loads(z.read(name)):
                    models[str(p['id'])] = p.get('name') or ''
    return models


def read_queries():
    queries = []
    with open(os.path.join(HERE, 'queries.tsv'), encoding='utf-8') as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            q, kind, cats, brand, must, about = line.rstrip('\n').split('\t')
            queries.append(dict(query=q, kind=kind, cats=cats, brand=brand, must=must, about=about))
    return queries


def grade(q, p):
    """3: is what was asked; 2: the type asked, partly (a near category); 1: related (the type from another brand or
    of another size, or a product for it); 0: not what was asked."""
    title = p['title']
    if q['cats'] == '@model':
        code = compact(q['must'])
        if code in compact(p['model']) or code == compact(p['model']):
            return 3
        return 1 if code in compact(title) else 0
    leaf = p['category'].split(' > ')[-1]
    full = [c for c in q['cats'].split(';') if not c.startswith('~')]
    part = [c[1:] for c in q['cats'].split(';') if c.startswith('~')]
    if leaf in full or leaf in part:
        g = 3 if leaf in full else 2
        if q['brand'] and p['brand'].lower() != q['brand'].lower():
            g = 1
        if q['must'] and not re.search(q['must'], title, re.I):
            g = 1
        return g
    if q['about'] and re.search(q['about'], title, re.I):
        return 1
    return 0


def own_ranking(q, products):
    """Products of the query's categories (or naming its model), most query words in the title first."""
    words = [w for w in re.findall(r'[a-z0-9]+', q['query'].lower()) if len(w) > 1]
    if q['cats'] == '@model':
        code = compact(q['must'])
        pool = [p for p in products if code in compact(p['title']) or code in compact(p['model'])]
    else:
        cats = {c.lstrip('~') for c in q['cats'].split(';')}
        pool = [p for p in products if p['category'].split(' > ')[-1] in cats]

    def key(p):
        t = p['title'].lower()
        return (-sum(w in t for w in words), -(p['brand'].lower() == q['brand'].lower()),
                -bool(q['must'] and re.search(q['must'], p['title'], re.I)), len(t), p['id'])
    return [p['id'] for p in sorted(pool, key=key)[:PER_RANKING]]


def main():
    models = load_models()
    products = []
    with open(sys.argv[1], encoding='utf-8') as f:
        for line in f:
            pid, brand, category, ptype, title = line.rstrip('\n').split('\t')
            products.append(dict(id=pid, brand=brand, category=category, type=ptype, title=title, model=models.get(pid, '')))
    # Products whose derived category a person reading them would not give them (corrections.tsv).
    with open(os.path.join(HERE, 'corrections.tsv'), encoding='utf-8') as f:
        fixed = {l.split('\t')[0]: l.split('\t')[1] for l in f if l.strip() and not l.startswith('#')}
    for p in products:
        p['category'] = fixed.get(p['id'], p['category'])
    by_id = {p['id']: p for p in products}
    pooled = {}
    for path in sys.argv[2:]:
        with open(path, encoding='utf-8') as f:
            for line in f:
                q, rank, pid, _ = line.rstrip('\n').split('\t')
                if int(rank) < PER_RANKING:
                    pooled.setdefault(q, set()).add(pid)
    out = csv.writer(sys.stdout, lineterminator='\n')
    out.writerow(['query', 'product_id', 'grade'])
    for q in read_queries():
        ids = pooled.get(q['query'], set()) | set(own_ranking(q, products))
        for pid in sorted(ids, key=int):
            out.writerow([q['query'], pid, grade(q, by_id[pid])])


if __name__ == '__main__':
    main()

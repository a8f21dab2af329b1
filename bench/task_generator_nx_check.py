# Independent reference for `latpred tasks generate`: pure-Python Spearman, networkx's kernighan_lin_bisection
# (the library the NASFLAT code used; its sweep differs from latpred's textbook KL) and the NASFLAT pruning, over
# seeds 1-20 and both signs (no self-loops). Needs only python3 + networkx.
# Usage: python3 bench/task_generator_nx_check.py nb201|fbnet M N [DATA_DIR]   (DATA_DIR default /work/shared/data)
import csv, itertools, math, sys

import networkx as nx
from networkx.algorithms.community import kernighan_lin_bisection

DATA = sys.argv[4] if len(sys.argv) > 4 else '/work/shared/data'

def load(space):
    cols = {}
    files = [(DATA + '/help_latency/csv/help_%s_latency_ms.csv' % space, 3 if space == 'nb201' else 2)]
    if space == 'nb201': files.append((DATA + '/eagle_brpnas_latency/csv/eagle_nb201_latency_ms.csv', 4))
    for f, skip in files:
        rows = list(csv.reader(open(f)))
        for j, name in enumerate(rows[0][skip:], start=skip):
            cols[name] = [float(r[j]) if r[j] not in ('', 'nan', 'NaN') else None for r in rows[1:]]
    return cols

def ranks(x):
    order = sorted(range(len(x)), key=lambda i: x[i]); r = [0.0]*len(x); i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and x[order[j+1]] == x[order[i]]: j += 1
        for k in range(i, j+1): r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r

def pearson(a, b):
    n = len(a); ma = sum(a)/n; mb = sum(b)/n
    cov = sum((x-ma)*(y-mb) for x, y in zip(a, b)); va = sum((x-ma)**2 for x in a); vb = sum((y-mb)**2 for y in b)
    return cov / math.sqrt(va*vb)

def spearman(a, b):
    idx = [i for i in range(len(a)) if a[i] is not None and b[i] is not None]
    return pearson(ranks([a[i] for i in idx]), ranks([b[i] for i in idx]))

space = sys.argv[1]; m, n = int(sys.argv[2]), int(sys.argv[3])
cols = load(space); names = list(cols)
rho = {}
for a, b in itertools.combinations(names, 2): rho[a, b] = rho[b, a] = spearman(cols[a], cols[b])
print('pairs', len(rho)//2, 'sample', names[0], names[-1], round(rho[names[0], names[-1]], 6))
for sign in (-1, 1):
    seen = {}
    for seed in range(1, 21):
        G = nx.Graph()
        G.add_nodes_from(names)
        for a, b in itertools.combinations(names, 2): G.add_edge(a, b, weight=sign*rho[a, b])
        A, B = kernighan_lin_bisection(G, max_iter=10, seed=seed)
        left, right = (A, B) if names[0] in A else (B, A)
        left, right = [x for x in names if x in left], [x for x in names if x in right]
        while len(left) > m or len(right) > n:
            if len(left) > m: left.remove(max(left, key=lambda x: sum(rho[x, y] for y in right)))
            if len(right) > n: right.remove(max(right, key=lambda x: sum(rho[x, y] for y in left)))
        mean = sum(rho[x, y] for x in left for y in right) / (m*n)
        key = (tuple(left), tuple(right)); seen.setdefault(key, [mean, 0])[1] += 1
    print('sign', 'published' if sign < 0 else 'min_cross', 'distinct tasks', len(seen),
          'mean rho over seeds %.3f' % (sum(v[0]*v[1] for v in seen.values())/20),
          'lowest %.3f highest %.3f' % (min(v[0] for v in seen.values()), max(v[0] for v in seen.values())))
    for key, (mean, count) in sorted(seen.items(), key=lambda kv: -kv[1][1])[:2]:
        print('   %dx mean %.3f train %s test %s' % (count, mean, ','.join(key[0]), ','.join(key[1])))

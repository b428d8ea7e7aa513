"""numpy/scipy reference of the Laplacian RG pipeline for bench/rg.ts, stage by stage.

Usage: python3 rg_reference.py EDGES_FILE [--reps R] [--points P] [--prominence X] [--steps S]

EDGES_FILE: first line n, then one undirected edge "src dst weight" per line (0-based ids).
Mirrors src/rg/pipeline.ts with the default options (float64 throughout):
  spectrum         dense L = D - A and numpy.linalg.eigh (values and vectors)
  sweep            S and C on the log grid [1e-3 / l_max, 1e3 / l_2] (P points), from the eigenvalues
  peaks            local maxima of C with prominence >= X (scipy.signal.find_peaks), each refined
                   by maximising the exact C in log tau between the neighbouring grid points
  coarse-graining  at each peak: rho = U diag(e^{-tau l}) U^T, link i != j iff
                   rho_ij >= min(rho_ii, rho_jj), supernodes = connected components (scipy.sparse.csgraph)
  communities      at the first peak: D = 1 / K (clamped at K's rounding level), average linkage
                   (scipy.cluster.hierarchy), cut where the partition stability Psi peaks
  flow             coarse-grain at the first peak, contract to the unweighted metagraph, and repeat
                   on the metagraph (eigh, sweep, peaks) for at most S steps or until nothing merges
Runs the whole pipeline R + 1 times; the first run (BLAS/LAPACK warm-up) is reported apart, the
rest as medians and minima. Prints one JSON object on stdout.
"""
import json
import os
import sys
import time

import numpy as np
import scipy
from scipy.cluster.hierarchy import linkage, fcluster
from scipy.optimize import minimize_scalar
from scipy.signal import find_peaks
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform


def laplacian(n, src, dst, w):
    A = np.zeros((n, n))
    np.add.at(A, (src, dst), w)
    np.add.at(A, (dst, src), w)
    return np.diag(A.sum(axis=1)) - A


def components(n, src, dst):
    if len(src) == 0:
        return n, np.arange(n)
    g = coo_matrix((np.ones(len(src)), (src, dst)), shape=(n, n)).tocsr()
    return connected_components(g, directed=False)


def spectrum(n, src, dst, w):
    L = laplacian(n, src, dst, w)
    vals, vecs = np.linalg.eigh(L)
    vals = np.maximum(vals, 0.0)
    nc, _ = components(n, src, dst)
    vals[:nc] = 0.0  # the zero modes, exactly, as the pipeline does
    l2 = vals[nc] if nc < n else 0.0
    return vals, vecs, nc, l2


def thermo(vals, taus):
    """S and C at every tau (float64, shifted by l_min = 0, variance centred)."""
    E = np.exp(-np.outer(taus, vals - vals.min()))
    Z = E.sum(axis=1)
    mean = (E * vals).sum(axis=1) / Z
    var = (E * (vals[None, :] - mean[:, None]) ** 2).sum(axis=1) / Z
    S = np.log(Z) - taus * vals.min() + taus * mean
    return S, taus * taus * var


def exact_c(vals, tau):
    return thermo(vals, np.array([tau]))[1][0]


def peaks_of(vals, taus, C, prominence):
    idx, _ = find_peaks(C, prominence=prominence)
    out = []
    for i in idx:
        lo, hi = np.log(taus[i - 1]), np.log(taus[i + 1])
        r = minimize_scalar(lambda lt: -exact_c(vals, np.exp(lt)), bounds=(lo, hi), method='bounded',
                            options={'xatol': 1e-12 * (abs(lo) + abs(hi) + 1e-300)})
        out.append(float(np.exp(r.x)))
    return out


def grid(vals, l2, points):
    return np.exp(np.linspace(np.log(1e-3 / max(vals[-1], 1e-12)), np.log(1e3 / max(l2, 1e-12)), points))


def supernodes(vals, vecs, tau):
    n = len(vals)
    rho = (vecs * np.exp(-tau * vals)) @ vecs.T
    d = np.diag(rho)
    link = rho >= np.minimum(d[:, None], d[None, :])
    link = link | link.T
    np.fill_diagonal(link, False)
    count, labels = connected_components(coo_matrix(link), directed=False)
    return int(count), labels


def communities(vals, vecs, tau):
    n = len(vals)
    K = (vecs * np.exp(-tau * vals)) @ vecs.T
    floor = K.max() * n * 2.0 ** -53
    D = 1.0 / np.maximum(floor, (K + K.T) / 2)
    np.fill_diagonal(D, 0.0)
    Zl = linkage(squareform(D, checks=False), method='average')
    H = Zl[::-1, 2]  # merge heights from the root: H[m - 1] = D_m
    span = np.log10(H[0]) - np.log10(H[-1])
    psi = (np.log10(H[:-1]) - np.log10(H[1:])) / span
    best = int(np.argmax(psi)) + 1
    cut = np.sqrt(H[best - 1] * H[best])
    labels = fcluster(Zl, cut, criterion='distance')
    return int(labels.max())


def contract(src, dst, labels):
    a, b = labels[src], labels[dst]
    keep = a != b
    lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    pairs = np.unique(np.stack([lo, hi], axis=1), axis=0) if keep.any() else np.zeros((0, 2), dtype=np.int64)
    return pairs[:, 0], pairs[:, 1], np.ones(len(pairs))


def pipeline(n, src, dst, w, points, prominence, max_steps):
    t = {}
    t0 = time.perf_counter()
    vals, vecs, nc, l2 = spectrum(n, src, dst, w)
    t1 = time.perf_counter()
    taus = grid(vals, l2, points)
    S, C = thermo(vals, taus)
    t2 = time.perf_counter()
    peaks = peaks_of(vals, taus, C, prominence)
    t3 = time.perf_counter()
    counts = [supernodes(vals, vecs, tau)[0] for tau in peaks]
    t4 = time.perf_counter()
    clusters = communities(vals, vecs, peaks[0]) if peaks and n >= 3 else None
    t5 = time.perf_counter()
    levels = [n]
    lv, lvecs, lpeaks, ls, ld, lw = vals, vecs, peaks, src, dst, w
    for step in range(max_steps + 1):
        if step >= max_steps or not lpeaks or len(lv) <= 1:
            break
        count, labels = supernodes(lv, lvecs, lpeaks[0])
        if count == len(lv):
            break
        ls, ld, lw = contract(ls, ld, labels)
        lv, lvecs, _, ll2 = spectrum(count, ls, ld, lw)
        g = grid(lv, ll2, points)
        lpeaks = peaks_of(lv, g, thermo(lv, g)[1], prominence)
        levels.append(count)
    t6 = time.perf_counter()
    t.update({'spectrum': t1 - t0, 'sweep': t2 - t1, 'peaks': t3 - t2, 'coarse-graining': t4 - t3,
              'communities': t5 - t4, 'flow': t6 - t5, 'total': t6 - t0})
    return t, {'l2': float(l2), 'lmax': float(vals[-1]), 'peaks': peaks, 'supernodes': counts,
               'communities': clusters, 'flowLevels': levels, 'Cmax': float(C.max())}


def main():
    args = sys.argv[1:]
    opt = {'--reps': 3, '--points': 256, '--prominence': 0.05, '--steps': 8}
    path = None
    i = 0
    while i < len(args):
        if args[i] in opt:
            opt[args[i]] = type(opt[args[i]])(args[i + 1])
            i += 2
        else:
            path = args[i]
            i += 1
    with open(path) as f:
        n = int(f.readline())
        e = np.loadtxt(f, ndmin=2)
    src, dst, w = e[:, 0].astype(np.int64), e[:, 1].astype(np.int64), e[:, 2].astype(np.float64)
    runs = [pipeline(n, src, dst, w, opt['--points'], opt['--prominence'], opt['--steps']) for _ in range(opt['--reps'] + 1)]
    first, result = runs[0]
    med = {k: float(np.median([r[0][k] for r in runs[1:]])) for k in first}
    best = {k: float(np.min([r[0][k] for r in runs[1:]])) for k in first}
    print(json.dumps({'numpy': np.__version__, 'scipy': scipy.__version__, 'cpus': os.cpu_count(),
                      'first': first, 'median': med, 'min': best, 'reps': opt['--reps'], 'result': result}))


if __name__ == '__main__':
    main()

/**
 * Small graphs for tests and demos: Zachary's karate club (bundled) and seeded generators — the
 * stochastic block model, Erdős–Rényi G(n, p), rings (cycles) and cliques. Generated graphs are
 * undirected (both directions of every edge), without self-loops, sorted by (source, target).
 */
import { tensor } from '@erlangen/core';
import { Graph } from '../data/graph.js';
import { HostRandom } from '../data/random.js';
import { argError, checkPositiveInt } from '../errors.js';
import { loadPack } from './pack.js';

function undirected(pairs: [number, number][], n: number, extra: { y?: Int32Array } = {}): Graph {
  const both = pairs.flatMap(([a, b]) => [
    [a, b],
    [b, a],
  ]);
  both.sort((p, q) => p[0]! - q[0]! || p[1]! - q[1]!);
  return new Graph({
    edgeIndex: [both.map((p) => p[0]!), both.map((p) => p[1]!)],
    numNodes: n,
    y: extra.y ? tensor(extra.y, [n], 'int32') : undefined,
  });
}

/** Zachary's karate club: 34 members, 78 friendships (156 directed edges), y = club after the split (0 Mr. Hi, 1 Officer). */
export function karateClub(): Graph {
  const pack = loadPack('karateClub', 'karate');
  const edges = pack.arrays.edge_index!.data as Int32Array;
  const e = pack.arrays.edge_index!.shape[1]!;
  const labels = pack.arrays.labels!.data as Int32Array;
  return new Graph({
    edgeIndex: { src: edges.slice(0, e), dst: edges.slice(e) },
    numNodes: labels.length,
    y: tensor(labels, [labels.length], 'int32'),
  });
}

function checkProb(op: string, arg: string, p: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) argError(op, arg, 'a probability in [0, 1]', String(p));
}

/** Erdős–Rényi G(n, p): each of the n(n−1)/2 pairs is an edge with probability p. */
export function erdosRenyi(n: number, p: number, opts: { seed?: number } = {}): Graph {
  checkPositiveInt('erdosRenyi', 'n', n);
  checkProb('erdosRenyi', 'p', p);
  const rng = new HostRandom(opts.seed ?? 0);
  const pairs: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (rng.next() < p) pairs.push([i, j]);
  return undirected(pairs, n);
}

/**
 * Stochastic block model: blocks of the given sizes; nodes in blocks a and b are joined with
 * probability probs[a][b] (symmetric). y = block of each node.
 */
export function stochasticBlockModel(
  sizes: readonly number[],
  probs: readonly (readonly number[])[],
  opts: { seed?: number } = {},
): Graph {
  if (!Array.isArray(sizes) || sizes.length === 0)
    argError('stochasticBlockModel', 'sizes', 'a non-empty array of block sizes', String(sizes));
  for (const [i, s] of sizes.entries()) checkPositiveInt('stochasticBlockModel', `sizes[${i}]`, s);
  const k = sizes.length;
  if (probs.length !== k || probs.some((r) => r.length !== k))
    argError('stochasticBlockModel', 'probs', `a ${k}×${k} matrix`, `${probs.length} rows`);
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) {
      checkProb('stochasticBlockModel', `probs[${a}][${b}]`, probs[a]![b]!);
      if (probs[a]![b] !== probs[b]![a])
        argError(
          'stochasticBlockModel',
          'probs',
          'a symmetric matrix',
          `probs[${a}][${b}] ≠ probs[${b}][${a}]`,
        );
    }
  const block = new Int32Array(sizes.reduce((s, v) => s + v, 0));
  let at = 0;
  sizes.forEach((s, b) => {
    block.fill(b, at, at + s);
    at += s;
  });
  const rng = new HostRandom(opts.seed ?? 0);
  const pairs: [number, number][] = [];
  for (let i = 0; i < block.length; i++)
    for (let j = i + 1; j < block.length; j++)
      if (rng.next() < probs[block[i]!]![block[j]!]!) pairs.push([i, j]);
  return undirected(pairs, block.length, { y: block });
}

/** A cycle on n ≥ 3 nodes. */
export function ring(n: number): Graph {
  if (!Number.isInteger(n) || n < 3) argError('ring', 'n', 'an integer ≥ 3', String(n));
  return undirected(
    Array.from({ length: n }, (_, i) => [i, (i + 1) % n] as [number, number]),
    n,
  );
}

/** The complete graph on n ≥ 1 nodes. */
export function clique(n: number): Graph {
  checkPositiveInt('clique', 'n', n);
  const pairs: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push([i, j]);
  return undirected(pairs, n);
}

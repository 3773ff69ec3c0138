/**
 * The Planetoid citation graphs (Yang et al. 2016) with the public split used by GCN, GAT and PyG's
 * `Planetoid`: Cora, CiteSeer and PubMed, bundled in the package (see data/README.md).
 */
import { tensor } from '@erlangen/core';
import { Graph } from '../data/graph.js';
import { argError } from '../errors.js';
import { SparseMatrix } from '../ops/sparse.js';
import { loadPack, type Pack } from './pack.js';

export interface PlanetoidDataset {
  name: string;
  /** Structure + labels (`y` int32 [N], −1 for CiteSeer's 15 unlabelled isolated nodes). x is dense [N, F] when features exist. */
  graph: Graph;
  /** The bag-of-words features as a sparse [N, F] matrix (binary; row-normalised with `normalizeFeatures`). */
  features: SparseMatrix | null;
  numFeatures: number;
  numClasses: number;
  /** Host copy of the labels. */
  labels: Int32Array;
  /** Public split node ids: train (20 per class), val (500), test (1000). */
  split: { train: Int32Array; val: Int32Array; test: Int32Array };
  source: Record<string, unknown>;
}

export interface PlanetoidOptions {
  /** Scale each feature row to sum 1 (PyG's NormalizeFeatures, used by the GCN and GAT examples). */
  normalizeFeatures?: boolean;
  /** Also build the dense x [N, F] on the graph (default true; CiteSeer's is 49 MB). */
  dense?: boolean;
}

function loadPlanetoid(
  name: 'cora' | 'citeseer' | 'pubmed',
  op: string,
  opts: PlanetoidOptions,
): PlanetoidDataset {
  return planetoidFromPack(loadPack(op, name), opts);
}

/**
 * A Planetoid data set from an already parsed pack: the browser path, where the page fetches
 * `data/cora.bin.gz` itself, gunzips it (`DecompressionStream('gzip')`) and calls `parsePack`.
 */
export function planetoidFromPack(pack: Pack, opts: PlanetoidOptions = {}): PlanetoidDataset {
  const name = pack.name as PlanetoidDataset['name'];
  const meta = pack.meta as {
    numNodes: number;
    numFeatures: number;
    numClasses: number;
    featuresAvailable: boolean;
  };
  const a = pack.arrays;
  const n = meta.numNodes;
  const labels = a.labels!.data as Int32Array;
  const edges = a.edge_index!.data as Int32Array;
  const e = a.edge_index!.shape[1]!;
  let features: SparseMatrix | null = null;
  if (meta.featuresAvailable) {
    features = SparseMatrix.fromCsr(
      a.features_indptr!.data as Int32Array,
      a.features_indices!.data as Int32Array,
      [n, meta.numFeatures],
    );
    if (opts.normalizeFeatures) features = features.rowNormalized();
  }
  const graph = new Graph({
    edgeIndex: { src: edges.slice(0, e), dst: edges.slice(e, 2 * e) },
    numNodes: n,
    x: features && (opts.dense ?? true) ? features.toDense() : undefined,
    y: tensor(labels, [n], 'int32'),
  });
  return {
    name,
    graph,
    features,
    numFeatures: meta.numFeatures,
    numClasses: meta.numClasses,
    labels,
    split: {
      train: a.split_train!.data as Int32Array,
      val: a.split_val!.data as Int32Array,
      test: a.split_test!.data as Int32Array,
    },
    source: pack.source,
  };
}

/** Cora: 2708 papers, 10556 directed edges (5278 undirected), 1433 binary features, 7 classes, split 140/500/1000. */
export function loadCora(opts: PlanetoidOptions = {}): PlanetoidDataset {
  return loadPlanetoid('cora', 'loadCora', opts);
}

/** CiteSeer: 3327 papers, 9104 directed edges, 3703 binary features, 6 classes, split 120/500/1000. */
export function loadCiteSeer(opts: PlanetoidOptions = {}): PlanetoidDataset {
  return loadPlanetoid('citeseer', 'loadCiteSeer', opts);
}

/**
 * PubMed: 19717 papers, 88648 directed edges, 3 classes, split 60/500/1000. Structure and labels
 * only: the node features (`ind.pubmed.allx`) are missing from every copy we could obtain, so
 * `features` is null and `graph.x` undefined.
 */
export function loadPubMed(opts: PlanetoidOptions = {}): PlanetoidDataset {
  if (opts.normalizeFeatures)
    argError('loadPubMed', 'normalizeFeatures', 'false (PubMed ships without features)', 'true');
  return loadPlanetoid('pubmed', 'loadPubMed', opts);
}

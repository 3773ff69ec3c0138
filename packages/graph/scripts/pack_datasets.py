#!/usr/bin/env python3
# Needs numpy and networkx (here: the pyenv python3; Debian: python3-numpy python3-networkx).
"""Packs the data sets of ../shared/data into packages/graph/data/*.bin.gz (run from the repo root
or anywhere: paths are relative to this file). Every source file is checked against its data set's
SHA256SUMS first; the outputs' sha256 go to data/SHA256SUMS.

Container (little-endian), gzip-compressed:
  bytes 0..3   uint32 header length H
  bytes 4..4+H UTF-8 JSON header: {"format": "erlangen-graph-pack-1", "name", "meta", "source",
               "arrays": {name: {"dtype": "int32"|"float32"|"uint8", "shape": [...], "offset": o}}}
  then the arrays, each starting at a multiple of 4 bytes from the start of the payload (offset o
  counts from the end of the header).
Karate club comes from networkx (Zachary 1977), the same graph PyG's KarateClub holds.
"""
import gzip
import hashlib
import json
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.dirname(HERE)
SHARED = os.path.normpath(os.path.join(PKG, '..', '..', '..', 'shared', 'data'))
OUT = os.path.join(PKG, 'data')


def sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        h.update(f.read())
    return h.hexdigest()


def verify(folder):
    sums = {}
    with open(os.path.join(folder, 'SHA256SUMS')) as f:
        for line in f:
            digest, name = line.split()
            sums[name.lstrip('*')] = digest
    for name, digest in sums.items():
        got = sha256(os.path.join(folder, name))
        if got != digest:
            sys.exit(f'{folder}/{name}: sha256 {got} != {digest}')
    return sums


def write_pack(name, arrays, meta, source):
    header = {'format': 'erlangen-graph-pack-1', 'name': name, 'meta': meta, 'source': source, 'arrays': {}}
    payload = bytearray()
    for key, arr in arrays.items():
        arr = np.ascontiguousarray(arr)
        dtype = {np.dtype('<i4'): 'int32', np.dtype('<f4'): 'float32', np.dtype('u1'): 'uint8'}[arr.dtype.newbyteorder('<') if arr.dtype.byteorder == '=' else arr.dtype]
        while len(payload) % 4:
            payload.append(0)
        header['arrays'][key] = {'dtype': dtype, 'shape': list(arr.shape), 'offset': len(payload)}
        payload += arr.astype(arr.dtype.newbyteorder('<')).tobytes()
    head = json.dumps(header, separators=(',', ':'), sort_keys=True).encode()
    raw = struct.pack('<I', len(head)) + head + bytes(payload)
    path = os.path.join(OUT, f'{name}.bin.gz')
    # mtime=0 makes the gzip bytes reproducible.
    with open(path, 'wb') as f:
        f.write(gzip.compress(raw, compresslevel=9, mtime=0))
    return path


def planetoid(name):
    folder = os.path.join(SHARED, name)
    sums = verify(folder)
    meta = json.load(open(os.path.join(folder, 'meta.json')))
    n = meta['numNodes']
    edges = np.fromfile(os.path.join(folder, 'edge_index.i32.bin'), dtype='<i4').reshape(2, -1)
    labels = np.fromfile(os.path.join(folder, 'labels.i32.bin'), dtype='<i4')
    splits = json.load(open(os.path.join(folder, 'splits.json')))
    assert labels.shape == (n,) and edges.shape == (2, meta['numEdges'])
    arrays = {'edge_index': edges, 'labels': labels}
    for k in ('train', 'val', 'test'):
        arrays[f'split_{k}'] = np.array(splits[k], dtype='<i4')
    files = ['edge_index.i32.bin', 'labels.i32.bin', 'splits.json', 'meta.json']
    if meta['featuresAvailable']:
        indptr = np.fromfile(os.path.join(folder, 'features.indptr.i32.bin'), dtype='<i4')
        indices = np.fromfile(os.path.join(folder, 'features.indices.i32.bin'), dtype='<i4')
        values = np.fromfile(os.path.join(folder, 'features.values.f32.bin'), dtype='<f4')
        # Binary bag-of-words: every stored value is 1, so only the pattern is packed.
        assert np.all(values == 1.0), 'features are not binary'
        arrays['features_indptr'] = indptr
        arrays['features_indices'] = indices
        files += ['features.indptr.i32.bin', 'features.indices.i32.bin', 'features.values.f32.bin']
    small_meta = {k: meta[k] for k in ('numNodes', 'numFeatures', 'numClasses', 'numEdges', 'featuresAvailable')}
    small_meta['binaryFeatures'] = bool(meta['featuresAvailable'])
    source = dict(meta['source'])
    source['sha256'] = {f: sums[f] for f in files}
    return write_pack(name, arrays, small_meta, source)


def mutag():
    folder = os.path.join(SHARED, 'mutag')
    sums = verify(folder)
    read = lambda f: np.loadtxt(os.path.join(folder, f), dtype=np.int64, delimiter=',', ndmin=1)
    a = read('MUTAG_A.txt').reshape(-1, 2) - 1
    edge_labels = read('MUTAG_edge_labels.txt')
    indicator = read('MUTAG_graph_indicator.txt') - 1
    graph_labels = read('MUTAG_graph_labels.txt')
    node_labels = read('MUTAG_node_labels.txt')
    num_graphs = int(indicator.max()) + 1
    assert np.all(np.diff(indicator) >= 0), 'graph indicator must be non-decreasing'
    ptr = np.zeros(num_graphs + 1, dtype='<i4')
    ptr[1:] = np.cumsum(np.bincount(indicator, minlength=num_graphs))
    assert np.all(indicator[a[:, 0]] == indicator[a[:, 1]])
    arrays = {
        'edge_index': a.T.astype('<i4'),  # global 0-based node ids, [2, E]
        'edge_labels': edge_labels.astype('<i4'),
        'node_labels': node_labels.astype('<i4'),
        'ptr': ptr,
        # PyG maps -1 → 0 and 1 → 1.
        'graph_labels': (graph_labels == 1).astype('<i4'),
    }
    meta = {'numGraphs': num_graphs, 'numNodes': int(len(node_labels)), 'numEdges': int(len(a)),
            'numNodeLabels': 7, 'numEdgeLabels': 4, 'numClasses': 2}
    source = {'repository': 'github.com/XuelinHu/Matrix-ResGNN-GraphClassificatio',
              'commit': 'f76543d8bd82c7ebe1c16f59d9219d038c62ac8e', 'path': 'data/TUDataset/MUTAG/raw/',
              'license': 'none stated (TU benchmark; cite Debnath et al. 1991 and Morris et al. 2020)',
              'sha256': {f: sums[f] for f in sums if f != 'README.txt'}}
    return write_pack('mutag', arrays, meta, source)


def karate():
    import networkx as nx
    g = nx.karate_club_graph()
    edges = np.array(sorted(g.edges()), dtype='<i4')
    both = np.concatenate([edges, edges[:, ::-1]])
    both = both[np.lexsort((both[:, 1], both[:, 0]))]
    clubs = np.array([0 if g.nodes[i]['club'] == 'Mr. Hi' else 1 for i in range(g.number_of_nodes())], dtype='<i4')
    meta = {'numNodes': g.number_of_nodes(), 'numEdges': int(len(both)), 'numClasses': 2}
    source = {'library': f'networkx {nx.__version__} karate_club_graph()',
              'reference': 'W. W. Zachary, An information flow model for conflict and fission in small groups, 1977',
              'labels': "club: 0 = 'Mr. Hi', 1 = 'Officer'"}
    return write_pack('karate', {'edge_index': both.T.copy(), 'labels': clubs}, meta, source)


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    paths = [planetoid('cora'), planetoid('citeseer'), planetoid('pubmed'), mutag(), karate()]
    with open(os.path.join(OUT, 'SHA256SUMS'), 'w') as f:
        for p in paths:
            f.write(f'{sha256(p)}  {os.path.basename(p)}\n')
    for p in paths:
        print(f'{os.path.basename(p)}: {os.path.getsize(p)} bytes')

/**
 * Linear permutation-equivariant maps between tensors of order 1 and 2 (Maron, Ben-Hamu, Shamir &
 * Lipman, "Invariant and equivariant graph networks", ICLR 2019). The space of linear maps
 * R^{n^k} → R^{n^l} commuting with every permutation has dimension bell(k + l), one basis element
 * per partition of the k + l indices: 2 maps n → n, 5 maps n² → n and n → n², 15 maps n² → n².
 */
import { concat, eye, nn, type Tensor, tensor } from '@erlangen/core';
import { argError, checkPositiveInt, fmtShape } from '../errors.js';
import type { LayerInitOptions } from '../nn/init.js';

export type TensorOrder = 1 | 2;

/** All set partitions of {0..m−1}, each as a block id per element (restricted growth strings). */
export function setPartitions(m: number): Int32Array[] {
  const out: Int32Array[] = [];
  const a = new Int32Array(m);
  const walk = (i: number, blocks: number) => {
    if (i === m) {
      out.push(Int32Array.from(a));
      return;
    }
    for (let b = 0; b <= blocks; b++) {
      a[i] = b;
      walk(i + 1, Math.max(blocks, b + 1));
    }
  };
  if (m === 0) return [new Int32Array(0)];
  walk(0, 0);
  return out;
}

/**
 * The partition basis of equivariant linear maps R^{n^kIn} → R^{n^kOut}, each a dense float32
 * matrix [n^kOut, n^kIn]: entry (a, b) of the element for partition π is 1 when the indices
 * (a_1..a_kOut, b_1..b_kIn) are equal exactly within the blocks of π. Elements with more blocks
 * than n are zero, so the span has rank < bell(k) for small n (8, 14, 15 for 2 → 2 at n = 2, 3, ≥ 4).
 */
export function equivariantBasis(kIn: number, kOut: number, n: number): Float32Array[] {
  for (const [arg, k] of [
    ['kIn', kIn],
    ['kOut', kOut],
  ] as const)
    if (!Number.isInteger(k) || k < 0 || k > 4)
      argError('equivariantBasis', arg, 'an integer order in [0, 4]', String(k));
  checkPositiveInt('equivariantBasis', 'n', n);
  const m = kIn + kOut;
  const rows = n ** kOut;
  const cols = n ** kIn;
  return setPartitions(m).map((blocks) => {
    const mat = new Float32Array(rows * cols);
    const idx = new Int32Array(m);
    for (let flat = 0; flat < rows * cols; flat++) {
      let rest = flat;
      for (let p = m - 1; p >= 0; p--) {
        idx[p] = rest % n;
        rest = Math.floor(rest / n);
      }
      let ok = true;
      for (let p = 0; p < m && ok; p++)
        for (let q = p + 1; q < m && ok; q++) ok = (idx[p] === idx[q]) === (blocks[p] === blocks[q]);
      if (ok) mat[flat] = 1;
    }
    return mat;
  });
}

function checkOrder(op: string, x: Tensor, k: TensorOrder): number {
  const need = k + 2;
  if (x.ndim !== need || (k === 2 && x.shape[1] !== x.shape[2])) {
    argError(
      op,
      'x',
      k === 1 ? 'shape [batch, n, channels]' : 'shape [batch, n, n, channels]',
      fmtShape(x.shape),
    );
  }
  return x.shape[1]!;
}

/** diag(X): [B, n, n, C] → [B, n, C]. */
function diagonal(x: Tensor, n: number): Tensor {
  const [b, , , c] = x.shape as [number, number, number, number];
  const idx = tensor(
    Int32Array.from({ length: n }, (_, i) => i * (n + 1)),
    [n],
    'int32',
  );
  return x.reshape([b, n * n, c]).indexSelect(1, idx);
}

/** diag_embed: [B, n, C] → [B, n, n, C] with v on the diagonal. */
function diagEmbed(v: Tensor, n: number): Tensor {
  return v.unsqueeze(2).mul(eye(n).reshape([1, n, n, 1]));
}

/**
 * The basis maps applied to x, stacked on a new axis before the channels. With `normalize`
 * (default true) every sum over an index is a mean (Maron et al.'s 'inf' normalisation), so
 * outputs do not grow with n. Shapes: order 1 x [B, n, C], order 2 x [B, n, n, C] →
 * [B, n, numMaps, C] (kOut = 1) or [B, n, n, numMaps, C] (kOut = 2).
 */
export function equivariantMaps(x: Tensor, kIn: TensorOrder, kOut: TensorOrder, normalize = true): Tensor {
  const op = 'equivariantMaps';
  const n = checkOrder(op, x, kIn);
  const [b] = x.shape as [number];
  const c = x.shape[x.ndim - 1]!;
  const s = normalize ? 1 / n : 1;
  const s2 = normalize ? 1 / (n * n) : 1;
  const rowsAt = (v: Tensor) => v.unsqueeze(2).expand([b, n, n, c]); // out[i, j] = v[i]
  const colsAt = (v: Tensor) => v.unsqueeze(1).expand([b, n, n, c]); // out[i, j] = v[j]
  const everywhere = (v: Tensor, len: number) =>
    len === 1 ? v.unsqueeze(1).expand([b, n, c]) : v.reshape([b, 1, 1, c]).expand([b, n, n, c]);
  let maps: Tensor[];
  if (kIn === 1) {
    const total = x.sum(1).mul(s); // [B, C]
    if (kOut === 1) maps = [x, everywhere(total, 1)];
    else
      maps = [
        diagEmbed(x, n),
        diagEmbed(everywhere(total, 1), n),
        rowsAt(x),
        colsAt(x),
        everywhere(total, 2),
      ];
  } else {
    const d = diagonal(x, n); // [B, n, C]
    const sumDiag = d.sum(1).mul(s); // [B, C]
    const rowSum = x.sum(2).mul(s); // [B, n, C]: Σ_j x_ij
    const colSum = x.sum(1).mul(s); // [B, n, C]: Σ_i x_ij
    const sumAll = x.sum([1, 2]).mul(s2); // [B, C]
    if (kOut === 1) maps = [d, everywhere(sumDiag, 1), rowSum, colSum, everywhere(sumAll, 1)];
    else
      maps = [
        diagEmbed(d, n),
        diagEmbed(everywhere(sumDiag, 1), n),
        diagEmbed(rowSum, n),
        diagEmbed(colSum, n),
        diagEmbed(everywhere(sumAll, 1), n),
        colsAt(colSum),
        colsAt(rowSum),
        rowsAt(colSum),
        rowsAt(rowSum),
        x,
        x.permute([0, 2, 1, 3]),
        colsAt(d),
        rowsAt(d),
        everywhere(sumDiag, 2),
        everywhere(sumAll, 2),
      ];
  }
  return concat(
    maps.map((m) => m.unsqueeze(-2)),
    -2,
  );
}

/** Number of basis maps between orders: bell(kIn + kOut). */
export function numEquivariantMaps(kIn: TensorOrder, kOut: TensorOrder): number {
  return [0, 0, 2, 5, 15][kIn + kOut]!;
}

/**
 * A learnable equivariant linear layer between tensors of order kIn and kOut (1: sets [B, n, C],
 * 2: graphs/matrices [B, n, n, C]): out = Σ_b L_b(x) W_b + bias, with one [in, out] weight per
 * basis map; for kOut = 2 a second bias is added on the diagonal (Maron et al.'s two invariant
 * biases). Shapes: [B, n(, n), inChannels] → [B, n(, n), outChannels].
 */
export class EquivariantLinear extends nn.Module {
  readonly kIn: TensorOrder;
  readonly kOut: TensorOrder;
  readonly normalize: boolean;
  /** [numMaps · inChannels, outChannels] */
  weight: Tensor;
  bias: Tensor;
  diagBias: Tensor | null;

  constructor(
    kIn: TensorOrder,
    kOut: TensorOrder,
    inChannels: number,
    outChannels: number,
    opts: LayerInitOptions & { normalize?: boolean } = {},
  ) {
    super();
    if (kIn !== 1 && kIn !== 2) argError('EquivariantLinear', 'kIn', '1 or 2', String(kIn));
    if (kOut !== 1 && kOut !== 2) argError('EquivariantLinear', 'kOut', '1 or 2', String(kOut));
    checkPositiveInt('EquivariantLinear', 'inChannels', inChannels);
    checkPositiveInt('EquivariantLinear', 'outChannels', outChannels);
    this.kIn = kIn;
    this.kOut = kOut;
    this.normalize = opts.normalize ?? true;
    const fanIn = numEquivariantMaps(kIn, kOut) * inChannels;
    const std = Math.sqrt(2 / (fanIn + outChannels));
    this.weight = nn.init.normal([fanIn, outChannels], 0, std, { generator: opts.generator }).requireGrad();
    this.bias = nn.init.zeros([outChannels]).requireGrad();
    this.diagBias = kOut === 2 ? nn.init.zeros([outChannels]).requireGrad() : null;
  }

  forward(x: Tensor): Tensor {
    const maps = equivariantMaps(x, this.kIn, this.kOut, this.normalize); // [..., numMaps, C]
    const lead = maps.shape.slice(0, -2);
    const flat = maps.reshape([...lead, maps.shape[maps.ndim - 2]! * maps.shape[maps.ndim - 1]!]);
    let out = flat.matmul(this.weight).add(this.bias);
    if (this.diagBias) {
      const n = x.shape[1]!;
      out = out.add(eye(n).reshape([1, n, n, 1]).mul(this.diagBias));
    }
    return out;
  }
}

import { describe, expect, it } from 'vitest';
import {
  avgPool2d,
  type Conv1dOptions,
  type Conv2dOptions,
  conv1d,
  conv2d,
  Generator,
  globalAvgPool2d,
  gradients,
  maxPool2d,
  randn,
  type Tensor,
  tensor,
  zeros,
} from '../src/index.js';
import { assertClose, gradcheck } from './gradcheck.js';

const values = (t: Tensor) => Array.from(t.dataSync());
const rnd = (shape: number[], seed = 0) => randn(shape, { generator: new Generator(seed) });
const pairOf = (v: number | readonly [number, number] | undefined, d: number): [number, number] =>
  v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1]];

/** Direct-loop reference convolution in float64 (PyTorch semantics, 'same' puts the extra pad after). */
function refConv2d(
  x: Tensor,
  w: Tensor,
  bias: Tensor | null,
  o: Conv2dOptions,
): { shape: number[]; values: number[] } {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, CG, KH, KW] = w.shape as [number, number, number, number];
  const G = o.groups ?? 1;
  const [sh, sw] = pairOf(o.stride, 1);
  const [dh, dw] = pairOf(o.dilation, 1);
  let ph: number;
  let pw: number;
  let th: number;
  let tw: number;
  if (o.padding === 'same') {
    th = dh * (KH - 1);
    tw = dw * (KW - 1);
    ph = Math.floor(th / 2);
    pw = Math.floor(tw / 2);
  } else if (o.padding === 'valid') {
    ph = pw = th = tw = 0;
  } else {
    [ph, pw] = pairOf(o.padding, 0);
    th = 2 * ph;
    tw = 2 * pw;
  }
  const OH = Math.floor((H + th - dh * (KH - 1) - 1) / sh) + 1;
  const OW = Math.floor((W + tw - dw * (KW - 1) - 1) / sw) + 1;
  const xv = values(x);
  const wv = values(w);
  const bv = bias ? values(bias) : null;
  const out: number[] = [];
  const OG = O / G;
  for (let n = 0; n < N; n++)
    for (let oc = 0; oc < O; oc++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++) {
          let s = bv ? bv[oc]! : 0;
          const g = Math.floor(oc / OG);
          for (let c = 0; c < CG; c++)
            for (let ky = 0; ky < KH; ky++)
              for (let kx = 0; kx < KW; kx++) {
                const iy = oy * sh - ph + ky * dh;
                const ix = ox * sw - pw + kx * dw;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                s += xv[((n * C + g * CG + c) * H + iy) * W + ix]! * wv[((oc * CG + c) * KH + ky) * KW + kx]!;
              }
          out.push(s);
        }
  void C;
  return { shape: [N, O, OH, OW], values: out };
}

function refPool(
  x: Tensor,
  k: [number, number],
  s: [number, number],
  p: [number, number],
  d: [number, number],
  kind: 'max' | 'avg',
): { shape: number[]; values: number[] } {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const OH = Math.floor((H + 2 * p[0] - d[0] * (k[0] - 1) - 1) / s[0]) + 1;
  const OW = Math.floor((W + 2 * p[1] - d[1] * (k[1] - 1) - 1) / s[1]) + 1;
  const xv = values(x);
  const out: number[] = [];
  for (let nc = 0; nc < N * C; nc++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++) {
        let best = Number.NEGATIVE_INFINITY;
        let sum = 0;
        for (let ky = 0; ky < k[0]; ky++)
          for (let kx = 0; kx < k[1]; kx++) {
            const iy = oy * s[0] - p[0] + ky * d[0];
            const ix = ox * s[1] - p[1] + kx * d[1];
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
            const v = xv[(nc * H + iy) * W + ix]!;
            best = Math.max(best, v);
            sum += v;
          }
        out.push(kind === 'max' ? best : sum / (k[0] * k[1]));
      }
  return { shape: [N, C, OH, OW], values: out };
}

const CONV_CASES: { x: number[]; w: number[]; opts: Conv2dOptions; bias?: boolean }[] = [
  { x: [2, 3, 5, 5], w: [4, 3, 3, 3], opts: {} },
  { x: [1, 3, 6, 5], w: [2, 3, 3, 3], opts: { padding: 1 }, bias: true },
  { x: [1, 2, 7, 6], w: [3, 2, 3, 2], opts: { stride: [2, 1], padding: [1, 0] } },
  { x: [1, 2, 7, 7], w: [2, 2, 3, 3], opts: { dilation: 2, padding: 2 } },
  { x: [2, 4, 5, 6], w: [6, 2, 3, 3], opts: { groups: 2, padding: 1 }, bias: true },
  { x: [1, 4, 5, 5], w: [4, 1, 3, 3], opts: { groups: 4, stride: 2, padding: 1 } },
  { x: [1, 2, 6, 5], w: [2, 2, 4, 3], opts: { padding: 'same' } },
  { x: [1, 2, 6, 7], w: [3, 2, 3, 2], opts: { padding: 'same', dilation: [1, 2] } },
  { x: [1, 2, 5, 4], w: [3, 2, 2, 3], opts: { padding: 'valid', stride: [1, 2] } },
  { x: [1, 1, 4, 4], w: [1, 1, 1, 1], opts: { stride: 3 } },
  { x: [0, 2, 4, 4], w: [3, 2, 3, 3], opts: {} },
];

describe('conv2d', () => {
  it('matches a direct-loop reference across stride, padding (incl. same/valid), dilation, groups, bias', () => {
    CONV_CASES.forEach((c, i) => {
      const x = rnd(c.x, i);
      const w = rnd(c.w, 100 + i);
      const b = c.bias ? rnd([c.w[0]!], 200 + i) : null;
      const out = conv2d(x, w, b, c.opts);
      const ref = refConv2d(x, w, b, c.opts);
      expect(out.shape).toEqual(ref.shape);
      assertClose(out, ref.values, { rtol: 1e-5, atol: 1e-5 });
    });
  });
  it('gradients w.r.t. input, weight and bias', () => {
    const small: typeof CONV_CASES = [
      { x: [1, 2, 4, 4], w: [2, 2, 3, 3], opts: { padding: 1 }, bias: true },
      { x: [1, 2, 5, 4], w: [2, 2, 2, 3], opts: { stride: [2, 1], dilation: [1, 2], padding: [1, 2] } },
      { x: [2, 4, 3, 3], w: [4, 2, 2, 2], opts: { groups: 2 } },
      { x: [1, 3, 4, 3], w: [3, 1, 3, 3], opts: { groups: 3, padding: 'same' } },
      { x: [1, 1, 4, 5], w: [2, 1, 2, 3], opts: { padding: 'same', dilation: 2 } },
    ];
    small.forEach((c, i) => {
      const args = [rnd(c.x, i), rnd(c.w, 10 + i)];
      if (c.bias) args.push(rnd([c.w[0]!], 20 + i));
      gradcheck((x, w, b) => conv2d(x!, w!, b ?? null, c.opts), args);
    });
  });
  it('is differentiable twice (gradient penalties)', () => {
    // Small values keep the quartic penalty (and its float32 rounding) small; the loss is summed
    // inside fn, so a larger eps is needed to rise above that rounding.
    const x = rnd([1, 2, 4, 4], 1).mul(0.5);
    const w = rnd([2, 2, 3, 3], 2).mul(0.5);
    // d/dw of ‖∂L/∂x‖² and d/dx of ‖∂L/∂w‖², checked against finite differences.
    gradcheck(
      (xx, ww) => {
        const y = conv2d(xx!, ww!, null, { padding: 1 });
        const [gx] = gradients(y.square().sum(), [xx!], { createGraph: true });
        return gx!.square().sum();
      },
      [x, w],
      { eps: 1e-2, rtol: 1e-2, atol: 1e-3 },
    );
    gradcheck(
      (xx, ww) => {
        const y = conv2d(xx!, ww!, null, { stride: 2, groups: 2 });
        const [gw] = gradients(y.sum(), [ww!], { createGraph: true });
        return gw!.mul(ww!).sum();
      },
      [rnd([1, 4, 5, 5], 3), rnd([2, 2, 3, 3], 4)],
      { rtol: 2e-2, atol: 5e-3 },
    );
  });
});

describe('conv1d', () => {
  it('matches conv2d on a height-1 image, with bias, stride, padding, dilation, groups', () => {
    const x = rnd([2, 4, 9], 1);
    const w = rnd([6, 2, 3], 2);
    const b = rnd([6], 3);
    const cases: Conv1dOptions[] = [
      {},
      { stride: 2, padding: 1 },
      { dilation: 2, padding: 'same' },
      { padding: 'valid' },
    ];
    for (const opts of cases) {
      const out = conv1d(x, w, b, { ...opts, groups: 2 });
      const p = opts.padding ?? 0;
      const ref = conv2d(x.unsqueeze(2), w.unsqueeze(2), b, {
        groups: 2,
        stride: [1, opts.stride ?? 1],
        dilation: [1, opts.dilation ?? 1],
        padding: typeof p === 'number' ? [0, p] : p,
      }).squeeze(2);
      expect(out.shape).toEqual(ref.shape);
      assertClose(out, values(ref), { rtol: 1e-6, atol: 1e-6 });
    }
    gradcheck(
      (a, c, d) => conv1d(a!, c!, d, { stride: 2, padding: 1 }),
      [rnd([1, 2, 6], 4), rnd([3, 2, 3], 5), rnd([3], 6)],
    );
  });
});

describe('maxPool2d and avgPool2d', () => {
  const POOL_CASES: {
    x: number[];
    k: number | [number, number];
    s?: number | [number, number];
    p?: number | [number, number];
    d?: number | [number, number];
  }[] = [
    { x: [2, 3, 6, 6], k: 2 },
    { x: [1, 2, 7, 5], k: 3, s: 2, p: 1 },
    { x: [1, 2, 7, 8], k: [3, 2], s: [2, 1], p: [1, 0] },
    { x: [1, 1, 7, 7], k: 2, s: 1, d: 2 },
    { x: [1, 2, 5, 5], k: 3, s: 1, p: 1, d: [1, 2] },
    { x: [1, 1, 1, 1], k: 1 },
  ];
  it('maxPool2d matches a reference (stride, padding as −∞, dilation) and its gradient checks', () => {
    POOL_CASES.forEach((c, i) => {
      const x = rnd(c.x, i);
      const out = maxPool2d(x, c.k, { stride: c.s, padding: c.p, dilation: c.d });
      const k = pairOf(c.k, 1);
      const ref = refPool(
        x,
        k,
        c.s === undefined ? k : pairOf(c.s, 1),
        pairOf(c.p, 0),
        pairOf(c.d, 1),
        'max',
      );
      expect(out.shape).toEqual(ref.shape);
      assertClose(out, ref.values, { rtol: 0, atol: 0 });
      if (x.size <= 80)
        gradcheck((t) => maxPool2d(t, c.k, { stride: c.s, padding: c.p, dilation: c.d }), [x]);
    });
  });
  it('avgPool2d matches a reference (zero padding counted, PyTorch default) and its gradient checks', () => {
    POOL_CASES.filter((c) => c.d === undefined).forEach((c, i) => {
      const x = rnd(c.x, 50 + i);
      const out = avgPool2d(x, c.k, { stride: c.s, padding: c.p });
      const k = pairOf(c.k, 1);
      const ref = refPool(x, k, c.s === undefined ? k : pairOf(c.s, 1), pairOf(c.p, 0), [1, 1], 'avg');
      expect(out.shape).toEqual(ref.shape);
      assertClose(out, ref.values, { rtol: 1e-6, atol: 1e-6 });
      if (x.size <= 80) gradcheck((t) => avgPool2d(t, c.k, { stride: c.s, padding: c.p }), [x]);
    });
  });
  it('max pooling: ties send the gradient to the first maximum, NaN wins', () => {
    const x = tensor([
      [
        [
          [1, 1],
          [1, 1],
        ],
      ],
    ]).requireGrad();
    maxPool2d(x, 2).sum().backward();
    expect(values(x.grad!)).toEqual([1, 0, 0, 0]);
    expect(
      Number.isNaN(
        maxPool2d(
          tensor([
            [
              [
                [1, Number.NaN],
                [3, 2],
              ],
            ],
          ]),
          2,
        ).item(),
      ),
    ).toBe(true);
  });
  it('a second derivative through maxPool2d fails loudly instead of silently', () => {
    const x = rnd([1, 1, 4, 4]).requireGrad();
    const [g] = gradients(maxPool2d(x, 2).square().sum(), [x], { createGraph: true });
    expect(() => gradients(g!.sum(), [x])).toThrow(/maxPool2d: second-order gradients/);
  });
  it('globalAvgPool2d averages the spatial axes', () => {
    const x = rnd([2, 3, 4, 5]);
    assertClose(globalAvgPool2d(x), values(x.mean([2, 3])));
    expect(globalAvgPool2d(zeros([1, 2, 3, 3])).shape).toEqual([1, 2]);
  });
});

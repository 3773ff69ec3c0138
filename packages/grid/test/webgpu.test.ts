/**
 * The grid layers on core's `webgpu` backend agree with `cpu`: they are compositions of core ops
 * (filter gathers, grouped convolutions, reductions over fields, pooling, broadcasts), so this checks
 * those compositions on the GPU kernels. Outputs and input gradients are compared (≤ 1e-4 relative
 * to the output scale) on small, odd shapes. Without an adapter the suite is skipped with the
 * reason printed, except under CI=true, where it must run (and fails).
 */
import { Generator, noGrad, randn, setBackend, type Tensor } from '@erlangen/core';
import { outputAndInputGradient, probeWebGPU, relativeMaxDiff as relMax } from '@erlangen/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AntialiasedAvgPool,
  AntialiasedMaxPool,
  cyclicGroup,
  dihedralGroup,
  FieldBatchNorm,
  FieldType,
  GatedNonLinearity,
  GeometricTensor,
  GroupConv,
  GroupPool,
  irreducibleRepresentations,
  LiftingConv,
  NormNonLinearity,
  PointwiseMaxPool,
  R2Conv,
  regularRepresentation,
  trivialRepresentation,
} from '../src/index.js';

const { unavailable, skip } = await probeWebGPU('grid webgpu tests');

/** A layer under test: its name, input shape, and a builder of the map on plain tensors. */
type Case = [name: string, shape: number[], build: () => (x: Tensor) => Tensor];

/** Builds the layer on `backend` (fixed-seed weights, so equal on both) and returns output and input gradient. */
const on = (backend: string, shape: number[], build: Case[2]) =>
  outputAndInputGradient(backend, shape, (x) => build()(x), { inputSeed: 3, cotangentSeed: 4 });

const p4 = cyclicGroup(4);
const p4m = dihedralGroup(4);
const c8 = cyclicGroup(8);
const irr8 = irreducibleRepresentations(c8);
/** Irrep fields of C8 (frequencies 1, 0, 2, 1) plus one regular field: 1 + 2 + 2 + 2 + 8 = 15 channels. */
const mixed = new FieldType(c8, [
  irr8[1]!,
  trivialRepresentation(c8),
  irr8[2]!,
  irr8[1]!,
  regularRepresentation(c8),
]);
const regular = (group: typeof p4, fields: number) =>
  new FieldType(group, Array(fields).fill(regularRepresentation(group)));
const on_ = (layer: { forward(x: GeometricTensor): GeometricTensor }, type: FieldType) => (x: Tensor) =>
  layer.forward(new GeometricTensor(x, type)).tensor;

const cases: Case[] = [
  [
    'LiftingConv p4, 3 → 2 fields, 3×3, [2, 3, 7, 9]',
    [2, 3, 7, 9],
    () => {
      const conv = new LiftingConv(p4, 3, 2, 3, { generator: new Generator(1) });
      return on_(conv, conv.inType);
    },
  ],
  [
    'LiftingConv p4m, 1 → 3 fields, 5×5 stride 2, [1, 1, 9, 11]',
    [1, 1, 9, 11],
    () => {
      const conv = new LiftingConv(p4m, 1, 3, 5, { stride: 2, generator: new Generator(2) });
      return on_(conv, conv.inType);
    },
  ],
  [
    'GroupConv p4, 2 → 3 fields, 3×3, [2, 8, 6, 7]',
    [2, 8, 6, 7],
    () => {
      const conv = new GroupConv(p4, 2, 3, 3, { generator: new Generator(3) });
      return on_(conv, conv.inType);
    },
  ],
  [
    'GroupConv p4m, 2 → 1 field, 3×3, [1, 16, 5, 7]',
    [1, 16, 5, 7],
    () => {
      const conv = new GroupConv(p4m, 2, 1, 3, { generator: new Generator(4) });
      return on_(conv, conv.inType);
    },
  ],
  [
    'R2Conv C8 mixed irrep/regular → mixed, 5×5, [2, 15, 7, 8]',
    [2, 15, 7, 8],
    () => {
      const conv = new R2Conv(mixed, mixed, 5, { generator: new Generator(5) });
      return on_(conv, mixed);
    },
  ],
  [
    'GroupPool max, p4m, [2, 24, 5, 6]',
    [2, 24, 5, 6],
    () => on_(new GroupPool(regular(p4m, 3), 'max'), regular(p4m, 3)),
  ],
  [
    'GroupPool mean, p4, [1, 12, 3, 5]',
    [1, 12, 3, 5],
    () => on_(new GroupPool(regular(p4, 3), 'mean'), regular(p4, 3)),
  ],
  [
    'PointwiseMaxPool 2×2 on p4 fields, [2, 8, 7, 9]',
    [2, 8, 7, 9],
    () => on_(new PointwiseMaxPool(regular(p4, 2), 2), regular(p4, 2)),
  ],
  [
    'AntialiasedAvgPool stride 2 on C8 mixed fields, [2, 15, 9, 8]',
    [2, 15, 9, 8],
    () => on_(new AntialiasedAvgPool(mixed, { stride: 2 }), mixed),
  ],
  [
    'AntialiasedMaxPool 3×3 stride 2 on p4 fields, [2, 8, 9, 7]',
    [2, 8, 9, 7],
    () => on_(new AntialiasedMaxPool(regular(p4, 2), { kernelSize: 3, stride: 2 }), regular(p4, 2)),
  ],
  [
    'FieldBatchNorm (training) on C8 mixed fields, [3, 15, 5, 4]',
    [3, 15, 5, 4],
    () => {
      const bn = new FieldBatchNorm(mixed);
      noGrad(() => {
        bn.weight!.assign(randn(bn.weight!.shape, { generator: new Generator(6) }));
        bn.bias!.assign(randn(bn.bias!.shape, { generator: new Generator(7) }));
      });
      return on_(bn, mixed);
    },
  ],
  [
    'NormNonLinearity n_relu on C8 mixed fields, [2, 15, 4, 5]',
    [2, 15, 4, 5],
    () => {
      const layer = new NormNonLinearity(mixed, 'n_relu');
      // A positive bias keeps some norms on each side of the threshold (ReLU(|v| − b) cuts both ways).
      const bias = layer.bias;
      if (bias)
        noGrad(() =>
          bias.assign(
            randn(bias.shape, { generator: new Generator(8) })
              .abs()
              .mul(0.5),
          ),
        );
      return on_(layer, mixed);
    },
  ],
  [
    'GatedNonLinearity on C8 mixed fields, [2, 20, 3, 4]',
    [2, 20, 3, 4],
    () => {
      const gate = new GatedNonLinearity(mixed);
      return on_(gate, gate.inType);
    },
  ],
];

describe.skipIf(skip)('webgpu parity with cpu (grid layers)', () => {
  afterAll(async () => setBackend('cpu'));
  it('has an adapter', () => expect(unavailable).toBeNull());
  // 30 s: the first case of a cold run compiles its shaders (seconds on a software adapter).
  it.each(cases)(
    '%s',
    async (_, shape, build) => {
      const [yc, gc] = await on('cpu', shape, build);
      const [yg, gg] = await on('webgpu', shape, build);
      expect(yg.length).toBe(yc.length);
      expect(relMax(yg, yc)).toBeLessThan(1e-4);
      expect(relMax(gg, gc)).toBeLessThan(1e-4);
    },
    30_000,
  );
});

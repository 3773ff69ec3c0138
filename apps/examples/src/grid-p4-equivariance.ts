/**
 * A p4 group-equivariant CNN (Cohen & Welling 2016) built with @erlangen/grid: rotate an input by
 * 90° and check that the group-pooled, spatially averaged output does not change, while a plain CNN
 * of the same shape does. Run: `npm run example:grid --workspace @erlangen/examples`.
 */
import { manualSeed, nn, randn, type Tensor } from '@erlangen/core';
import {
  cyclicGroup,
  GeometricTensor,
  GroupConv,
  GroupPool,
  LiftingConv,
  PointwiseMaxPool,
  ReLU,
} from '@erlangen/grid';

manualSeed(0);
const p4 = cyclicGroup(4); // rotations by 0°, 90°, 180°, 270° (p4 = Z² ⋊ C4)

// Lifting conv (image → regular p4 fields), two group convs, group max-pool over the 4 rotations.
const lift = new LiftingConv(p4, 1, 8, 3);
const conv1 = new GroupConv(p4, 8, 8, 3);
const conv2 = new GroupConv(p4, 8, 10, 3);
const layers = [
  lift,
  new ReLU(lift.outType),
  conv1,
  new ReLU(conv1.outType),
  new PointwiseMaxPool(conv1.outType, 2),
  conv2,
  new GroupPool(conv2.outType, 'max'),
];
const gcnn = (x: GeometricTensor): Tensor =>
  layers.reduce((h, layer) => layer.forward(h), x).tensor.mean([2, 3]); // [batch, 10]

// A plain CNN with the same layer shapes, for comparison.
const plain = new nn.Sequential(
  new nn.Conv2d(1, 8, 3, { padding: 1 }),
  new nn.ReLU(),
  new nn.Conv2d(8, 8, 3, { padding: 1 }),
  new nn.ReLU(),
  new nn.MaxPool2d(2),
  new nn.Conv2d(8, 10, 3, { padding: 1 }),
);
const cnn = (x: Tensor): Tensor => plain.forward(x).mean([2, 3]);

const image = new GeometricTensor(randn([1, 1, 28, 28]), lift.inType); // [batch, channels, height, width]
const quarterTurn = p4.rotation(1);
const rotated = image.transform(quarterTurn); // the image turned 90° counter-clockwise

const maxAbsDiff = (a: Tensor, b: Tensor): number => a.sub(b).abs().max().item();
const scale = (a: Tensor): number => a.abs().max().item();

const g0 = gcnn(image);
const g1 = gcnn(rotated);
const c0 = cnn(image.tensor);
const c1 = cnn(rotated.tensor);
console.log(
  `p4 CNN (${layers.length} layers, ${[lift, conv1, conv2].reduce((s, m) => s + m.numParameters(), 0)} parameters)`,
);
console.log(`  output on the image:           [${[...g0.dataSync()].map((v) => v.toFixed(4)).join(', ')}]`);
console.log(`  output on the image turned 90°: [${[...g1.dataSync()].map((v) => v.toFixed(4)).join(', ')}]`);
console.log(
  `  max |difference| = ${maxAbsDiff(g0, g1).toExponential(2)} (output scale ${scale(g0).toFixed(3)}): invariant`,
);
console.log(
  `plain CNN: max |difference| = ${maxAbsDiff(c0, c1).toExponential(2)} (output scale ${scale(c0).toFixed(3)}): not invariant`,
);

// For inference, each group convolution exports to one ordinary Conv2d with the expanded filter.
const exported = conv1.export();
console.log(
  `conv1.export(): Conv2d ${exported.inChannels} → ${exported.outChannels} channels, ${exported.kernelSize.join('×')} kernel`,
);

/**
 * The four spherical-MNIST models. All take `[batch, 1, 32, 64]` maps on the 32×64 Gauss–Legendre
 * grid and return `[batch, 10]` logits.
 */
import { Generator, nn, type Tensor } from '@erlangen/core';
import {
  DiscoConvS2,
  type GridSampling,
  gridSampling,
  RingMajorZonalConv,
  ringMajorSphericalMean,
  S2ToSO3Conv,
  SO3Conv,
  SpectralResample,
  SpectralZonalConv,
  sphericalMean,
  toRingMajor,
} from '@erlangen/sphere';

export const g32 = gridSampling('gauss-legendre', 32); // 32×64, band limit 32
const g16 = gridSampling('gauss-legendre', 16);
const g8 = gridSampling('gauss-legendre', 8);

class Relu extends nn.Module {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

/**
 * The harmonic (zonal spectral) CNN, after Esteves et al. 2018: four zonal convolutions with
 * spectral pooling fused into them (32×64 → 16×32 at L = 16, 16×32 → 16×32, → 8×16 at L = 8,
 * 8×16 → 8×16), each batch-normalised in harmonic space and followed by a ReLU on the grid; spherical
 * mean; linear. Rotation-invariant up to the aliasing of the ReLUs. Runs in the ring-major layout
 * (`RingMajorZonalConv`), which trains several times faster on the cpu/wasm backends.
 */
export class HarmonicNet extends nn.Module {
  convs: RingMajorZonalConv[];
  head: nn.Linear;
  constructor(seed: number, widths: readonly number[] = [32, 64, 64, 128]) {
    super();
    const grids: [GridSampling, GridSampling][] = [
      [g32, g16],
      [g16, g16],
      [g16, g8],
      [g8, g8],
    ];
    let cin = 1;
    this.convs = grids.map(([from, to], i) => {
      const conv = new RingMajorZonalConv(from, cin, widths[i]!, {
        outSampling: to,
        batchNorm: true,
        seed: seed + 1 + i,
      });
      cin = widths[i]!;
      return conv;
    });
    this.head = new nn.Linear(cin, 10, { generator: new Generator(seed + 9) });
  }
  forward(x: Tensor): Tensor {
    let h = toRingMajor(x);
    for (const conv of this.convs) h = conv.forward(h).relu();
    return this.head.forward(ringMajorSphericalMean(h, g8));
  }
}

/** The first harmonic model (channels-first zonal convs, no batch norm): kept for comparison. */
export class HarmonicSmallNet extends nn.Module {
  c1: SpectralZonalConv;
  c2: SpectralZonalConv;
  c3: SpectralZonalConv;
  head: nn.Linear;
  private readonly p1 = new SpectralResample(g32, g16);
  private readonly p2 = new SpectralResample(g16, g8);
  constructor(seed: number) {
    super();
    this.c1 = new SpectralZonalConv(g32, 1, 16, { seed: seed + 1 });
    this.c2 = new SpectralZonalConv(g16, 16, 32, { seed: seed + 2 });
    this.c3 = new SpectralZonalConv(g8, 32, 64, { seed: seed + 3 });
    this.head = new nn.Linear(64, 10, { generator: new Generator(seed + 4) });
  }
  forward(x: Tensor): Tensor {
    let h = this.p1.forward(this.c1.forward(x).relu());
    h = this.p2.forward(this.c2.forward(h).relu());
    h = this.c3.forward(h).relu();
    return this.head.forward(sphericalMean(h, g8));
  }
}

/** DISCO CNN with isotropic piecewise-linear filters, downsampling 32 → 16 → 8 rings. */
export class DiscoNet extends nn.Module {
  d1: DiscoConvS2;
  d2: DiscoConvS2;
  d3: DiscoConvS2;
  head: nn.Linear;
  constructor(seed: number) {
    super();
    // cutoffs of ~3 input rings (the default scales with the coarser output grid and blurs too much)
    this.d1 = new DiscoConvS2(g32, 1, 16, {
      outSampling: g16,
      kernelShape: 3,
      cutoff: (3 * Math.PI) / 32,
      seed: seed + 1,
    });
    this.d2 = new DiscoConvS2(g16, 16, 32, {
      outSampling: g8,
      kernelShape: 3,
      cutoff: (3 * Math.PI) / 16,
      seed: seed + 2,
    });
    this.d3 = new DiscoConvS2(g8, 32, 64, { kernelShape: 3, cutoff: (3 * Math.PI) / 16, seed: seed + 3 });
    this.head = new nn.Linear(64, 10, { generator: new Generator(seed + 4) });
  }
  forward(x: Tensor): Tensor {
    const h = this.d3.forward(this.d2.forward(this.d1.forward(x).relu()).relu()).relu();
    return this.head.forward(sphericalMean(h, g8));
  }
}

/**
 * Cohen et al. 2018's S²CNN (s2cnn's MNIST model, smaller band limits): S² → SO(3) conv at b = 8,
 * ReLU on the SO(3) grid, SO(3) → SO(3) conv, ReLU, Haar mean over SO(3) (invariant), linear.
 */
export class S2CNN extends nn.Module {
  lift: S2ToSO3Conv;
  conv: SO3Conv;
  head: nn.Linear;
  constructor(seed: number) {
    super();
    this.lift = new S2ToSO3Conv(g32, 1, 10, 8, { seed: seed + 1 });
    this.conv = new SO3Conv(10, 20, 8, { seed: seed + 2 });
    this.head = new nn.Linear(20, 10, { generator: new Generator(seed + 4) });
  }
  forward(x: Tensor): Tensor {
    const h = this.conv.forward(this.lift.forward(x).relu()).relu(); // [B, 20, 8, 16, 16]
    return this.head.forward(this.conv.so3.mean(h));
  }
}

/** A planar CNN on the equirectangular image (the baseline that does not know it is a sphere). */
export class PlanarNet extends nn.Module {
  seq: nn.Sequential;
  head: nn.Linear;
  constructor(seed: number) {
    super();
    const generator = new Generator(seed + 1);
    this.seq = new nn.Sequential(
      new nn.Conv2d(1, 16, 3, { padding: 1, generator }),
      new Relu(),
      new nn.MaxPool2d(2),
      new nn.Conv2d(16, 32, 3, { padding: 1, generator }),
      new Relu(),
      new nn.MaxPool2d(2),
      new nn.Conv2d(32, 64, 3, { padding: 1, generator }),
      new Relu(),
    );
    this.head = new nn.Linear(64, 10, { generator: new Generator(seed + 4) });
  }
  forward(x: Tensor): Tensor {
    return this.head.forward((this.seq.forward(x) as Tensor).mean([2, 3]));
  }
}

export const MODELS: Record<string, (seed: number) => nn.Module> = {
  harmonic: (seed) => new HarmonicNet(seed),
  'harmonic-small': (seed) => new HarmonicSmallNet(seed),
  s2cnn: (seed) => new S2CNN(seed),
  disco: (seed) => new DiscoNet(seed),
  planar: (seed) => new PlanarNet(seed),
};

import { describe, expect, it } from 'vitest';
import { Generator, memory, nn, ones, randn, type Tensor, tensor, tidy, zeros } from '../src/index.js';
import { errorOf, values } from './nn-helpers.js';

class Block extends nn.Module {
  conv1 = new nn.Conv2d(2, 3, 3, { padding: 1, generator: new Generator(1) });
  bn = new nn.BatchNorm2d(3);
  forward(x: Tensor): Tensor {
    return this.bn.forward(this.conv1.forward(x)).relu();
  }
}

class Net extends nn.Module {
  scale = ones([1]).requireGrad();
  constant = ones([1]); // not a parameter: no requiresGrad
  blocks = [new Block(), new Block()];
  head = new nn.Sequential(new nn.Flatten(), new nn.Linear(3 * 4 * 4, 5, { generator: new Generator(2) }));
  forward(x: Tensor): Tensor {
    let y = x;
    for (const b of this.blocks) y = b.forward(y.narrow(1, 0, 2).mul(this.scale));
    return this.head.forward(y);
  }
}

describe('Module discovery and naming', () => {
  it('names parameters as torch does: own first, then children, arrays as name.i', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      'scale',
      'blocks.0.conv1.weight',
      'blocks.0.conv1.bias',
      'blocks.0.bn.weight',
      'blocks.0.bn.bias',
      'blocks.1.conv1.weight',
      'blocks.1.conv1.bias',
      'blocks.1.bn.weight',
      'blocks.1.bn.bias',
      'head.1.weight',
      'head.1.bias',
    ]);
    expect(net.parameters()).toHaveLength(11);
    expect(net.namedBuffers().map(([n]) => n)).toEqual([
      'blocks.0.bn.running_mean',
      'blocks.0.bn.running_var',
      'blocks.0.bn.num_batches_tracked',
      'blocks.1.bn.running_mean',
      'blocks.1.bn.running_var',
      'blocks.1.bn.num_batches_tracked',
    ]);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['blocks.0', 'blocks.1', 'head']);
    expect(net.namedModules().map(([n]) => n)).toEqual([
      '',
      'blocks.0',
      'blocks.0.conv1',
      'blocks.0.bn',
      'blocks.1',
      'blocks.1.conv1',
      'blocks.1.bn',
      'head',
      'head.0',
      'head.1',
    ]);
    expect(net.children()).toHaveLength(3);
  });

  it('stateDict lists parameters then buffers per module, in torch order, with snake_case buffer names', () => {
    const keys = Object.keys(new Block().stateDict());
    expect(keys).toEqual([
      'conv1.weight',
      'conv1.bias',
      'bn.weight',
      'bn.bias',
      'bn.running_mean',
      'bn.running_var',
      'bn.num_batches_tracked',
    ]);
  });

  it('Sequential names children 0, 1, … and runs them in order', () => {
    const seq = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(seq.length).toBe(3);
    expect(seq.at(-1)).toBeInstanceOf(nn.Linear);
    const x = randn([5, 4]);
    const manual = (seq.at(2) as nn.Linear).forward((seq.at(0) as nn.Linear).forward(x).relu());
    expect(values(seq.forward(x))).toEqual(values(manual));
    // More than ten children stay in numeric order (integer keys are enumerated numerically).
    const long = new nn.Sequential(...Array.from({ length: 12 }, () => new nn.Linear(2, 2)));
    expect(long.namedChildren().map(([n]) => n)).toEqual(Array.from({ length: 12 }, (_, i) => `${i}`));
    expect(errorOf(() => seq.at(3))).toContain("argument 'i'");
  });

  it('counts parameters and lists a shared parameter once', () => {
    const lin = new nn.Linear(4, 3);
    expect(lin.numParameters()).toBe(15);
    class Tied extends nn.Module {
      a = lin;
      b = lin;
      forward(x: Tensor) {
        return this.b.forward(this.a.forward(x));
      }
    }
    expect(new Tied().parameters()).toHaveLength(2);
    expect(new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4)).numParameters()).toBe(16 + 8);
  });

  it('keeps a registered parameter after it is frozen', () => {
    class Frozen extends nn.Module {
      w: Tensor;
      constructor() {
        super();
        this.w = this.registerParameter('w', zeros([2]));
      }
      forward(x: Tensor) {
        return x.mul(this.w);
      }
    }
    const m = new Frozen();
    expect(m.w.requiresGrad).toBe(true);
    m.w.requireGrad(false);
    expect(m.namedParameters().map(([n]) => n)).toEqual(['w']);
    expect(m.numParameters({ trainableOnly: true })).toBe(0);
  });
});

describe('Module modes and gradients', () => {
  it('train/eval propagate to every descendant', () => {
    const net = new Net();
    expect(net.modules().every((m) => m.training)).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.blocks[1]!.bn.training).toBe(true);
    net.train(false);
    expect(net.head.at(1).training).toBe(false);
  });

  it('zeroGrad clears every gradient', () => {
    const net = new Net();
    net
      .forward(randn([2, 2, 4, 4]))
      .sum()
      .backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('parameters and buffers survive tidy, including plain requiresGrad properties of user modules', () => {
    const net = tidy(() => new Net()); // Net.scale is an ordinary field, never registered
    const made = tidy(
      () => new nn.Sequential(new nn.Linear(2, 2), new nn.BatchNorm1d(2), new nn.Embedding(3, 2)),
    );
    for (const m of [net, made]) {
      expect(m.parameters().every((p) => !p.isDisposed)).toBe(true);
      expect(m.buffers().every((b) => !b.isDisposed)).toBe(true);
    }
    expect(values(net.forward(randn([2, 2, 4, 4])))).toHaveLength(10);
    // Assigning a new parameter later is kept too.
    tidy(() => {
      net.scale = ones([1]).mul(2).requireGrad();
    });
    expect(net.scale.isDisposed).toBe(false);
  });

  it('a forward pass inside tidy frees its temporaries', () => {
    const net = new Net();
    const x = randn([2, 2, 4, 4]);
    tidy(() => net.forward(x)); // warm-up: lazily created state
    const before = memory().numTensors;
    tidy(() => {
      net.forward(x);
    });
    expect(memory().numTensors).toBe(before);
  });

  it('prints a torch-like tree', () => {
    const s = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU()).toString();
    expect(s).toBe('Sequential(\n  (0): Linear(inFeatures=2, outFeatures=3, bias=true)\n  (1): ReLU()\n)');
  });
});

describe('state dicts', () => {
  it('round-trips into a fresh model, including buffers, and keeps parameter identity', () => {
    const a = new Net();
    a.forward(randn([3, 2, 4, 4])); // moves the running statistics
    const b = new Net();
    const weightBefore = b.blocks[0]!.conv1.weight;
    b.loadStateDict(a.stateDict());
    expect(b.blocks[0]!.conv1.weight).toBe(weightBefore);
    const sa = a.stateDict();
    const sb = b.stateDict();
    expect(Object.keys(sb)).toEqual(Object.keys(sa));
    for (const k of Object.keys(sa)) expect(values(sb[k]!), k).toEqual(values(sa[k]!));
    expect(b.blocks[0]!.bn.numBatchesTracked!.item()).toBe(1);
    a.eval();
    b.eval();
    const x = randn([2, 2, 4, 4]);
    expect(values(b.forward(x))).toEqual(values(a.forward(x)));
  });

  it('is a snapshot: later updates do not change it, and loading leaves the source dict usable', () => {
    const lin = new nn.Linear(2, 2);
    const snap = lin.stateDict();
    const w0 = values(snap.weight!);
    lin.weight.assign(zeros([2, 2]));
    expect(values(snap.weight!)).toEqual(w0);
    lin.loadStateDict(snap);
    expect(values(lin.weight)).toEqual(w0);
    expect(snap.weight!.isDisposed).toBe(false);
  });

  it('names missing and unexpected keys, and loads nothing on failure', () => {
    const lin = new nn.Linear(2, 2);
    const before = values(lin.weight);
    const { bias: _b, ...noBias } = new nn.Linear(2, 2).stateDict();
    let msg = errorOf(() => lin.loadStateDict(noBias));
    expect(msg).toContain("missing key(s) 'bias'");
    expect(values(lin.weight)).toEqual(before);
    msg = errorOf(() => lin.loadStateDict({ ...new nn.Linear(2, 2).stateDict(), extra: zeros([1]) }));
    expect(msg).toContain("unexpected key(s) 'extra'");
    expect(msg).toContain('strict: false');
    const result = lin.loadStateDict({ ...noBias, extra: zeros([1]) }, { strict: false });
    expect(result).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['extra'] });
    expect(values(lin.weight)).toEqual(values(noBias.weight!));
  });

  it('reports a shape mismatch with the key and both shapes, even when not strict', () => {
    const lin = new nn.Linear(2, 3);
    const msg = errorOf(() =>
      lin.loadStateDict({ weight: zeros([2, 2]), bias: zeros([3]) }, { strict: false }),
    );
    expect(msg).toContain("'weight'");
    expect(msg).toContain('[3, 2]');
    expect(msg).toContain('[2, 2]');
  });

  it('casts values to the buffer dtype (num_batches_tracked is int32)', () => {
    const bn = new nn.BatchNorm1d(2);
    bn.loadStateDict({ ...bn.stateDict(), num_batches_tracked: tensor(7) });
    expect(bn.numBatchesTracked!.dtype).toBe('int32');
    expect(bn.numBatchesTracked!.item()).toBe(7);
  });

  it('getBuffer names the missing buffer', () => {
    expect(errorOf(() => new nn.BatchNorm1d(2).getBuffer('mean'))).toContain("'running_mean'");
  });
});

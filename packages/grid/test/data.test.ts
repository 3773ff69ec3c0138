import { describe, expect, it } from 'vitest';
import { rotatedMnist, rotateImages } from '../src/index.js';
import digits from './fixtures/digits.json' with { type: 'json' };

const images = Float32Array.from(digits.digits.flat());
const labels = Int32Array.from({ length: 10 }, (_, i) => i);

describe('rotated digits', () => {
  it('rotateImages: a quarter turn is numpy.rot90 (counter-clockwise), a full turn the identity, bilinear in between', () => {
    const img = images.subarray(3 * 784, 4 * 784);
    const quarter = rotateImages(img, 28, 28, Math.PI / 2);
    for (let i = 0; i < 28; i++)
      for (let j = 0; j < 28; j++) expect(quarter[i * 28 + j]).toBeCloseTo(img[j * 28 + (27 - i)]!, 5);
    const full = rotateImages(img, 28, 28, 2 * Math.PI);
    for (let p = 0; p < 784; p++) expect(full[p]).toBeCloseTo(img[p]!, 5);
    // A 45° turn keeps the ink mass roughly (bilinear interpolation, digit away from the border).
    const mass = (a: Float32Array) => a.reduce((s, v) => s + v, 0);
    const turned = rotateImages(img, 28, 28, Math.PI / 4);
    expect(Math.abs(mass(turned) / mass(img) - 1)).toBeLessThan(0.05);
  });

  it('rotatedMnist: seeded, sizes as asked, angles uniform in [0, 2π), labels follow their images', () => {
    const a = rotatedMnist(images, labels, { train: 5, validation: 2, test: 3 }, { seed: 1 });
    const b = rotatedMnist(images, labels, { train: 5, validation: 2, test: 3 }, { seed: 1 });
    const c = rotatedMnist(images, labels, { train: 5, validation: 2, test: 3 }, { seed: 2 });
    expect([a.train.size, a.validation.size, a.test.size]).toEqual([5, 2, 3]);
    expect(Array.from(a.train.images)).toEqual(Array.from(b.train.images));
    expect(Array.from(a.train.angles)).not.toEqual(Array.from(c.train.angles));
    const all = [...a.train.labels, ...a.validation.labels, ...a.test.labels].sort((x, y) => x - y);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const part of [a.train, a.validation, a.test])
      for (let i = 0; i < part.size; i++) {
        expect(part.angles[i]).toBeGreaterThanOrEqual(0);
        expect(part.angles[i]).toBeLessThan(2 * Math.PI);
        const src = images.subarray(part.labels[i]! * 784, (part.labels[i]! + 1) * 784);
        const expected = rotateImages(Float32Array.from(src), 28, 28, part.angles[i]!);
        expect(Array.from(part.images.subarray(i * 784, (i + 1) * 784))).toEqual(Array.from(expected));
      }
  });

  it('bad input: sizes beyond the data, wrong image length', () => {
    expect(() => rotatedMnist(images, labels, { train: 8, validation: 2, test: 1 })).toThrow(/≤ 10/);
    expect(() => rotatedMnist(images.subarray(1), labels, { train: 1, validation: 0, test: 0 })).toThrow(
      /10 images of 28×28/,
    );
  });
});

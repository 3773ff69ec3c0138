import { nn, optim, tensor, tidy } from '@erlangen/core';
import { expect, it } from 'vitest';
import {
  InformationPlaneRecorder,
  informationPlaneSvg,
  logSpacedEpochs,
  planeSeries,
  twelveBitDataset,
  twelveBitNetwork,
} from '../src/index.js';

it("the README's recorder example runs (shortened to 10 epochs, 6 recordings)", () => {
  const { inputs, labels } = twelveBitDataset();
  const x = tensor(inputs, [4096, 12]);
  const y = tensor(labels, [4096], 'int32');
  const model = twelveBitNetwork('tanh');
  const optimizer = new optim.Adam(model.parameters(), { lr: 4e-3 });
  const epochs = 10;
  const streamed: string[] = [];
  const recorder = new InformationPlaneRecorder({
    model,
    probeInputs: x,
    probeLabels: labels,
    estimators: [{ kind: 'binning' }, { kind: 'binning', strategy: { kind: 'floor', binSize: 0.07 } }],
    epochs: logSpacedEpochs(epochs, 5),
    onRecord: (r) => streamed.push(JSON.stringify(r)),
  });
  recorder.recordNow(0);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    recorder.beginEpoch(epoch);
    tidy(() => {
      optimizer.zeroGrad();
      nn.functional.crossEntropy(model.forward(x), y).backward();
      recorder.observeGradients();
      optimizer.step();
    });
    recorder.endEpoch(epoch);
  }
  const svg = informationPlaneSvg(
    planeSeries(recorder.history, recorder.estimatorNames[0]!, recorder.layerNames),
  );
  expect(streamed.length).toBe(recorder.history.length);
  expect(svg.match(/<circle /g)?.length).toBe(recorder.history.length * 6);
  recorder.dispose();
});

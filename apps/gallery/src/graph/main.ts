/** The graph page: trains GCN or GAT on Cora in a worker and draws the hidden layer as it learns. */
import coraUrl from '../../../../packages/graph/data/cora.bin.gz?url';
import { handleStatus, mountPage, param, reportUncaught } from '../shared/page.js';
import '../shared/style.css';
import type { GraphMessage, GraphRequest } from './protocol.js';

const CLASS_COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1'];

const page = mountPage(
  'Graphs: GCN and GAT on Cora, in this tab',
  'Cora is a citation graph of 2,708 machine-learning papers (7 topics, 5,278 citations). A graph ' +
    'neural network sees 20 labelled papers per topic and the citations, and labels the rest. The ' +
    'picture shows the network’s hidden features (2-D principal components), one dot per paper, ' +
    'coloured by true topic: the topics separate as it learns.',
);
reportUncaught(page);

const form = document.createElement('form');
form.innerHTML = `
  <label>Model <select name="model"><option value="gcn">GCN (Kipf & Welling)</option><option value="gat">GAT (Veličković et al.)</option></select></label>
  <label>Epochs <input name="epochs" type="number" min="1" max="500" value="${param('epochs') ?? '200'}"></label>
  <button type="submit">Train</button>`;
const metrics = document.createElement('table');
metrics.className = 'metrics';
metrics.innerHTML =
  '<thead><tr><th>epoch</th><th>loss</th><th>train</th><th>validation</th><th>test</th><th>ms / epoch</th></tr></thead><tbody></tbody>';
const canvas = document.createElement('canvas');
canvas.width = 560;
canvas.height = 420;
canvas.setAttribute('role', 'img');
canvas.setAttribute(
  'aria-label',
  'Hidden features of every paper, two principal components, coloured by topic',
);
const result = document.createElement('p');
result.id = 'result';
const row = document.createElement('div');
row.className = 'row';
row.append(canvas, metrics);
page.main.append(form, row, result);

let labels: Int32Array = new Int32Array(0);
let worker: Worker | null = null;

function draw(points: Float32Array): void {
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  // Scale to the 1st–99th percentiles so a few outlying papers do not squash the picture.
  const range = (offset: number): [number, number] => {
    const v = Float32Array.from({ length: points.length / 2 }, (_, i) => points[2 * i + offset]!).sort();
    return [v[Math.floor(0.01 * (v.length - 1))]!, v[Math.ceil(0.99 * (v.length - 1))]!];
  };
  const [minX, maxX] = range(0);
  const [minY, maxY] = range(1);
  const sx = (canvas.width - 20) / (maxX - minX || 1);
  const sy = (canvas.height - 20) / (maxY - minY || 1);
  for (let i = 0; i < labels.length; i++) {
    ctx.fillStyle = CLASS_COLOURS[labels[i]! % CLASS_COLOURS.length]!;
    ctx.fillRect(10 + (points[2 * i]! - minX) * sx - 1.5, 10 + (points[2 * i + 1]! - minY) * sy - 1.5, 3, 3);
  }
}

function start(): void {
  worker?.terminate();
  metrics.tBodies[0]!.replaceChildren();
  result.textContent = '';
  document.body.dataset.status = 'loading';
  const data = new FormData(form);
  const request: GraphRequest = {
    model: data.get('model') === 'gat' ? 'gat' : 'gcn',
    epochs: Math.max(1, Number(data.get('epochs')) || 200),
    every: Number(param('every') ?? 10),
    backend: param('backend'),
    dataUrl: new URL(coraUrl, location.href).href,
    seed: 0,
  };
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.onerror = (e) => page.showError(`worker failed: ${e.message}`);
  worker.onmessage = (e: MessageEvent<GraphMessage>) => {
    const m = e.data;
    if (handleStatus(page, m)) return;
    if (m.type === 'data') {
      labels = m.labels;
      page.setStatus(`Cora loaded: ${m.numNodes} nodes, ${m.numEdges} directed edges. Training…`);
    } else if (m.type === 'epoch') {
      draw(m.points);
      const tr = document.createElement('tr');
      const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
      for (const v of [
        String(m.epoch),
        m.loss.toFixed(3),
        pct(m.train),
        pct(m.val),
        pct(m.test),
        m.msPerEpoch.toFixed(0),
      ]) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.append(td);
      }
      metrics.tBodies[0]!.prepend(tr);
    } else if (m.type === 'done') {
      result.textContent = `Done: test accuracy ${(100 * m.testAtBestVal).toFixed(1)}% at the best validation epoch (validation ${(100 * m.bestVal).toFixed(1)}%), ${m.epochs} epochs.`;
      page.setStatus('Done.');
      page.done(m.testAtBestVal.toFixed(4));
    }
  };
  worker.postMessage(request);
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  start();
});
if (param('model') === 'gat') (form.elements.namedItem('model') as HTMLSelectElement).value = 'gat';
start();

/** The gallery's front page: what each page shows. */
import { mountPage, PAGES } from './shared/page.js';
import './shared/style.css';

const page = mountPage(
  'Erlangen gallery',
  'Geometric deep learning in the browser: each page trains or runs a small symmetry-aware model ' +
    'in this tab, on WebGPU where your browser has it and on the CPU backend otherwise.',
);
const list = document.createElement('ul');
list.className = 'cards';
for (const p of PAGES) {
  const li = document.createElement('li');
  const a = document.createElement('a');
  a.href = p.href;
  a.textContent = p.title;
  const blurb = document.createElement('p');
  blurb.textContent = p.blurb;
  li.append(a, blurb);
  list.append(li);
}
page.main.append(list);
page.setStatus('Pick a page.');
document.getElementById('backend')!.remove();
document.getElementById('progress')!.remove();
page.done('index');

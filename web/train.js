// SPDX-License-Identifier: MIT
// The playground's Train panel: a gradlab Net (WebAssembly) trained step by
// step on two moons, two circles or XOR; the decision boundary as a heat map,
// the loss curve, and any neuron's incoming weights, gradients and graph.
'use strict';

const train = {
  trainer: null,
  losses: [],
  playing: false,
  neuron: null,  // [layer, index] of the neuron shown
};
// The plane drawn, [x from, x to, y from, y to], for each data set.
const kViews = { moons: [-1.5, 2.5, -1.75, 2.25], circles: [-1.5, 1.5, -1.5, 1.5], xor: [-1.5, 1.5, -1.5, 1.5] };
const kGrid = 48;                // the heat map's cells a side

function settings() {
  const width = Number(el('width').value), depth = Number(el('depth').value);
  return {
    data: el('dataset').value,
    hidden: Array.from({ length: Number.isInteger(depth) && depth > 0 && depth <= 6 ? depth : 0 }, () => width),
    act: el('activation').value,
    lr: Number(el('lr').value),
    batch: Number(el('batch').value),
    seed: Number(el('seed').value),
  };
}

// A new net for the settings, trained `steps` steps (the address's moment).
function resetTrainer(steps = 0) {
  pause();
  const s = settings();
  if (train.trainer) train.trainer.delete();
  train.trainer = null;
  const problem = !Number.isInteger(s.seed) || s.seed < 0 ? 'seed: a whole number >= 0'
    : playground.gradlab.trainerProblem(s.data, s.hidden, s.act, s.lr, Number.isInteger(s.batch) ? s.batch : 0);
  el('train-error').hidden = !problem;
  el('train-error').textContent = problem;
  if (problem) return;
  train.trainer = new playground.gradlab.Trainer(s.data, s.hidden, s.act, s.lr, s.batch, s.seed);
  train.losses = [];
  for (let k = 0; k < steps; ++k) train.losses.push(train.trainer.step());
  train.neuron = null;
  el('neuron').hidden = true;
  drawNetwork();
  showTrain();
}

function showTrain() {
  const t = train.trainer;
  if (!t) return;
  el('train-step').textContent = t.steps();
  el('train-loss').textContent = train.losses.length ? fmt(t.loss()) : '';
  el('train-accuracy').textContent = (100 * t.accuracy()).toFixed(0) + ' %';
  drawBoundary();
  drawLoss();
  drawWeights();
  if (train.neuron) showNeuron(...train.neuron);
  saveTrain();
}

function drawBoundary() {
  const canvas = el('boundary'), g = canvas.getContext('2d');
  const [x0, x1, y0, y1] = kViews[el('dataset').value] || kViews.moons, w = canvas.width, h = canvas.height;
  const scores = train.trainer.boundary(kGrid, x0, x1, y0, y1);
  const cell = w / kGrid;  // the canvas is square
  for (let r = 0; r < kGrid; ++r)
    for (let c = 0; c < kGrid; ++c) {
      const s = Math.max(-1, Math.min(1, scores[r * kGrid + c]));
      const a = Math.abs(s);  // blue for +1, red for -1, white at the boundary
      g.fillStyle = s > 0 ? `rgb(${255 - 140 * a},${255 - 90 * a},255)` : `rgb(255,${255 - 120 * a},${255 - 120 * a})`;
      g.fillRect(c * cell, r * cell, cell + 1, cell + 1);
    }
  const p = train.trainer.points();
  for (let i = 0; i < p.y.length; ++i) {
    const x = (p.x0[i] - x0) / (x1 - x0) * w, y = (y1 - p.x1[i]) / (y1 - y0) * h;
    g.beginPath();
    g.arc(x, y, 4, 0, 2 * Math.PI);
    g.fillStyle = p.y[i] > 0 ? '#1f4fbf' : '#c8281e';
    g.fill();
    g.strokeStyle = '#ffffff';
    g.stroke();
  }
}

function drawLoss() {
  const canvas = el('loss-curve'), g = canvas.getContext('2d'), w = canvas.width, h = canvas.height;
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, w, h);
  g.strokeStyle = '#bbbbbb';
  g.strokeRect(0.5, 0.5, w - 1, h - 1);
  const L = train.losses;
  if (L.length < 2) return;
  const top = Math.max(...L), n = L.length;
  g.beginPath();
  for (let k = 0; k < n; ++k) g.lineTo((k / (n - 1)) * (w - 10) + 5, h - 5 - (L[k] / top) * (h - 20));
  g.strokeStyle = '#1f4fbf';
  g.lineWidth = 1.5;
  g.stroke();
  g.fillStyle = '#333333';
  g.font = '12px sans-serif';
  g.fillText(`${fmt(top)} at the top`, 8, 14);
}

// The layers as columns of circles; a click picks a neuron.
function drawNetwork() {
  const svg = el('network'), sizes = train.trainer.sizes();
  const w = 360, h = 220, ns = 'http://www.w3.org/2000/svg';
  svg.replaceChildren();
  const x = (l) => 20 + (l * (w - 40)) / (sizes.length - 1);
  const y = (i, n) => (n === 1 ? h / 2 : 14 + (i * (h - 28)) / (n - 1));
  // The weights as lines under the neurons: blue positive, red negative, as thick as they are big.
  const edges = document.createElementNS(ns, 'g');
  edges.setAttribute('id', 'edges');
  for (let l = 1; l < sizes.length; ++l)
    for (let i = 0; i < sizes[l]; ++i)
      for (let k = 0; k < sizes[l - 1]; ++k) {
        const line = document.createElementNS(ns, 'line');
        line.setAttribute('x1', x(l - 1));
        line.setAttribute('y1', y(k, sizes[l - 1]));
        line.setAttribute('x2', x(l));
        line.setAttribute('y2', y(i, sizes[l]));
        line.dataset.at = `${l - 1} ${i} ${k}`;
        edges.appendChild(line);
      }
  svg.appendChild(edges);
  for (let l = 0; l < sizes.length; ++l)
    for (let i = 0; i < sizes[l]; ++i) {
      const c = document.createElementNS(ns, 'circle');
      c.setAttribute('cx', x(l));
      c.setAttribute('cy', y(i, sizes[l]));
      c.setAttribute('r', Math.min(7, (h - 28) / sizes[l] / 2 + 1));
      if (l === 0) c.setAttribute('class', 'input');
      else {
        c.setAttribute('class', 'neuron');
        c.dataset.layer = l - 1;
        c.dataset.index = i;
        const title = document.createElementNS(ns, 'title');
        title.textContent = `layer ${l}, neuron ${i + 1}`;
        c.appendChild(title);
        c.addEventListener('click', () => showNeuron(l - 1, i));
      }
      svg.appendChild(c);
    }
}

function drawWeights() {
  const sizes = train.trainer.sizes();
  const lines = el('edges').children;
  let at = 0;
  for (let l = 1; l < sizes.length; ++l)
    for (let i = 0; i < sizes[l]; ++i) {
      const weights = train.trainer.neuron(l - 1, i).weights;
      for (const wk of weights) {
        const line = lines[at++];
        line.setAttribute('stroke', wk > 0 ? '#1f4fbf' : '#c8281e');
        line.setAttribute('stroke-width', Math.min(3, 0.2 + Math.abs(wk)).toFixed(2));
        line.setAttribute('stroke-opacity', '0.35');
      }
    }
}

function showNeuron(layer, index) {
  train.neuron = [layer, index];
  const n = train.trainer.neuron(layer, index);
  el('neuron').hidden = false;
  el('neuron-title').textContent = `layer ${layer + 1}, neuron ${index + 1} (${n.activation})`;
  const body = el('neuron-table').querySelector('tbody');
  body.replaceChildren();
  const rows = n.weights.map((w, i) => [layer === 0 ? `x${i}` : `layer ${layer} neuron ${i + 1}`, w, n.grads[i]]);
  rows.push(['bias', n.bias, n.bias_grad]);
  for (const [name, w, g] of rows) {
    const tr = document.createElement('tr');
    for (const cell of [name, fmt(w), fmt(g)]) {
      const td = document.createElement('td');
      td.textContent = cell;
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  for (const c of el('network').querySelectorAll('circle.neuron'))
    c.classList.toggle('picked', Number(c.dataset.layer) === layer && Number(c.dataset.index) === index);
}

function drawNeuronGraph() {
  if (!train.neuron) return;
  draw(train.trainer.neuronDot(...train.neuron), el('neuron-graph'));
}

// Play: as many steps as fit in about 30 ms, then the pictures, each frame.
function play() {
  if (train.playing) { pause(); return; }
  if (!train.trainer) return;
  train.playing = true;
  el('play').textContent = 'Pause';
  const frame = () => {
    if (!train.playing) return;
    const start = performance.now();
    do train.losses.push(train.trainer.step()); while (performance.now() - start < 30);
    showTrain();
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}
function pause() {
  train.playing = false;
  el('play').textContent = 'Play';
}

function saveTrain() {
  if (currentPanel() !== 'train') return;
  const s = settings();
  writeHash([['panel', 'train'], ['data', s.data], ['width', el('width').value], ['depth', el('depth').value],
             ['act', s.act], ['lr', el('lr').value], ['batch', el('batch').value], ['seed', el('seed').value],
             ['step', train.trainer ? train.trainer.steps() : 0]]);
}

function startTrain(state) {
  const fields = { data: 'dataset', width: 'width', depth: 'depth', act: 'activation', lr: 'lr', batch: 'batch', seed: 'seed' };
  for (const [key, id] of Object.entries(fields)) if (state.has(key)) el(id).value = state.get(key);
  for (const id of Object.values(fields)) el(id).addEventListener('change', () => resetTrainer());
  el('play').addEventListener('click', play);
  el('single').addEventListener('click', () => {
    if (!train.trainer) return;
    pause();
    train.losses.push(train.trainer.step());
    showTrain();
  });
  el('reset').addEventListener('click', () => resetTrainer());
  el('neuron-graph-button').addEventListener('click', drawNeuronGraph);
  const steps = Math.min(Math.max(Math.trunc(Number(state.get('step') || 0)) || 0, 0), 100000);
  resetTrainer(steps);
}

// For the tests and the README's figures: milliseconds for `steps` steps
// of a fresh Net(2, [16, 16, 1]) on 100 moons, all points in each batch.
function timeTraining(steps) {
  const t = new playground.gradlab.Trainer('moons', [16, 16], 'relu', 0.1, 100, 1);
  const start = performance.now();
  t.run(steps);
  const ms = performance.now() - start;
  const accuracy = t.accuracy();
  t.delete();
  return { ms, accuracy };
}

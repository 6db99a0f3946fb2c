// SPDX-License-Identifier: MIT
// The playground's start, its address (#...) and the Expression panel: the
// gradlab library (gradlab.js, WebAssembly) parses and backpropagates, and
// Graphviz (viz-global.js, WebAssembly) lays the DOT text out as SVG.
'use strict';

const playground = {
  gradlab: null,  // the library, once compiled
  viz: null,      // Graphviz, once compiled
  ready: null,    // a promise of both
};

// --- the address: #expr=...&x=0.5&step=3, or #panel=train&data=moons&...
const kReservedKeys = ['expr', 'step', 'panel'];
function readHash() {
  const state = new Map();
  for (const part of location.hash.replace(/^#/, '').split('&')) {
    if (!part) continue;
    const at = part.indexOf('=');
    const key = decodeURIComponent(at < 0 ? part : part.slice(0, at));
    state.set(key, at < 0 ? '' : decodeURIComponent(part.slice(at + 1)));
  }
  return state;
}
function writeHash(pairs) {
  const text = pairs.map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(String(v))).join('&');
  history.replaceState(null, '', '#' + text);
}

function draw(dot, into) {
  const svg = playground.viz.renderSVGElement(dot);
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  into.replaceChildren(svg);
  return svg;
}

// --- the Expression panel --------------------------------------------------
const expression = {
  trace: null,     // what gradlab.trace returned for the text and values
  values: {},      // each variable's number
  step: -1,        // the frame shown; -1: the last (every gradient complete)
  timer: null,     // Run's clock
  drawnFirst: false,
};

const el = (id) => document.getElementById(id);
const fmt = (x) => playground.gradlab.fourDecimals(x);

function showError(box, text, message, position) {
  box.hidden = false;
  if (position === undefined) { box.textContent = message; return; }
  // As the gradlab command prints it: the text, a ^ under the place, the message.
  box.textContent = '  ' + text + '\n  ' + ' '.repeat(position) + '^\n' + message;
}

function sliderRange(x) {
  const reach = Math.max(5, Math.ceil(Math.abs(x) * 2));
  return [-reach, reach];
}

// One row per variable: a slider, a number box and the gradient.
function buildVariables(variables) {
  const box = el('variables');
  const names = variables.map((v) => v.name).join(' ');
  if (box.dataset.names === names) return;
  box.dataset.names = names;
  box.replaceChildren();
  for (const v of variables) {
    const row = document.createElement('div');
    row.className = 'variable';
    const [lo, hi] = sliderRange(v.value);
    row.innerHTML = `<label></label><input type="range" step="0.01"><input type="number" step="any">
      <span>∂/∂<span class="name"></span> <output></output></span>`;
    row.querySelector('label').textContent = v.name;
    row.querySelector('.name').textContent = v.name;
    row.querySelector('output').dataset.grad = v.name;
    const slider = row.querySelector('input[type=range]'), number = row.querySelector('input[type=number]');
    slider.min = lo; slider.max = hi; slider.value = v.value; number.value = v.value;
    slider.setAttribute('aria-label', v.name);
    number.setAttribute('aria-label', v.name);
    slider.addEventListener('input', () => { number.value = slider.value; setValue(v.name, Number(slider.value)); });
    number.addEventListener('input', () => {
      if (number.value === '' || !Number.isFinite(Number(number.value))) return;
      const x = Number(number.value);
      if (x < slider.min || x > slider.max) [slider.min, slider.max] = sliderRange(x);
      slider.value = x;
      setValue(v.name, x);
    });
    box.appendChild(row);
  }
}

function setValue(name, x) {
  expression.values[name] = x;
  compute();
}

// Parses, evaluates and backpropagates the text with the library, then shows it.
function compute() {
  const text = el('expr').value;
  const t = playground.gradlab.trace(text, expression.values);
  expression.trace = t;
  const error = el('expr-error');
  if (t.error !== undefined) {
    showError(error, text, t.error, t.position);
    el('expr').classList.add('invalid');
    document.querySelector('output[data-value]').textContent = '';
    for (const o of document.querySelectorAll('output[data-grad]')) o.textContent = '';
    // The last graph stays, faded, until the text is an expression again.
    el('graph').classList.add('stale');
    el('tape').hidden = true;
    el('counter').textContent = el('frame-text').textContent = '';
    for (const id of ['back', 'step', 'run']) el(id).disabled = true;
    stopRun();
    saveExpression();
    return;
  }
  error.hidden = true;
  el('expr').classList.remove('invalid');
  el('graph').classList.remove('stale');
  for (const v of t.variables) if (!(v.name in expression.values)) expression.values[v.name] = v.value;
  buildVariables(t.variables);
  document.querySelector('output[data-value]').textContent = t.value_text;
  for (const v of t.variables) document.querySelector(`output[data-grad="${CSS.escape(v.name)}"]`).textContent = v.grad_text;
  showFrame();
}

function lastFrame() { return expression.trace.frames.length - 1; }
function currentFrame() {
  const t = expression.trace;
  if (!t || t.error !== undefined || t.frames.length === 0) return -1;
  return expression.step < 0 || expression.step > lastFrame() ? lastFrame() : expression.step;
}

function showFrame() {
  const t = expression.trace;
  const k = currentFrame();
  const graph = el('graph');
  if (k < 0) {
    graph.replaceChildren();
    el('counter').textContent = t && t.error === undefined ? `${t.ops} ops: too many to draw` : '';
    saveExpression();
    return;
  }
  const f = t.frames[k];
  const svg = draw(f.dot, graph);
  hoverable(svg, f);
  if (!expression.drawnFirst) {
    expression.drawnFirst = true;
    performance.mark('gradlab-first-graph');
  }
  el('counter').textContent = t.stepped ? `step ${k} of ${lastFrame()}` : `${t.ops} ops: the steps are not shown`;
  el('frame-text').textContent = f.text;
  const tape = el('tape'), body = tape.querySelector('tbody');
  body.replaceChildren();
  tape.hidden = !f.rows;
  for (const r of f.rows || []) {
    const tr = document.createElement('tr');
    for (const cell of [f.node, f.op, fmt(f.upstream), r.operand, fmt(r.local), fmt(r.contribution), fmt(r.accumulated)]) {
      const td = document.createElement('td');
      td.textContent = cell;
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  el('back').disabled = k === 0;
  el('step').disabled = !t.stepped;
  el('run').disabled = !t.stepped;
  saveExpression();
}

// Hovering a node shows its value, its gradient at this frame and its local derivatives.
function hoverable(svg, frame) {
  const box = el('hover');
  for (const g of svg.querySelectorAll('g.node')) {
    const id = g.querySelector('title').textContent;
    const n = expression.trace.nodes[id];
    if (!n) continue;
    g.addEventListener('mouseenter', (event) => {
      const lines = [`${n.name}${n.op ? ' = ' + n.op + '(…)' : ''}`, `value ${fmt(n.data)}`,
                     n.takes_grad ? `gradient ${fmt(frame.grads[n.index])}` : 'a constant: no gradient'];
      for (const l of n.locals) lines.push(`∂${n.name}/∂${l.operand} = ${fmt(l.local)}`);
      box.textContent = lines.join('\n');
      box.hidden = false;
      box.style.left = event.pageX + 12 + 'px';
      box.style.top = event.pageY + 12 + 'px';
    });
    g.addEventListener('mouseleave', () => { box.hidden = true; });
  }
}

function saveExpression() {
  if (currentPanel() !== 'expression') return;
  const pairs = [['expr', el('expr').value]];
  const t = expression.trace;
  // A variable named like one of the address's own keys keeps its value out of it.
  if (t && t.error === undefined)
    for (const v of t.variables) if (!kReservedKeys.includes(v.name)) pairs.push([v.name, expression.values[v.name]]);
  if (t && t.error === undefined && t.frames.length && currentFrame() !== lastFrame()) pairs.push(['step', currentFrame()]);
  writeHash(pairs);
}

function stepBy(delta) {
  const t = expression.trace;
  if (!t || t.error !== undefined || !t.stepped) return;
  let k = currentFrame();
  if (delta > 0 && k === lastFrame()) k = 0;  // Step from the finished graph starts over
  else k = Math.min(Math.max(k + delta, 0), lastFrame());
  expression.step = k;
  showFrame();
}

function run() {
  if (expression.timer) { stopRun(); return; }
  const t = expression.trace;
  if (!t || t.error !== undefined || !t.stepped) return;
  if (currentFrame() === lastFrame()) expression.step = 0, showFrame();
  el('run').textContent = 'Pause';
  expression.timer = setInterval(() => {
    stepBy(1);
    if (currentFrame() === lastFrame()) stopRun();
  }, 700);
}
function stopRun() {
  clearInterval(expression.timer);
  expression.timer = null;
  el('run').textContent = 'Run';
}

function startExpression(state) {
  if (state.has('expr')) el('expr').value = state.get('expr');
  for (const [key, value] of state)
    if (!kReservedKeys.includes(key) && value !== '' && Number.isFinite(Number(value)))
      expression.values[key] = Number(value);
  expression.step = state.has('step') ? Math.max(0, Math.trunc(Number(state.get('step'))) || 0) : -1;
  el('expr').addEventListener('input', () => { expression.step = -1; stopRun(); compute(); });
  el('step').addEventListener('click', () => stepBy(1));
  el('back').addEventListener('click', () => stepBy(-1));
  el('run').addEventListener('click', run);
  compute();
}

// --- panels ------------------------------------------------------------------
function currentPanel() { return el('train').hidden ? 'expression' : 'train'; }
function showPanel(name) {
  el('expression').hidden = name !== 'expression';
  el('train').hidden = name !== 'train';
  el('tab-expression').classList.toggle('active', name === 'expression');
  el('tab-train').classList.toggle('active', name === 'train');
}

playground.ready = Promise.all([createGradlab(), Viz.instance()]).then(([gradlab, viz]) => {
  playground.gradlab = gradlab;
  playground.viz = viz;
  el('status').textContent = '';
  const state = readHash();
  const panel = state.get('panel') === 'train' ? 'train' : 'expression';
  showPanel(panel);
  startExpression(panel === 'expression' ? state : new Map());
  startTrain(panel === 'train' ? state : new Map());
  el('tab-expression').addEventListener('click', () => { showPanel('expression'); saveExpression(); });
  el('tab-train').addEventListener('click', () => { showPanel('train'); saveTrain(); });
}).catch((e) => {
  el('status').textContent = 'gradlab could not start here: ' + e;
  throw e;
});

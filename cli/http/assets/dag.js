// Draws a job graph as a left-to-right DAG in plain SVG: nodes in columns by
// their longest distance from a source, edges as curves (side outputs
// dashed, labelled with the output name or partitioning). Node boxes show
// live numbers via update(); the fill turns red with backpressure.
'use strict';

const SVG_NS = 'http://www.w3.org/2000/svg';
const NODE_W = 190, NODE_H = 74, COL_GAP = 70, ROW_GAP = 24, PAD = 16;

function svgEl(tag, attrs, parent) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  if (parent) parent.appendChild(el);
  return el;
}

// Columns by longest path from a source (the graph is acyclic: validated).
function layoutColumns(uids, edges) {
  const col = new Map(uids.map((u) => [u, 0]));
  for (let pass = 0; pass < uids.length; pass++) {
    let moved = false;
    for (const e of edges) {
      if (col.has(e.from) && col.has(e.to) && col.get(e.to) < col.get(e.from) + 1) {
        col.set(e.to, col.get(e.from) + 1);
        moved = true;
      }
    }
    if (!moved) break;
  }
  return col;
}

class DagView {
  constructor(parent, graph) {
    const nodes = (graph && graph.nodes) || [];
    const edges = (graph && graph.edges) || [];
    const col = layoutColumns(nodes.map((n) => n.uid), edges);
    const rows = new Map();
    this.pos = new Map();
    for (const n of nodes) {
      const c = col.get(n.uid);
      const r = rows.get(c) || 0;
      rows.set(c, r + 1);
      this.pos.set(n.uid, { x: PAD + c * (NODE_W + COL_GAP), y: PAD + r * (NODE_H + ROW_GAP) });
    }
    const cols = Math.max(1, ...[...col.values()].map((c) => c + 1));
    const maxRows = Math.max(1, ...rows.values());
    const width = PAD * 2 + cols * NODE_W + (cols - 1) * COL_GAP;
    const height = PAD * 2 + maxRows * NODE_H + (maxRows - 1) * ROW_GAP;
    this.svg = svgEl('svg', { class: 'dag', viewBox: `0 0 ${width} ${height}`,
                              'data-testid': 'job-dag' }, parent);
    this.svg.style.maxWidth = width + 'px';
    const defs = svgEl('defs', {}, this.svg);
    const marker = svgEl('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5,
                                     markerWidth: 7, markerHeight: 7, orient: 'auto' }, defs);
    svgEl('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#8a93a8' }, marker);
    for (const e of edges) this.drawEdge(e);
    this.boxes = new Map();
    for (const n of nodes) this.drawNode(n);
  }

  drawEdge(e) {
    const a = this.pos.get(e.from), b = this.pos.get(e.to);
    if (!a || !b) return;
    const x1 = a.x + NODE_W, y1 = a.y + NODE_H / 2, x2 = b.x, y2 = b.y + NODE_H / 2;
    const mid = (x1 + x2) / 2;
    svgEl('path', { class: 'edge' + (e.output ? ' side' : ''), 'marker-end': 'url(#arrow)',
                    d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}` }, this.svg);
    const label = e.output || (e.partitioning && e.partitioning !== 'FORWARD' ? e.partitioning : '');
    if (label) {
      const t = svgEl('text', { class: 'edge-label', x: mid, y: (y1 + y2) / 2 - 4,
                                'text-anchor': 'middle' }, this.svg);
      t.textContent = label.toLowerCase();
    }
  }

  drawNode(n) {
    const p = this.pos.get(n.uid);
    const g = svgEl('g', { class: 'node', 'data-uid': n.uid,
                           transform: `translate(${p.x},${p.y})` }, this.svg);
    const rect = svgEl('rect', { width: NODE_W, height: NODE_H, fill: '#eef3ff' }, g);
    const title = svgEl('text', { class: 'title', x: 8, y: 16 }, g);
    title.textContent = n.uid;
    const op = svgEl('text', { x: 8, y: 32 }, g);
    op.textContent = n.operator || '';
    const rates = svgEl('text', { x: 8, y: 48, class: 'rates' }, g);
    const extra = svgEl('text', { x: 8, y: 64, class: 'extra' }, g);
    this.boxes.set(n.uid, { rect, op, rates, extra, operator: n.operator || '' });
  }

  // m: {uid: {parallelism, inRate, outRate, backpressure, watermarkMs}}
  update(m) {
    for (const [uid, box] of this.boxes) {
      const s = m[uid];
      if (!s) continue;
      box.op.textContent = `${box.operator} ×${s.parallelism}`;
      box.rates.textContent = `in ${formatNumber(s.inRate)}/s  out ${formatNumber(s.outRate)}/s`;
      const bp = Math.max(0, Math.min(1, s.backpressure || 0));
      box.extra.textContent = `bp ${(bp * 100).toFixed(0)}%` +
          (s.watermarkMs !== null ? `  wm ${new Date(s.watermarkMs).toISOString().substr(11, 8)}` : '');
      // white-blue when free, towards red when blocked
      const r = Math.round(238 + (250 - 238) * bp), gr = Math.round(243 - 150 * bp),
            b = Math.round(255 - 170 * bp);
      box.rect.setAttribute('fill', `rgb(${r},${gr},${b})`);
    }
  }
}

// One job: its graph as a DAG with live numbers, operators, tasks (where
// their time goes), watermarks and checkpoints.
'use strict';

class JobPage {
  constructor(view, id) {
    this.id = id;
    this.title = view.appendChild(el('h1', {}, 'Job ' + id));
    this.info = view.appendChild(el('div', { class: 'card', 'data-testid': 'job-info' }));
    this.dagHolder = view.appendChild(el('div', { class: 'card' }));
    view.appendChild(el('h2', {}, 'Operators'));
    this.ops = new Table(view, ['Operator', 'Kind', num('Parallelism'), num('Records in'),
      num('Records out'), num('Dropped'), num('In/s'), num('Out/s'), num('Backpressure'),
      'Watermark', num('Watermark lag')], 'operators-table');
    view.appendChild(el('h2', {}, 'Tasks'));
    const legend = view.appendChild(el('div', { class: 'legend' }));
    for (const [cls, name] of [['busy', 'busy'], ['bp', 'backpressured'], ['idle', 'idle']]) {
      const s = legend.appendChild(el('span'));
      s.appendChild(el('span', { class: 'bar' })).appendChild(el('span', { class: cls, style: 'width:100%' }));
      s.appendChild(document.createTextNode(' ' + name));
    }
    this.tasks = new Table(view, ['Task', num('Subtask'), 'Since last update', num('Busy'),
      num('Backpressured'), num('Idle')], 'tasks-table');
    const grid = view.appendChild(el('div', { class: 'grid' }));
    this.throughput = new LiveChart(grid, 'Records out/s by operator', '');
    this.backpressure = new LiveChart(grid, 'Backpressure by operator', '%');
    this.wmLag = new LiveChart(grid, 'Watermark lag by operator', 's');
    this.ckptChart = new LiveChart(grid, 'Checkpoint duration', 's');
    view.appendChild(el('h2', {}, 'Checkpoints'));
    this.ckpts = new Table(view, [num('Id'), 'Outcome', 'Triggered', num('Duration'),
      num('Alignment'), num('Size'), 'Error'], 'checkpoints-table');
    this.rates = new RateTracker();
    this.prevTasks = new Map();
    this.dag = null;
  }

  update(d) {
    const t = d.time_ms;
    this.info.textContent = '';
    this.info.appendChild(el('strong', {}, d.name + ' '));
    this.info.appendChild(stateBadge(d.state).node);
    this.info.appendChild(document.createTextNode(
        `  submitted ${fmtTime(d.submit_time_ms)} · restarts ${d.restarts}`));
    if (d.error) this.info.appendChild(el('div', { class: 'error-text' }, d.error));
    if (!this.dag) this.dag = new DagView(this.dagHolder, d.graph);
    const dagData = {}, outRates = {}, bp = {}, lag = {}, rows = [], attrs = [];
    for (const o of d.operators) {
      const inRate = this.rates.rate('in/' + o.uid, o.records_in, t);
      const outRate = this.rates.rate('out/' + o.uid, o.records_out, t);
      const wmLag = o.watermark_ms === null ? null : (t - o.watermark_ms) / 1000;
      dagData[o.uid] = { parallelism: o.parallelism, inRate, outRate,
                         backpressure: o.backpressure, watermarkMs: o.watermark_ms };
      outRates[o.uid] = outRate; bp[o.uid] = o.backpressure * 100; lag[o.uid] = wmLag;
      rows.push([o.uid, o.operator, o.parallelism, { text: o.records_in, cls: 'records-in' },
        { text: o.records_out, cls: 'records-out' }, o.records_dropped, formatNumber(inRate),
        formatNumber(outRate), (o.backpressure * 100).toFixed(1) + '%',
        o.input_ended ? 'ended' : fmtTime(o.watermark_ms), wmLag === null ? '–' : wmLag.toFixed(1) + ' s']);
      attrs.push({ 'data-uid': o.uid });
    }
    this.dag.update(dagData);
    this.ops.rows(rows, attrs);
    this.throughput.push(t, outRates);
    this.backpressure.push(t, bp);
    this.wmLag.push(t, lag);
    this.updateTasks(d.tasks);
    this.updateCheckpoints(d.checkpoints);
  }

  // Shares of the time since the previous poll (the whole run on the first).
  updateTasks(tasks) {
    const rows = [];
    for (const k of tasks) {
      const key = k.task + '/' + k.subtask;
      const prev = this.prevTasks.get(key) || { elapsed_ns: 0, busy_ns: 0, idle_ns: 0, backpressured_ns: 0 };
      this.prevTasks.set(key, k);
      const span = Math.max(1, k.elapsed_ns - prev.elapsed_ns);
      const share = (f) => Math.max(0, Math.min(1, (k[f] - prev[f]) / span));
      const busy = share('busy_ns'), bpv = share('backpressured_ns'), idle = share('idle_ns');
      const bar = el('span', { class: 'bar' });
      for (const [cls, v] of [['busy', busy], ['bp', bpv], ['idle', idle]]) {
        bar.appendChild(el('span', { class: cls, style: `width:${(v * 100).toFixed(1)}%` }));
      }
      const pct = (v) => (v * 100).toFixed(1) + '%';
      rows.push([k.task, k.subtask, { node: bar }, pct(busy), pct(bpv), pct(idle)]);
    }
    this.tasks.rows(rows);
  }

  updateCheckpoints(list) {
    const rows = list.slice().reverse().map((c) => [c.id, c.completed ? 'completed' : 'failed',
      fmtTime(c.trigger_time_ms), (c.duration_ns / 1e9).toFixed(3) + ' s',
      (c.alignment_ns / 1e9).toFixed(3) + ' s', formatBytes(c.size_bytes), c.error]);
    this.ckpts.rows(rows);
    // The chart shows once there is a checkpoint to draw.
    this.ckptChart.card.style.display = list.length ? '' : 'none';
    this.ckptChart.setSeries([{ name: 'duration',
      points: list.map((c) => [c.trigger_time_ms, c.duration_ns / 1e9]) }]);
  }
}

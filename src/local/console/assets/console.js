// The console of csv2ddb local: plain JavaScript, no library, no build step. Everything from
// the server (keys, fields, log lines) is put on the page as text (textContent), never as HTML.
'use strict';

const COUNTS = ['rows_read', 'rows_written', 'rows_rejected', 'rows_unprocessed', 'rows_skipped',
  'rows_conflicts', 'bytes_read', 'seconds', 'requests', 'retries', 'throttles', 'consumed_wcu'];
const LIVE = new Set(['queued', 'running', 'continued', 'fanned out']);
const state = { view: 'imports', selected: null, rejectedCursor: 0, itemsTable: null,
  itemsStart: null, itemsQuery: {}, bucket: null, objectsToken: null };

// ---- small helpers ----
function query(params) {
  return Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v)).join('&');
}

async function api(name, params = {}, init = undefined) {
  const response = await fetch('api/' + name + '?' + query(params), init);
  const body = await response.json();
  if (!response.ok) throw new Error(body.message || ('HTTP ' + response.status));
  return body;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === 'text') node.textContent = value;
    else if (name === 'className') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function cell(value, numeric = false) {
  return el('td', { text: value === undefined || value === null ? '' : String(value),
    className: numeric ? 'num' : '' });
}

// Progress lines count units_written; reports consumed_wcu.
function countOf(counts, name) {
  if (name === 'consumed_wcu' && counts[name] === undefined) return counts.units_written;
  return counts[name];
}

function say(text) { document.getElementById('status-line').textContent = text; }

function plain(value) {  // a DynamoDB JSON attribute value as plain JSON
  const [type, inner] = Object.entries(value)[0];
  switch (type) {
    case 'S': case 'B': return inner;
    case 'N': return Number(inner);
    case 'BOOL': return inner;
    case 'NULL': return null;
    case 'SS': case 'BS': return inner;
    case 'NS': return inner.map(Number);
    case 'L': return inner.map(plain);
    case 'M': return Object.fromEntries(Object.entries(inner).map(([k, v]) => [k, plain(v)]));
    default: return inner;
  }
}

// ---- views ----
function show(view) {
  state.view = view;
  for (const button of document.querySelectorAll('nav button')) {
    if (button.dataset.view === view) button.setAttribute('aria-current', 'page');
    else button.removeAttribute('aria-current');
  }
  for (const panel of document.querySelectorAll('[data-view-panel]')) {
    panel.hidden = panel.dataset.viewPanel !== view;
  }
  refresh();
}

async function refresh() {
  try {
    if (state.view === 'imports') await refreshImports();
    if (state.view === 'tables') await refreshTables();
    if (state.view === 'buckets') await refreshBuckets();
    if (state.view === 'functions') await refreshFunctions();
  } catch (error) {
    say(error.message);
  }
}

// ---- imports ----
async function refreshImports() {
  const { imports } = await api('imports', { limit: 100 });
  const body = document.querySelector('#imports-table tbody');
  body.replaceChildren(...imports.map((item) => {
    const open = el('button', { type: 'button', className: 'linkish',
      text: 's3://' + item.bucket + '/' + item.key,
      onclick: () => selectImport(item.bucket, item.key) });
    const c = item.counts || {};
    return el('tr', { 'data-key': item.key },
      el('td', {}, open), el('td', { text: item.status, className: 'status-' + item.status }),
      ...COUNTS.map((name) => cell(countOf(c, name), true)));
  }));
  say(imports.length + ' imports');
  if (state.selected) await refreshImportDetail(false);
}

async function selectImport(bucket, key) {
  state.selected = { bucket, key };
  state.rejectedCursor = 0;
  document.querySelector('#rejected-table tbody').replaceChildren();
  await refreshImportDetail(true);
}

async function refreshImportDetail(loadRejected) {
  const { bucket, key } = state.selected;
  const detail = await api('import', { bucket, key });
  document.getElementById('import-detail').hidden = false;
  document.getElementById('import-title').textContent = 's3://' + bucket + '/' + key;
  document.getElementById('import-status').textContent = detail.status;
  document.getElementById('import-seen').textContent = detail.first_seen;
  const counts = document.getElementById('import-counts');
  counts.replaceChildren(...COUNTS.concat(['workers', 'shares']).flatMap((name) =>
    countOf(detail.counts, name) === undefined ? [] :
      [el('div', {}, el('dt', { text: name.replace('_', ' ') }),
        el('dd', { id: 'count-' + name, text: String(countOf(detail.counts, name)) }))]));
  drawChart(detail.series);
  const outputs = document.getElementById('import-outputs');
  outputs.replaceChildren(...Object.entries(detail.outputs || {}).filter(([, v]) => v)
    .map(([name, link]) => el('li', {}, el('a', { href: link.url, text: name + ': ' + link.key }))));
  document.getElementById('import-log').textContent = detail.log.join('\n');
  const finished = !LIVE.has(detail.status);
  if (loadRejected || (finished && state.rejectedCursor === 0 &&
      !document.querySelector('#rejected-table tbody').children.length)) {
    await loadRejectedRows();
  }
}

async function loadRejectedRows() {
  const { bucket, key } = state.selected;
  const page = await api('rejected', { bucket, key, cursor: state.rejectedCursor });
  const body = document.querySelector('#rejected-table tbody');
  for (const row of page.rows) {
    body.append(el('tr', {}, cell(row.line, true), cell(row.reason),
      cell(JSON.stringify(row.fields))));
  }
  state.rejectedCursor = page.next_cursor === null ? state.rejectedCursor : page.next_cursor;
  document.getElementById('rejected-more').hidden = page.next_cursor === null;
}

function rates(series) {  // [t, rows/s, wcu/s] between successive progress lines
  const out = [];
  for (let i = 1; i < series.length; i += 1) {
    const dt = series[i][0] - series[i - 1][0];
    if (dt <= 0) continue;
    out.push([series[i][0], (series[i][1] - series[i - 1][1]) / dt,
      (series[i][3] - series[i - 1][3]) / dt]);
  }
  return out;
}

function drawChart(series) {
  const canvas = document.getElementById('import-chart');
  const g = canvas.getContext('2d');
  g.clearRect(0, 0, canvas.width, canvas.height);
  const points = rates(series);
  const pad = 34;
  g.strokeStyle = '#d7dce1';
  g.strokeRect(pad, 8, canvas.width - pad - 8, canvas.height - pad);
  if (!points.length) return;
  const tMax = Math.max(1, points[points.length - 1][0]);
  const yMax = Math.max(1, ...points.map((p) => Math.max(p[1], p[2])));
  const x = (t) => pad + (t / tMax) * (canvas.width - pad - 8);
  const y = (v) => 8 + (1 - v / yMax) * (canvas.height - pad);
  for (const [index, color] of [[1, '#0b6bcb'], [2, '#d9730d']]) {
    g.strokeStyle = color;
    g.beginPath();
    points.forEach((p, i) => (i ? g.lineTo(x(p[0]), y(p[index])) : g.moveTo(x(p[0]), y(p[index]))));
    g.stroke();
  }
  g.fillStyle = '#5b6570';
  g.font = '11px system-ui';
  g.fillText(String(Math.round(yMax)), 2, 16);
  g.fillText('0', 2, canvas.height - pad + 8);
  g.fillText(tMax.toFixed(0) + ' s', canvas.width - 40, canvas.height - 10);
}

// ---- upload ----
async function loadBucketChoices() {
  const { buckets } = await api('buckets');
  const select = document.getElementById('upload-bucket');
  const kept = select.value;
  select.replaceChildren(...buckets.map((name) => el('option', { value: name, text: name })));
  if (buckets.includes(kept)) select.value = kept;
}

async function upload(file) {
  const bucket = document.getElementById('upload-bucket').value;
  const key = document.getElementById('upload-prefix').value + file.name;
  const result = document.getElementById('upload-result');
  result.textContent = 'Uploading ' + file.name + '…';
  try {
    const { url } = await api('upload-url', {}, { method: 'POST',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ bucket, key }) });
    const put = await fetch(url, { method: 'PUT', body: file });
    if (!put.ok) throw new Error('PUT answered HTTP ' + put.status);
    result.textContent = 'Uploaded s3://' + bucket + '/' + key;
    await refreshImports();
  } catch (error) {
    result.textContent = 'Upload failed: ' + error.message;
  }
}

function setUpUpload() {
  const zone = document.getElementById('drop-zone');
  zone.addEventListener('dragover', (event) => { event.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    for (const file of event.dataTransfer.files) upload(file);
  });
  document.getElementById('upload-file').addEventListener('change', (event) => {
    for (const file of event.target.files) upload(file);
    event.target.value = '';
  });
  loadBucketChoices().catch((error) => say(error.message));
}

// ---- tables ----
async function refreshTables() {
  const { tables } = await api('tables');
  const body = document.querySelector('#tables-table tbody');
  body.replaceChildren(...tables.map((table) => el('tr', {},
    el('td', {}, el('button', { type: 'button', className: 'linkish', text: table.TableName,
      onclick: () => openTable(table.TableName) })),
    cell(table.KeySchema.map((k) => k.AttributeName + ' (' + k.KeyType + ')').join(', ')),
    cell(table.ItemCount, true),
    cell([...(table.GlobalSecondaryIndexes || []), ...(table.LocalSecondaryIndexes || [])]
      .map((i) => i.IndexName).join(', ')))));
  say(tables.length + ' tables');
}

async function openTable(name) {
  state.itemsTable = name;
  state.itemsStart = null;
  state.itemsQuery = {};
  document.getElementById('items-panel').hidden = false;
  document.getElementById('items-title').textContent = name;
  document.querySelector('#items-table tbody').replaceChildren();
  await loadItems();
}

async function loadItems() {
  const page = await api('items', Object.assign({ table: state.itemsTable,
    start: state.itemsStart ? JSON.stringify(state.itemsStart) : '' }, state.itemsQuery));
  const keys = page.key_schema.map((k) => k.AttributeName);
  document.querySelector('#items-table thead').replaceChildren(el('tr', {},
    ...keys.map((k) => el('th', { text: k })), el('th', { text: 'Attributes' })));
  const body = document.querySelector('#items-table tbody');
  for (const item of page.items) {
    const rest = Object.keys(item).filter((k) => !keys.includes(k)).join(', ');
    body.append(el('tr', {}, ...keys.map((k, i) => (i === 0
      ? el('td', {}, el('button', { type: 'button', className: 'linkish',
        text: String(plain(item[k])), onclick: () => showItem(item) }))
      : cell(item[k] ? plain(item[k]) : ''))), cell(rest)));
  }
  state.itemsStart = page.last_key;
  document.getElementById('items-more').hidden = page.last_key === null;
  say(body.children.length + ' items shown');
}

function showItem(item) {
  document.getElementById('item-view').hidden = false;
  document.getElementById('item-ddb').textContent = JSON.stringify(item, null, 2);
  document.getElementById('item-plain').textContent = JSON.stringify(
    Object.fromEntries(Object.entries(item).map(([k, v]) => [k, plain(v)])), null, 2);
}

// ---- buckets ----
async function refreshBuckets() {
  const { buckets } = await api('buckets');
  document.getElementById('buckets-list').replaceChildren(...buckets.map((name) => el('li', {},
    el('button', { type: 'button', className: 'linkish', text: name,
      onclick: () => openBucket(name, '') }))));
  say(buckets.length + ' buckets');
}

async function openBucket(bucket, prefix) {
  state.bucket = bucket;
  state.objectsToken = null;
  document.getElementById('objects-panel').hidden = false;
  document.getElementById('objects-title').textContent = 's3://' + bucket + '/';
  document.getElementById('objects-prefix').value = prefix;
  document.querySelector('#objects-table tbody').replaceChildren();
  await loadObjects();
}

async function loadObjects() {
  const prefix = document.getElementById('objects-prefix').value;
  const page = await api('objects', { bucket: state.bucket, prefix, token: state.objectsToken });
  const body = document.querySelector('#objects-table tbody');
  for (const folder of page.folders) {
    body.append(el('tr', {}, el('td', {}, el('button', { type: 'button', className: 'linkish',
      text: folder, onclick: () => openBucket(state.bucket, folder) })), cell(''), cell('')));
  }
  for (const object of page.objects) {
    body.append(el('tr', {}, el('td', {}, el('button', { type: 'button', className: 'linkish',
      text: object.key, onclick: () => showObject(object.key) })),
    cell(object.size, true), cell(object.last_modified)));
  }
  state.objectsToken = page.next_token;
  document.getElementById('objects-more').hidden = page.next_token === null;
}

async function showObject(key) {
  const meta = await api('object', { bucket: state.bucket, key });
  const list = document.getElementById('object-meta');
  list.hidden = false;
  list.replaceChildren(...['key', 'size', 'etag', 'last_modified', 'content_type'].map((name) =>
    el('div', {}, el('dt', { text: name }), el('dd', { text: String(meta[name]) }))),
  el('div', {}, el('dt', { text: 'download' }),
    el('dd', {}, el('a', { href: meta.url, text: 'download' }))));
}

// ---- functions ----
async function refreshFunctions() {
  const { functions } = await api('functions');
  document.getElementById('functions-list').replaceChildren(...functions.map((f) => {
    const c = f.configuration;
    return el('section', { className: 'function' },
      el('h3', { text: c.FunctionName }),
      el('p', { text: [c.Runtime, (c.Architectures || []).join(','), c.MemorySize + ' MB',
        c.Timeout + ' s', 'handler ' + c.Handler].join(' · ') }),
      el('div', { className: 'scroll' }, el('table', {},
        el('thead', {}, el('tr', {}, ...['Request', 'Duration (ms)', 'Max memory (MB)', 'Result']
          .map((h) => el('th', { text: h })))),
        el('tbody', {}, ...f.invocations.map((i) => el('tr', {}, cell(i.request_id),
          cell(i.duration_ms, true), cell(i.max_memory_mb, true), cell(i.result)))))),
      el('pre', { text: f.log.join('\n') }));
  }));
  say(functions.length + ' functions');
}

// ---- start ----
document.addEventListener('DOMContentLoaded', () => {
  for (const button of document.querySelectorAll('nav button')) {
    button.addEventListener('click', () => show(button.dataset.view));
  }
  document.getElementById('rejected-more').addEventListener('click', loadRejectedRows);
  document.getElementById('items-more').addEventListener('click', loadItems);
  document.getElementById('items-form').addEventListener('submit', (event) => {
    event.preventDefault();
    state.itemsQuery = { pk: document.getElementById('items-pk').value,
      sk_op: document.getElementById('items-sk-op').value,
      sk: document.getElementById('items-sk').value };
    state.itemsStart = null;
    document.querySelector('#items-table tbody').replaceChildren();
    loadItems().catch((error) => say(error.message));
  });
  document.getElementById('objects-go').addEventListener('click', () => openBucket(state.bucket,
    document.getElementById('objects-prefix').value));
  document.getElementById('objects-up').addEventListener('click', () => {
    const prefix = document.getElementById('objects-prefix').value.replace(/[^/]*\/?$/, '');
    openBucket(state.bucket, prefix);
  });
  document.getElementById('objects-more').addEventListener('click', loadObjects);
  setUpUpload();
  show('imports');
  // Live: the imports view follows the function's progress lines, once a second.
  setInterval(() => { if (state.view === 'imports' && !document.hidden) refresh(); }, 1000);
});

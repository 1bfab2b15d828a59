// The dmvault viewer: one page, routed by the URL hash so every view has an address:
//   #/                      conversations (with a filter box)
//   #/c/ID[?at=MSG|?date=YYYY-MM-DD]   a conversation, at a message or a day
//   #/search?q=QUERY        search (the query language of dmvault(1))
//   #/people, #/platforms   who wrote how much, and where
//   #/stats                 charts drawn on <canvas> from /api/stats
// Text from the vault is only ever set with textContent, never parsed as HTML.
'use strict';

const view = document.getElementById('view');
const PAGE = 100;
let conversationsCache = null;
let statsCache = null;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('data-')) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
  }
  return node;
}

async function api(path) {
  const response = await fetch(path, { credentials: 'same-origin' });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || ('HTTP ' + response.status));
  return body;
}

function setState(state) { document.body.dataset.state = state; }

function showError(error) {
  view.replaceChildren(el('p', { class: 'error', text: String(error.message || error) }));
  setState('error');
}

function formatDate(ms) {
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
}

function formatTime(ms) {
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return formatDate(ms) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
}

function parseHash() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query] = hash.split('?');
  return { path, params: new URLSearchParams(query || '') };
}

async function conversations() {
  if (!conversationsCache) conversationsCache = (await api('/api/conversations')).conversations;
  return conversationsCache;
}

// --- Conversations ------------------------------------------------------------------------
async function showConversations(params) {
  const list = await conversations();
  const filter = el('input', { class: 'filter', type: 'search', placeholder: 'Filter by title, person or platform',
                              value: params.get('filter') || '' });
  const body = el('tbody');
  const render = () => {
    const wanted = filter.value.trim().toLowerCase();
    body.replaceChildren();
    for (const c of list) {
      const haystack = (c.title + ' ' + c.platform + ' ' + c.participants.join(' ')).toLowerCase();
      if (wanted && !haystack.includes(wanted)) continue;
      const row = el('tr', { class: 'row', 'data-conversation': String(c.id) },
        el('td', { text: c.platform }),
        el('td', { text: c.title || '(untitled)' }),
        el('td', { text: c.participants.join(', ') }),
        el('td', { text: String(c.messages) }),
        el('td', { text: c.messages ? formatDate(c.first_ms) + ' – ' + formatDate(c.last_ms) : '' }));
      row.addEventListener('click', () => { location.hash = '#/c/' + c.id; });
      body.append(row);
    }
  };
  filter.addEventListener('input', render);
  render();
  view.replaceChildren(
    el('h1', { text: list.length + ' conversations' }), filter,
    el('table', { id: 'conversations' },
      el('thead', {}, el('tr', {}, el('th', { text: 'Platform' }), el('th', { text: 'Title' }),
        el('th', { text: 'Participants' }), el('th', { text: 'Messages' }), el('th', { text: 'Dates' }))),
      body));
  setState('ready');
}

// --- One conversation ---------------------------------------------------------------------
function senderClass(sender, first) { return sender && sender !== first ? 'alt' : ''; }

function mediaElement(attachment, pending) {
  if (!attachment.media) {
    return el('div', { class: 'muted', text: '[' + attachment.kind + '] ' + (attachment.name || '') + ' (not in the export)' });
  }
  const src = '/api/media/' + attachment.media;
  if (attachment.kind === 'photo' || attachment.kind === 'gif' || attachment.kind === 'sticker') {
    const img = el('img', { src, alt: attachment.name || attachment.kind });
    pending.push(new Promise((resolve) => {
      img.addEventListener('load', () => { img.dataset.loaded = img.naturalWidth > 0 ? '1' : '0'; resolve(); });
      img.addEventListener('error', () => { img.dataset.loaded = '0'; resolve(); });
    }));
    return img;
  }
  if (attachment.kind === 'video') return el('video', { src, controls: true, preload: 'metadata' });
  if (attachment.kind === 'audio') return el('audio', { src, controls: true, preload: 'none' });
  return el('a', { href: src, text: '[' + attachment.kind + '] ' + (attachment.name || 'file') });
}

function messageElement(m, firstSender, pending) {
  const system = !m.sender || m.kind === 'system';
  const node = el('div', { class: 'msg ' + (system ? 'system' : senderClass(m.sender, firstSender)),
                          id: 'm-' + m.message_id, 'data-message': String(m.message_id) });
  if (!system) node.append(el('span', { class: 'who', text: m.sender }));
  node.append(el('span', { class: 'when', text: formatTime(m.timestamp_ms) }), el('br'));
  if (m.reply_to) node.append(el('div', { class: 'reply', text: '↩ ' + m.reply_to }));
  if (m.kind === 'unsent') node.append(el('span', { class: 'unsent', text: '(unsent)' }));
  else if (m.text) node.append(el('span', { class: 'text', text: m.text }));
  for (const a of m.attachments) node.append(mediaElement(a, pending));
  if (m.share) {
    const share = el('div', { class: 'share' });
    if (m.share.owner) share.append(el('div', { text: m.share.owner }));
    if (m.share.text) share.append(el('div', { text: m.share.text }));
    if (m.share.link) share.append(el('a', { href: m.share.link, text: m.share.link, rel: 'noreferrer noopener', target: '_blank' }));
    node.append(share);
  }
  if (m.reactions.length) {
    const reactions = el('div', { class: 'reactions' });
    for (const r of m.reactions) reactions.append(el('span', { title: r.actor, text: r.reaction + ' ' + r.actor }));
    node.append(reactions);
  }
  return node;
}

async function showConversation(id, params) {
  const list = await conversations();
  const info = list.find((c) => String(c.id) === id);
  const title = info ? (info.title || '(untitled)') : 'Conversation ' + id;
  const thread = el('div', { class: 'thread', id: 'thread' });
  const olderButton = el('button', { class: 'more', text: 'Load older' });
  const newerButton = el('button', { class: 'more', text: 'Load newer' });
  const date = el('input', { type: 'date', value: params.get('date') || '' });
  const jump = el('form', {}, 'Jump to ', date, ' ', el('button', { type: 'submit', text: 'Go' }));
  jump.addEventListener('submit', (event) => {
    event.preventDefault();
    if (date.value) location.hash = '#/c/' + id + '?date=' + date.value;
  });
  view.replaceChildren(
    el('div', { class: 'toolbar' }, el('h1', { text: title }),
      info ? el('span', { class: 'muted', text: info.platform + ' · ' + info.messages + ' messages' }) : null, jump),
    olderButton, thread, newerButton);

  let first = null;  // oldest message shown
  let last = null;   // newest message shown
  let firstSender = null;
  let busy = false;
  const pending = [];
  const render = (page, where) => {
    const nodes = page.messages.map((m) => {
      if (firstSender === null && m.sender) firstSender = m.sender;
      return messageElement(m, firstSender, pending);
    });
    if (where === 'older') {
      const anchor = thread.firstChild;
      const offset = anchor ? anchor.getBoundingClientRect().top : 0;
      thread.prepend(...nodes);
      if (anchor) window.scrollBy(0, anchor.getBoundingClientRect().top - offset);
    } else {
      thread.append(...nodes);
    }
    if (page.messages.length) {
      const oldest = page.messages[0].message_id;
      const newest = page.messages[page.messages.length - 1].message_id;
      if (where !== 'newer') first = oldest;
      if (where !== 'older') last = newest;
    }
    if (where !== 'newer') olderButton.hidden = !page.more_before;
    if (where !== 'older') newerButton.hidden = !page.more_after;
  };
  const load = async (where) => {
    if (busy) return;
    busy = true;
    try {
      const base = '/api/messages?conversation=' + encodeURIComponent(id) + '&limit=' + PAGE;
      const anchor = where === 'older' ? '&before=' + first : '&after=' + last;
      render(await api(base + anchor), where);
    } catch (error) { showError(error); } finally { busy = false; }
  };
  olderButton.addEventListener('click', () => load('older'));
  newerButton.addEventListener('click', () => load('newer'));

  let query = '';
  if (params.get('at')) query = '&at=' + encodeURIComponent(params.get('at'));
  else if (params.get('date')) {
    const [y, mo, d] = params.get('date').split('-').map(Number);
    query = '&around_ms=' + new Date(y, mo - 1, d).getTime();
  }
  const page = await api('/api/messages?conversation=' + encodeURIComponent(id) + '&limit=' + PAGE + query);
  render(page, 'initial');
  // Scrolling near either end loads the next page, so years scroll by without clicks.
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting || entry.target.hidden) continue;
      load(entry.target === olderButton ? 'older' : 'newer');
    }
  });
  const target = params.get('at') ? document.getElementById('m-' + params.get('at')) : null;
  if (target) {
    target.classList.add('target');
    target.scrollIntoView({ block: 'center' });
  } else if (!params.get('date')) {
    window.scrollTo(0, document.body.scrollHeight);
  }
  setTimeout(() => { observer.observe(olderButton); observer.observe(newerButton); }, 300);
  await Promise.all(pending);
  setState('ready');
}

// --- Search -------------------------------------------------------------------------------
function highlighted(snippet) {
  // The API marks matches with U+0002 ... U+0003.
  const out = el('span', { class: 'snippet' });
  const parts = snippet.split(/([\u0002\u0003])/);
  let inMatch = false;
  for (const part of parts) {
    if (part === '\u0002') inMatch = true;
    else if (part === '\u0003') inMatch = false;
    else if (part) out.append(inMatch ? el('mark', { text: part }) : document.createTextNode(part));
  }
  return out;
}

async function showSearch(params) {
  const q = params.get('q') || '';
  document.getElementById('search-box').value = q;
  if (!q) {
    view.replaceChildren(el('h1', { text: 'Search' }), el('p', { class: 'muted', text: 'Type a query above.' }));
    setState('ready');
    return;
  }
  view.replaceChildren(el('p', { class: 'muted', text: 'Searching…' }));
  const result = await api('/api/search?limit=200&q=' + encodeURIComponent(q));
  const hits = el('div', { id: 'hits' });
  for (const m of result.hits) {
    const hit = el('div', { class: 'hit', 'data-message': String(m.message_id) },
      el('div', { class: 'muted', text: formatTime(m.timestamp_ms) + ' · ' + (m.conversation || '(untitled)') + ' · ' + (m.sender || '(system)') }),
      m.snippet ? highlighted(m.snippet) : el('span', { text: m.text || '[' + m.kind + ']' }));
    hit.addEventListener('click', () => { location.hash = '#/c/' + m.conversation_id + '?at=' + m.message_id; });
    hits.append(hit);
  }
  view.replaceChildren(
    el('h1', { text: result.total + (result.total === 1 ? ' match' : ' matches') }),
    result.total > result.hits.length ? el('p', { class: 'muted', text: 'Showing the newest ' + result.hits.length + '.' }) : null,
    hits);
  setState('ready');
}

// --- People and platforms -----------------------------------------------------------------
async function stats() {
  if (!statsCache) statsCache = await api('/api/stats');
  return statsCache;
}

async function showPeople() {
  const [s, list] = await Promise.all([stats(), conversations()]);
  const where = new Map();
  for (const c of list) {
    for (const p of c.participants) {
      if (!where.has(p)) where.set(p, []);
      where.get(p).push(c);
    }
  }
  const body = el('tbody');
  for (const person of s.per_person) {
    const cells = el('td');
    for (const c of where.get(person.name) || []) {
      cells.append(el('a', { href: '#/c/' + c.id, text: c.title || '(untitled)' }), ' ');
    }
    body.append(el('tr', {}, el('td', { text: person.name }), el('td', { text: String(person.messages) }), cells));
  }
  view.replaceChildren(el('h1', { text: s.per_person.length + ' people' }),
    el('table', { id: 'people' }, el('thead', {}, el('tr', {}, el('th', { text: 'Name' }),
      el('th', { text: 'Messages sent' }), el('th', { text: 'Conversations' }))), body));
  setState('ready');
}

async function showPlatforms() {
  const list = await conversations();
  const platforms = new Map();
  for (const c of list) {
    const p = platforms.get(c.platform) || { conversations: 0, messages: 0, first: Infinity, last: -Infinity };
    p.conversations += 1;
    p.messages += c.messages;
    if (c.messages) { p.first = Math.min(p.first, c.first_ms); p.last = Math.max(p.last, c.last_ms); }
    platforms.set(c.platform, p);
  }
  const body = el('tbody');
  for (const [name, p] of platforms) {
    const row = el('tr', { class: 'row' }, el('td', { text: name }), el('td', { text: String(p.conversations) }),
      el('td', { text: String(p.messages) }),
      el('td', { text: p.messages ? formatDate(p.first) + ' – ' + formatDate(p.last) : '' }));
    row.addEventListener('click', () => { location.hash = '#/?filter=' + encodeURIComponent(name); });
    body.append(row);
  }
  view.replaceChildren(el('h1', { text: 'Platforms' }),
    el('table', { id: 'platforms' }, el('thead', {}, el('tr', {}, el('th', { text: 'Platform' }),
      el('th', { text: 'Conversations' }), el('th', { text: 'Messages' }), el('th', { text: 'Dates' }))), body));
  setState('ready');
}

// --- Statistics ---------------------------------------------------------------------------
function barChart(canvas, labels, values, options) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 900;
  const height = canvas.clientHeight || 260;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const g = canvas.getContext('2d');
  g.scale(ratio, ratio);
  g.clearRect(0, 0, width, height);
  g.font = '11px system-ui, sans-serif';
  const horizontal = options && options.horizontal;
  const max = Math.max(1, ...values);
  g.fillStyle = '#3a5bd9';
  if (horizontal) {
    const left = 120;
    const row = (height - 10) / Math.max(1, labels.length);
    labels.forEach((label, i) => {
      const w = (width - left - 50) * values[i] / max;
      g.fillStyle = '#3a5bd9';
      g.fillRect(left, 5 + i * row + 1, w, Math.max(1, row - 2));
      g.fillStyle = '#1d1d22';
      g.textBaseline = 'middle';
      g.textAlign = 'right';
      g.fillText(label, left - 6, 5 + i * row + row / 2, left - 10);
      g.textAlign = 'left';
      g.fillText(String(values[i]), left + w + 4, 5 + i * row + row / 2);
    });
    return;
  }
  const bottom = 30;
  const top = 16;
  const slot = width / Math.max(1, labels.length);
  const every = Math.max(1, Math.ceil(labels.length / (width / 60)));
  labels.forEach((label, i) => {
    const h = (height - bottom - top) * values[i] / max;
    g.fillStyle = '#3a5bd9';
    g.fillRect(i * slot + slot * 0.1, height - bottom - h, Math.max(1, slot * 0.8), h);
    if (i % every === 0) {
      g.fillStyle = '#1d1d22';
      g.textAlign = 'center';
      g.textBaseline = 'top';
      g.fillText(label, i * slot + slot / 2, height - bottom + 4);
    }
  });
  g.fillStyle = '#6b6b76';
  g.textAlign = 'left';
  g.textBaseline = 'top';
  g.fillText('max ' + max, 2, 0);
}

function chartBox(title, id) {
  const canvas = el('canvas', { id });
  return { box: el('section', { class: 'chart' }, el('h2', { text: title }), canvas), canvas };
}

async function showStats() {
  const s = await stats();
  const series = el('select', { id: 'series' }, el('option', { value: 'all', text: 'All conversations' }));
  s.per_conversation.forEach((c, i) => series.append(el('option', { value: 'c' + i, text: 'Conversation: ' + (c.title || '(untitled)') })));
  s.per_person.forEach((p, i) => series.append(el('option', { value: 'p' + i, text: 'Person: ' + p.name })));
  const months = chartBox('Messages per month', 'chart-months');
  const hours = chartBox('Busiest hours', 'chart-hours');
  const weekdays = chartBox('Busiest weekdays', 'chart-weekdays');
  const media = chartBox('Attachments per type', 'chart-media');
  const words = chartBox('Top words', 'chart-words');
  words.canvas.style.height = Math.max(260, s.top_words.length * 16) + 'px';
  const totals = s.totals;
  view.replaceChildren(
    el('h1', { text: 'Statistics' }),
    el('p', { id: 'totals', text: totals.messages + ' messages, ' + totals.system_messages + ' notices, ' +
      totals.attachments + ' attachments in ' + totals.conversations + ' conversations, from ' + totals.people + ' people' }),
    el('div', { class: 'toolbar' }, 'Months of ', series),
    el('div', { class: 'charts' }, months.box, hours.box, weekdays.box, media.box, words.box));
  const drawMonths = () => {
    let values;
    if (series.value === 'all') {
      values = s.months.map((m) => s.per_conversation.reduce((sum, c) => sum + (c.by_month[m] || 0), 0));
    } else {
      const one = series.value[0] === 'c' ? s.per_conversation[Number(series.value.slice(1))] : s.per_person[Number(series.value.slice(1))];
      values = s.months.map((m) => one.by_month[m] || 0);
    }
    barChart(months.canvas, s.months, values);
  };
  series.addEventListener('change', drawMonths);
  drawMonths();
  barChart(hours.canvas, s.hours.map((_, h) => String(h)), s.hours);
  barChart(weekdays.canvas, ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], s.weekdays);
  barChart(media.canvas, Object.keys(s.media), Object.values(s.media));
  barChart(words.canvas, s.top_words.map((w) => w.word), s.top_words.map((w) => w.count), { horizontal: true });
  setState('ready');
}

// --- Routing ------------------------------------------------------------------------------
async function route() {
  setState('loading');
  const { path, params } = parseHash();
  window.scrollTo(0, 0);
  try {
    const conversation = path.match(/^\/c\/(\d+)$/);
    if (conversation) await showConversation(conversation[1], params);
    else if (path === '/search') await showSearch(params);
    else if (path === '/people') await showPeople();
    else if (path === '/platforms') await showPlatforms();
    else if (path === '/stats') await showStats();
    else await showConversations(params);
  } catch (error) {
    showError(error);
  }
}

document.getElementById('search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const q = document.getElementById('search-box').value.trim();
  if (q) location.hash = '#/search?q=' + encodeURIComponent(q);
});
window.addEventListener('hashchange', route);
route();

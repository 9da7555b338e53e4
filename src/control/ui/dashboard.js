'use strict';
// The dashboard: polls the control API once a second (one request per panel,
// sent with X-Emulator-Journal: off so the polling stays out of the journal
// it shows) and drives the emulator through the same routes a test would.
(() => {
  const POLL_MS = 1000;
  const PAGE = 50;
  const JOURNAL_TAIL = 25;

  const state = {
    offset: 0,         // first action of the page shown
    now: 0,            // the emulator's clock at the last poll
    mode: '',          // "manual" or "real"
    runningUntil: null,
    databases: new Map(),  // uid -> status (null while databases have none)
    rows: new Map(),       // action uid -> its row element, reused across polls
    highlight: '',         // uid of the action created last
  };
  let timer = 0;
  let polling = false;
  let again = false;

  const $ = (id) => document.getElementById(id);

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  // One control-API call; resolves to the parsed body (null when empty),
  // rejects with the error body's description.
  async function api(method, path, body, quiet) {
    const init = { method, cache: 'no-store', credentials: 'same-origin', headers: {} };
    if (quiet) init.headers['X-Emulator-Journal'] = 'off';
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const res = await fetch(location.origin + path, init);
    const text = await res.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch (e) { data = null; }
    }
    if (!res.ok) {
      const why = data && data.description ? data.description : res.status + ' ' + res.statusText;
      throw new Error(method + ' ' + path + ': ' + why);
    }
    return data;
  }

  let messageTimer = 0;
  function showMessage(text, ok, uid) {
    const m = $('message');
    m.textContent = text;
    m.className = ok ? 'message ok' : 'message';
    m.dataset.uid = uid || '';
    m.hidden = false;
    clearTimeout(messageTimer);
    if (ok) messageTimer = setTimeout(() => { m.hidden = true; }, 8000);
  }

  // --- Formatting -----------------------------------------------------------

  function clockText(t) {
    if (!Number.isFinite(t)) return '–';
    return new Date(t * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  }

  function timeOfDay(t) {
    return Number.isFinite(t) ? new Date(t * 1000).toISOString().slice(11, 23) : '–';
  }

  function age(seconds) {
    if (!Number.isFinite(seconds)) return '–';
    const s = Math.max(0, seconds);
    if (s < 60) return Math.floor(s) + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min';
    if (s < 86400) return Math.floor(s / 3600) + ' h';
    return Math.floor(s / 86400) + ' d';
  }

  function duration(us) {
    if (us < 1000) return us + ' µs';
    if (us < 1000000) return (us / 1000).toFixed(1) + ' ms';
    return (us / 1000000).toFixed(2) + ' s';
  }

  function statusClass(s) {
    switch (s) {
      case 'completed': return 'st-completed';
      case 'failed': case 'aborted': case 'cancelled': return 'st-failed';
      case 'active': case 'running': case 'starting': return 'st-running';
      case 'cancelling': return 'st-cancelling';
      default: return 'st-waiting';
    }
  }

  // A database as GET /emulator/v1/databases lists it: a uid today, an
  // object with uid and status once databases carry one.
  function databaseView(db) {
    if (db !== null && typeof db === 'object') return { uid: Number(db.uid), status: db.status || null };
    return { uid: Number(db), status: null };
  }

  // --- Panels ---------------------------------------------------------------

  function renderClock(c) {
    state.now = c.now;
    state.mode = c.mode;
    const badge = $('clock-mode');
    badge.textContent = c.mode;
    badge.className = 'badge ' + c.mode;
    const t = $('clock-now');
    t.textContent = clockText(c.now);
    t.dateTime = new Date(c.now * 1000).toISOString();
    t.title = 'epoch ' + c.now;
    t.dataset.epoch = String(c.now);
    const manual = c.mode === 'manual';
    $('advance-1').disabled = !manual;
    $('advance-10').disabled = !manual;
    $('advance-end').disabled = !manual || state.runningUntil === null;
    for (const id of ['advance-1', 'advance-10', 'advance-end'])
      if (!manual) $(id).title = 'The clock is real time: start with --clock manual to move it';
  }

  function progressOf(a) {
    let p = Number(a.progress);
    if (!Number.isFinite(p)) p = a.status === 'completed' ? 100 : 0;
    return Math.min(100, Math.max(0, p));
  }

  function stepText(item, a) {
    if (a.status === 'completed') return 'done';
    const name = a.state || item.step;
    if (!name) return '';
    if (item.steps) return name + ' · step ' + (item.step_index + 1) + '/' + item.steps;
    return name;
  }

  // "heartbeat 12 s ago"; a time ahead of the clock (a seed captured later
  // than a manual clock's start) is shown as a time instead.
  function since(what, t) {
    return t > state.now ? what + ' at ' + clockText(t) : what + ' ' + age(state.now - t) + ' ago';
  }

  function ageText(a) {
    if (typeof a.heartbeat === 'number') return since('heartbeat', a.heartbeat);
    const created = Number(a.creation_time);
    if (a.creation_time !== undefined && Number.isFinite(created)) return since('created', created);
    return '';
  }

  function makeRow() {
    const row = el('div', 'action');
    const who = el('div');
    who.append(el('span', 'name'), el('span', 'uid'));
    const bar = el('div', 'bar');
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', '100');
    bar.append(el('span'), el('em'));
    row.append(who, el('span', 'status'), bar, el('span', 'step'), el('span', 'age'), el('div', 'error'));
    return row;
  }

  function updateRow(row, item) {
    const a = item.action;
    const uid = a.action_uid || '';
    row.dataset.uid = uid;
    row.dataset.status = a.status || '';
    row.dataset.type = item.type;
    row.classList.toggle('new', uid === state.highlight);
    row.querySelector('.name').textContent = a.name || '(no name)';
    const u = row.querySelector('.uid');
    u.textContent = uid;
    u.title = item.type;
    const st = row.querySelector('.status');
    st.textContent = a.status || 'unknown';
    st.className = 'status ' + statusClass(a.status);
    const p = progressOf(a);
    const bar = row.querySelector('.bar');
    bar.className = 'bar ' + statusClass(a.status);
    bar.setAttribute('aria-valuenow', String(p));
    bar.setAttribute('aria-label', (a.name || 'action') + ' progress');
    bar.firstChild.style.width = p + '%';
    bar.lastChild.textContent = Math.round(p) + '%';
    row.querySelector('.step').textContent = stepText(item, a);
    row.querySelector('.age').textContent = ageText(a);
    const err = a.error || a.error_message || '';
    const e = row.querySelector('.error');
    e.textContent = err ? (a.error_code ? a.error_code + ': ' : '') + err : '';
    e.hidden = !err;
  }

  function groupTitle(group) {
    if (!group) return 'no object';
    const m = /^bdb:(\d+)$/.exec(group);
    if (!m) return group;
    const uid = Number(m[1]);
    if (!state.databases.has(uid)) return group + ' · unknown database';
    const status = state.databases.get(uid);
    return status ? group + ' · ' + status : group;
  }

  function renderActions(data) {
    state.runningUntil = data.running_until === undefined ? null : data.running_until;
    const total = data.total;
    const from = total === 0 ? 0 : data.offset + 1;
    const to = data.offset + data.actions.length;
    $('actions-summary').textContent = '(' + total + ' visible)';
    $('page-info').textContent = from + '–' + to + ' of ' + total;
    $('page-prev').disabled = data.offset === 0;
    $('page-next').disabled = to >= total;

    const nodes = [];
    const seen = new Map();
    let group = null;
    let body = null;
    for (const item of data.actions) {
      if (item.group !== group || body === null) {
        group = item.group;
        const g = el('section', 'group');
        g.dataset.group = group;
        const head = el('div', 'group-head', groupTitle(group));
        body = el('div', 'group-body');
        g.append(head, body);
        nodes.push(g);
      }
      const uid = item.action.action_uid || '';
      const row = state.rows.get(uid) || makeRow();
      updateRow(row, item);
      seen.set(uid, row);
      body.append(row);
    }
    state.rows = seen;
    if (nodes.length === 0) nodes.push(el('div', 'empty', 'No visible action.'));
    $('actions').replaceChildren(...nodes);
  }

  function renderDatabases(data) {
    state.databases = new Map();
    const list = $('databases');
    const items = [];
    for (const db of data.databases) {
      const v = databaseView(db);
      state.databases.set(v.uid, v.status);
      const li = el('li', null, 'bdb:' + v.uid);
      li.dataset.uid = String(v.uid);
      if (v.status) {
        li.append(' ', el('span', 'status ' + statusClass(v.status), v.status));
        li.dataset.status = v.status;
      }
      items.push(li);
    }
    if (items.length === 0) items.push(el('li', 'empty', 'none known'));
    list.replaceChildren(...items);
  }

  // A CRDB task's status (queued, started, finished, failed, cancelled) in
  // the colours of the actions'.
  function taskClass(s) {
    switch (s) {
      case 'finished': return 'st-completed';
      case 'failed': case 'cancelled': return 'st-failed';
      case 'started': return 'st-running';
      default: return 'st-waiting';
    }
  }

  function taskErrors(t) {
    if (!Array.isArray(t.errors)) return '';
    return t.errors.map((e) => (e.error_code ? e.error_code + ': ' : '') + (e.description || '') +
      (e.cluster_name ? ' (' + e.cluster_name + ')' : '')).join('; ');
  }

  // GET /emulator/v1/crdb_tasks: the tasks grouped by the CRDB they work on.
  function renderCrdbTasks(data) {
    $('crdb-summary').textContent = data.total ? '(' + data.total + ')' : '';
    const nodes = [];
    for (const g of data.crdbs) {
      const sec = el('section', 'crdb-group');
      sec.dataset.guid = g.guid;
      sec.dataset.status = g.status;
      const head = el('div', 'group-head');
      head.append(el('span', 'name', g.name || '(no longer kept)'), el('span', 'crdb-status muted', g.status));
      const list = el('ul');
      for (const t of g.tasks) {
        const li = el('li');
        li.dataset.id = t.id;
        li.dataset.status = t.status;
        li.dataset.operation = t.operation;
        li.append(el('span', 'op', t.operation), el('span', 'status ' + taskClass(t.status), t.status),
          el('span', 'uid', t.id));
        const err = taskErrors(t);
        if (err) li.append(el('div', 'error', err));
        list.append(li);
      }
      sec.append(head, el('div', 'guid', g.guid || 'no CRDB yet'), list);
      nodes.push(sec);
    }
    if (nodes.length === 0) nodes.push(el('div', 'empty', 'No CRDB task.'));
    $('crdb-tasks').replaceChildren(...nodes);
  }

  // --- The cluster (GET /emulator/v1/cluster_view) ------------------------------

  // A database's colour: hues spread by uid, the same on its shards and its row.
  function dbColour(uid) {
    return 'hsl(' + ((Number(uid) * 67) % 360) + ' 55% 42%)';
  }

  function bytes(n) {
    if (n === null || n === undefined || !Number.isFinite(Number(n))) return '–';
    let v = Number(n);
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u += 1;
    }
    return (u === 0 || v >= 100 ? v.toFixed(0) : v.toFixed(1)) + ' ' + units[u];
  }

  function opsText(n) {
    if (n === null || n === undefined || !Number.isFinite(Number(n))) return '– ops/s';
    return Math.round(Number(n)).toLocaleString('en-US') + ' ops/s';
  }

  // A database's status word in the actions' colours: green when active,
  // blue while an operation runs, amber while it is deleted, red when its
  // create failed.
  function dbStatusClass(s) {
    switch (s) {
      case 'active': return 'st-completed';
      case 'creation-failed': return 'st-failed';
      case 'delete-pending': return 'st-cancelling';
      default: return 'st-running';
    }
  }

  function shardChip(s, names) {
    const chip = el('span', 'shard ' + (s.role === 'master' ? 'master' : 'replica'));
    chip.style.setProperty('--db', dbColour(s.bdb_uid));
    chip.dataset.uid = String(s.uid);
    chip.dataset.bdb = String(s.bdb_uid);
    chip.dataset.role = s.role;
    chip.append((s.role === 'master' ? 'M' : 'R') + ' ' + s.uid);
    let title = 'shard ' + s.uid + ' of bdb:' + s.bdb_uid +
      (names.has(s.bdb_uid) ? ' (' + names.get(s.bdb_uid) + ')' : '') + ', ' + s.role +
      ', slots ' + s.slots + ', ' + bytes(s.used_memory) + ', ' + opsText(s.ops_per_sec);
    const op = s.operation;
    if (op) {
      chip.dataset.operation = op.name;
      title += ' · ' + op.name + (op.running ? ' ' + op.progress + '%' : ' (waiting)');
    }
    if (s.moving) {
      chip.classList.add('moving');
      chip.dataset.moving = 'true';
      const to = op && op.to_node_uid !== undefined ? 'node:' + op.to_node_uid : '';
      if (to) chip.dataset.to = String(op.to_node_uid);
      chip.append(el('span', 'to', '→' + (to ? ' ' + to : '') + (op && op.running ? ' ' + op.progress + '%' : '')));
    }
    chip.title = title;
    return chip;
  }

  // A raised alert's severity in colour: amber for a warning, red for an
  // error or a critical one.
  function severityClass(s) {
    return s === 'WARNING' ? 'st-cancelling' : 'st-failed';
  }

  // "memory_util 95, threshold 80": what the alert was evaluated on when it
  // was raised (its change_value without the state).
  function changeText(cv) {
    const parts = [];
    for (const [k, v] of Object.entries(cv || {})) {
      if (k === 'state') continue;
      parts.push(k + ' ' + (typeof v === 'object' ? JSON.stringify(v) : v));
    }
    return parts.join(', ');
  }

  // One raised alert of the cluster view: its severity, name and object
  // (a database's name beside its uid), since when, what it saw, and
  // whether the control API forced it.
  function alertItem(a, names) {
    const li = el('li');
    li.dataset.object = a.object;
    li.dataset.name = a.name;
    li.dataset.severity = a.severity;
    li.dataset.forced = String(a.forced);
    const head = el('div', 'alert-head');
    head.append(el('span', 'status ' + severityClass(a.severity), a.severity),
      el('strong', 'alert-name', a.name));
    const object = a.scope === 'bdb' && names.has(a.uid) ? a.object + ' (' + names.get(a.uid) + ')' : a.object;
    const raised = Date.parse(a.change_time) / 1000;
    const detail = el('div', 'alert-detail muted', object + ' · ' + since('raised', raised));
    if (a.forced) detail.append(' ', el('span', 'forced', 'forced'));
    const seen = changeText(a.change_value);
    li.append(head, detail);
    if (seen) li.append(el('div', 'alert-value muted', seen));
    li.title = a.name + ' on ' + a.object + (a.enabled ? '' : ' (disabled, forced raised)') +
      ', raised at ' + a.change_time;
    return li;
  }

  function renderCluster(view) {
    const names = new Map(view.databases.map((d) => [d.uid, d.name]));
    // Where moving shards go: drawn faint on the node they go to.
    const incoming = new Map();
    for (const n of view.nodes) {
      for (const s of n.shards) {
        if (!s.moving || !s.operation || s.operation.to_node_uid === undefined) continue;
        const list = incoming.get(s.operation.to_node_uid) || [];
        list.push(s);
        incoming.set(s.operation.to_node_uid, list);
      }
    }
    let shardTotal = 0;
    const cards = [];
    for (const n of view.nodes) {
      shardTotal += n.shard_count;
      const card = el('article', 'node' + (n.status === 'active' ? '' : ' st-off'));
      card.dataset.uid = String(n.uid);
      card.dataset.status = n.status;
      const head = el('div', 'node-head');
      head.append(el('span', 'name', 'node:' + n.uid), el('span', 'addr', n.addr),
        el('span', 'status ' + (n.status === 'active' ? 'st-completed' : 'st-cancelling'), n.status),
        el('span', 'count', n.shard_count + (n.shard_count === 1 ? ' shard' : ' shards')));
      const chips = el('div', 'shards');
      for (const s of n.shards) chips.append(shardChip(s, names));
      for (const s of incoming.get(n.uid) || []) {
        const ghost = el('span', 'shard incoming', '← ' + s.uid);
        ghost.style.setProperty('--db', dbColour(s.bdb_uid));
        ghost.dataset.uid = String(s.uid);
        ghost.dataset.bdb = String(s.bdb_uid);
        ghost.title = 'shard ' + s.uid + ' of bdb:' + s.bdb_uid + ' arriving from another node';
        chips.append(ghost);
      }
      if (n.shards.length === 0 && chips.childElementCount === 0) chips.append(el('span', 'muted', 'no shard'));
      card.append(head, chips);
      cards.push(card);
    }
    if (cards.length === 0) cards.push(el('div', 'empty', 'No node.'));
    $('nodes').replaceChildren(...cards);
    $('cluster-summary').textContent = '(' + view.nodes.length + (view.nodes.length === 1 ? ' node, ' : ' nodes, ') +
      shardTotal + ' shards, ' + view.databases.length + (view.databases.length === 1 ? ' database)' : ' databases)');

    const rows = [];
    for (const d of view.databases) {
      const row = el('div', 'dbrow');
      row.dataset.uid = String(d.uid);
      row.dataset.status = d.status;
      row.dataset.usedMemory = d.used_memory === null ? '' : String(d.used_memory);
      row.dataset.memorySize = String(d.memory_size);
      row.dataset.ops = d.ops_per_sec === null ? '' : String(d.ops_per_sec);
      const who = el('div');
      const name = el('span', 'name');
      const swatch = el('span', 'swatch');
      swatch.style.setProperty('--db', dbColour(d.uid));
      name.append(swatch, d.name || '(no name)');
      const shards = d.shards_count + (d.shards_count === 1 ? ' shard' : ' shards') +
        (d.replication ? ' + replicas' : '');
      who.append(name, el('span', 'uid', 'bdb:' + d.uid + ' · ' + shards));
      const limit = Number(d.memory_size);
      const used = d.used_memory === null ? null : Number(d.used_memory);
      const pct = used !== null && limit > 0 ? Math.min(100, (100 * used) / limit) : 0;
      const bar = el('div', 'bar mem' + (pct >= 90 ? ' full' : pct >= 75 ? ' high' : ''));
      bar.setAttribute('role', 'meter');
      bar.setAttribute('aria-valuemin', '0');
      bar.setAttribute('aria-valuemax', '100');
      bar.setAttribute('aria-valuenow', pct.toFixed(1));
      bar.setAttribute('aria-label', (d.name || 'bdb:' + d.uid) + ' memory used');
      const fill = el('span');
      fill.style.width = pct.toFixed(1) + '%';
      bar.append(fill, el('em', 'mem-text', bytes(used) + ' / ' + bytes(limit) +
        (used === null ? '' : ' (' + pct.toFixed(pct < 10 ? 1 : 0) + '%)')));
      row.append(who, el('span', 'status ' + dbStatusClass(d.status), d.status), bar,
        el('span', 'ops', opsText(d.ops_per_sec)));
      rows.push(row);
    }
    if (rows.length === 0) rows.push(el('div', 'empty', 'No database.'));
    $('cluster-dbs').replaceChildren(...rows);

    const alerts = [];
    for (const a of view.alerts) alerts.push(alertItem(a, names));
    if (alerts.length === 0) alerts.push(el('li', 'empty', 'No raised alerts.'));
    $('alerts-summary').textContent = '(' + view.alerts.length + ' raised)';
    $('alerts').replaceChildren(...alerts);
  }

  function renderJournal(data) {
    const rows = [];
    for (const r of data.requests.slice().reverse()) {
      const tr = el('tr');
      tr.dataset.seq = String(r.seq);
      if (r.status === 0 || r.status >= 400) tr.className = 'err';
      const fault = r.fault ? '#' + r.fault : '';
      tr.append(el('td', null, timeOfDay(r.time)), el('td', null, r.method),
        el('td', 'target', r.target), el('td', null, r.user || '–'),
        el('td', 'code', r.status === 0 ? 'dropped' : r.status), el('td', null, duration(r.duration_us)),
        el('td', fault ? 'fault-hit' : null, fault));
      rows.push(tr);
    }
    if (rows.length === 0) {
      const tr = el('tr');
      const td = el('td', 'empty', 'No request yet.');
      td.colSpan = 7;
      tr.append(td);
      rows.push(tr);
    }
    $('journal').tBodies[0].replaceChildren(...rows);
  }

  function ruleText(f) {
    let effect = f.drop ? 'drop' : f.status ? String(f.status) : '';
    if (f.delay_ms) effect += (effect ? ' after ' : 'delay ') + f.delay_ms + ' ms';
    let text = (f.method || 'any') + ' ' + f.path;
    if (f.user) text += ' as ' + f.user;
    text += ' → ' + effect;
    if (f.times !== undefined) text += ' (' + f.times + ' left)';
    if (f.probability !== undefined) text += ' p=' + f.probability;
    return text;
  }

  function renderFaults(data) {
    const items = [];
    for (const f of data.faults) {
      const li = el('li');
      li.dataset.id = String(f.id);
      const text = el('span', 'rule', '#' + f.id + ' ' + ruleText(f));
      const hits = el('span', 'hits', f.hits + (f.hits === 1 ? ' hit' : ' hits'));
      const del = el('button', 'delete', 'Delete');
      del.type = 'button';
      del.setAttribute('aria-label', 'Delete fault rule ' + f.id);
      del.addEventListener('click', act(() => deleteFault(f.id)));
      li.append(text, hits, del);
      items.push(li);
    }
    if (items.length === 0) items.push(el('li', 'empty', 'No fault rule.'));
    $('faults').replaceChildren(...items);
  }

  // --- Polling --------------------------------------------------------------

  const shown = new Map();  // panel -> the JSON text it shows
  function changed(panel, data) {
    const text = JSON.stringify(data);
    if (shown.get(panel) === text) return false;
    shown.set(panel, text);
    return true;
  }

  async function poll() {
    const started = performance.now();
    const quiet = (path) => api('GET', path, undefined, true);
    const [clock, actions, databases, journal, faults, crdbTasks, cluster] = await Promise.all([
      quiet('/emulator/v1/clock'),
      quiet('/emulator/v1/actions?offset=' + state.offset + '&limit=' + PAGE),
      quiet('/emulator/v1/databases'),
      quiet('/emulator/v1/requests?limit=' + JOURNAL_TAIL),
      quiet('/emulator/v1/faults'),
      quiet('/emulator/v1/crdb_tasks'),
      quiet('/emulator/v1/cluster_view'),
    ]);
    if (actions.total > 0 && state.offset >= actions.total) {
      // The page emptied (actions ended or were removed): show the last one.
      state.offset = Math.floor((actions.total - 1) / PAGE) * PAGE;
      again = true;
    }
    // A panel is rebuilt only when what it shows changed, so text selected in
    // it (a target to copy) survives the polls in between.
    if (changed('databases', databases)) renderDatabases(databases);
    if (changed('actions', [actions, clock.now, state.highlight])) renderActions(actions);
    renderClock(clock);
    if (changed('journal', journal)) renderJournal(journal);
    if (changed('faults', faults)) renderFaults(faults);
    if (changed('crdbs', crdbTasks)) renderCrdbTasks(crdbTasks);
    if (changed('cluster', cluster)) renderCluster(cluster);
    const ms = performance.now() - started;
    document.body.dataset.pollMs = ms.toFixed(1);
    document.body.dataset.polls = String(Number(document.body.dataset.polls || 0) + 1);
    const p = $('poll-state');
    p.textContent = 'live';
    p.className = 'poll';
    $('poll-time').textContent = 'Last poll: ' + ms.toFixed(0) + ' ms.';
  }

  // Polls now (or right after the poll under way), then every POLL_MS.
  async function tick() {
    if (polling) {
      again = true;
      return;
    }
    polling = true;
    clearTimeout(timer);
    try {
      await poll();
    } catch (e) {
      const p = $('poll-state');
      p.textContent = 'offline: ' + e.message;
      p.className = 'poll error';
    } finally {
      polling = false;
      const delay = again ? 0 : POLL_MS;
      again = false;
      timer = setTimeout(tick, delay);
    }
  }

  // --- Controls -------------------------------------------------------------

  // An event handler running `fn`; its failure becomes the message.
  function act(fn) {
    return (ev) => {
      if (ev && ev.preventDefault) ev.preventDefault();
      Promise.resolve().then(fn).catch((e) => showMessage(e.message, false)).finally(tick);
    };
  }

  async function advance(seconds) {
    if (!(seconds > 0)) return;
    const c = await api('POST', '/emulator/v1/clock/advance', { seconds });
    showMessage('Clock advanced by ' + seconds + ' s to ' + clockText(c.now) + '.', true);
  }

  async function advanceToEnd() {
    if (state.runningUntil === null) return;
    // Rounded up to the millisecond: landing a hair short would leave the
    // last step running.
    await advance(Math.ceil((state.runningUntil - state.now) * 1000) / 1000);
  }

  let resetArmed = 0;
  async function reset() {
    const b = $('reset');
    if (!resetArmed) {
      b.classList.add('armed');
      b.textContent = 'Confirm reset';
      resetArmed = setTimeout(disarmReset, 4000);
      return;
    }
    disarmReset();
    const r = await api('POST', '/emulator/v1/reset');
    state.offset = 0;
    showMessage('Reset to the seed: ' + r.actions + ' actions, ' + r.databases + ' databases.', true);
  }

  function disarmReset() {
    clearTimeout(resetArmed);
    resetArmed = 0;
    const b = $('reset');
    b.classList.remove('armed');
    b.textContent = 'Reset';
  }

  async function createAction() {
    const sel = $('create-template');
    const opt = sel.selectedOptions[0];
    if (!opt) throw new Error('no template to create from');
    const body = { type: opt.dataset.type, name: opt.value };
    const object = $('create-object').value.trim();
    if (object) body.object_name = object;
    const a = await api('POST', '/emulator/v1/actions', body);
    state.highlight = a.action_uid;
    showMessage('Created ' + a.name + ' ' + a.action_uid + '.', true, a.action_uid);
  }

  async function addFault() {
    const body = { path: $('fail-path').value.trim(), status: Number($('fail-status').value) };
    const times = $('fail-times').value.trim();
    if (times) body.times = Number(times);
    const method = $('fail-method').value;
    if (method) body.method = method;
    const r = await api('POST', '/emulator/v1/faults', body);
    showMessage('Fault rule #' + r.id + ' added.', true);
  }

  async function deleteFault(id) {
    await api('DELETE', '/emulator/v1/faults/' + id);
    showMessage('Fault rule #' + id + ' deleted.', true);
  }

  async function loadTemplates() {
    const t = await api('GET', '/emulator/v1/templates', undefined, true);
    const sel = $('create-template');
    const opts = t.templates.map((x) => {
      const o = el('option', null, x.name + ' (' + x.type + ')');
      o.value = x.name;
      o.dataset.type = x.type;
      return o;
    });
    sel.replaceChildren(...opts);
  }

  function page(delta) {
    state.offset = Math.max(0, state.offset + delta * PAGE);
    tick();
  }

  function start() {
    $('advance-1').addEventListener('click', act(() => advance(1)));
    $('advance-10').addEventListener('click', act(() => advance(10)));
    $('advance-end').addEventListener('click', act(advanceToEnd));
    $('reset').addEventListener('click', act(reset));
    $('create-form').addEventListener('submit', act(createAction));
    $('fail-form').addEventListener('submit', act(addFault));
    $('page-prev').addEventListener('click', () => page(-1));
    $('page-next').addEventListener('click', () => page(1));
    loadTemplates().catch((e) => showMessage(e.message, false));
    tick();
  }

  start();
})();

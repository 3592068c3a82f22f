// The page's script (plain browser JavaScript, served from /status/app.js). It never parses
// HTML: every value from the server or a document becomes a text node (Trusted Types enforce it).
// Written without template literals so it can live in this TypeScript string.
export const PAGE_SCRIPT = String.raw`'use strict';
(function () {
  var KEY_STORAGE = 'knowledge-mcp.api-key';
  var body = document.body;
  var refreshMs = Math.max(500, Number(body.dataset.refreshMs) || 5000);
  var statusUrl = body.dataset.statusUrl || '/status.json';
  var apiKey = readKey();
  var refreshTimer = null;
  var rpcId = 0;
  var lastStatusAt = null;
  var authNeeded = false;
  var search = { query: '', sources: null, limit: 10, cursor: null, busy: false };
  var doc = { id: null, offset: 0, opener: null };

  function byId(id) { return document.getElementById(id); }

  function readKey() {
    try { return window.sessionStorage.getItem(KEY_STORAGE); } catch (e) { return null; }
  }
  function storeKey(value) {
    apiKey = value;
    try {
      if (value) window.sessionStorage.setItem(KEY_STORAGE, value);
      else window.sessionStorage.removeItem(KEY_STORAGE);
    } catch (e) { /* storage disabled: the key lives in memory for this page only */ }
  }

  function AuthError() { this.name = 'AuthError'; this.message = 'unauthorized'; }
  AuthError.prototype = Object.create(Error.prototype);

  function requestHeaders(extra) {
    var headers = { Accept: 'application/json' };
    if (apiKey) headers['x-api-key'] = apiKey;
    if (extra) Object.keys(extra).forEach(function (name) { headers[name] = extra[name]; });
    return headers;
  }

  function errorMessageOf(json, status) {
    if (json && json.error && typeof json.error.message === 'string') return json.error.message;
    return 'HTTP ' + status;
  }

  function readJson(response) {
    return response.text().then(function (text) {
      try { return text ? JSON.parse(text) : null; } catch (e) { return null; }
    });
  }

  function fetchStatus() {
    return fetch(statusUrl, { headers: requestHeaders(), cache: 'no-store', credentials: 'omit' }).then(function (response) {
      if (response.status === 401) throw new AuthError();
      return readJson(response).then(function (json) {
        if (!response.ok || !json) throw new Error(errorMessageOf(json, response.status));
        return json;
      });
    });
  }

  /** One MCP tools/call over POST /mcp; resolves the structured result, rejects with the tool's message. */
  function callTool(name, args) {
    rpcId += 1;
    var payload = JSON.stringify({ jsonrpc: '2.0', id: rpcId, method: 'tools/call', params: { name: name, arguments: args } });
    return fetch('/mcp', { method: 'POST', headers: requestHeaders({ 'Content-Type': 'application/json' }), body: payload, credentials: 'omit' }).then(function (response) {
      if (response.status === 401) throw new AuthError();
      return readJson(response).then(function (json) {
        if (!json) throw new Error('HTTP ' + response.status);
        if (json.error) throw new Error(errorMessageOf(json, response.status));
        var result = json.result || {};
        if (result.isError) {
          var first = result.content && result.content[0];
          throw new Error(first && typeof first.text === 'string' ? first.text : 'the tool reported an error');
        }
        return result.structuredContent;
      });
    });
  }

  /** Builds an element; strings in children become text nodes, never markup. */
  function el(tag, props, children) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (name) {
        var value = props[name];
        if (value === null || value === undefined || value === false) return;
        if (name === 'text') node.textContent = String(value);
        else if (name === 'className') node.className = value;
        else node.setAttribute(name, String(value));
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  /** Only web links become clickable; javascript:, data: and anything unparsable stay text. */
  function safeHref(url) {
    if (typeof url !== 'string' || url === '') return null;
    try {
      var parsed = new URL(url, window.location.href);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
    } catch (e) { return null; }
  }

  /** Snippets mark matches as **word**: alternate text and <mark> nodes; an unpaired ** stays literal. */
  function appendHighlighted(parent, snippet) {
    var parts = String(snippet || '').split('**');
    if (parts.length % 2 === 0) {
      var tail = parts.pop();
      parts[parts.length - 1] += '**' + tail;
    }
    parts.forEach(function (part, index) {
      if (part === '') return;
      parent.appendChild(index % 2 === 1 ? el('mark', { text: part }) : document.createTextNode(part));
    });
  }

  function badge(value, label) {
    var safe = String(value).replace(/[^a-z-]/g, '');
    return el('span', { className: 'badge st-' + safe, text: label || value });
  }

  function formatMs(ms) {
    if (ms === null || ms === undefined) return '—';
    if (ms < 0.05) return '< 0.1 ms';
    return (ms < 10 ? ms.toFixed(1) : String(Math.round(ms))) + ' ms';
  }
  function formatCount(value) { return value === null || value === undefined ? 'unknown' : Number(value).toLocaleString('en'); }
  function formatRate(rate) {
    if (rate === null || rate === undefined) return '—';
    var percent = rate * 100;
    return (percent === 0 || percent >= 10 ? String(Math.round(percent)) : percent.toFixed(1)) + ' %';
  }
  function plural(count, word) { return count + ' ' + word + (count === 1 ? '' : 's'); }
  function formatTime(date) { return date.toLocaleTimeString('en-GB', { hour12: false }); }
  function formatWindow(ms) {
    var minutes = Math.round(ms / 60000);
    return minutes >= 1 ? minutes + ' min' : Math.round(ms / 1000) + ' s';
  }
  function cell(label, content, className) {
    // Explicit roles: the phone layout restyles the table as blocks, which drops the implicit ones.
    return el('td', { role: 'cell', 'data-label': label, className: className || null }, Array.isArray(content) ? content : [content]);
  }

  // ---- key prompt -------------------------------------------------------------------------

  function showKeyPanel(message) {
    authNeeded = true;
    stopRefresh();
    byId('app').hidden = true;
    byId('endpoint').hidden = true;
    byId('key-panel').hidden = false;
    byId('key-error').textContent = message || '';
    var input = byId('key-input');
    input.value = '';
    input.setAttribute('aria-invalid', message ? 'true' : 'false');
    input.focus();
  }

  function onAuthFailure() {
    var hadKey = Boolean(apiKey);
    storeKey(null);
    showKeyPanel(hadKey ? 'That key was not accepted. Check it and try again.' : '');
  }

  byId('key-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var value = byId('key-input').value.trim();
    if (!value) {
      byId('key-error').textContent = 'Enter the API key.';
      byId('key-input').setAttribute('aria-invalid', 'true');
      return;
    }
    storeKey(value);
    authNeeded = false;
    refreshStatus(true);
  });

  byId('forget-key').addEventListener('click', function () {
    storeKey(null);
    showKeyPanel('');
  });

  // ---- status ------------------------------------------------------------------------------

  function renderStatus(report) {
    var server = report.server;
    byId('server-name').textContent = server.name;
    byId('server-version').textContent = 'v' + server.version;
    var urlInput = byId('mcp-url');
    if (urlInput.value !== server.mcp_url) urlInput.value = server.mcp_url;
    byId('protocols').textContent = 'Protocol revisions: ' + server.protocol_versions.legacy.join(', ') +
      ' (initialize) · ' + server.protocol_versions.stateless.join(', ') + ' (stateless)';
    byId('endpoint').hidden = false;

    var callerLine = report.caller.auth_required
      ? 'Signed in with key "' + report.caller.key_name + '"; you see the sources it may search.'
      : 'No key needed: this server answers loopback requests without keys.';
    byId('caller').textContent = callerLine;
    byId('forget-key').hidden = !apiKey;

    var tbody = byId('sources-body');
    clear(tbody);
    if (report.sources.length === 0) {
      tbody.appendChild(el('tr', { role: 'row' }, [el('td', { role: 'cell', colspan: 8, text: 'No sources are visible to this key.' })]));
    }
    report.sources.forEach(function (source) {
      var w = source.window;
      var errors = w.requests === 0 ? '—' : formatRate(w.error_rate) + ' of ' + plural(w.requests, 'call');
      if (w.refused > 0) errors += ' (' + w.refused + ' refused)';
      tbody.appendChild(el('tr', { role: 'row', 'data-source': source.name }, [
        cell('Source', el('div', null, [el('span', { className: 'source-name', text: source.name }), el('span', { className: 'source-desc', text: source.description })])),
        cell('Kind', source.kind),
        cell('Status', badge(source.status)),
        cell('Documents', formatCount(source.document_count), 'num'),
        cell('p50', formatMs(w.p50_ms), 'num'),
        cell('p99', formatMs(w.p99_ms), 'num'),
        cell('Errors', errors, 'num'),
        cell('Breaker', badge(source.breaker)),
      ]));
    });
    byId('window-note').textContent = 'Latency and errors cover search and document calls over the last ' + formatWindow(report.window_ms) + '.';

    var cacheLine = byId('cache-line');
    clear(cacheLine);
    if (report.cache) {
      var cache = report.cache;
      cacheLine.appendChild(el('strong', { text: 'Cache: ' }));
      cacheLine.appendChild(document.createTextNode(cache.kind === 'redis' ? 'Redis' : 'in memory'));
      cacheLine.appendChild(document.createTextNode(' · hit ratio ' + (cache.hit_ratio === null ? '— (no lookups yet)' : formatRate(cache.hit_ratio) + ' of ' + plural(cache.hits + cache.misses, 'lookup')) + ' · '));
      cacheLine.appendChild(cache.degraded ? badge('degraded', 'degraded: answering from the sources') : badge('ok', 'healthy'));
    } else {
      cacheLine.textContent = 'Cache: not reported.';
    }

    updateSourceFilter(report.sources);
  }

  function updateSourceFilter(sources) {
    var select = byId('source-filter');
    var current = select.value;
    var wanted = [''].concat(sources.map(function (source) { return source.name; }));
    var existing = Array.prototype.map.call(select.options, function (option) { return option.value; });
    if (wanted.join('\n') === existing.join('\n')) return;
    clear(select);
    wanted.forEach(function (name) {
      select.appendChild(el('option', { value: name, text: name === '' ? 'All sources' : name }));
    });
    select.value = wanted.indexOf(current) >= 0 ? current : '';
  }

  function showStatusError(message) {
    var box = byId('status-error');
    box.hidden = false;
    box.textContent = 'Could not refresh the status: ' + message + (lastStatusAt ? ' Showing what was known at ' + formatTime(lastStatusAt) + '.' : '');
  }

  function refreshStatus(fromKeyForm) {
    stopRefresh();
    return fetchStatus().then(function (report) {
      var wasHidden = byId('app').hidden;
      byId('key-panel').hidden = true;
      byId('app').hidden = false;
      byId('status-error').hidden = true;
      lastStatusAt = new Date();
      renderStatus(report);
      byId('updated').textContent = 'Updated ' + formatTime(lastStatusAt);
      if (fromKeyForm === true && wasHidden) byId('query').focus();
      scheduleRefresh();
    }, function (error) {
      if (error instanceof AuthError) return onAuthFailure();
      if (byId('app').hidden && !authNeeded) {
        byId('key-panel').hidden = true;
        byId('app').hidden = false;
      }
      showStatusError(error && error.message ? error.message : 'network error.');
      scheduleRefresh();
    });
  }

  function scheduleRefresh() {
    stopRefresh();
    if (document.hidden || authNeeded) return;
    refreshTimer = window.setTimeout(refreshStatus, refreshMs);
  }
  function stopRefresh() {
    if (refreshTimer !== null) window.clearTimeout(refreshTimer);
    refreshTimer = null;
  }

  document.addEventListener('visibilitychange', function () {
    if (document.hidden) stopRefresh();
    else if (!authNeeded) refreshStatus();
  });
  byId('refresh').addEventListener('click', function () { refreshStatus(); });

  byId('copy-url').addEventListener('click', function () {
    var input = byId('mcp-url');
    var feedback = byId('copy-feedback');
    function fallback() {
      input.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      feedback.textContent = ok ? 'Copied.' : 'Selected: press Ctrl+C (or ⌘C) to copy.';
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () { feedback.textContent = 'Copied.'; }, fallback);
    } else {
      fallback();
    }
  });

  // ---- search ------------------------------------------------------------------------------

  function renderReport(report) {
    var tbody = byId('report-body');
    clear(tbody);
    report.forEach(function (source) {
      tbody.appendChild(el('tr', { role: 'row', 'data-source': source.name }, [
        cell('Source', source.name),
        cell('Status', badge(source.status)),
        cell('Took', formatMs(source.took_ms), 'num'),
        cell('Hits', String(source.count), 'num'),
        cell('Error', source.error || '—'),
      ]));
    });
    byId('report-wrap').hidden = report.length === 0;
  }

  function renderResult(result, position) {
    var titleButton = el('button', { type: 'button', className: 'result-title', 'data-id': result.id, text: result.title || result.id });
    titleButton.addEventListener('click', function () { openDocument(result.id, titleButton); });
    var meta = [
      el('span', { className: 'tag', text: result.source }),
      el('span', { text: 'score ' + Number(result.score).toFixed(4) }),
      result.updated_at ? el('span', { text: 'updated ' + String(result.updated_at).slice(0, 10) }) : null,
      el('span', { className: 'mono', text: result.id }),
    ];
    var snippet = el('p', { className: 'snippet' });
    appendHighlighted(snippet, result.snippet);
    var href = safeHref(result.url);
    var link = null;
    if (href) link = el('a', { href: href, rel: 'noopener noreferrer', target: '_blank', text: 'Open original' }, [el('span', { className: 'visually-hidden', text: ' (new tab)' })]);
    else if (result.url) link = el('span', { className: 'hint', text: 'Link: ' + result.url });
    var also = result.also_in && result.also_in.length ? el('p', { className: 'hint', text: 'Also in: ' + result.also_in.join(', ') }) : null;
    return el('li', { 'data-position': position }, [el('h3', null, [titleButton]), el('div', { className: 'result-meta' }, meta), snippet, link, also]);
  }

  function runSearch(append) {
    if (search.busy) return;
    search.busy = true;
    var button = byId('search-button');
    var more = byId('more-results');
    button.disabled = true;
    more.disabled = true;
    byId('search-summary').textContent = append ? 'Loading more…' : 'Searching…';
    var args = { query: search.query, limit: search.limit };
    if (search.sources) args.sources = search.sources;
    if (append && search.cursor) args.cursor = search.cursor;
    callTool('search_documents', args).then(function (output) {
      var list = byId('results');
      if (!append) clear(list);
      var start = list.children.length;
      output.results.forEach(function (result, index) { list.appendChild(renderResult(result, start + index + 1)); });
      renderReport(output.sources);
      search.cursor = output.next_cursor;
      more.hidden = !output.next_cursor;
      var total = list.children.length;
      var failed = output.sources.filter(function (source) { return source.status !== 'ok' && source.status !== 'skipped'; });
      var summary = (total === 0 ? 'No results' : total + (total === 1 ? ' result' : ' results')) + ' in ' + formatMs(output.took_ms) + (output.cached ? ' (from cache)' : '');
      if (output.partial) summary += ' — partial: ' + failed.map(function (source) { return source.name + ' ' + source.status; }).join(', ');
      byId('search-summary').textContent = summary;
    }, function (error) {
      if (error instanceof AuthError) return onAuthFailure();
      byId('search-summary').textContent = 'Search failed: ' + error.message;
    }).then(function () {
      search.busy = false;
      button.disabled = false;
      more.disabled = false;
    });
  }

  byId('search-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var query = byId('query').value.trim();
    if (!query) {
      byId('search-summary').textContent = 'Type some words to search for.';
      byId('query').focus();
      return;
    }
    var source = byId('source-filter').value;
    search.query = query;
    search.sources = source ? [source] : null;
    search.limit = Number(byId('limit').value) || 10;
    search.cursor = null;
    runSearch(false);
  });
  byId('more-results').addEventListener('click', function () { runSearch(true); });

  // ---- document viewer ---------------------------------------------------------------------

  var dialog = byId('document-dialog');

  function renderDocumentMeta(output) {
    var meta = byId('doc-meta');
    clear(meta);
    function row(term, value) {
      if (value === null || value === undefined || value === '') return;
      meta.appendChild(el('dt', { text: term }));
      meta.appendChild(el('dd', null, [value]));
    }
    row('ID', output.id);
    row('Source', output.source);
    row('Updated', output.updated_at);
    var href = safeHref(output.url);
    row('URL', href ? el('a', { href: href, rel: 'noopener noreferrer', target: '_blank', text: output.url }) : output.url);
    var metadata = output.metadata || {};
    Object.keys(metadata).slice(0, 12).forEach(function (name) {
      var value = metadata[name];
      row(name, typeof value === 'string' ? value : JSON.stringify(value));
    });
  }

  function loadDocument(append) {
    var more = byId('doc-more');
    more.disabled = true;
    return callTool('get_document', { document_id: doc.id, offset: doc.offset }).then(function (output) {
      byId('doc-error').hidden = true;
      byId('doc-title').textContent = output.title || output.id;
      renderDocumentMeta(output);
      var content = byId('doc-content');
      if (append) content.appendChild(document.createTextNode(output.content));
      else content.textContent = output.content;
      doc.offset = output.next_offset === null ? doc.offset : output.next_offset;
      more.hidden = !output.truncated;
    }, function (error) {
      if (error instanceof AuthError) {
        dialog.close();
        return onAuthFailure();
      }
      var box = byId('doc-error');
      box.hidden = false;
      box.textContent = 'Could not open the document: ' + error.message;
    }).then(function () { more.disabled = false; });
  }

  function openDocument(id, opener) {
    doc.id = id;
    doc.offset = 0;
    doc.opener = opener;
    byId('doc-title').textContent = 'Loading ' + id + '…';
    clear(byId('doc-meta'));
    byId('doc-content').textContent = '';
    byId('doc-error').hidden = true;
    byId('doc-more').hidden = true;
    if (!dialog.open) dialog.showModal();
    byId('doc-title').focus();
    loadDocument(false).then(function () { if (dialog.open) byId('doc-title').focus(); });
  }

  byId('doc-more').addEventListener('click', function () { loadDocument(true); });
  byId('close-document').addEventListener('click', function () { dialog.close(); });
  dialog.addEventListener('close', function () {
    if (doc.opener && document.contains(doc.opener)) doc.opener.focus();
  });
  dialog.addEventListener('click', function (event) {
    // A click on the backdrop (outside the dialog box) closes it, as people expect.
    if (event.target !== dialog) return;
    var box = dialog.getBoundingClientRect();
    var inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
    if (!inside) dialog.close();
  });

  refreshStatus();
})();
`;

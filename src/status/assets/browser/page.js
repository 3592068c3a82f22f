// @ts-check
// The status page's script, served as /status/app.js and type-checked by tsc (tsconfig.json in
// this folder). It never parses HTML: every value from the server or a document becomes a text
// node (the page's Trusted Types policy makes any HTML sink throw). Sections: helpers, API key,
// status, search, document viewer, start-up.

/**
 * @typedef {object} SourceRow
 * @property {string} name
 * @property {string} kind
 * @property {string} description
 * @property {string} status
 * @property {number | null} document_count
 * @property {string} breaker
 * @property {{ requests: number, errors: number, refused: number, error_rate: number | null, p50_ms: number | null, p99_ms: number | null }} window
 *
 * @typedef {object} StatusReport GET /status.json (src/status/status-report.ts)
 * @property {{ name: string, version: string, mcp_url: string, protocol_versions: { legacy: string[], stateless: string[] } }} server
 * @property {{ key_name: string | null, auth_required: boolean }} caller
 * @property {number} window_ms
 * @property {SourceRow[]} sources
 * @property {{ kind: string, degraded: boolean, hit_ratio: number | null, hits: number, misses: number } | null} cache
 *
 * @typedef {object} SearchHit
 * @property {string} id
 * @property {string} title
 * @property {string} snippet
 * @property {string | null} url
 * @property {string} source
 * @property {number} score
 * @property {string | null} updated_at
 * @property {string[]} [also_in]
 *
 * @typedef {object} SourceReport
 * @property {string} name
 * @property {string} status
 * @property {number} took_ms
 * @property {number} count
 * @property {string} [error]
 *
 * @typedef {object} SearchOutput search_documents' structuredContent
 * @property {SearchHit[]} results
 * @property {SourceReport[]} sources
 * @property {boolean} partial
 * @property {string | null} next_cursor
 * @property {number} took_ms
 * @property {boolean} cached
 *
 * @typedef {object} DocumentOutput get_document's structuredContent
 * @property {string} id
 * @property {string} title
 * @property {string | null} url
 * @property {string} source
 * @property {string | null} updated_at
 * @property {string} content
 * @property {boolean} truncated
 * @property {number | null} next_offset
 * @property {Record<string, unknown> | null} metadata
 *
 * @typedef {object} SearchRequest what the search form asks for
 * @property {string} query
 * @property {string} source one source name, or '' for all
 * @property {number} limit
 */

(() => {
  const KEY_STORAGE = 'knowledge-mcp.api-key';
  const body = document.body;
  const refreshMs = Math.max(500, Number(body.dataset.refreshMs) || 5000);
  const statusUrl = body.dataset.statusUrl || '/status.json';

  /** @type {string | null} */
  let apiKey = readKey();
  /** @type {number | null} */
  let refreshTimer = null;
  let rpcId = 0;
  /** @type {Date | null} */
  let lastStatusAt = null;
  let authNeeded = false;
  /**
   * The search on screen; `cursor` pages it.
   * @type {{ query: string, sources: string[] | null, limit: number, cursor: string | null, busy: boolean }}
   */
  const search = { query: '', sources: null, limit: 10, cursor: null, busy: false };
  /**
   * The document in the viewer.
   * @type {{ id: string | null, offset: number, opener: HTMLElement | null }}
   */
  const doc = { id: null, offset: 0, opener: null };

  // ---- helpers -----------------------------------------------------------------------------

  /**
   * The shell's element with this id, of the expected type (the shell always has it).
   * @template {HTMLElement} [T=HTMLElement]
   * @param {string} id
   * @param {{ new (): T, prototype: T }} [type]
   * @returns {T}
   */
  function byId(id, type) {
    const node = document.getElementById(id);
    if (!(node instanceof (type ?? HTMLElement))) throw new Error(`the page shell has no #${id}`);
    return /** @type {T} */ (node);
  }

  /** @returns {string | null} */
  function readKey() {
    try {
      return window.sessionStorage.getItem(KEY_STORAGE);
    } catch {
      return null;
    }
  }

  /** @param {string | null} value */
  function storeKey(value) {
    apiKey = value;
    try {
      if (value) window.sessionStorage.setItem(KEY_STORAGE, value);
      else window.sessionStorage.removeItem(KEY_STORAGE);
    } catch {
      // Storage disabled: the key lives in memory for this page only.
    }
  }

  class AuthError extends Error {
    constructor() {
      super('unauthorized');
      this.name = 'AuthError';
    }
  }

  /**
   * @param {Record<string, string>} [extra]
   * @returns {Record<string, string>}
   */
  function requestHeaders(extra) {
    /** @type {Record<string, string>} */
    const headers = { Accept: 'application/json' };
    if (apiKey) headers['x-api-key'] = apiKey;
    return { ...headers, ...extra };
  }

  /**
   * @param {any} json
   * @param {number} status
   */
  function errorMessageOf(json, status) {
    if (json?.error && typeof json.error.message === 'string') return json.error.message;
    return `HTTP ${status}`;
  }

  /**
   * @param {Response} response
   * @returns {Promise<any>} the parsed body, or null when it is not JSON
   */
  async function readJson(response) {
    const text = await response.text();
    try {
      return text ? JSON.parse(text) : null;
    } catch {
      return null;
    }
  }

  /** @returns {Promise<StatusReport>} */
  async function fetchStatus() {
    const response = await fetch(statusUrl, { headers: requestHeaders(), cache: 'no-store', credentials: 'omit' });
    if (response.status === 401) throw new AuthError();
    const json = await readJson(response);
    if (!response.ok || !json) throw new Error(errorMessageOf(json, response.status));
    return json;
  }

  /**
   * One MCP tools/call over POST /mcp; resolves the structured result, rejects with the tool's message.
   * @param {string} name
   * @param {Record<string, unknown>} args
   * @returns {Promise<unknown>}
   */
  async function callTool(name, args) {
    rpcId += 1;
    const payload = JSON.stringify({ jsonrpc: '2.0', id: rpcId, method: 'tools/call', params: { name, arguments: args } });
    const response = await fetch('/mcp', {
      method: 'POST',
      headers: requestHeaders({ 'Content-Type': 'application/json' }),
      body: payload,
      credentials: 'omit',
    });
    if (response.status === 401) throw new AuthError();
    const json = await readJson(response);
    if (!json) throw new Error(`HTTP ${response.status}`);
    if (json.error) throw new Error(errorMessageOf(json, response.status));
    const result = json.result || {};
    if (result.isError) {
      const first = result.content?.[0];
      throw new Error(first && typeof first.text === 'string' ? first.text : 'the tool reported an error');
    }
    return result.structuredContent;
  }

  /** @typedef {Node | string | null | undefined} Child */

  /**
   * Builds an element; strings in children become text nodes, never markup.
   * @param {string} tag
   * @param {Record<string, string | number | boolean | null | undefined> | null} [props]
   * @param {Child[]} [children]
   * @returns {HTMLElement}
   */
  function el(tag, props, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props ?? {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'text') node.textContent = String(value);
      else if (name === 'className') node.className = String(value);
      else node.setAttribute(name, String(value));
    }
    for (const child of children ?? []) {
      if (child === null || child === undefined) continue;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  /** @param {Node} node */
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  /**
   * Only web links become clickable; javascript:, data: and anything unparsable stay text.
   * @param {unknown} url
   * @returns {string | null}
   */
  function safeHref(url) {
    if (typeof url !== 'string' || url === '') return null;
    try {
      const parsed = new URL(url, window.location.href);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
    } catch {
      return null;
    }
  }

  /**
   * Snippets mark matches as **word**: alternate text and <mark> nodes; an unpaired ** stays literal.
   * @param {HTMLElement} parent
   * @param {string} snippet
   */
  function appendHighlighted(parent, snippet) {
    const parts = String(snippet || '').split('**');
    if (parts.length % 2 === 0) {
      const tail = parts.pop();
      parts[parts.length - 1] += `**${tail}`;
    }
    parts.forEach((part, index) => {
      if (part === '') return;
      parent.appendChild(index % 2 === 1 ? el('mark', { text: part }) : document.createTextNode(part));
    });
  }

  /**
   * @param {string} value a status or breaker state; becomes the badge's colour class
   * @param {string} [label]
   */
  function badge(value, label) {
    const safe = String(value).replace(/[^a-z-]/g, '');
    return el('span', { className: `badge st-${safe}`, text: label || value });
  }

  /** @param {number | null | undefined} ms */
  function formatMs(ms) {
    if (ms === null || ms === undefined) return '—';
    if (ms < 0.05) return '< 0.1 ms';
    return `${ms < 10 ? ms.toFixed(1) : String(Math.round(ms))} ms`;
  }
  /** @param {number | null | undefined} value */
  function formatCount(value) {
    return value === null || value === undefined ? 'unknown' : Number(value).toLocaleString('en');
  }
  /** @param {number | null | undefined} rate */
  function formatRate(rate) {
    if (rate === null || rate === undefined) return '—';
    const percent = rate * 100;
    return `${percent === 0 || percent >= 10 ? String(Math.round(percent)) : percent.toFixed(1)} %`;
  }
  /**
   * @param {number} count
   * @param {string} word
   */
  function plural(count, word) {
    return `${count} ${word}${count === 1 ? '' : 's'}`;
  }
  /** @param {Date} date */
  function formatTime(date) {
    return date.toLocaleTimeString('en-GB', { hour12: false });
  }
  /** @param {number} ms */
  function formatWindow(ms) {
    const minutes = Math.round(ms / 60000);
    return minutes >= 1 ? `${minutes} min` : `${Math.round(ms / 1000)} s`;
  }
  /**
   * @param {string} label
   * @param {Child | Child[]} content
   * @param {string} [className]
   */
  function cell(label, content, className) {
    // Explicit roles: the phone layout restyles the table as blocks, which drops the implicit ones.
    return el('td', { role: 'cell', 'data-label': label, className: className || null }, Array.isArray(content) ? content : [content]);
  }

  /** @param {unknown} error */
  function messageOf(error) {
    return error instanceof Error ? error.message : String(error);
  }

  // ---- API key -----------------------------------------------------------------------------

  /** @param {string} [message] */
  function showKeyPanel(message) {
    authNeeded = true;
    stopRefresh();
    byId('app').hidden = true;
    byId('endpoint').hidden = true;
    byId('key-panel').hidden = false;
    byId('key-error').textContent = message || '';
    const input = byId('key-input', HTMLInputElement);
    input.value = '';
    input.setAttribute('aria-invalid', message ? 'true' : 'false');
    input.focus();
  }

  function onAuthFailure() {
    const hadKey = Boolean(apiKey);
    storeKey(null);
    showKeyPanel(hadKey ? 'That key was not accepted. Check it and try again.' : '');
  }

  byId('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId('key-input', HTMLInputElement);
    const value = input.value.trim();
    if (!value) {
      byId('key-error').textContent = 'Enter the API key.';
      input.setAttribute('aria-invalid', 'true');
      return;
    }
    storeKey(value);
    authNeeded = false;
    void refreshStatus(true);
    // A search that stopped for want of a key (one opened from a link, say) runs now.
    if (search.query && byId('results').children.length === 0) void runSearch(false);
  });

  byId('forget-key').addEventListener('click', () => {
    storeKey(null);
    showKeyPanel('');
  });

  // ---- status ------------------------------------------------------------------------------

  /** @param {StatusReport} report */
  function renderStatus(report) {
    const server = report.server;
    byId('server-name').textContent = server.name;
    byId('server-version').textContent = `v${server.version}`;
    const urlInput = byId('mcp-url', HTMLInputElement);
    if (urlInput.value !== server.mcp_url) urlInput.value = server.mcp_url;
    byId('protocols').textContent =
      `Protocol revisions: ${server.protocol_versions.legacy.join(', ')} (initialize) · ${server.protocol_versions.stateless.join(', ')} (stateless)`;
    byId('endpoint').hidden = false;

    byId('caller').textContent = report.caller.auth_required
      ? `Signed in with key "${report.caller.key_name}"; you see the sources it may search.`
      : 'No key needed: this server answers loopback requests without keys.';
    byId('forget-key').hidden = !apiKey;

    const tbody = byId('sources-body');
    clear(tbody);
    if (report.sources.length === 0) {
      tbody.appendChild(el('tr', { role: 'row' }, [el('td', { role: 'cell', colspan: 8, text: 'No sources are visible to this key.' })]));
    }
    for (const source of report.sources) {
      const w = source.window;
      let errors = w.requests === 0 ? '—' : `${formatRate(w.error_rate)} of ${plural(w.requests, 'call')}`;
      if (w.refused > 0) errors += ` (${w.refused} refused)`;
      tbody.appendChild(
        el('tr', { role: 'row', 'data-source': source.name }, [
          cell(
            'Source',
            el('div', null, [el('span', { className: 'source-name', text: source.name }), el('span', { className: 'source-desc', text: source.description })]),
          ),
          cell('Kind', source.kind),
          cell('Status', badge(source.status)),
          cell('Documents', formatCount(source.document_count), 'num'),
          cell('p50', formatMs(w.p50_ms), 'num'),
          cell('p99', formatMs(w.p99_ms), 'num'),
          cell('Errors', errors, 'num'),
          cell('Breaker', badge(source.breaker)),
        ]),
      );
    }
    byId('window-note').textContent = `Latency and errors cover search and document calls over the last ${formatWindow(report.window_ms)}.`;
    renderCacheLine(report.cache);
    updateSourceFilter(report.sources);
  }

  /** @param {StatusReport['cache']} cache */
  function renderCacheLine(cache) {
    const line = byId('cache-line');
    clear(line);
    if (!cache) {
      line.textContent = 'Cache: not reported.';
      return;
    }
    const ratio = cache.hit_ratio === null ? '— (no lookups yet)' : `${formatRate(cache.hit_ratio)} of ${plural(cache.hits + cache.misses, 'lookup')}`;
    line.appendChild(el('strong', { text: 'Cache: ' }));
    line.appendChild(document.createTextNode(cache.kind === 'redis' ? 'Redis' : 'in memory'));
    line.appendChild(document.createTextNode(` · hit ratio ${ratio} · `));
    line.appendChild(cache.degraded ? badge('degraded', 'degraded: answering from the sources') : badge('ok', 'healthy'));
  }

  /** @param {SourceRow[]} sources */
  function updateSourceFilter(sources) {
    const select = byId('source-filter', HTMLSelectElement);
    // A search opened from a link names its source before the list has arrived.
    const current = select.value || (search.sources?.[0] ?? '');
    const wanted = ['', ...sources.map((source) => source.name)];
    const existing = Array.from(select.options, (option) => option.value);
    if (wanted.join('\n') === existing.join('\n')) return;
    clear(select);
    for (const name of wanted) select.appendChild(el('option', { value: name, text: name === '' ? 'All sources' : name }));
    select.value = wanted.includes(current) ? current : '';
  }

  /** @param {string} message */
  function showStatusError(message) {
    const box = byId('status-error');
    box.hidden = false;
    box.textContent = `Could not refresh the status: ${message}${lastStatusAt ? ` Showing what was known at ${formatTime(lastStatusAt)}.` : ''}`;
  }

  /** @param {boolean} [fromKeyForm] true when the key form asked: the search box gets the focus */
  async function refreshStatus(fromKeyForm) {
    stopRefresh();
    /** @type {StatusReport} */
    let report;
    try {
      report = await fetchStatus();
    } catch (error) {
      if (error instanceof AuthError) return onAuthFailure();
      if (byId('app').hidden && !authNeeded) {
        byId('key-panel').hidden = true;
        byId('app').hidden = false;
      }
      showStatusError(error instanceof Error && error.message ? error.message : 'network error.');
      scheduleRefresh();
      return;
    }
    const wasHidden = byId('app').hidden;
    byId('key-panel').hidden = true;
    byId('app').hidden = false;
    byId('status-error').hidden = true;
    lastStatusAt = new Date();
    renderStatus(report);
    byId('updated').textContent = `Updated ${formatTime(lastStatusAt)}`;
    if (fromKeyForm === true && wasHidden) byId('query').focus();
    scheduleRefresh();
  }

  function scheduleRefresh() {
    stopRefresh();
    if (document.hidden || authNeeded) return;
    refreshTimer = window.setTimeout(() => void refreshStatus(), refreshMs);
  }
  function stopRefresh() {
    if (refreshTimer !== null) window.clearTimeout(refreshTimer);
    refreshTimer = null;
  }

  document.addEventListener('visibilitychange', () => {
    if (document.hidden) stopRefresh();
    else if (!authNeeded) void refreshStatus();
  });
  byId('refresh').addEventListener('click', () => void refreshStatus());

  byId('copy-url').addEventListener('click', () => {
    const input = byId('mcp-url', HTMLInputElement);
    const feedback = byId('copy-feedback');
    const fallback = () => {
      input.select();
      let ok = false;
      try {
        ok = document.execCommand('copy');
      } catch {
        ok = false;
      }
      feedback.textContent = ok ? 'Copied.' : 'Selected: press Ctrl+C (or ⌘C) to copy.';
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(() => {
        feedback.textContent = 'Copied.';
      }, fallback);
    } else {
      fallback();
    }
  });

  // ---- search ------------------------------------------------------------------------------

  /** @param {SourceReport[]} report */
  function renderReport(report) {
    const tbody = byId('report-body');
    clear(tbody);
    for (const source of report) {
      tbody.appendChild(
        el('tr', { role: 'row', 'data-source': source.name }, [
          cell('Source', source.name),
          cell('Status', badge(source.status)),
          cell('Took', formatMs(source.took_ms), 'num'),
          cell('Hits', String(source.count), 'num'),
          cell('Error', source.error || '—'),
        ]),
      );
    }
    byId('report-wrap').hidden = report.length === 0;
  }

  /**
   * @param {SearchHit} result
   * @param {number} position
   */
  function renderResult(result, position) {
    const titleButton = el('button', { type: 'button', className: 'result-title', 'data-id': result.id, text: result.title || result.id });
    titleButton.addEventListener('click', () => openDocument(result.id, titleButton));
    const meta = [
      el('span', { className: 'tag', text: result.source }),
      el('span', { text: `score ${Number(result.score).toFixed(4)}` }),
      result.updated_at ? el('span', { text: `updated ${String(result.updated_at).slice(0, 10)}` }) : null,
      el('span', { className: 'mono', text: result.id }),
    ];
    const snippet = el('p', { className: 'snippet' });
    appendHighlighted(snippet, result.snippet);
    const href = safeHref(result.url);
    let link = null;
    if (href) {
      link = el('a', { href, rel: 'noopener noreferrer', target: '_blank', text: 'Open original' }, [
        el('span', { className: 'visually-hidden', text: ' (new tab)' }),
      ]);
    } else if (result.url) {
      link = el('span', { className: 'hint', text: `Link: ${result.url}` });
    }
    const also = result.also_in?.length ? el('p', { className: 'hint', text: `Also in: ${result.also_in.join(', ')}` }) : null;
    return el('li', { 'data-position': position }, [el('h3', null, [titleButton]), el('div', { className: 'result-meta' }, meta), snippet, link, also]);
  }

  /**
   * @param {SearchOutput} output
   * @param {number} total results on screen
   */
  function summarise(output, total) {
    const failed = output.sources.filter((source) => source.status !== 'ok' && source.status !== 'skipped');
    let summary = `${total === 0 ? 'No results' : plural(total, 'result')} in ${formatMs(output.took_ms)}${output.cached ? ' (from cache)' : ''}`;
    if (output.partial) summary += ` — partial: ${failed.map((source) => `${source.name} ${source.status}`).join(', ')}`;
    return summary;
  }

  /** @param {boolean} append true to load the next page below the results on screen */
  async function runSearch(append) {
    if (search.busy) return;
    search.busy = true;
    const button = byId('search-button', HTMLButtonElement);
    const more = byId('more-results', HTMLButtonElement);
    const summary = byId('search-summary');
    button.disabled = true;
    more.disabled = true;
    summary.textContent = append ? 'Loading more…' : 'Searching…';
    /** @type {Record<string, unknown>} */
    const args = { query: search.query, limit: search.limit };
    if (search.sources) args.sources = search.sources;
    if (append && search.cursor) args.cursor = search.cursor;
    try {
      const output = /** @type {SearchOutput} */ (await callTool('search_documents', args));
      const list = byId('results');
      if (!append) clear(list);
      const start = list.children.length;
      output.results.forEach((result, index) => {
        list.appendChild(renderResult(result, start + index + 1));
      });
      renderReport(output.sources);
      search.cursor = output.next_cursor;
      more.hidden = !output.next_cursor;
      summary.textContent = summarise(output, list.children.length);
    } catch (error) {
      if (error instanceof AuthError) onAuthFailure();
      else summary.textContent = `Search failed: ${messageOf(error)}`;
    } finally {
      search.busy = false;
      button.disabled = false;
      more.disabled = false;
    }
  }

  /**
   * Starts a new search, shown in the form as if typed there: the form, and anything that
   * wants to start a search (a link to the page, say), comes through here.
   * @param {SearchRequest} request
   */
  function startSearch(request) {
    byId('query', HTMLInputElement).value = request.query;
    // Shown in the filter when the list offers it; searched either way (the server checks it).
    byId('source-filter', HTMLSelectElement).value = request.source;
    const limitSelect = byId('limit', HTMLSelectElement);
    if (Array.from(limitSelect.options, (option) => option.value).includes(String(request.limit))) limitSelect.value = String(request.limit);
    search.query = request.query;
    search.sources = request.source ? [request.source] : null;
    search.limit = request.limit;
    search.cursor = null;
    // The address names the search, so it can be shared or reloaded (replaced, not pushed: no history spam).
    window.history.replaceState(null, '', searchAddress(request));
    void runSearch(false);
  }

  /**
   * `/?q=…&source=…&limit=…` for a search (the default limit is left out).
   * @param {SearchRequest} request
   */
  function searchAddress(request) {
    const params = new URLSearchParams({ q: request.query });
    if (request.source) params.set('source', request.source);
    if (request.limit !== 10) params.set('limit', String(request.limit));
    return `${window.location.pathname}?${params}`;
  }

  /**
   * The search a shared address asks for (`/?q=…&source=…&limit=…`), or null.
   * @returns {SearchRequest | null}
   */
  function searchFromAddress() {
    const params = new URLSearchParams(window.location.search);
    const query = (params.get('q') ?? '').trim();
    if (!query) return null;
    const source = (params.get('source') ?? '').split(',')[0]?.trim() ?? '';
    const limit = Number(params.get('limit'));
    return { query, source, limit: Number.isInteger(limit) && limit >= 1 && limit <= 50 ? limit : 10 };
  }

  byId('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const query = byId('query', HTMLInputElement).value.trim();
    if (!query) {
      byId('search-summary').textContent = 'Type some words to search for.';
      byId('query').focus();
      return;
    }
    const limit = Number(byId('limit', HTMLSelectElement).value) || 10;
    startSearch({ query, source: byId('source-filter', HTMLSelectElement).value, limit });
  });
  byId('more-results').addEventListener('click', () => void runSearch(true));

  // ---- document viewer ---------------------------------------------------------------------

  const dialog = byId('document-dialog', HTMLDialogElement);

  /** @param {DocumentOutput} output */
  function renderDocumentMeta(output) {
    const meta = byId('doc-meta');
    clear(meta);
    /**
     * @param {string} term
     * @param {Child} value
     */
    const row = (term, value) => {
      if (value === null || value === undefined || value === '') return;
      meta.appendChild(el('dt', { text: term }));
      meta.appendChild(el('dd', null, [value]));
    };
    row('ID', output.id);
    row('Source', output.source);
    row('Updated', output.updated_at);
    const href = safeHref(output.url);
    row('URL', href ? el('a', { href, rel: 'noopener noreferrer', target: '_blank', text: output.url }) : output.url);
    const metadata = output.metadata || {};
    for (const name of Object.keys(metadata).slice(0, 12)) {
      const value = metadata[name];
      row(name, typeof value === 'string' ? value : JSON.stringify(value));
    }
  }

  /** @param {boolean} append true to add the next chunk of a long document */
  async function loadDocument(append) {
    const more = byId('doc-more', HTMLButtonElement);
    more.disabled = true;
    try {
      const output = /** @type {DocumentOutput} */ (await callTool('get_document', { document_id: doc.id, offset: doc.offset }));
      byId('doc-error').hidden = true;
      byId('doc-title').textContent = output.title || output.id;
      renderDocumentMeta(output);
      const content = byId('doc-content');
      if (append) content.appendChild(document.createTextNode(output.content));
      else content.textContent = output.content;
      doc.offset = output.next_offset === null ? doc.offset : output.next_offset;
      more.hidden = !output.truncated;
    } catch (error) {
      if (error instanceof AuthError) {
        dialog.close();
        onAuthFailure();
        return;
      }
      const box = byId('doc-error');
      box.hidden = false;
      box.textContent = `Could not open the document: ${messageOf(error)}`;
    } finally {
      more.disabled = false;
    }
  }

  /**
   * @param {string} id
   * @param {HTMLElement} opener gets the focus back when the viewer closes
   */
  async function openDocument(id, opener) {
    doc.id = id;
    doc.offset = 0;
    doc.opener = opener;
    byId('doc-title').textContent = `Loading ${id}…`;
    clear(byId('doc-meta'));
    byId('doc-content').textContent = '';
    byId('doc-error').hidden = true;
    byId('doc-more').hidden = true;
    if (!dialog.open) dialog.showModal();
    byId('doc-title').focus();
    await loadDocument(false);
    if (dialog.open) byId('doc-title').focus();
  }

  byId('doc-more').addEventListener('click', () => void loadDocument(true));
  byId('close-document').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    if (doc.opener && document.contains(doc.opener)) doc.opener.focus();
  });
  dialog.addEventListener('click', (event) => {
    // A click on the backdrop (outside the dialog box) closes it, as people expect.
    if (event.target !== dialog) return;
    const box = dialog.getBoundingClientRect();
    const inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
    if (!inside) dialog.close();
  });

  // ---- start-up ----------------------------------------------------------------------------

  void refreshStatus();
  const linked = searchFromAddress();
  if (linked) startSearch(linked);
})();

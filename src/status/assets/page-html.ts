// The page shell: static markup only (no data, no inline script or style); the script fills it
// in from /status.json and POST /mcp once it has a key (or knows none is needed).

export interface PageHtmlOptions {
  title: string;
  refreshMs: number;
  routes: { script: string; style: string; icon: string; status: string };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For the few server-side values in the shell (the name comes from package.json, still escaped). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

export function renderPageHtml(options: PageHtmlOptions): string {
  const title = escapeHtml(options.title);
  const refresh = String(Math.max(500, Math.round(options.refreshMs)));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} — status and search</title>
<link rel="icon" href="${escapeHtml(options.routes.icon)}" type="image/svg+xml">
<link rel="stylesheet" href="${escapeHtml(options.routes.style)}">
<script src="${escapeHtml(options.routes.script)}" defer></script>
</head>
<body data-refresh-ms="${refresh}" data-status-url="${escapeHtml(options.routes.status)}">
<a class="skip-link" href="#search-heading">Skip to search</a>
<header class="site-header">
  <div class="wrap">
    <h1><span id="server-name">${title}</span> <span class="version" id="server-version"></span></h1>
    <div class="endpoint" id="endpoint" hidden>
      <label for="mcp-url">MCP URL for your client</label>
      <div class="copy-row">
        <input id="mcp-url" type="text" readonly spellcheck="false">
        <button type="button" id="copy-url" class="secondary">Copy</button>
      </div>
      <p class="hint" id="protocols"></p>
      <p class="hint" id="copy-feedback" role="status" aria-live="polite"></p>
    </div>
  </div>
</header>
<main class="wrap" id="main">
  <noscript><p class="notice error">This page needs JavaScript to load the status and run searches.</p></noscript>

  <section id="key-panel" class="panel" aria-labelledby="key-heading" hidden>
    <h2 id="key-heading">API key needed</h2>
    <p>This server asks for an API key, as <code>/mcp</code> does. It is kept in this browser tab's session storage only and sent as the <code>x-api-key</code> header.</p>
    <form id="key-form" novalidate>
      <label for="key-input">API key</label>
      <div class="copy-row">
        <input id="key-input" name="key" type="password" autocomplete="off" spellcheck="false" required aria-describedby="key-error">
        <button type="submit">Use key</button>
      </div>
      <p id="key-error" class="field-error" role="alert"></p>
    </form>
  </section>

  <div id="app" hidden>
    <section class="panel" aria-labelledby="sources-heading">
      <div class="section-head">
        <h2 id="sources-heading">Sources</h2>
        <div class="toolbar">
          <span id="updated" class="hint" role="status"></span>
          <button type="button" id="refresh" class="secondary">Refresh now</button>
          <button type="button" id="forget-key" class="secondary" hidden>Forget key</button>
        </div>
      </div>
      <p id="status-error" class="notice error" role="alert" hidden></p>
      <p id="caller" class="hint"></p>
      <div class="table-wrap">
        <table id="sources-table" class="cards" role="table">
          <caption class="visually-hidden">Each source with its status, document count, latency, error rate and circuit breaker over the last minutes</caption>
          <thead role="rowgroup">
            <tr role="row"><th scope="col" role="columnheader">Source</th><th scope="col" role="columnheader">Kind</th><th scope="col" role="columnheader">Status</th><th scope="col" role="columnheader">Documents</th><th scope="col" role="columnheader">p50</th><th scope="col" role="columnheader">p99</th><th scope="col" role="columnheader">Errors</th><th scope="col" role="columnheader">Breaker</th></tr>
          </thead>
          <tbody id="sources-body" role="rowgroup"></tbody>
        </table>
      </div>
      <p id="window-note" class="hint"></p>
      <p id="cache-line" class="cache-line"></p>
    </section>

    <section class="panel" aria-labelledby="search-heading">
      <h2 id="search-heading" tabindex="-1">Search</h2>
      <form id="search-form" role="search" novalidate>
        <div class="search-row">
          <div class="field grow">
            <label for="query">Search documents</label>
            <input id="query" name="query" type="search" maxlength="1000" required autocomplete="off" aria-describedby="search-help">
          </div>
          <div class="field">
            <label for="source-filter">In</label>
            <select id="source-filter" name="source"><option value="">All sources</option></select>
          </div>
          <div class="field">
            <label for="limit">Results</label>
            <select id="limit" name="limit"><option>5</option><option selected>10</option><option>20</option><option>50</option></select>
          </div>
          <button type="submit" id="search-button">Search</button>
        </div>
        <p id="search-help" class="hint">Runs <code>search_documents</code> through the same pipeline, cache and key scopes as an agent.</p>
      </form>
      <p id="search-summary" role="status" aria-live="polite"></p>
      <div class="table-wrap" id="report-wrap" hidden>
        <table id="report-table" class="cards" role="table">
          <caption>How each source answered</caption>
          <thead role="rowgroup"><tr role="row"><th scope="col" role="columnheader">Source</th><th scope="col" role="columnheader">Status</th><th scope="col" role="columnheader">Took</th><th scope="col" role="columnheader">Hits</th><th scope="col" role="columnheader">Error</th></tr></thead>
          <tbody id="report-body" role="rowgroup"></tbody>
        </table>
      </div>
      <ol id="results" class="results"></ol>
      <button type="button" id="more-results" class="secondary" hidden>More results</button>
    </section>
  </div>
</main>

<dialog id="document-dialog" aria-labelledby="doc-title">
  <div class="dialog-head">
    <h2 id="doc-title" tabindex="-1"></h2>
    <button type="button" id="close-document" class="secondary">Close</button>
  </div>
  <dl id="doc-meta" class="doc-meta"></dl>
  <p id="doc-error" class="notice error" role="alert" hidden></p>
  <pre id="doc-content" class="doc-content" tabindex="0" aria-label="Document text"></pre>
  <button type="button" id="doc-more" class="secondary" hidden>Load more</button>
</dialog>
</body>
</html>
`;
}

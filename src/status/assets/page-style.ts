// The page's stylesheet: no framework; readable contrast (WCAG AA), visible focus, and tables
// that become stacked cards on phone-sized screens.
export const PAGE_STYLE = String.raw`
:root {
  --ink: #1a1a1a; --muted: #4a4f55; --line: #d0d5db; --paper: #ffffff; --wash: #f3f5f7;
  --brand: #1f4e79; --brand-ink: #ffffff; --focus: #c75b00; --mark: #ffe58a;
  --ok-bg: #e3f4e8; --ok-ink: #0f5132; --warn-bg: #fff4d6; --warn-ink: #5c4502;
  --susp-bg: #fde2cf; --susp-ink: #7a2e00; --bad-bg: #fbe0e0; --bad-ink: #842029;
  color-scheme: light;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; color: var(--ink); background: var(--wash); }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 0.92em; }
.wrap { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
.skip-link { position: absolute; left: 0.5rem; top: -3rem; background: var(--paper); color: var(--brand); padding: 0.5rem 0.75rem; z-index: 10; }
.skip-link:focus { top: 0.5rem; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }

.site-header { background: var(--brand); color: var(--brand-ink); padding: 1rem 0; }
.site-header h1 { margin: 0 0 0.5rem; font-size: 1.5rem; line-height: 1.2; }
.site-header .version { font-size: 0.95rem; font-weight: 400; opacity: 0.9; }
.site-header label { font-weight: 600; display: block; margin-bottom: 0.25rem; }
.site-header .hint { color: #e6eef6; }
.site-header :focus-visible { outline-color: #ffd28a; }
.copy-row { display: flex; gap: 0.5rem; max-width: 40rem; }
.copy-row input { flex: 1; min-width: 0; }

main.wrap { padding-top: 1rem; padding-bottom: 2rem; }
.panel { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin-bottom: 1rem; }
h2 { font-size: 1.25rem; margin: 0 0 0.5rem; }
h3 { font-size: 1.05rem; margin: 0; }
.section-head { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; justify-content: space-between; }
.toolbar { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
.hint { color: var(--muted); font-size: 0.9rem; margin: 0.25rem 0; }
.notice { padding: 0.5rem 0.75rem; border-radius: 6px; }
.notice.error, .field-error:not(:empty) { background: var(--bad-bg); color: var(--bad-ink); }
.field-error:not(:empty) { padding: 0.4rem 0.6rem; border-radius: 6px; }
.notice.warn { background: var(--warn-bg); color: var(--warn-ink); }

input, select, button { font: inherit; }
input, select { padding: 0.45rem 0.6rem; border: 1px solid #767b82; border-radius: 6px; background: var(--paper); color: var(--ink); min-height: 2.5rem; }
.site-header input { border-color: #ffffff; }
button { min-height: 2.5rem; padding: 0.45rem 1rem; border-radius: 6px; border: 1px solid var(--brand); background: var(--brand); color: var(--brand-ink); cursor: pointer; font-weight: 600; }
button:hover { background: #173b5c; }
button.secondary { background: var(--paper); color: var(--brand); }
button.secondary:hover { background: #e8eef5; }
button[disabled] { opacity: 0.6; cursor: progress; }
label { font-weight: 600; }
#key-form label { display: block; margin-bottom: 0.25rem; }
#key-panel { max-width: 48rem; }

.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: 600; padding: 0.5rem 0; }
th, td { text-align: left; padding: 0.5rem 0.6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 0.85rem; text-transform: uppercase; letter-spacing: 0.03em; color: var(--muted); }
td.num { font-variant-numeric: tabular-nums; }
.source-name { font-weight: 600; }
.source-desc { display: block; font-size: 0.85rem; color: var(--muted); }
.tag { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 4px; font-size: 0.85rem; font-weight: 600; background: #e8eef5; color: var(--brand); }

.badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 999px; font-size: 0.85rem; font-weight: 600; white-space: nowrap; border: 1px solid transparent; }
.badge::before { content: "● "; }
.st-ok { background: var(--ok-bg); color: var(--ok-ink); }
.st-degraded, .st-timeout, .st-half-open { background: var(--warn-bg); color: var(--warn-ink); }
.st-suspended, .st-open { background: var(--susp-bg); color: var(--susp-ink); }
.st-unreachable, .st-error { background: var(--bad-bg); color: var(--bad-ink); }
.st-closed, .st-skipped { background: var(--wash); color: var(--muted); border-color: var(--line); }
.cache-line { margin: 0.75rem 0 0; }

.search-row { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: flex-end; }
.field { display: flex; flex-direction: column; gap: 0.25rem; }
.field.grow { flex: 1 1 16rem; }
#search-summary:not(:empty) { margin: 0.75rem 0; font-weight: 600; }
.results { list-style: none; padding: 0; margin: 0.5rem 0; }
.results > li { border-top: 1px solid var(--line); padding: 0.75rem 0; }
.result-title { background: none; border: none; color: var(--brand); padding: 0; min-height: 0; text-align: left; font-weight: 700; font-size: 1.05rem; text-decoration: underline; text-underline-offset: 3px; cursor: pointer; }
.result-title:hover { background: none; color: #0d2a45; }
.result-meta { display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; font-size: 0.85rem; color: var(--muted); margin: 0.25rem 0; }
.result-meta .mono { word-break: break-all; }
.snippet { margin: 0.25rem 0; overflow-wrap: anywhere; }
mark { background: var(--mark); color: inherit; padding: 0 0.1em; border-radius: 2px; }
a { color: var(--brand); overflow-wrap: anywhere; }
#more-results { margin-top: 0.5rem; }

dialog { width: min(56rem, 100vw - 2rem); max-height: calc(100vh - 2rem); border: 1px solid var(--line); border-radius: 8px; padding: 1rem; color: var(--ink); }
dialog::backdrop { background: rgba(10, 20, 30, 0.55); }
.dialog-head { display: flex; gap: 1rem; align-items: flex-start; justify-content: space-between; }
.dialog-head h2 { overflow-wrap: anywhere; }
.doc-meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 0.75rem; font-size: 0.9rem; margin: 0.5rem 0; }
.doc-meta dt { font-weight: 600; color: var(--muted); }
.doc-meta dd { margin: 0; overflow-wrap: anywhere; }
.doc-content { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--wash); border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem; max-height: 60vh; overflow: auto; margin: 0.5rem 0; }

/* Phone-sized screens: tables become one card per row, each cell labelled. */
@media (max-width: 40rem) {
  .wrap, main.wrap { padding-left: 0.75rem; padding-right: 0.75rem; }
  .panel { padding: 0.75rem; }
  .site-header h1 { font-size: 1.25rem; }
  table.cards thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; width: 100%; }
  table.cards tr { border: 1px solid var(--line); border-radius: 8px; margin-bottom: 0.75rem; padding: 0.25rem 0.5rem; }
  table.cards td { display: grid; grid-template-columns: 7rem minmax(0, 1fr); gap: 0.5rem; border-bottom: 1px solid var(--wash); padding: 0.35rem 0; }
  table.cards td:last-child { border-bottom: none; }
  table.cards td::before { content: attr(data-label); font-weight: 600; color: var(--muted); font-size: 0.85rem; }
  table.cards td > .badge { justify-self: start; }
  table.cards caption:not(.visually-hidden) { display: block; width: 100%; }
  .search-row > button { width: 100%; }
  .field { flex: 1 1 8rem; }
  dialog { width: 100vw; max-width: 100vw; height: 100%; max-height: 100%; margin: 0; border-radius: 0; }
  .doc-content { max-height: none; }
}
@media (prefers-reduced-motion: no-preference) { html { scroll-behavior: smooth; } }
`;

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderPageHtml } from '../../../src/status/assets/page-html.js';
import { loadPageAssets } from '../../../src/status/assets/page-assets.js';
import { PAGE_CSP } from '../../../src/status/routes.js';

const { script: PAGE_SCRIPT, style: PAGE_STYLE } = loadPageAssets();
const BUILT_ASSETS = path.resolve('dist/src/status/assets/page-assets.js');

const routes = { script: '/status/app.js', style: '/status/app.css', icon: '/status/icon.svg', status: '/status.json' };

describe('status page assets', () => {
  it('ships a script that parses', () => {
    expect(() => new vm.Script(PAGE_SCRIPT, { filename: 'app.js' })).not.toThrow();
  });

  it('reads the script and the stylesheet from the files beside the module', () => {
    expect(PAGE_SCRIPT).toMatch(/^\/\/ @ts-check\n/);
    expect(PAGE_STYLE).toContain(':root {');
  });

  it('fails to start, naming the folder, when a file is missing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'page-assets-'));
    try {
      writeFileSync(path.join(dir, 'page.js'), '');
      expect(() => loadPageAssets(pathToFileURL(`${dir}/`))).toThrow(`status page asset page.css is missing from ${dir}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!existsSync(BUILT_ASSETS))(
    existsSync(BUILT_ASSETS) ? 'ships the same files in the build (dist/)' : 'skipped: no dist/, run `npm run build` first',
    async () => {
      const built = (await import(pathToFileURL(BUILT_ASSETS).href)) as { loadPageAssets: typeof loadPageAssets };
      expect(built.loadPageAssets()).toEqual({ script: PAGE_SCRIPT, style: PAGE_STYLE });
    },
  );

  it('never hands strings to an HTML parser in the browser', () => {
    for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'createContextualFragment', 'DOMParser', 'eval(', 'new Function']) {
      expect(PAGE_SCRIPT, sink).not.toContain(sink);
    }
  });

  it('renders a shell without inline script or style, so the strict CSP holds', () => {
    const html = renderPageHtml({ title: 'knowledge-mcp', refreshMs: 5000, routes });
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
    expect(html).toContain('data-refresh-ms="5000"');
    expect(PAGE_CSP).toContain("script-src 'self'");
    expect(PAGE_CSP).not.toContain('unsafe-inline');
    expect(PAGE_CSP).toContain("require-trusted-types-for 'script'");
  });

  it('labels every form control', () => {
    const html = renderPageHtml({ title: 't', refreshMs: 5000, routes });
    const ids = [...html.matchAll(/<(?:input|select)\b[^>]*\bid="([^"]+)"/g)].map((match) => match[1]);
    expect(ids.length).toBeGreaterThan(3);
    for (const id of ids) expect(html, id).toContain(`for="${id}"`);
  });

  it('escapes the values it does put into the shell', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')">&`)).toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;');
    const html = renderPageHtml({ title: '<b>x</b>', refreshMs: 1, routes });
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(html).toContain('data-refresh-ms="500"');
  });
});

import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderPageHtml } from '../../../src/status/assets/page-html.js';
import { PAGE_SCRIPT } from '../../../src/status/assets/page-script.js';
import { PAGE_CSP } from '../../../src/status/routes.js';

const routes = { script: '/status/app.js', style: '/status/app.css', icon: '/status/icon.svg', status: '/status.json' };

describe('status page assets', () => {
  it('ships a script that parses', () => {
    expect(() => new vm.Script(PAGE_SCRIPT, { filename: 'app.js' })).not.toThrow();
  });

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

// A Confluence REST (v1) double on node:http, answering in the documented shapes: CQL search with
// @@@hl@@@ excerpts and cursor (Cloud) or start (Data Center) paging, content with bodies, the
// error envelope, auth checks, and scripted faults (429 + Retry-After, 5xx, delays).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface DoublePage {
  id: string;
  type: 'page' | 'blogpost';
  title: string;
  space: string;
  version: number;
  when: string;
  storage: string;
  /** Page restriction: account ids that may read it (absent = everyone who can use the space). */
  readers?: string[];
}

export interface DoubleUser {
  accountId: string;
  email: string;
  displayName: string;
}

interface Space {
  id: number;
  key: string;
  name: string;
  type: string;
}

export type DoubleAuth = { type: 'basic'; user: string; secret: string } | { type: 'bearer'; token: string } | { type: 'none' };

export interface DoubleOptions {
  /** Cloud: context `/wiki`, `/spaces/…` URLs, cursor paging. DC: no context, `/display/…`, start paging. */
  flavor: 'cloud' | 'dc';
  auth: DoubleAuth;
  pages?: DoublePage[];
  spaces?: Space[];
  /** Accounts the user search finds (their emails visible to the service account). */
  users?: DoubleUser[];
}

export interface Fault {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
  /** Only requests whose path matches (default: any). */
  path?: RegExp;
}

export interface RecordedRequest {
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
}

const FIXTURES = path.resolve('test/fixtures/confluence');
const fixture = JSON.parse(readFileSync(path.join(FIXTURES, 'pages.json'), 'utf8')) as { spaces: Space[]; pages: DoublePage[] };
const errors = JSON.parse(readFileSync(path.join(FIXTURES, 'errors.json'), 'utf8')) as Record<string, Record<string, unknown>>;

export const FIXTURE_PAGES: readonly DoublePage[] = fixture.pages;
export const FIXTURE_SPACES: readonly Space[] = fixture.spaces;

// ---- a small CQL parser: enough of the grammar to judge what a client sends ----

type Token = { kind: 'word' | 'string' | 'op' | 'punct'; value: string };
type Clause = { field: string; op: string; values: string[] };
type Expr = { and: Expr[] } | { or: Expr[] } | { not: Expr } | { clause: Clause };

class CqlError extends Error {}

function tokenize(cql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < cql.length) {
    const c = cql[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      while (i < cql.length && cql[i] !== c) {
        if (cql[i] === '\\') {
          i++;
          if (i >= cql.length) throw new CqlError('dangling escape');
        }
        value += cql[i];
        i++;
      }
      if (i >= cql.length) throw new CqlError('unterminated string');
      i++;
      tokens.push({ kind: 'string', value });
      continue;
    }
    const op = /^(!=|!~|>=|<=|=|~|>|<)/.exec(cql.slice(i));
    if (op) {
      tokens.push({ kind: 'op', value: op[0] });
      i += op[0].length;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', value: c });
      i++;
      continue;
    }
    const word = /^[A-Za-z0-9_.~-]+/.exec(cql.slice(i));
    if (!word) throw new CqlError(`unexpected character ${c}`);
    tokens.push({ kind: 'word', value: word[0] });
    i += word[0].length;
  }
  return tokens;
}

function parseCql(cql: string): Expr {
  const tokens = tokenize(cql);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const t = tokens[pos++];
    if (!t) throw new CqlError('unexpected end');
    return t;
  };
  const isWord = (t: Token | undefined, w: string) => t?.kind === 'word' && t.value.toUpperCase() === w;

  function value(): string {
    const t = next();
    if (t.kind === 'string' || t.kind === 'word') return t.value;
    throw new CqlError(`expected a value, got ${t.value}`);
  }
  function clause(): Expr {
    if (peek()?.value === '(') {
      next();
      const e = expr();
      if (next().value !== ')') throw new CqlError('expected )');
      return e;
    }
    if (isWord(peek(), 'NOT')) {
      next();
      return { not: clause() };
    }
    const field = next();
    if (field.kind !== 'word') throw new CqlError('expected a field');
    const known = ['type', 'space', 'sitesearch', 'text', 'title', 'lastmodified', 'id'];
    if (!known.includes(field.value.toLowerCase())) throw new CqlError(`unknown field ${field.value}`);
    let op = next();
    let opValue = op.value;
    if (isWord(op, 'NOT') && isWord(peek(), 'IN')) {
      next();
      opValue = 'not in';
    } else if (isWord(op, 'IN')) opValue = 'in';
    else if (op.kind !== 'op') throw new CqlError(`expected an operator after ${field.value}`);
    let values: string[];
    if (opValue === 'in' || opValue === 'not in') {
      op = next();
      if (op.value !== '(') throw new CqlError('expected ( after IN');
      values = [value()];
      while (peek()?.value === ',') {
        next();
        values.push(value());
      }
      if (next().value !== ')') throw new CqlError('expected )');
    } else {
      values = [value()];
    }
    return { clause: { field: field.value.toLowerCase(), op: opValue, values } };
  }
  function expr(): Expr {
    const parts: Expr[] = [clause()];
    let joiner: 'and' | 'or' | null = null;
    while (isWord(peek(), 'AND') || isWord(peek(), 'OR')) {
      const j = next().value.toLowerCase() as 'and' | 'or';
      if (joiner !== null && joiner !== j) throw new CqlError('mixing AND and OR needs parentheses in this double');
      joiner = j;
      parts.push(clause());
    }
    return parts.length === 1 ? (parts[0] as Expr) : joiner === 'or' ? { or: parts } : { and: parts };
  }
  const result = expr();
  if (pos !== tokens.length) throw new CqlError(`unexpected ${tokens[pos]?.value}`);
  return result;
}

// Lucene query syntax inside a text operand: the double refuses it the way Lucene's parser would
// choke on it, so a client that leaks syntax fails loudly.
const LUCENE_SYNTAX = /[+\-&|!(){}[\]^"~*?:\\/]|\b(AND|OR|NOT|TO)\b/;

const textOf = (html: string) =>
  html
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/<ac:parameter[\s\S]*?<\/ac:parameter>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
const words = (text: string) => (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => w.replace(/s$/, ''));
const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function highlight(text: string, terms: Set<string>): string {
  return escapeHtml(text).replace(/[\p{L}\p{N}]+/gu, (w) => (terms.has(words(w)[0] ?? '') ? `@@@hl@@@${w}@@@endhl@@@` : w));
}

function parseCqlDate(value: string): number {
  const m = /^(\d{4})[-/](\d{2})[-/](\d{2})(?: (\d{2}):(\d{2}))?$/.exec(value);
  if (!m) throw new CqlError(`bad date ${value}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export class ConfluenceDouble {
  readonly requests: RecordedRequest[] = [];
  /** Bodies of permission checks, in order. */
  readonly permissionChecks: Array<{ id: string; body: string }> = [];
  /** The text operands (`siteSearch ~ …`, `text ~ …`) of every search, as the server decoded them. */
  readonly textOperands: string[] = [];
  baseUrl = '';
  private readonly faults: Fault[] = [];
  private readonly pages: DoublePage[];
  private readonly spaces: Space[];
  private readonly context: string;
  private readonly server = createServer((req, res) => void this.handle(req, res));

  constructor(private readonly options: DoubleOptions) {
    this.pages = options.pages ?? [...fixture.pages];
    this.spaces = options.spaces ?? [...fixture.spaces];
    this.context = options.flavor === 'cloud' ? '/wiki' : '';
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${this.context}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next matching request gets this answer instead of the normal one. */
  queueFault(fault: Fault): void {
    this.faults.push(fault);
  }

  webui(page: DoublePage): string {
    if (this.options.flavor === 'dc')
      return page.type === 'blogpost'
        ? `/pages/viewpage.action?pageId=${page.id}`
        : `/display/${page.space}/${encodeURIComponent(page.title).replace(/%20/g, '+')}`;
    const slug = encodeURIComponent(page.title).replace(/%20/g, '+');
    return page.type === 'blogpost'
      ? `/spaces/${page.space}/blog/${page.when.slice(0, 10).replace(/-/g, '/')}/${page.id}/${slug}`
      : `/spaces/${page.space}/pages/${page.id}/${slug}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://double');
    this.requests.push({ path: url.pathname, query: url.searchParams, authorization: req.headers.authorization });
    const faultIndex = this.faults.findIndex((f) => !f.path || f.path.test(url.pathname));
    if (faultIndex !== -1) {
      const [fault] = this.faults.splice(faultIndex, 1) as [Fault];
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (res.destroyed) return;
      return this.send(res, fault.status, fault.body ?? errors.serviceUnavailable, fault.headers);
    }
    if (!this.authorized(req.headers.authorization)) return this.send(res, 401, errors.unauthorized);
    const route = url.pathname.startsWith(this.context) ? url.pathname.slice(this.context.length) : null;
    const check = route === null ? null : /^\/rest\/api\/content\/(\d+)\/permission\/check$/.exec(route);
    if (check && req.method === 'POST') return this.permissionCheck(check[1] as string, await readBody(req), res);
    if (req.method !== 'GET') return this.send(res, 405, { statusCode: 405, message: 'Method Not Allowed' });
    if (route === '/rest/api/search/user') return this.searchUser(url, res);
    if (route === '/rest/api/search') return this.search(url, res);
    const content = route === null ? null : /^\/rest\/api\/content\/(\d+)$/.exec(route);
    if (content) return this.content(content[1] as string, url, res);
    return this.send(res, 404, { statusCode: 404, message: `null for uri: ${url.pathname}`, reason: 'Not Found' });
  }

  private authorized(header: string | undefined): boolean {
    const auth = this.options.auth;
    if (auth.type === 'none') return true;
    if (auth.type === 'bearer') return header === `Bearer ${auth.token}`;
    return header === `Basic ${Buffer.from(`${auth.user}:${auth.secret}`).toString('base64')}`;
  }

  private matches(expr: Expr, page: DoublePage, terms: Set<string>): boolean {
    if ('and' in expr) return expr.and.every((e) => this.matches(e, page, terms));
    if ('or' in expr) return expr.or.some((e) => this.matches(e, page, terms));
    if ('not' in expr) return !this.matches(expr.not, page, terms);
    const { field, op, values } = expr.clause;
    const first = values[0] ?? '';
    switch (field) {
      case 'type':
      case 'space':
      case 'id': {
        const actual = field === 'type' ? page.type : field === 'space' ? page.space : page.id;
        const hit = values.includes(actual);
        if (op === 'in' || op === '=') return hit;
        if (op === 'not in' || op === '!=') return !hit;
        throw new CqlError(`operator ${op} not supported for ${field}`);
      }
      case 'lastmodified': {
        const when = Date.parse(page.when);
        const at = parseCqlDate(first);
        if (op === '>=') return when >= at;
        if (op === '>') return when > at;
        if (op === '<=') return when <= at;
        if (op === '<') return when < at;
        throw new CqlError(`operator ${op} not supported for lastmodified`);
      }
      default: {
        if (op !== '~') throw new CqlError(`${field} needs ~`);
        const own = new Set(words(`${page.title} ${field === 'title' ? '' : textOf(page.storage)}`));
        return [...terms].some((t) => own.has(t));
      }
    }
  }

  private search(url: URL, res: ServerResponse): void {
    const cql = url.searchParams.get('cql') ?? '';
    let expr: Expr;
    const operands: string[] = [];
    try {
      expr = parseCql(cql);
      const collect = (e: Expr): void => {
        if ('and' in e) e.and.forEach(collect);
        else if ('or' in e) e.or.forEach(collect);
        else if ('not' in e) collect(e.not);
        else if (['sitesearch', 'text', 'title'].includes(e.clause.field)) operands.push(...e.clause.values);
      };
      collect(expr);
      for (const operand of operands) {
        this.textOperands.push(operand);
        if (LUCENE_SYNTAX.test(operand)) throw new CqlError(`Lucene syntax in text operand: ${operand}`);
      }
    } catch (error) {
      if (!(error instanceof CqlError)) throw error;
      this.send(res, 400, { ...errors.badCql, message: `${String(errors.badCql?.message)}${cql}` });
      return;
    }
    const terms = new Set(operands.flatMap(words));
    const score = (page: DoublePage) => {
      const title = new Set(words(page.title));
      const body = words(textOf(page.storage));
      let s = 0;
      for (const t of terms) s += (title.has(t) ? 10 : 0) + body.filter((w) => w === t).length;
      return s;
    };
    let matched: DoublePage[];
    try {
      matched = this.pages.filter((p) => this.matches(expr, p, terms));
    } catch (error) {
      if (!(error instanceof CqlError)) throw error;
      this.send(res, 400, { ...errors.badCql, message: `${String(errors.badCql?.message)}${cql}` });
      return;
    }
    matched.sort((a, b) => score(b) - score(a) || a.id.localeCompare(b.id));

    const limit = Math.min(Number(url.searchParams.get('limit') ?? 25), 100);
    const cursor = url.searchParams.get('cursor');
    const start =
      this.options.flavor === 'cloud' ? (cursor ? Number(Buffer.from(cursor, 'base64url').toString()) : 0) : Number(url.searchParams.get('start') ?? 0);
    const slice = matched.slice(start, start + limit);
    const expand = (url.searchParams.get('expand') ?? '').split(',');
    const excerptMode = url.searchParams.get('excerpt') ?? 'highlight';
    const results = slice.map((page) => {
      const text = textOf(page.storage);
      const firstHit = words(text).findIndex((w) => terms.has(w));
      const around =
        firstHit <= 0
          ? text.slice(0, 200)
          : text
              .split(' ')
              .slice(Math.max(0, firstHit - 8), firstHit + 25)
              .join(' ');
      const space = this.spaces.find((s) => s.key === page.space);
      const content: Record<string, unknown> = {
        id: page.id,
        type: page.type,
        status: 'current',
        title: page.title,
        childTypes: {},
        macroRenderedOutput: {},
        restrictions: {},
        _expandable: {
          container: '',
          metadata: '',
          extensions: '',
          operations: '',
          children: '',
          history: `/rest/api/content/${page.id}/history`,
          ancestors: '',
          body: '',
          descendants: '',
        },
        _links: { webui: this.webui(page), self: `${this.baseUrl}/rest/api/content/${page.id}`, tinyui: `/x/${Buffer.from(page.id).toString('base64url')}` },
      };
      if (expand.includes('content.space'))
        content.space = {
          id: space?.id,
          key: page.space,
          name: space?.name,
          type: space?.type,
          status: 'current',
          _links: { webui: `/spaces/${page.space}` },
        };
      if (expand.includes('content.version'))
        content.version = { number: page.version, when: page.when, minorEdit: false, by: { type: 'known', displayName: 'Jane Doe' } };
      return {
        content,
        title: excerptMode === 'none' ? page.title : highlight(page.title, terms),
        excerpt: excerptMode === 'none' ? '' : highlight(around, terms),
        url: this.webui(page),
        resultGlobalContainer: { title: space?.name ?? page.space, displayUrl: `/spaces/${page.space}` },
        breadcrumbs: [],
        entityType: 'content',
        iconCssClass: page.type === 'blogpost' ? 'aui-icon content-type-blogpost' : 'aui-icon content-type-page',
        lastModified: page.when,
        friendlyLastModified: new Date(page.when).toDateString(),
        score: 0,
      };
    });
    const links: Record<string, string> = { base: this.baseUrl, context: this.context, self: `${this.baseUrl}/rest/api/search` };
    if (start + limit < matched.length) {
      const nextParams = new URLSearchParams(url.searchParams);
      if (this.options.flavor === 'cloud') {
        nextParams.set('cursor', Buffer.from(String(start + limit)).toString('base64url'));
        nextParams.set('next', 'true');
      } else {
        nextParams.set('start', String(start + limit));
      }
      links.next = `/rest/api/search?${nextParams.toString()}`;
    }
    this.send(res, 200, { results, start, limit, size: results.length, totalSize: matched.length, cqlQuery: cql, searchDuration: 12, _links: links });
  }

  private content(id: string, url: URL, res: ServerResponse): void {
    const page = this.pages.find((p) => p.id === id);
    if (!page) {
      this.send(res, 404, { ...errors.notFound, message: String(errors.notFound?.message).replace('%ID%', id) });
      return;
    }
    const expand = (url.searchParams.get('expand') ?? '').split(',');
    const space = this.spaces.find((s) => s.key === page.space);
    const body: Record<string, unknown> = {};
    if (expand.includes('body.storage')) body.storage = { value: page.storage, representation: 'storage', _expandable: { content: `/rest/api/content/${id}` } };
    if (expand.includes('body.view'))
      body.view = {
        value: `<div class="wiki-content">${textOf(page.storage) === '' ? '' : page.storage.replace(/<ac:[\s\S]*?<\/ac:[a-z-]+>/g, '')}</div>`,
        representation: 'view',
      };
    this.send(res, 200, {
      id: page.id,
      type: page.type,
      status: 'current',
      title: page.title,
      space: { id: space?.id, key: page.space, name: space?.name, type: space?.type, status: 'current' },
      history: {
        latest: true,
        createdBy: { type: 'known', displayName: 'Jane Doe' },
        createdDate: '2020-01-01T00:00:00.000Z',
        lastUpdated: { when: page.when, number: page.version },
      },
      version: { number: page.version, when: page.when, minorEdit: false, message: '' },
      body,
      extensions: { position: 'none' },
      _expandable: { children: `/rest/api/content/${id}/child`, ancestors: '', container: `/rest/api/space/${page.space}` },
      _links: {
        webui: this.webui(page),
        edit: `/pages/resumedraft.action?draftId=${id}`,
        tinyui: `/x/AQAB`,
        base: this.baseUrl,
        context: this.context,
        self: `${this.baseUrl}/rest/api/content/${id}`,
      },
    });
  }

  /**
   * POST /rest/api/content/{id}/permission/check (Cloud): `{subject: {type, identifier}, operation}`
   * → `{hasPermission, errors?}`; 404 for unknown content, 400 for a malformed request.
   */
  private permissionCheck(id: string, raw: string, res: ServerResponse): undefined {
    this.permissionChecks.push({ id, body: raw });
    let request: { subject?: { type?: unknown; identifier?: unknown }; operation?: unknown };
    try {
      request = JSON.parse(raw) as typeof request;
    } catch {
      return this.send(res, 400, { statusCode: 400, message: 'Unrecognized token in the request body', reason: 'Bad Request' });
    }
    const { subject, operation } = request;
    if (!subject || (subject.type !== 'user' && subject.type !== 'group') || typeof subject.identifier !== 'string' || typeof operation !== 'string') {
      return this.send(res, 400, { statusCode: 400, message: 'subject and operation are required', reason: 'Bad Request' });
    }
    const page = this.pages.find((p) => p.id === id);
    if (!page) return this.send(res, 404, { ...errors.notFound, message: String(errors.notFound?.message).replace('%ID%', id) });
    const known = subject.type === 'user' && (this.options.users ?? []).some((u) => u.accountId === subject.identifier);
    const allowed = known && operation === 'read' && (page.readers === undefined || page.readers.includes(subject.identifier as string));
    return this.send(
      res,
      200,
      allowed ? { hasPermission: true } : { hasPermission: false, errors: [{ translation: 'User does not have permission to the content', args: [] }] },
    );
  }

  /** GET /rest/api/search/user?cql=user.fullname ~ "…": the user-search result envelope. */
  private searchUser(url: URL, res: ServerResponse): undefined {
    const cql = url.searchParams.get('cql') ?? '';
    const match = /^user\.fullname\s*~\s*"((?:[^"\\]|\\.)*)"$/.exec(cql.trim());
    if (!match) return this.send(res, 400, { statusCode: 400, message: 'Could not parse cql', reason: 'Bad Request' });
    const text = (match[1] ?? '').replace(/\\(.)/g, '$1').toLowerCase();
    const users = (this.options.users ?? []).filter((u) => u.displayName.toLowerCase().includes(text) || u.email.toLowerCase() === text);
    const results = users.map((u) => ({
      user: { type: 'known', accountId: u.accountId, accountType: 'atlassian', email: u.email, publicName: u.displayName, displayName: u.displayName },
      title: u.displayName,
      excerpt: '',
      url: `/people/${u.accountId}`,
      entityType: 'user',
      lastModified: '2024-01-01T00:00:00.000Z',
      score: 0,
    }));
    return this.send(res, 200, {
      results,
      start: 0,
      limit: 10,
      size: results.length,
      totalSize: results.length,
      _links: { base: this.baseUrl, context: this.context },
    });
  }

  /** Writes the answer; returns undefined so handlers can `return this.send(…)`. */
  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): undefined {
    if (res.destroyed) return undefined;
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'x-confluence-request-time': String(Date.now()), ...headers });
    res.end(JSON.stringify(body));
    return undefined;
  }
}

export function startConfluenceDouble(options: DoubleOptions): Promise<ConfluenceDouble> {
  return new ConfluenceDouble(options).start();
}

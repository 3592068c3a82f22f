// The wire form of a tool result: `structuredContent` and the same JSON again, escaped, as the
// text block (MCP clients read one or the other). A warm search answer is ~10 KB; stringifying,
// escaping and UTF-8-encoding it on every hit cost more than everything else on that path, so the
// large parts are encoded once per value and remembered by identity. That is safe because cached
// values are shared read-only objects (see cache/entry.ts): the same cached page comes back as
// the same array until it is evicted, and the remembered bytes go with it (WeakMap).

export type ToolResult = { isError: false; structuredContent: Record<string, unknown> } | { isError: true; message: string };

interface Encoded {
  /** UTF-8 bytes of the value's JSON. */
  json: Buffer;
  /** UTF-8 bytes of that JSON as the contents of a JSON string (no quotes). */
  escaped: Buffer;
}

const encodedByIdentity = new WeakMap<object, Encoded>();
/** Whole results of frozen structured content, per era prefix (see serializeToolResult). */
const resultsByIdentity = new WeakMap<object, Map<string, readonly Buffer[]>>();

/** Contents of the JSON string holding `text`, without the quotes. */
function escapeForString(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

function encodeObject(value: object): Encoded {
  let encoded = encodedByIdentity.get(value);
  if (encoded === undefined) {
    const json = JSON.stringify(value);
    encoded = { json: Buffer.from(json), escaped: Buffer.from(escapeForString(json)) };
    encodedByIdentity.set(value, encoded);
  }
  return encoded;
}

/** Chunks joined in order; runs of strings are encoded together. */
class ChunkList {
  readonly #chunks: Buffer[] = [];
  #pending = '';

  text(value: string): void {
    this.#pending += value;
  }

  bytes(value: Buffer): void {
    this.#flush();
    this.#chunks.push(value);
  }

  /** The chunks of another list, appended (its pending text included). */
  append(other: ChunkList): void {
    for (const chunk of other.#chunks) this.bytes(chunk);
    this.text(other.#pending);
  }

  /** The chunks, to be written (or concatenated) in order. */
  toChunks(): Buffer[] {
    this.#flush();
    return this.#chunks;
  }

  #flush(): void {
    if (this.#pending === '') return;
    this.#chunks.push(Buffer.from(this.#pending));
    this.#pending = '';
  }
}

/**
 * `{...}` of the structured content, twice: as JSON and as escaped string contents. Top-level
 * object and array fields are taken from the identity memo; the small per-call fields (took_ms,
 * cached, the cursor) are stringified each time. Same output as JSON.stringify.
 */
function encodeStructured(value: Record<string, unknown>): { json: ChunkList; escaped: ChunkList } {
  const json = new ChunkList();
  const escaped = new ChunkList();
  let separator = '{';
  for (const name of Object.keys(value)) {
    const field = value[name];
    if (field === undefined || typeof field === 'function' || typeof field === 'symbol') continue;
    const head = `${separator}${JSON.stringify(name)}:`;
    separator = ',';
    if (field !== null && typeof field === 'object') {
      const encoded = encodeObject(field);
      json.text(head);
      json.bytes(encoded.json);
      escaped.text(escapeForString(head));
      escaped.bytes(encoded.escaped);
    } else {
      const text = head + JSON.stringify(field);
      json.text(text);
      escaped.text(escapeForString(text));
    }
  }
  const close = separator === '{' ? '{}' : '}';
  json.text(close);
  escaped.text(close);
  return { json, escaped };
}

/**
 * The serialised `result` object of a tools/call answer, as chunks sent in order (the JSON-RPC
 * envelope goes around them as parts, uncopied). `extraFields` (`"name":value,` pairs) go first: the
 * 2026-era fields.
 */
export function serializeToolResult(result: ToolResult, extraFields = ''): readonly Buffer[] {
  // Frozen content cannot change, so its whole result is encoded once (a repeated search's answer).
  if (!result.isError && Object.isFrozen(result.structuredContent)) {
    let byPrefix = resultsByIdentity.get(result.structuredContent);
    let chunks = byPrefix?.get(extraFields);
    if (chunks === undefined) {
      chunks = [Buffer.concat(encodeResult(result, extraFields))];
      byPrefix ??= new Map();
      byPrefix.set(extraFields, chunks);
      resultsByIdentity.set(result.structuredContent, byPrefix);
    }
    return chunks;
  }
  return encodeResult(result, extraFields);
}

function encodeResult(result: ToolResult, extraFields: string): Buffer[] {
  const out = new ChunkList();
  out.text(`{${extraFields}"content":[{"type":"text","text":`);
  if (result.isError) {
    out.text(`${JSON.stringify(result.message)}}],"isError":true}`);
    return out.toChunks();
  }
  const { json, escaped } = encodeStructured(result.structuredContent);
  out.text('"');
  out.append(escaped);
  out.text('"}],"structuredContent":');
  out.append(json);
  out.text(',"isError":false}');
  return out.toChunks();
}

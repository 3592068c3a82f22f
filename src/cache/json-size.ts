// The length of a plain JSON value's JSON text, estimated by walking it: the in-memory cache
// weighs every entry it stores, and writing out a 10 KB search page just to measure it was a
// tenth of an uncached search's main-thread time in the store. Within a few percent of
// JSON.stringify for text without escapes; strings are counted as written, not as escaped.

/** Characters a number takes in JSON, without writing it out (an estimate for fractions). */
function numberLength(value: number): number {
  if (!Number.isFinite(value)) return 4; // null
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return value === 0 ? 1 : Math.floor(Math.log10(Math.abs(value))) + 1 + (value < 0 ? 1 : 0);
  return 20;
}

export function approximateJsonLength(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'number':
      return numberLength(value);
    case 'boolean':
      return value ? 4 : 5;
    case 'object': {
      if (value === null) return 4;
      if (Array.isArray(value)) {
        let length = 2 + Math.max(0, value.length - 1);
        for (const item of value) length += item === undefined ? 4 : approximateJsonLength(item);
        return length;
      }
      let length = 2;
      let fields = 0;
      for (const key in value) {
        const field = (value as Record<string, unknown>)[key];
        if (field === undefined || typeof field === 'function') continue;
        length += key.length + 3 + approximateJsonLength(field);
        fields += 1;
      }
      return length + Math.max(0, fields - 1);
    }
    default:
      return 0;
  }
}

// Which Content-Types POST /mcp accepts as JSON: application/json and +json types, with or
// without parameters; not application/json-seq (RFC 7464 record sequences) or other lookalikes.
import { describe, expect, it } from 'vitest';
import { JSON_MEDIA_TYPE } from '../../../src/http/mcp-endpoint.js';

describe('JSON media types on POST /mcp', () => {
  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON;charset=UTF-8',
    'application/json ; charset=utf-8',
    'application/vnd.api+json',
  ])('accepts %s', (type) => {
    expect(JSON_MEDIA_TYPE.test(type)).toBe(true);
  });

  it.each([
    'application/json-seq',
    'application/json-patch+json-seq',
    'application/jsonl',
    'application/json5',
    'text/json',
    'application/x-www-form-urlencoded',
    '',
  ])('refuses %s', (type) => {
    expect(JSON_MEDIA_TYPE.test(type)).toBe(false);
  });
});

// Turns zod issues into one readable line each: the field path, what was expected, what came
// (never the value of a secret field, and URLs without their userinfo: see secret-values.ts).
import type { z } from 'zod';
import { describeRejectedValue, fieldNameOf } from './secret-values.js';

export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: string, input?: unknown): string[] {
  return issues.map((issue) => {
    const path = formatPath(issue.path);
    const where = path === '' ? prefix : prefix === '' ? path : `${prefix}${path.startsWith('[') ? '' : '.'}${path}`;
    return `${where || 'value'}: ${issue.message}${describeRejectedValue(valueAt(input, issue.path), fieldNameOf(issue.path))}`;
  });
}

function formatPath(segments: readonly PropertyKey[]): string {
  return segments.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`)).join('');
}

function valueAt(input: unknown, segments: readonly PropertyKey[]): unknown {
  let current = input;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

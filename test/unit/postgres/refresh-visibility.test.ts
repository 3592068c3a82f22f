// After writing, ingest VACUUMs until the postings are all-visible (index-only scans need it).
// The first VACUUM after a write may mark nothing (always so on PGlite); the second then runs at
// once, and only a third waits, for a server where another session's snapshot holds it back.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { refreshVisibility } from '../../../connectors/postgres/ingest.js';
import type { SqlClient } from '../../../connectors/postgres/sql-client.js';

/** A client whose visibility answers come from `visible`, one per VACUUM; counts the VACUUMs. */
function scriptedClient(visible: number[]): { client: SqlClient; vacuums: () => number } {
  let vacuums = 0;
  const client = {
    backend: 'pglite',
    exec: async (script: string) => {
      if (script.startsWith('VACUUM')) vacuums += 1;
    },
    query: async () => [{ visible: visible[Math.min(vacuums, visible.length) - 1] ?? 1 }],
    withSession: async () => undefined,
    close: async () => undefined,
  } as unknown as SqlClient;
  return { client, vacuums: () => vacuums };
}

const quiet = { debug() {}, info() {}, warn: vi.fn(), error() {} };
const target = (client: SqlClient) => ({ client, schema: 'kmcp', source: 'docs', textSearchConfig: 'english', logger: quiet });

describe('refreshVisibility', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs the second VACUUM at once when the first marked nothing', async () => {
    vi.useFakeTimers();
    const { client, vacuums } = scriptedClient([0, 1]);
    // With fake timers, any wait would leave this promise pending.
    await refreshVisibility(target(client), new AbortController().signal);
    expect(vacuums()).toBe(2);
  });

  it('waits before a third VACUUM, then gives up with a warning', async () => {
    vi.useFakeTimers();
    const { client, vacuums } = scriptedClient([0, 0, 0, 0]);
    let done = false;
    const running = refreshVisibility(target(client), new AbortController().signal).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(vacuums()).toBe(2);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(2000);
    await running;
    expect(vacuums()).toBe(3);
    expect(quiet.warn).toHaveBeenCalledOnce();
  });
});

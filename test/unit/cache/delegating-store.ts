// Test stores built on a real one: every call passes to `inner` except those overridden (a read
// that waits, races or lies). No heldLocally: such a store cannot tell what it holds without I/O.
import type { CacheStore } from '../../../src/cache/store.js';

export function delegatingStore(inner: CacheStore, overrides: Partial<Omit<CacheStore, 'heldLocally'>> = {}): CacheStore {
  return {
    shared: inner.shared,
    get: (key, signal) => inner.get(key, signal),
    set: (key, entry, signal) => inner.set(key, entry, signal),
    delete: (key, signal) => inner.delete(key, signal),
    acquireLock: (key, ttlMs, signal) => inner.acquireLock(key, ttlMs, signal),
    releaseLock: (key, token, signal) => inner.releaseLock(key, token, signal),
    close: () => inner.close(),
    ...overrides,
  };
}

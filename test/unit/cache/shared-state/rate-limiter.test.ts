import { describe, expect, it } from 'vitest';
import { SharedRateLimiter } from '../../../../src/shared-state/rate-limiter.js';

describe('SharedRateLimiter without Redis', () => {
  it('refuses past the limit with a Retry-After of at least one second', async () => {
    const limiter = new SharedRateLimiter({ defaultPolicy: { points: 2, durationSec: 60 }, keyPrefix: 'unit:' }, null);
    await expect(limiter.consume('ci')).resolves.toEqual({ allowed: true, remaining: 1 });
    await expect(limiter.consume('ci')).resolves.toEqual({ allowed: true, remaining: 0 });
    const refused = await limiter.consume('ci');
    expect(refused.allowed).toBe(false);
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    await expect(limiter.consume('other-key')).resolves.toMatchObject({ allowed: true });
  });

  it('applies a per-key policy over the default, and 0 points means unlimited', async () => {
    const limiter = new SharedRateLimiter(
      { defaultPolicy: { points: 0, durationSec: 60 }, perKey: { batch: { points: 1, durationSec: 60 } }, keyPrefix: 'unit:' },
      null,
    );
    for (let i = 0; i < 50; i += 1) await expect(limiter.consume('interactive')).resolves.toEqual({ allowed: true, remaining: null });
    await expect(limiter.consume('batch')).resolves.toMatchObject({ allowed: true });
    await expect(limiter.consume('batch')).resolves.toMatchObject({ allowed: false });
  });
});

describe('SharedRateLimiter with a policy per call', () => {
  it('counts under the policy the caller passes, separately from other policies', async () => {
    const limiter = new SharedRateLimiter({ defaultPolicy: { points: 100, durationSec: 60 }, keyPrefix: 'unit:' }, null);
    await expect(limiter.consume('ci', { points: 1, durationSec: 60 })).resolves.toMatchObject({ allowed: true });
    await expect(limiter.consume('ci', { points: 1, durationSec: 60 })).resolves.toMatchObject({ allowed: false });
    await expect(limiter.consume('ci')).resolves.toMatchObject({ allowed: true, remaining: 99 });
  });
});

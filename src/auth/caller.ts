// The federation's view of an authenticated request: sources it may use and principals it reads as.
import type { Caller } from '../federation/types.js';
import type { CallerIdentity } from './credentials.js';

export function callerFor(identity: CallerIdentity | null, requestId: string): Caller {
  return {
    keyName: identity?.name ?? null,
    allowedSources: identity?.sources ? new Set(identity.sources) : null,
    principals: identity?.principals ?? null,
    requestId,
  };
}

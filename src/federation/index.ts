// The federation's public surface for the composition root and other modules.
export { createFederation, type Federation } from './federation.js';
export {
  DEFAULT_SETTINGS,
  type FederatedSource,
  type FederationDeps,
  type FederationLogger,
  type FederationObserver,
  type FederationSettingsInput,
} from './settings.js';
export { noCache, type SearchCache, type CacheComputeOptions, type CacheLookup } from './cache-port.js';
export { BreakerOpenError, createSourceBreaker, type SourceBreaker } from './breaker.js';
export { DEFAULT_BREAKER_POLICY, type BreakerPolicy, type BreakerState, type BreakerStateStore } from './breaker-state.js';
export { MemoryBreakerStateStore } from './memory-breaker-store.js';
export type { FusionMode, FusionSettings } from './fuse.js';
export type * from './types.js';

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
export { createCockatielBreaker, BreakerOpenError, type BreakerFactory, type BreakerSettings, type BreakerState, type SourceBreaker } from './breaker.js';
export type { FusionMode, FusionSettings } from './fuse.js';
export type * from './types.js';

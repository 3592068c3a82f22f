// The status page's public surface for the composition root.
export { mountStatusPage, PAGE_CSP, PAGE_ROUTES, type StatusPageDeps, type StatusPageHelpers } from './routes.js';
export { createSourceStatsRecorder, combineObservers, type SourceStatsRecorder, type SourceStatsReader, type SourceWindowStats } from './source-stats.js';
export { combineCacheObservers, createCacheStatsRecorder, type CacheStatsRecorder, type CacheWindowStats } from './cache-stats.js';
export type { StatusReport, ServerInfo } from './status-report.js';

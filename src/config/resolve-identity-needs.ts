// Refuses sources whose permissions need the caller's identity (factories' identityNeed) when no
// caller could carry principals: every caller would be a service caller and read every document.
import type { ConnectorFactory } from '../../connectors/contract/registry-types.js';
import type { ApiKey, SourceConfig } from './app-config.js';

export function checkIdentityNeeds(
  sources: readonly SourceConfig[],
  factories: readonly ConnectorFactory[],
  identity: { oauth: boolean; keys: readonly ApiKey[] },
  problems: string[],
): void {
  if (identity.oauth || identity.keys.some((key) => (key.principals?.length ?? 0) > 0)) return;
  const byKind = new Map(factories.map((factory) => [factory.kind, factory]));
  for (const source of sources) {
    const need = byKind.get(source.kind)?.identityNeed?.(source) ?? null;
    if (need === null) continue;
    problems.push(
      `sources.${source.name}: ${need} needs callers with principals, but no caller can have any; set OAUTH_ISSUER (and PUBLIC_URL) or give keys "principals"`,
    );
  }
}

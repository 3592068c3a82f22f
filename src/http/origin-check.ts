// DNS-rebinding protection (DESIGN §7): Host and Origin checks for browser-reachable servers.
import { BoundedMemo } from '../bounded-memo.js';
import { isLoopbackHost } from '../config/load-config.js';

export interface OriginPolicy {
  /** Host header acceptable? Only enforced when the server is bound to loopback. */
  hostAllowed(host: string | undefined): boolean;
  /** Origin header (when present) acceptable for this Host? */
  originAllowed(origin: string, host: string | undefined): boolean;
}

const MAX_REMEMBERED_HOSTS = 64;

function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  const colon = hostHeader.lastIndexOf(':');
  return colon === -1 ? hostHeader : hostHeader.slice(0, colon);
}

function isLoopbackHostHeader(hostHeader: string): boolean {
  return isLoopbackHost(hostnameOf(hostHeader.toLowerCase()));
}

export function createOriginPolicy(options: { boundToLoopback: boolean; allowedOrigins: readonly string[] }): OriginPolicy {
  const hostVerdicts = new BoundedMemo<boolean>(MAX_REMEMBERED_HOSTS);
  const allowed = new Set(options.allowedOrigins.map((origin) => origin.toLowerCase().replace(/\/$/, '')));
  const policy: OriginPolicy = {
    hostAllowed(host) {
      if (!options.boundToLoopback) return true;
      if (!host) return false;
      // Clients send the same few Host values over and over: remember the verdicts.
      return hostVerdicts.get(host, isLoopbackHostHeader);
    },
    originAllowed(origin, host) {
      const normalised = origin.toLowerCase().replace(/\/$/, '');
      if (allowed.has(normalised)) return true;
      let url: URL;
      try {
        url = new URL(normalised);
      } catch {
        return false;
      }
      // A page on this machine talking to a server bound to this machine (a developer's setup).
      // Once the server listens on a public address, loopback pages must be listed like any other.
      if (options.boundToLoopback && isLoopbackHost(url.hostname)) return true;
      // Same origin as the request's own (validated) host: the status page calling /mcp.
      return host !== undefined && url.host === host.toLowerCase() && policy.hostAllowed(host);
    },
  };
  return policy;
}

// Media-type negotiation of the Elasticsearch double, following the server's compatibility rules:
// a `compatible-with=N` vendor type must name the current or previous major, on both headers alike.
import { mediaTypeHeader, type EsError } from './error-bodies.js';

/** The `compatible-with` version of a vendor media type, or null for plain types. */
export function compatibleVersion(header: string | undefined): number | null {
  if (header === undefined) return null;
  for (const range of header.split(',')) {
    if (!/application\/vnd\.elasticsearch\+/i.test(range)) continue;
    const match = /compatible-with\s*=\s*(\d+)/i.exec(range);
    if (match !== null) return Number(match[1]);
  }
  return null;
}

export function checkMediaTypes(
  major: number,
  accept: string | undefined,
  contentType: string | undefined,
  hasBody: boolean,
): EsError | { status: number; body: unknown } | null {
  const allowed = (version: number): boolean => version === major || version === major - 1;
  const acceptVersion = compatibleVersion(accept);
  if (acceptVersion !== null && !allowed(acceptVersion)) {
    return mediaTypeHeader(`Accept version must be either version ${major} or ${major - 1}, but found ${acceptVersion}. Accept=${accept ?? ''}`);
  }
  if (!hasBody) return null;
  if (contentType !== undefined && !/json|ndjson/i.test(contentType)) {
    return { status: 406, body: { error: `Content-Type header [${contentType}] is not supported`, status: 406 } };
  }
  const contentVersion = compatibleVersion(contentType);
  if (contentVersion !== null && !allowed(contentVersion)) {
    return mediaTypeHeader(
      `Content-Type version must be either version ${major} or ${major - 1}, but found ${contentVersion}. Content-Type=${contentType ?? ''}`,
    );
  }
  if (contentVersion !== acceptVersion) {
    return mediaTypeHeader(
      `A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version and the compatible versions must match. Accept=${accept ?? ''}, Content-Type=${contentType ?? ''}`,
    );
  }
  return null;
}

/** The response content type: the vendor type at the requested version, or plain JSON. */
export function responseContentType(accept: string | undefined): string {
  const version = compatibleVersion(accept);
  return version === null ? 'application/json' : `application/vnd.elasticsearch+json;compatible-with=${version}`;
}

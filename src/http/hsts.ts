// HSTS (RFC 6797) when this process serves TLS itself (TLS_CERT_FILE): a browser that has seen it
// refuses plain HTTP to this host for a year. Behind a proxy that terminates TLS (Fly.io), the
// proxy owns the header; sending it over plain HTTP would be ignored anyway.
import type { IncomingMessage, ServerResponse } from 'node:http';

export const HSTS_VALUE = 'max-age=31536000';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** The same listener, every answer carrying Strict-Transport-Security. */
export function withHsts(listener: RequestListener): RequestListener {
  return (req, res) => {
    res.setHeader('Strict-Transport-Security', HSTS_VALUE);
    listener(req, res);
  };
}

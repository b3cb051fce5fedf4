/**
 * The outgoing HTTP call of a webhook delivery (node:http/https, not fetch, for one reason: the `lookup` hook lets
 * the SSRF guard check the address the socket actually connects to). Bounded: AbortSignal.timeout on the whole
 * exchange, at most 64 KiB of the response is read, redirects are not followed (a 3xx is a failed attempt).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPrivateAddress } from './ssrf.js';

export interface SendResult {
  /** HTTP status, or null when no response came (refused, timeout, refused address). */
  status: number | null;
  error: string | null;
}

/** A lookup that refuses private addresses unless allowed (see ssrf.ts). */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return ((hostname: string, options: object, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...(options as object), all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      const list = addresses as LookupAddress[];
      if (!allowPrivate && list.some((a) => isPrivateAddress(a.address))) {
        const e = new Error(`refused: ${hostname} resolves to a private address`) as NodeJS.ErrnoException;
        e.code = 'EPRIVATEADDR';
        return callback(e, '', 4);
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      callback(null, list[0].address, list[0].family);
    });
  }) as LookupFunction;
}

/** POSTs a body with headers; resolves (never rejects) with the status or the error. */
export function postJson(url: URL, body: string, headers: Record<string, string>, opts: { timeoutMs: number; allowPrivate: boolean }): Promise<SendResult> {
  return new Promise((resolve) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const done = (r: SendResult) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!opts.allowPrivate && isIPLiteralPrivate(host)) return done({ status: null, error: 'refused: private address' });
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'stdhub-webhooks/1', ...headers },
        lookup: guardedLookup(opts.allowPrivate),
        signal: AbortSignal.timeout(opts.timeoutMs),
      },
      (res: IncomingMessage) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > 64 * 1024) res.destroy();
        });
        res.on('end', () => done({ status: res.statusCode ?? null, error: null }));
        res.on('close', () => done({ status: res.statusCode ?? null, error: null }));
        res.on('error', () => done({ status: res.statusCode ?? null, error: null }));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => done({ status: null, error: e.name === 'AbortError' || e.name === 'TimeoutError' ? `timeout after ${opts.timeoutMs} ms` : (e.message || e.code || 'request failed').slice(0, 300) }));
    req.end(body);
  });
}

function isIPLiteralPrivate(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':') ? isPrivateAddress(host) : false;
}

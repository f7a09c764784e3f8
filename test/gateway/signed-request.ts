import { createHash, createHmac } from 'node:crypto';
import { request } from 'node:http';
import { CREDENTIALS } from './gateway-harness.js';
import { signer } from './presign.js';

/** A response: status, headers and body text. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends a request as given (raw path and query), over node:http. */
export function send(endpoint: string, spec: { method: string; path: string; headers: Record<string, string>; body?: Buffer | string }): Promise<Answer> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: spec.method, path: spec.path, headers: spec.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(spec.body);
  });
}

/** Signs a request with AWS's signer (headers; the payload hash as given, or of the body). */
export async function signed(endpoint: string, spec: { method: string; path: string; query?: Record<string, string>; headers?: Record<string, string>; body?: Buffer | string }): Promise<{ path: string; headers: Record<string, string> }> {
  const url = new URL(endpoint);
  const body = spec.body === undefined ? Buffer.alloc(0) : Buffer.from(spec.body);
  const headers: Record<string, string> = {
    host: url.host,
    'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
    ...spec.headers,
  };
  const out = await signer.sign({ method: spec.method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: spec.path, query: spec.query ?? {}, headers });
  const query = Object.entries(spec.query ?? {}).map(([k, v]) => (v === '' ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)).join('&');
  return { path: query ? `${spec.path}?${query}` : spec.path, headers: out.headers as Record<string, string> };
}

/** Sends a request signed by AWS's signer. */
export async function sendSigned(endpoint: string, spec: { method: string; path: string; query?: Record<string, string>; headers?: Record<string, string>; body?: Buffer | string }): Promise<Answer> {
  const s = await signed(endpoint, spec);
  return send(endpoint, { method: spec.method, path: s.path, headers: s.headers, body: spec.body });
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/**
 * An aws-chunked PUT signed as AWS documents it (STREAMING-AWS4-HMAC-SHA256-PAYLOAD): the seed
 * signed by AWS's signer, each chunk's signature chained from it. `tamper` changes one data byte
 * after signing.
 */
export async function chunkedPut(endpoint: string, spec: { path: string; data: Buffer; chunkSize: number; tamper?: boolean; declaredLength?: number }): Promise<Answer> {
  const chunks: Buffer[] = [];
  for (let at = 0; at < spec.data.length; at += spec.chunkSize) chunks.push(spec.data.subarray(at, at + spec.chunkSize));
  chunks.push(Buffer.alloc(0));
  const encodedLength = chunks.reduce((n, c) => n + c.length.toString(16).length + ';chunk-signature='.length + 64 + 4 + c.length, 0);
  const s = await signed(endpoint, {
    method: 'PUT',
    path: spec.path,
    headers: {
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': String(spec.declaredLength ?? spec.data.length),
      'content-length': String(encodedLength),
    },
  });
  const auth = s.headers.authorization!;
  let previous = /Signature=([0-9a-f]{64})/.exec(auth)![1]!;
  const scope = /Credential=[^/]+\/([^,]+)/.exec(auth)![1]!;
  const amzDate = s.headers['x-amz-date']!;
  const [date, region, service] = scope.split('/');
  const key = hmac(hmac(hmac(hmac(`AWS4${CREDENTIALS.secretKey}`, date!), region!), service!), 'aws4_request');
  const body: Buffer[] = [];
  for (const c of chunks) {
    const signature = hmac(key, ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, previous, sha(''), sha(c)].join('\n')).toString('hex');
    previous = signature;
    const data = Buffer.from(c);
    if (spec.tamper && data.length) data[0] = data[0]! ^ 1;
    body.push(Buffer.from(`${c.length.toString(16)};chunk-signature=${signature}\r\n`), data, Buffer.from('\r\n'));
  }
  return send(endpoint, { method: 'PUT', path: s.path, headers: s.headers, body: Buffer.concat(body) });
}

import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import { CREDENTIALS } from './gateway-harness.js';

const bytes = (data: SourceData): string | Buffer =>
  typeof data === 'string' ? data : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);

/** SHA-256 for @smithy/signature-v4 (AWS's own signer) from node:crypto: HMAC with a secret, plain hash without. */
class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: SourceData) {
    this.hash.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

/** AWS's SigV4 signer with the test credentials. */
export const signer = new SignatureV4({
  service: 's3',
  region: 'us-east-1',
  sha256: Sha256,
  uriEscapePath: false,
  applyChecksum: false,
  credentials: { accessKeyId: CREDENTIALS.accessKey, secretAccessKey: CREDENTIALS.secretKey },
});

/** A presigned URL of `method path` on a gateway, valid for `expiresIn` seconds (signed `signingDate`). */
export async function presignedUrl(endpoint: string, spec: { method: string; path: string; expiresIn?: number; signingDate?: Date }): Promise<string> {
  const url = new URL(endpoint);
  const signed = await signer.presign(
    { method: spec.method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: spec.path, query: {}, headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
    { expiresIn: spec.expiresIn ?? 300, signingDate: spec.signingDate },
  );
  const query = Object.entries(signed.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  return `${endpoint}${spec.path}?${query}`;
}

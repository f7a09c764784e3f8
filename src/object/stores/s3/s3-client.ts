import http from 'node:http';
import https from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';
import { addDeleteObjectsMd5 } from './delete-objects-md5.js';
import type { S3Location } from './s3-location.js';

/**
 * An SDK client for one location: keep-alive connections, at most `maxSockets` per protocol,
 * checksums only where S3 requires them (else uploads go out aws-chunked with a CRC32
 * trailer that S3-compatible stores reject), and no SDK retries: the retry wrapper is the
 * one retry policy, so attempts do not multiply.
 */
export function createS3Client(location: S3Location): S3Client {
  const agent = { keepAlive: true, maxSockets: location.maxSockets };
  const client = new S3Client({
    region: location.region,
    endpoint: location.endpoint,
    forcePathStyle: location.pathStyle,
    credentials: location.credentials,
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Options for the SDK's own NodeHttpHandler (@smithy/node-http-handler), which it builds.
    requestHandler: {
      httpAgent: new http.Agent(agent),
      httpsAgent: new https.Agent(agent),
      connectionTimeout: 10_000,
      socketTimeout: 120_000,
    },
  });
  addDeleteObjectsMd5(client);
  return client;
}

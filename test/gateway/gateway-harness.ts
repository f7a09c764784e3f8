import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { TestEngine } from '../../src/meta/testing/test-engines.js';
import { GatewayServer } from '../../src/gateway/server.js';
import type { Volume } from '../../src/sdk/index.js';
import { withEngineVolume, type EngineVolume } from '../support/engine-volume.js';

export const CREDENTIALS = { accessKey: 'test-access-key', secretKey: 'test-secret-key-0123456789' };
export const ROOT = { uid: 0, gid: 0, gids: [], umask: 0o022 };

/** An S3 client of a gateway at `endpoint`, path-style, with the test credentials. */
export function s3Client(endpoint: string, config: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: CREDENTIALS.accessKey, secretAccessKey: CREDENTIALS.secretKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    ...config,
  });
}

/** What a gateway test gets: the volume, the running gateway, a client, the access log. */
export interface GatewayFixture extends EngineVolume {
  gateway: GatewayServer;
  endpoint: string;
  s3: S3Client;
  accessLog: string[];
  /** Resolves with the next access-log line that matches (the gateway has finished that request). */
  logged(pattern: RegExp): Promise<string>;
}

/** Starts a gateway (ephemeral port) on a fresh volume of `engine`, runs `fn`, stops it all. */
export async function withGateway(engine: TestEngine, fn: (f: GatewayFixture) => Promise<void>, options: { caller?: typeof ROOT; volume?: Volume } = {}): Promise<void> {
  await withEngineVolume(engine, async (v) => {
    const accessLog: string[] = [];
    const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
    const onLine = (line: string) => {
      accessLog.push(line);
      for (const w of waiters.splice(0)) (w.pattern.test(line) ? w.resolve(line) : waiters.push(w));
    };
    const logged = (pattern: RegExp) => new Promise<string>((resolve) => waiters.push({ pattern, resolve }));
    const gateway = await GatewayServer.start(v.vol, {
      credentials: CREDENTIALS, caller: options.caller ?? ROOT, port: 0, accessLog: onLine, log: () => undefined,
    });
    const endpoint = `http://127.0.0.1:${gateway.address.port}`;
    const s3 = s3Client(endpoint);
    try {
      await fn({ ...v, gateway, endpoint, s3, accessLog, logged });
    } finally {
      s3.destroy();
      await gateway.stop();
    }
  });
}

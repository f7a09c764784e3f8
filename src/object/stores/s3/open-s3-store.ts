import type { ObjectStore } from '../../object-store.js';
import { withPrefix } from '../../wrappers/with-prefix.js';
import { createS3Client } from './s3-client.js';
import { parseS3Location } from './s3-location.js';
import { S3Store } from './s3-store.js';

/** Opens the store an `s3://` URL names: the bucket, narrowed to the URL's prefix if it has one. */
export async function openS3Store(url: string): Promise<ObjectStore> {
  const location = parseS3Location(url);
  const client = createS3Client(location);
  const store = new S3Store(location.displayUrl, { client, bucket: location.bucket, region: location.region });
  return location.prefix ? withPrefix(store, location.prefix) : store;
}

import { Transform, type Readable } from 'node:stream';
import {
  DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ExportConfigError } from './errors.ts';
import type { ObjectLocation, SnapshotStore, VersionedObject } from './snapshot-store.ts';

function statusOf(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

function isMissing(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound' || statusOf(error) === 404);
}

/** 412: the condition did not hold. 409: a concurrent conditional write to the same key won. */
function isConditionFailure(error: unknown): boolean {
  const status = statusOf(error);
  return status === 412 || status === 409;
}

export type S3SnapshotStoreOptions = {
  client: S3Client;
  bucket: string;
  /** Multipart part size; S3's minimum is 5 MiB. Parts held in memory at once = queueSize. */
  partSize?: number;
  queueSize?: number;
};

/** A snapshot store on an S3 bucket; large bodies stream through a multipart upload. */
export function createS3SnapshotStore(options: S3SnapshotStoreOptions): SnapshotStore {
  const { client, bucket } = options;
  if (!bucket) throw new ExportConfigError('The export bucket is not set.');
  const Bucket = bucket;

  async function getObject(key: string) {
    try {
      return await client.send(new GetObjectCommand({ Bucket, Key: key }));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async function getVersioned(key: string): Promise<VersionedObject | undefined> {
    const answer = await getObject(key);
    if (!answer?.Body) return undefined;
    const body = Buffer.from(await answer.Body.transformToByteArray());
    return { body, version: answer.ETag ?? '' };
  }

  /** Runs a conditional request; undefined when its condition did not hold. */
  async function conditional<T>(send: () => Promise<T>): Promise<T | undefined> {
    try {
      return await send();
    } catch (error) {
      if (isConditionFailure(error) || isMissing(error)) return undefined;
      throw error;
    }
  }

  return {
    kind: 's3',
    describe: (key) => `s3://${Bucket}/${key}`,
    locate: (key): ObjectLocation => ({ bucket: Bucket, key }),

    async put(key, body, contentType) {
      if (Buffer.isBuffer(body)) {
        await client.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: contentType }));
        return { bytes: body.length };
      }
      let bytes = 0;
      const counted = body.pipe(new Transform({
        transform(chunk: Buffer, _encoding, done) { bytes += chunk.length; done(null, chunk); },
      }));
      // pipe() does not forward errors: a failing source must fail the upload, not leave it waiting.
      body.once('error', (error) => counted.destroy(error));
      const upload = new Upload({
        client,
        params: { Bucket, Key: key, Body: counted, ContentType: contentType },
        ...(options.partSize ? { partSize: options.partSize } : {}),
        ...(options.queueSize ? { queueSize: options.queueSize } : {}),
      });
      await upload.done();
      return { bytes };
    },

    async get(key) {
      return (await getVersioned(key))?.body;
    },

    async getStream(key) {
      const answer = await getObject(key);
      return answer?.Body as Readable | undefined;
    },

    getVersioned,

    async putIfAbsent(key, body, contentType) {
      const answer = await conditional(() => client.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: contentType, IfNoneMatch: '*' })));
      return answer && (answer.ETag ?? '');
    },

    async putIfMatch(key, body, contentType, version) {
      const answer = await conditional(() => client.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: contentType, IfMatch: version })));
      return answer && (answer.ETag ?? '');
    },

    async deleteIfMatch(key, version) {
      const answer = await conditional(() => client.send(new DeleteObjectCommand({ Bucket, Key: key, IfMatch: version })));
      return answer !== undefined;
    },

    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },

    async listFolders(folder) {
      const Prefix = folder === '' ? '' : `${folder}/`;
      const names: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix, Delimiter: '/', ContinuationToken }));
        for (const common of page.CommonPrefixes ?? []) {
          if (common.Prefix) names.push(common.Prefix.slice(Prefix.length).replace(/\/$/, ''));
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return names;
    },
  };
}

import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import type { CredentialsSource } from '../config/credentials.ts';
import type { Settings } from '../config/settings.ts';
import type { CsmartClient } from '../csmart/client.ts';
import type { ModuleName } from '../csmart/modules.ts';
import { toWallClock } from '../time/wall-clock.ts';
import { createEventPublisher } from './event-publisher.ts';
import { ExportConfigError } from './errors.ts';
import { createLocalSnapshotStore } from './local-snapshot-store.ts';
import { runExport, type ExportProgress, type ExportRunResult } from './run-export.ts';
import { createS3SnapshotStore } from './s3-snapshot-store.ts';

/** Where snapshots go: the stage's bucket (with change events), another `s3://bucket/prefix`, or a local folder (no events). */
export type ExportTarget = { kind: 's3'; bucket: string; prefix: string } | { kind: 'dir'; path: string };

export function parseTarget(text: string): ExportTarget {
  if (!text.startsWith('s3://')) return { kind: 'dir', path: text };
  const [bucket = '', ...rest] = text.slice(5).split('/');
  if (!bucket) throw new ExportConfigError(`"${text}" names no bucket; write s3://bucket/prefix`);
  const prefix = rest.join('/');
  return { kind: 's3', bucket, prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/` };
}

/** What a configured export runs with: the function's setup, or the CLI's. */
export type ExportDeps = {
  settings: Settings;
  credentials: CredentialsSource;
  client: Pick<CsmartClient, 'listStream'>;
  s3(): S3Client;
  eventBridge(): EventBridgeClient;
};

/**
 * The export as the function and `csmart export` run it, from the settings: every configured module
 * (or the given ones), today in the CRM's time zone (or the given date), into the target.
 */
export async function runConfiguredExport(deps: ExportDeps, options: { modules?: readonly ModuleName[]; target?: ExportTarget; date?: string; deadline?: Date; onProgress?: (p: ExportProgress) => void } = {}): Promise<ExportRunResult> {
  const { settings } = deps;
  const target = options.target ?? defaultTarget();
  const { domain } = await deps.credentials();
  const store = target.kind === 's3' ? createS3SnapshotStore({ client: deps.s3(), bucket: target.bucket }) : createLocalSnapshotStore(target.path);
  return runExport({
    modules: options.modules ?? settings.exportModules,
    listStream: (module) => deps.client.listStream(module),
    store,
    ...(target.kind === 's3' ? { publish: createEventPublisher({ client: deps.eventBridge() }) } : {}),
    date: options.date ?? toWallClock(new Date(), settings.timeZone).date,
    domain,
    now: () => new Date(),
    settings: {
      prefix: target.kind === 's3' ? target.prefix : '',
      eventBus: settings.eventBus,
      emitOnFirstRun: settings.exportEmitOnFirstRun,
      maxEventBytes: settings.eventMaxBytes,
    },
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.deadline ? { deadline: options.deadline } : {}),
  });

  function defaultTarget(): ExportTarget {
    if (!settings.exportBucket) throw new ExportConfigError('CSMART_EXPORT_BUCKET is not set; give a target with --to DIR or s3://bucket/prefix');
    return { kind: 's3', bucket: settings.exportBucket, prefix: settings.exportPrefix };
  }
}

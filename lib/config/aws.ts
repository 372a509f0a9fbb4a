/**
 * One AWS SDK client of each kind per process, created on first use. Each client lives in its own
 * file under `aws/` and imports only its own SDK package, so a function bundles only the clients it
 * uses: import `ssmClient` from `lib/config/aws/ssm.ts`, not from a barrel.
 *
 * Clients are created with the SDK's defaults, so region, credentials and the standard endpoint
 * overrides (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_SSM`, `_SQS`, `_S3`, `_DYNAMODB`, `_EVENTBRIDGE`)
 * come from the environment; tests point the clients at local servers that way.
 */

type Resettable = { destroy(): void };

const created = new Set<{ reset(): void }>();

/** A getter that builds its client once, on first call. */
export function lazyClient<Client extends Resettable>(create: () => Client): () => Client {
  let client: Client | undefined;
  created.add({
    reset() {
      client?.destroy();
      client = undefined;
    },
  });
  return () => (client ??= create());
}

/** Destroys every client created so far, so the next getter call builds one from the current environment (tests). */
export function resetAwsClients(): void {
  for (const holder of created) holder.reset();
}

/**
 * The endpoint override the SDK will use for a service (`AWS_ENDPOINT_URL_<SERVICE>`, then
 * `AWS_ENDPOINT_URL`), or `undefined`. The SDK applies it itself; we only need to know whether one is set.
 */
export function endpointOverride(serviceEnvSuffix: string, env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return undefined;
  return env[`AWS_ENDPOINT_URL_${serviceEnvSuffix}`] || env.AWS_ENDPOINT_URL || undefined;
}

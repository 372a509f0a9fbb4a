/**
 * AWS SDK clients are built by each function's setup (`lib/setup/`) with the SDK's defaults, so region,
 * credentials and the standard endpoint overrides (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_SSM`, `_SQS`,
 * `_S3`, `_DYNAMODB`, `_EVENTBRIDGE`) come from the environment; tests point them at local servers that way.
 */

/**
 * The endpoint override the SDK will use for a service (`AWS_ENDPOINT_URL_<SERVICE>`, then
 * `AWS_ENDPOINT_URL`), or `undefined`. The SDK applies it itself; we only need to know whether one is set.
 */
export function endpointOverride(serviceEnvSuffix: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return undefined;
  return env[`AWS_ENDPOINT_URL_${serviceEnvSuffix}`] || env.AWS_ENDPOINT_URL || undefined;
}

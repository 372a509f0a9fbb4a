import { LOCAL_SQS_REGION } from '../../emulators/sqs/index.ts';

/**
 * The environment of a function under benchmark: the bench stage, dummy AWS credentials, and only the
 * settings given. Whatever the shell has set for CSMART_*, AWS_ENDPOINT_URL* or Powertools is dropped,
 * so a developer's local settings (a forms file, another endpoint) cannot change the figures.
 */
export function handlerEnv(settings: Record<string, string>): Record<string, string | undefined> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) =>
    !/^(CSMART_|AWS_|POWERTOOLS_|SANDBOX_)/.test(name)));
  return {
    ...inherited,
    AWS_REGION: LOCAL_SQS_REGION,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    CSMART_STAGE: 'bench',
    // As deployed (serverless.yml): INFO logs and metrics, written to stdout.
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_SERVICE_NAME: 'csmart-connect',
    POWERTOOLS_METRICS_NAMESPACE: 'CsmartConnect',
    ...settings,
  };
}

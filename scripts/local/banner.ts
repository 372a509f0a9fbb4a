import { DEMO_USER } from '../../sandbox/server.ts';
import { leadCurl, signedWebhookCurl } from './demo-requests.ts';
import { LOCAL_REGION, LOCAL_STAGE } from './options.ts';
import type { LocalStackUrls } from './stack.ts';

/** The `curl` lines and URLs printed when the stack is ready; the webhook line is signed for `now`. */
export function startupBanner(input: { urls: LocalStackUrls; offlinePid: number; demoSecret: string | undefined; now: Date; webhookId?: string }): string {
  const { urls } = input;
  const lines = [
    '',
    'csmart-connect local stack is ready (stage local, no AWS account needed)',
    '',
    `  leads         POST ${urls.leads}  ·  POST ${urls.leads}/{form}  (form "contact" in config/local/forms.json)`,
    `  webhooks      POST ${urls.webhooks}/{source}  (secrets in config/local/secrets.json)`,
    `  CSMART        ${urls.sandbox}  (sandbox; admin ${urls.sandboxAdmin})`,
    `  example form  ${urls.exampleForm}`,
    `  DynamoDB      ${urls.dynamo}  (dynalite: the link table)`,
    `  SQS           ${urls.sqs}  (delivery queue and DLQ; the worker is invoked from it as on AWS)`,
    `  processes     serverless offline pid ${input.offlinePid} (own process group)`,
    '',
    'Post a lead:',
    `  ${leadCurl(urls.leads)}`,
  ];
  if (input.demoSecret) {
    const webhook = signedWebhookCurl({ webhooksUrl: urls.webhooks, secret: input.demoSecret, now: input.now, id: input.webhookId });
    lines.push('', 'Post a signed Standard Webhooks lead.created (signed just now; the timestamp is accepted for 5 minutes):', `  ${webhook}`);
  }
  lines.push(
    '',
    'See the result in CSMART (the sandbox):',
    `  CSMART_API_URL=${urls.sandbox} CSMART_DOMAIN=${DEMO_USER.domain} CSMART_EMAIL=${DEMO_USER.email} CSMART_PASSWORD=${DEMO_USER.password} bin/csmart list Accounts`,
    '',
    'Follow a submission (the id from its answer), list what was parked, deliver it again:',
    `  ${localCliEnvironment(urls)} bin/csmart status <id>`,
    `  ${localCliEnvironment(urls)} bin/csmart dlq`,
    `  ${localCliEnvironment(urls)} bin/csmart redrive`,
    '',
    'Ctrl-C stops everything.',
    '',
  );
  return lines.join('\n');
}

/** The variables that point the CLI's queue and link-table commands at this stack, as at an AWS stage. */
export function localCliEnvironment(urls: Pick<LocalStackUrls, 'sqs' | 'dynamo'>): string {
  return [
    `CSMART_STAGE=${LOCAL_STAGE}`, `AWS_REGION=${LOCAL_REGION}`, 'AWS_ACCESS_KEY_ID=local', 'AWS_SECRET_ACCESS_KEY=local',
    `AWS_ENDPOINT_URL_SQS=${urls.sqs}`, `AWS_ENDPOINT_URL_DYNAMODB=${urls.dynamo}`,
  ].join(' ');
}

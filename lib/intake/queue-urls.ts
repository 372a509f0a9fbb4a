import type { SqsApi } from '../aws/sqs-api.ts';
import type { Settings } from '../config/settings.ts';
import { ConfigSettingMissingError } from '../config/errors.ts';

export type QueueUrls = { queueUrl: string; dlqUrl: string };

/** Builds a queue URL from its name and the account and region in the function's own ARN (no Ref needed). */
export function queueUrlFromName(name: string, invokedFunctionArn: string): string {
  const [, partition, , region, account] = invokedFunctionArn.split(':');
  const host = partition === 'aws-cn' ? `sqs.${region}.amazonaws.com.cn` : `sqs.${region}.amazonaws.com`;
  return `https://${host}/${account}/${name}`;
}

/** A Lambda function ARN with a region and an account (not serverless offline's `offline_invokedFunctionArn_for_…`). */
export function isLambdaArn(arn: string | undefined): arn is string {
  return arn !== undefined && /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:/.test(arn);
}

/**
 * Where the functions' queues are. A configured URL wins. On AWS (a real function ARN, no endpoint
 * configured) the URL is built from the ARN, with no call. Anywhere else — an endpoint set through
 * `AWS_ENDPOINT_URL*` or a profile, or serverless offline's made-up ARN — the queue server is asked
 * with `GetQueueUrl`: SQS clients (the SDK's and the lean one) send to the host of the URL they are given,
 * so a URL built for amazonaws.com would bypass the configured endpoint, and only the server knows its own URL format.
 */
export function createQueueUrlResolver(sqs: SqsApi, settings: Settings): (invokedFunctionArn: string | undefined) => Promise<QueueUrls> {
  let lookedUp: Promise<QueueUrls> | undefined;
  return async (invokedFunctionArn) => {
    if (settings.queueUrl && settings.dlqUrl) return { queueUrl: settings.queueUrl, dlqUrl: settings.dlqUrl };
    const queue = named(settings.queueUrl, settings.queueName, 'CSMART_QUEUE_NAME');
    const dlq = named(settings.dlqUrl, settings.dlqName, 'CSMART_DLQ_NAME');
    if (isLambdaArn(invokedFunctionArn) && !(await sqs.hasConfiguredEndpoint())) {
      return { queueUrl: settings.queueUrl ?? queueUrlFromName(queue, invokedFunctionArn), dlqUrl: settings.dlqUrl ?? queueUrlFromName(dlq, invokedFunctionArn) };
    }
    // Once per process; a failed lookup is asked again next time (the caller answers 503 meanwhile).
    lookedUp ??= lookupQueueUrls(sqs, settings, { queue, dlq }).catch((error: unknown) => {
      lookedUp = undefined;
      throw error;
    });
    return lookedUp;
  };
}

/** Asks the queue server for the URLs of the named queues (a configured URL is used as it is). */
export async function lookupQueueUrls(sqs: Pick<SqsApi, 'getQueueUrl'>, settings: Pick<Settings, 'queueUrl' | 'dlqUrl'>, names: { queue: string; dlq: string }): Promise<QueueUrls> {
  const url = async (given: string | undefined, name: string) => {
    if (given) return given;
    const { QueueUrl } = await sqs.getQueueUrl({ QueueName: name });
    if (!QueueUrl) throw new Error(`GetQueueUrl answered no URL for ${name}`);
    return QueueUrl;
  };
  const [queueUrl, dlqUrl] = await Promise.all([url(settings.queueUrl, names.queue), url(settings.dlqUrl, names.dlq)]);
  return { queueUrl, dlqUrl };
}

function named(url: string | undefined, name: string | undefined, variable: string): string {
  if (url) return url;
  if (name) return name;
  throw new ConfigSettingMissingError(`${variable} (or the queue's URL) is not set`, variable);
}

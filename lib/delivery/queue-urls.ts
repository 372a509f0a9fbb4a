import type { Settings } from '../config/settings.ts';
import { CsmartConfigError } from '../csmart/errors.ts';

/** Builds a queue URL from its name and the account and region in the function's own ARN (no Ref needed). */
export function queueUrlFromName(name: string, invokedFunctionArn: string): string {
  const [, partition, , region, account] = invokedFunctionArn.split(':');
  const host = partition === 'aws-cn' ? `sqs.${region}.amazonaws.com.cn` : `sqs.${region}.amazonaws.com`;
  return `https://${host}/${account}/${name}`;
}

export function resolveQueueUrls(settings: Settings, invokedFunctionArn: string | undefined): { queueUrl: string; dlqUrl: string } {
  const build = (url: string | undefined, name: string | undefined, variable: string) => {
    if (url) return url;
    if (name && invokedFunctionArn) return queueUrlFromName(name, invokedFunctionArn);
    throw new CsmartConfigError(`${variable} (or its queue name) is not set`, { field: variable });
  };
  return { queueUrl: build(settings.queueUrl, settings.queueName, 'CSMART_QUEUE_URL'), dlqUrl: build(settings.dlqUrl, settings.dlqName, 'CSMART_DLQ_URL') };
}

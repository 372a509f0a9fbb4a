import {
  ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { encodeJob } from '../intake/job-codec.ts';
import type { DeliveryJob } from '../intake/job.ts';
import { messageDeduplicationId, messageGroupId } from '../intake/keys.ts';

type Sqs = Pick<SQSClient, 'send'>;

/** Parks a message in the DLQ with the reason, keeping its group; the caller then lets it leave the main queue. */
export async function deadLetterMessage(sqs: Sqs, dlqUrl: string, record: SQSRecord, reason: { code: string; message: string }): Promise<void> {
  await sqs.send(new SendMessageCommand({
    QueueUrl: dlqUrl,
    MessageBody: record.body,
    MessageGroupId: record.attributes.MessageGroupId ?? 'ungrouped',
    MessageDeduplicationId: `${record.attributes.MessageDeduplicationId ?? record.messageId}:dlq`.slice(0, 128),
    MessageAttributes: {
      reason: { DataType: 'String', StringValue: `${reason.code}: ${reason.message}`.slice(0, 1000) },
      failedAt: { DataType: 'String', StringValue: new Date().toISOString() },
    },
  }));
}

/** Hides a failed message for `seconds`: SQS then offers it again, which is the worker's backoff. */
export async function postponeMessage(sqs: Sqs, queueUrl: string, record: SQSRecord, seconds: number): Promise<void> {
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: seconds }));
}

export type ParkedMessage = { messageId: string; jobId: string | undefined; source: string | undefined; reason: string | undefined; failedAt: string | undefined };

/** Reads (without removing) up to `max` DLQ messages, for `csmart dlq` and `csmart status`. */
export async function peekDeadLetters(sqs: Sqs, dlqUrl: string, max = 100): Promise<ParkedMessage[]> {
  const seen = new Map<string, ParkedMessage>();
  const handles: string[] = [];
  try {
    while (seen.size < max) {
      // Peeked messages stay hidden while paging, so each receive brings the next ones.
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
        QueueUrl: dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30, MessageAttributeNames: ['All'], WaitTimeSeconds: 0,
      }));
      for (const m of Messages) if (m.ReceiptHandle) handles.push(m.ReceiptHandle);
      const fresh = Messages.filter((m) => m.MessageId && !seen.has(m.MessageId));
      if (fresh.length === 0) break;
      for (const m of fresh) seen.set(m.MessageId!, describeParked(m.MessageId!, m.Body, m.MessageAttributes));
    }
  } finally {
    // Give them all back at once, so a redrive right after sees them.
    await Promise.all(handles.map((handle) => sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: dlqUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }))));
  }
  return [...seen.values()].slice(0, max);
}

export type RedriveResult = { moved: ParkedMessage[]; remaining: number };

/**
 * Moves DLQ messages back to the delivery queue (all, or those whose job id or message id is given).
 * The worker's dedupe still applies, so redriven work never creates a record twice.
 */
export async function redriveDeadLetters(sqs: Sqs, urls: { queueUrl: string; dlqUrl: string }, options: { ids?: string[]; now?: () => Date } = {}): Promise<RedriveResult> {
  const wanted = options.ids && options.ids.length > 0 ? new Set(options.ids) : undefined;
  const moved: ParkedMessage[] = [];
  const skipped = new Set<string>();
  const skippedHandles: string[] = [];
  const stamp = (options.now ?? (() => new Date()))().toISOString();
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: urls.dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30, MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['MessageGroupId'], WaitTimeSeconds: 0,
    }));
    const fresh = Messages.filter((m) => !skipped.has(m.MessageId ?? ''));
    if (fresh.length === 0) break;
    for (const m of fresh) {
      const parked = describeParked(m.MessageId ?? '', m.Body, m.MessageAttributes);
      if (wanted && !wanted.has(parked.messageId) && !(parked.jobId && wanted.has(parked.jobId))) {
        skipped.add(parked.messageId);
        if (m.ReceiptHandle) skippedHandles.push(m.ReceiptHandle);
        continue;
      }
      await sqs.send(new SendMessageCommand({
        QueueUrl: urls.queueUrl,
        MessageBody: m.Body ?? '',
        MessageGroupId: m.Attributes?.MessageGroupId ?? 'redrive',
        // A new id: SQS would drop the original one as a repeat within five minutes.
        MessageDeduplicationId: `${parked.messageId}:redrive:${stamp}`.slice(0, 128),
      }));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: urls.dlqUrl, ReceiptHandle: m.ReceiptHandle }));
      moved.push(parked);
    }
  }
  // Give back what was not asked for, at once rather than after the visibility timeout.
  await Promise.all(skippedHandles.map((handle) => sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: urls.dlqUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }))));
  return { moved, remaining: skipped.size };
}

function describeParked(messageId: string, body: string | undefined, attributes: Record<string, { StringValue?: string }> | undefined): ParkedMessage {
  let jobId: string | undefined;
  let source: string | undefined;
  try {
    const job = JSON.parse(body ?? '') as Partial<DeliveryJob>;
    jobId = typeof job.id === 'string' ? job.id : undefined;
    source = typeof job.source === 'string' ? job.source : undefined;
  } catch {
    // Unreadable bodies are listed too: they are what an operator most needs to see.
  }
  return { messageId, jobId, source, reason: attributes?.reason?.StringValue, failedAt: attributes?.failedAt?.StringValue };
}

import { createLinkStore } from '../../lib/delivery/link-store.ts';
import { peekDeadLetters, redriveDeadLetters } from '../../lib/delivery/queue.ts';
import { lookupStageQueueUrls, stageResourceNames } from '../../lib/delivery/resource-names.ts';
import { type CliIo, println, UsageError } from '../cli-io.ts';
import type { CliSetup } from '../cli-setup.ts';

export const dlqHelp = 'dlq [--limit N]                list deliveries parked in the dead-letter queue, with the reason';
export const redriveHelp = 'redrive [--all | ID…]          move parked deliveries (all, or by submission or message id) back to the queue';
export const statusHelp = 'status <id>                    where a submission is: delivered, retrying, in the DLQ, or not yet attempted';

export async function dlq(setup: CliSetup, io: CliIo, args: { limit: string | undefined }): Promise<number> {
  const limit = args.limit === undefined ? 100 : Number(args.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit takes a whole number of 1 or more');
  const { dlqUrl } = await lookupStageQueueUrls(setup.sqs(), setup.config().settings);
  const parked = await peekDeadLetters(setup.sqs(), dlqUrl, limit);
  if (parked.length === 0) {
    println(io.out, 'The dead-letter queue is empty.');
    return 0;
  }
  for (const p of parked) {
    println(io.out, `${p.jobId ?? '(unreadable)'}  ${p.source ?? '-'}  ${p.failedAt ?? '-'}  ${p.reason ?? 'moved by SQS after the last attempt'}  [message ${p.messageId}]`);
  }
  println(io.out, `${parked.length} parked. Fix the cause, then: csmart redrive --all (or csmart redrive <id>).`);
  return 0;
}

export async function redrive(setup: CliSetup, io: CliIo, args: { ids: string[]; all: boolean }): Promise<number> {
  if (args.all === (args.ids.length > 0)) throw new UsageError('redrive takes either --all or one or more ids');
  const urls = await lookupStageQueueUrls(setup.sqs(), setup.config().settings);
  const { moved, remaining } = await redriveDeadLetters(setup.sqs(), urls, args.all ? {} : { ids: args.ids });
  for (const m of moved) println(io.out, `moved ${m.jobId ?? m.messageId}${m.source ? ` (${m.source})` : ''}`);
  println(io.out, `${moved.length} moved back to the delivery queue; ${remaining} left in the dead-letter queue.`);
  if (!args.all) {
    const found = new Set(moved.flatMap((m) => [m.jobId, m.messageId]));
    const missing = args.ids.filter((id) => !found.has(id));
    if (missing.length > 0) {
      println(io.err, `not in the dead-letter queue: ${missing.join(', ')}`);
      return 1;
    }
  }
  return 0;
}

export async function status(setup: CliSetup, io: CliIo, args: { positionals: string[] }): Promise<number> {
  const [id, ...rest] = args.positionals;
  if (!id || rest.length > 0) throw new UsageError('status takes exactly one submission id');
  const settings = setup.config().settings;
  const links = createLinkStore({ dynamo: setup.dynamo(), tableName: settings.linkTable ?? stageResourceNames(settings.stage).linkTable });
  const found = await links.getStatus(id);
  if (found) {
    println(io.out, `${id}: ${found.state} (${found.source}/${found.kind}, attempt ${found.attempts}, ${found.updatedAt})`);
    for (const r of found.records ?? []) println(io.out, `  ${r.module} ${r.id || '-'} ${r.action}`);
    if (found.reason) println(io.out, `  reason: ${found.reason}`);
    if (found.state === 'dead-lettered') println(io.out, `  to retry: csmart redrive ${id}`);
    return 0;
  }
  const { dlqUrl } = await lookupStageQueueUrls(setup.sqs(), settings);
  const parked = (await peekDeadLetters(setup.sqs(), dlqUrl, 1000)).find((p) => p.jobId === id || p.messageId === id);
  if (parked) {
    println(io.out, `${id}: dead-lettered (${parked.reason ?? 'moved by SQS after the last attempt'})`);
    return 0;
  }
  println(io.out, `${id}: queued or unknown — no delivery attempt is recorded yet. Accepted submissions are delivered within seconds unless CSMART is down.`);
  return 0;
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler as leads } from '../../functions/leads.ts';
import { handler as worker } from '../../functions/worker.ts';
import { jsonPost } from '../support/events.ts';
import { lambdaContext } from '../support/lambda.ts';
import { useDeliveryStack } from '../support/stack.ts';

const stack = useDeliveryStack();
let written: string[] = [];
let restore: () => void = () => {};

beforeEach(() => {
  written = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    written.push(String(chunk));
    return (write as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  }) as typeof process.stdout.write;
  restore = () => { process.stdout.write = write; };
});
afterEach(() => restore());

/** Every metric value published in the embedded metric format, as `name` or `name reason=<code>`. */
function published(): string[] {
  return written.flatMap((chunk) => chunk.split('\n')).filter((line) => line.startsWith('{"_aws"')).flatMap((line) => {
    const emf = JSON.parse(line) as { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }; reason?: string };
    return emf._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((metric) => (emf.reason ? `${metric.Name} reason=${emf.reason}` : metric.Name)));
  });
}

describe('metrics', () => {
  it('counts accepted, rejected by reason, spam and delivered', async () => {
    const post = (data: unknown) => leads(jsonPost('/leads', data), lambdaContext('leads'));
    await post({ email: 'metryki@example.pl' });
    await post({ email: 'not-an-email' });
    await post({ email: 'bot@example.pl', _gotcha: 'x' });
    await stack.drain(worker);
    expect(published()).toEqual(expect.arrayContaining(['Accepted', 'Rejected reason=email_invalid', 'Spam', 'Delivered']));
  });
});

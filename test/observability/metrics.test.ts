import { describe, expect, it } from 'vitest';
import { leads, worker } from '../support/functions.ts';
import { jsonPost } from '../../emulators/lambda/http-events.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { useMetricLines } from '../support/metric-lines.ts';
import { SSM_PREFIX, useDeliveryStack } from '../support/stack.ts';

const stack = useDeliveryStack();
const metricLines = useMetricLines();

/** Every metric value published in the embedded metric format, as `name` or `name reason=<code>`. */
function published(): string[] {
  return metricLines().flatMap((emf) =>
    emf._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((metric) => (emf.reason ? `${metric.Name} reason=${String(emf.reason)}` : metric.Name))));
}

/** The error codes of the `ServerError` metric values published: one per request answered 5xx. */
function serverErrors(): string[] {
  return metricLines().flatMap((emf) =>
    emf._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.filter((metric) => metric.Name === 'ServerError').map(() => String(emf.code))));
}

describe('metrics', () => {
  it('counts accepted, rejected by reason, spam and delivered', async () => {
    const post = (data: unknown) => leads(jsonPost('/leads', data), lambdaContext('leads'));
    await post({ email: 'metryki@example.pl' });
    await post({ email: 'not-an-email' });
    await post({ email: 'bot@example.pl', _gotcha: 'x' });
    await stack.drain(worker);
    expect(published()).toEqual(expect.arrayContaining(['Accepted', 'Rejected reason=email_invalid', 'Spam', 'Delivered', 'WorkerMemoryUsed']));
  });

  it('publishes the worker\'s memory in use after it read the client list, in percent of its function\'s memory', async () => {
    await leads(jsonPost('/leads', { email: 'pamiec@example.pl' }), lambdaContext('leads'));
    await stack.drain(worker);
    const memory = metricLines().flatMap((emf) => emf._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.filter((metric) => metric.Name === 'WorkerMemoryUsed').map((metric) => ({ unit: metric.Unit, value: Number(emf.WorkerMemoryUsed) }))));
    expect(memory.length).toBeGreaterThan(0);
    // This test process's RSS against the 256 MB its Lambda context says.
    const expected = Math.round((process.memoryUsage.rss() / 1024 / 1024 / 256) * 100);
    expect(memory[0]?.unit).toBe('Percent');
    expect(memory[0]?.value).toBeGreaterThan(0);
    expect(Math.abs((memory[0]?.value ?? 0) - expected)).toBeLessThan(expected / 2);
  });

  // The handler answers, so Lambda's Errors stay 0: this count is what the requests-not-accepted alarm watches.
  it('counts a 5xx answer by its code when the queue does not take a lead, and nothing for 2xx or 4xx answers', async () => {
    const post = (data: unknown) => leads(jsonPost('/leads', data), lambdaContext('leads'));
    expect((await post({ email: 'zapisany@example.pl' })).statusCode).toBe(202);
    expect((await post({ email: 'not-an-email' })).statusCode).toBe(422);
    expect(serverErrors()).toEqual([]);
    stack.sqs.failSends(true);
    expect((await post({ email: 'niezapisany@example.pl' })).statusCode).toBe(503);
    expect(serverErrors()).toEqual(['unavailable']);
  });

  it('counts our own failure (a form\'s settings it cannot use) as a 5xx answer with the code internal', async () => {
    stack.ssm.params[`${SSM_PREFIX}forms/broken`] = JSON.stringify({ allowedOrigins: ['ftp://nope'] });
    const answer = await leads(jsonPost('/leads/broken', { email: 'a@example.pl' }, { routeKey: 'POST /leads/{form}', pathParameters: { form: 'broken' } }), lambdaContext('leads'));
    expect(answer.statusCode).toBe(500);
    expect(serverErrors()).toEqual(['internal']);
  });
});

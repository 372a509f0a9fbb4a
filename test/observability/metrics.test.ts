import { describe, expect, it } from 'vitest';
import { leads, worker } from '../support/functions.ts';
import { jsonPost } from '../../emulators/lambda/http-events.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { useMetricLines } from '../support/metric-lines.ts';
import { useDeliveryStack } from '../support/stack.ts';

const stack = useDeliveryStack();
const metricLines = useMetricLines();

/** Every metric value published in the embedded metric format, as `name` or `name reason=<code>`. */
function published(): string[] {
  return metricLines().flatMap((emf) =>
    emf._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((metric) => (emf.reason ? `${metric.Name} reason=${String(emf.reason)}` : metric.Name))));
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
});

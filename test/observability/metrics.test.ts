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
    expect(published()).toEqual(expect.arrayContaining(['Accepted', 'Rejected reason=email_invalid', 'Spam', 'Delivered']));
  });
});

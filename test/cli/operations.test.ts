import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../bin/cli.ts';
import { leads, worker } from '../support/functions.ts';
import { jsonPost } from '../../emulators/lambda/http-events.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { useDeliveryStack } from '../support/stack.ts';

const stack = useDeliveryStack({ maxReceiveCount: 2 });

async function cli(args: string[]) {
  const out = new PassThrough();
  const err = new PassThrough();
  let text = '';
  let errors = '';
  out.on('data', (c) => (text += c));
  err.on('data', (c) => (errors += c));
  const code = await runCli(args, { out, err, env: process.env });
  return { code, out: text, err: errors };
}

async function postLead(n: number): Promise<string> {
  const answer = await leads(jsonPost('/leads', { email: `op${n}@example.pl`, company: `Firma ${n}` }), lambdaContext('leads'));
  return (JSON.parse(String(answer.body)) as { id: string }).id;
}

describe('csmart status, dlq and redrive', () => {
  it('follows submissions from the DLQ back to delivered', async () => {
    await fetch(`${stack.sandbox.current.adminUrl}/faults`, { method: 'POST', body: JSON.stringify({ kind: 'status', status: 503, count: -1 }) });
    const first = await postLead(1);
    const second = await postLead(2);
    await stack.drain(worker);

    const parked = await cli(['dlq']);
    expect(parked.code).toBe(0);
    expect(parked.out).toContain(first);
    expect(parked.out).toContain(second);
    expect(parked.out).toContain('2 parked');

    const status = await cli(['status', first]);
    expect(status.out).toMatch(new RegExp(`^${first}: dead-lettered \\(leads/lead, attempt 2`));
    expect(status.out).toContain('upstream');
    expect(status.out).toContain(`csmart redrive ${first}`);

    await fetch(`${stack.sandbox.current.adminUrl}/faults`, { method: 'DELETE' });
    const one = await cli(['redrive', first]);
    expect(one, JSON.stringify(one)).toMatchObject({ code: 0 });
    expect(one.out).toContain('1 moved back to the delivery queue; 1 left');
    await stack.drain(worker);
    expect((await cli(['status', first])).out).toMatch(/delivered[\s\S]*Accounts \d+ created/);

    const rest = await cli(['redrive', '--all']);
    expect(rest.out).toContain('1 moved back');
    await stack.drain(worker);
    expect((await cli(['dlq'])).out).toContain('The dead-letter queue is empty.');
    expect(stack.sandbox.current.store.list('Accounts')).toHaveLength(2);
  });

  it('says when an id is not in the DLQ', async () => {
    const result = await cli(['redrive', 'no-such-id']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('not in the dead-letter queue: no-such-id');
  });

  it('tells that a submission has no attempt recorded yet', async () => {
    const id = await postLead(3);
    expect((await cli(['status', id])).out).toContain(`${id}: queued or unknown`);
  });

  it('refuses redrive without --all or ids', async () => {
    expect((await cli(['redrive'])).code).toBe(2);
  });
});

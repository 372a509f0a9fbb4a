/**
 * Child entry of bench/leads (3): one cold start of the leads function. A fresh process imports the
 * handler and invokes it once; after the bench has counted the SSM calls, 100 warm invocations follow.
 */
import { handler } from '../../functions/leads.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { fromParent, tellParent } from './child.ts';
import { jsonLeadEvent, leadFields } from './lead-events.ts';

const context = lambdaContext('leads');
const first = Number(process.env.BENCH_FIRST_PERSON ?? 0);
const cold = await handler(jsonLeadEvent(leadFields(first)), context);
await tellParent({ type: 'cold', status: cold.statusCode ?? 0 });
await fromParent('warm');
const statuses = new Set<number>();
for (let i = 1; i <= 100; i++) statuses.add((await handler(jsonLeadEvent(leadFields(first + i)), context)).statusCode ?? 0);
await tellParent({ type: 'warm', statuses: [...statuses] });
await fromParent('stop');
process.exit(0);

/**
 * Child entry of bench/leads (1): CPU of the leads function's accept path per lead against the SQS
 * SendMessage alone, in this process. Started with stdout on /dev/null, so the handler's log line and
 * metrics are really written (as on Lambda) without flooding the bench's output. Results go over IPC.
 */
import type { SendMessageRequest } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createLeadsHandler } from '../../functions/leads.ts';
import { awsApis } from '../../lib/aws/aws-apis.ts';
import type { SqsApi } from '../../lib/aws/sqs-api.ts';
import { createLeadsSetup } from '../../lib/setup/leads.ts';
import { lambdaContext } from '../../emulators/lambda/context.ts';
import { fromParent, tellParent } from './child.ts';
import { formLeadEvent, jsonLeadEvent, leadFields } from './lead-events.ts';
import { cpuOf, median } from './measure.ts';

export type AcceptCpuResult = {
  type: 'result';
  jsonRatio: number;
  formRatio: number;
  jsonUs: number;
  formUs: number;
  sendUs: number;
  rounds: number;
  perRound: number;
  statuses: number[];
};

const rounds = Number(process.env.BENCH_ROUNDS ?? 41);
const perRound = 100;
const variants = 50;
const context = lambdaContext('leads');

// Distinct people, so each lead maps and hashes its own body (as real traffic does).
const jsonEvents = Array.from({ length: variants }, (_, i) => jsonLeadEvent(leadFields(i)));
const formEvents = Array.from({ length: variants }, (_, i) => formLeadEvent(leadFields(variants + i)));

// The exact SendMessage inputs the handler produced, captured once from the SQS the function uses
// (the lean signed client under this environment, as on Lambda).
const sent: SendMessageRequest[] = [];
const sqs = awsApis(process.env).sqs;
let capture = true;
const capturing: SqsApi = {
  ...sqs,
  sendMessage: (input) => {
    if (capture) sent.push(structuredClone(input));
    return sqs.sendMessage(input);
  },
};
// The function's own setup, given this SQS so the capture sees the handler's sends.
const setup = createLeadsSetup(process.env, { sqs: () => capturing });
const handler = createLeadsHandler(() => setup);

const statuses = new Set<number>();
const invoke = async (event: APIGatewayProxyEventV2) => {
  const answer = await handler(event, context);
  statuses.add(answer.statusCode ?? 0);
};

for (const event of [...jsonEvents, ...formEvents]) await invoke(event);
capture = false;
if (sent.length !== 2 * variants) throw new Error(`expected ${2 * variants} SendMessage calls, saw ${sent.length} (answers: ${[...statuses].join(', ')})`);

// Same client (same connection pool) for the bare send: only our code differs.
let n = 0;
const bare = async () => { await sqs.sendMessage(sent[n++ % sent.length]!); };
const viaJson = async () => invoke(jsonEvents[n++ % variants]!);
const viaForm = async () => invoke(formEvents[n++ % variants]!);
const batch = (one: () => Promise<void>) => async () => { for (let i = 0; i < perRound; i++) await one(); };

// Warm up every path (JIT, sockets, SSM cache) before measuring.
for (let i = 0; i < 300; i++) { await bare(); await viaJson(); await viaForm(); }

const contenders = [batch(bare), batch(viaJson), batch(viaForm)];
const jsonRatios: number[] = [];
const formRatios: number[] = [];
const samples: number[][] = [[], [], []];
for (let round = 0; round < rounds; round++) {
  // Rotate the order each round, so drift and cache effects hit every path alike.
  const cpu: number[] = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    const index = (round + k) % 3;
    cpu[index] = await cpuOf(contenders[index]!);
  }
  cpu.forEach((value, index) => samples[index]!.push(value / perRound));
  jsonRatios.push(cpu[1]! / cpu[0]!);
  formRatios.push(cpu[2]! / cpu[0]!);
}

const result: AcceptCpuResult = {
  type: 'result',
  jsonRatio: median(jsonRatios),
  formRatio: median(formRatios),
  sendUs: median(samples[0]!),
  jsonUs: median(samples[1]!),
  formUs: median(samples[2]!),
  rounds,
  perRound,
  statuses: [...statuses],
};
await tellParent(result);
await fromParent('stop');
process.exit(0);

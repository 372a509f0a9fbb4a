import { median } from './measure.ts';

/** Wall time (ms) of `work`: what the export's duration is made of, thread-pool compression included. */
export async function wallOf(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Runs every contender once per round, rotating who goes first, and answers each one's median wall time
 * (ms) and its median ratio to `baseline` (ratios taken within a round, so drift between rounds cancels).
 */
export async function alternatingRounds<K extends string>(
  rounds: number, baseline: NoInfer<K>, contenders: Record<K, () => Promise<unknown>>,
): Promise<Record<K, { ms: number; ratio: number }>> {
  const names = Object.keys(contenders) as K[];
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  const ratios = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    const ms = {} as Record<K, number>;
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length]!;
      ms[name] = await wallOf(contenders[name]);
    }
    for (const name of names) {
      times[name].push(ms[name]);
      ratios[name].push(ms[name] / ms[baseline]);
    }
  }
  return Object.fromEntries(names.map((name) => [name, { ms: median(times[name]), ratio: median(ratios[name]) }])) as Record<K, { ms: number; ratio: number }>;
}

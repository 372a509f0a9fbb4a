import { median } from './measure.ts';

/** Wall time (ms) of `work`: what the export's duration is made of, thread-pool compression included. */
export async function wallOf(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export type Timing = {
  /** Median wall time, ms. */
  ms: number;
  /** Median of the per-round ratios of wall time to the baseline's. */
  ratio: number;
  /** Median CPU time of this process (all threads: zlib's thread pool too), ms. */
  cpuMs: number;
  cpuRatio: number;
};

/**
 * Runs every contender once per round, rotating who goes first, and answers each one's median wall and
 * CPU time and their median ratios to `baseline` (taken within a round, so drift between rounds cancels).
 * Wall time shows what overlaps (compression on the thread pool beside serialising); CPU time is the
 * steadier figure when other work shares the machine's cores.
 */
export async function alternatingRounds<K extends string>(
  rounds: number, baseline: NoInfer<K>, contenders: Record<K, () => Promise<unknown>>, options: { settle?: () => void } = {},
): Promise<Record<K, Timing>> {
  const names = Object.keys(contenders) as K[];
  const series = () => Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  const wall = series();
  const cpu = series();
  const wallRatios = series();
  const cpuRatios = series();
  for (let round = 0; round < rounds; round++) {
    const ms = {} as Record<K, number>;
    const cpuMs = {} as Record<K, number>;
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length]!;
      // Untimed: e.g. a full GC, so no contender pays for the garbage the one before it left.
      options.settle?.();
      const startCpu = process.cpuUsage();
      ms[name] = await wallOf(contenders[name]);
      const used = process.cpuUsage(startCpu);
      cpuMs[name] = (used.user + used.system) / 1000;
    }
    for (const name of names) {
      wall[name].push(ms[name]);
      cpu[name].push(cpuMs[name]);
      wallRatios[name].push(ms[name] / ms[baseline]);
      cpuRatios[name].push(cpuMs[name] / cpuMs[baseline]);
    }
  }
  return Object.fromEntries(names.map((name) => [name, {
    ms: median(wall[name]), ratio: median(wallRatios[name]), cpuMs: median(cpu[name]), cpuRatio: median(cpuRatios[name]),
  }])) as Record<K, Timing>;
}

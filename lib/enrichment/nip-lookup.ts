import { toWallClock } from '../time/wall-clock.ts';
import type { CachedAnswer, RegisterStore } from './register-store.ts';
import type { EnrichmentRegisterUnavailableError } from './errors.ts';
import { REFRESHED_CODE, searchNip, type RegisterAnswer, type VatRegisterClientOptions } from './vat-register.ts';

/** Where a lookup ended; each is logged and counted. `limit`: ours or the register's daily limit; `unavailable`: the register or the cache failed. */
export type LookupOutcome =
  | (CachedAnswer & { from: 'register' | 'cache' })
  | { kind: 'limit' }
  | { kind: 'unavailable'; reason: string };

export type NipLookup = (nip: string) => Promise<LookupOutcome>;

export type NipLookupOptions = {
  store: RegisterStore;
  register: VatRegisterClientOptions;
  /** Register requests a day; past it leads go on without enrichment until the next (Polish) day. */
  dailyLimit: number;
  now?: () => Date;
};

/** The register's dates are Polish dates. */
const REGISTER_TIME_ZONE = 'Europe/Warsaw';

/**
 * Cache first (30 days), then the register within the daily limit. Never throws: an outage, a slow
 * answer or a failing cache is an outcome, and the lead is delivered without enrichment.
 */
export function createNipLookup(options: NipLookupOptions): NipLookup {
  const now = options.now ?? (() => new Date());
  return async (nip) => {
    try {
      const cached = await options.store.get(nip);
      if (cached) return { ...cached, from: 'cache' };
      const day = toWallClock(now(), REGISTER_TIME_ZONE).date;
      let answer: RegisterAnswer | undefined;
      for (let asked = 0; answer === undefined; asked++) {
        // Counted before each call: two workers at the limit never both go over it.
        if ((await options.store.countRequest(day)) > options.dailyLimit) return { kind: 'limit' };
        try {
          answer = await searchNip(nip, day, options.register);
        } catch (error) {
          // WL-195: the register's data were just updated and it asks for the same request again; once is enough.
          if (asked > 0 || (error as EnrichmentRegisterUnavailableError).registerCode !== REFRESHED_CODE) throw error;
        }
      }
      if (answer.kind === 'limit') {
        await options.store.exhaust(day, options.dailyLimit);
        return { kind: 'limit' };
      }
      // The answer is used even when it cannot be kept: the register was asked and answered.
      await options.store.put(nip, answer).catch(() => undefined);
      return { ...answer, from: 'register' };
    } catch (error) {
      return { kind: 'unavailable', reason: (error as { code?: unknown })?.code === 'register_unavailable' ? (error as Error).message : (error as Error)?.name ?? 'Error' };
    }
  };
}

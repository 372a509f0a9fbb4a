export type CallMeter = {
  /** Most calls to the URL the client was waiting on at once (from send until the body was read, or abandoned). */
  readonly peak: number;
  readonly calls: number;
  /** Puts the original fetch back. */
  restore(): void;
};

/**
 * Counts, from the client's side, how many requests to `url` are open at once. Install it before the
 * CSMART client is built (it takes `fetch` when created). The sandbox counts from its side too, but it
 * also counts calls the client has given up on (a timeout) that CSMART still carries out.
 */
export function meterFetch(url: string): CallMeter {
  const original = globalThis.fetch;
  let open = 0;
  let peak = 0;
  let calls = 0;
  globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const target = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!target.startsWith(url)) return original(input, init);
    calls++;
    peak = Math.max(peak, ++open);
    let closed = false;
    const close = () => { if (!closed) { closed = true; open--; } };
    init?.signal?.addEventListener('abort', close, { once: true });
    try {
      const response = await original(input, init);
      // The call stays open until its body is read (or the read fails).
      const text = response.text().finally(close);
      return new Response(await text, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch (error) {
      close();
      throw error;
    }
  }) as typeof fetch;
  return {
    get peak() { return peak; },
    get calls() { return calls; },
    restore() { globalThis.fetch = original; },
  };
}

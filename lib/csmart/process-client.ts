import { processCredentials, processSettings } from '../config/runtime.ts';
import { createCsmartClient, type CallEvent, type CsmartClient } from './client.ts';

let client: CsmartClient | undefined;
const listeners = new Set<(event: CallEvent) => void>();

/** This process's CSMART client, built from the process settings on first use and kept across invocations. */
export function processClient(): CsmartClient {
  if (!client) {
    const settings = processSettings();
    client = createCsmartClient({
      credentials: processCredentials(),
      timeoutMs: settings.callTimeoutMs,
      listIdleTimeoutMs: settings.listIdleTimeoutMs,
      listTimeoutMs: settings.listTimeoutMs,
      editMode: settings.editMode,
      fieldNames: settings.fieldNames,
      ...(settings.authErrorPattern ? { authErrorPattern: settings.authErrorPattern.source } : {}),
      ...(settings.errorTexts ? { errorTexts: settings.errorTexts } : {}),
      onEvent: (event) => { for (const listener of listeners) listener(event); },
    });
  }
  return client;
}

/** Lets logging and metrics observe the process client's calls; returns the function that stops it. */
export function observeClient(listener: (event: CallEvent) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** For tests: the next `processClient()` reads the settings again. */
export function resetProcessClient(): void {
  client = undefined;
}

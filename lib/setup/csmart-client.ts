import type { CredentialsSource } from '../config/credentials.ts';
import type { Settings } from '../config/settings.ts';
import { createCsmartClient, type CallEvent, type CsmartClient } from '../csmart/client.ts';

/** The CSMART client as the settings configure it: timeouts, edit mode, field names and error texts. */
export function createConfiguredClient(settings: Settings, credentials: CredentialsSource, onEvent?: (event: CallEvent) => void): CsmartClient {
  return createCsmartClient({
    credentials,
    timeoutMs: settings.callTimeoutMs,
    listIdleTimeoutMs: settings.listIdleTimeoutMs,
    listTimeoutMs: settings.listTimeoutMs,
    editMode: settings.editMode,
    fieldNames: settings.fieldNames,
    ...(settings.authErrorPattern ? { authErrorPattern: settings.authErrorPattern.source } : {}),
    ...(settings.errorTexts ? { errorTexts: settings.errorTexts } : {}),
    ...(onEvent ? { onEvent } : {}),
  });
}

import { settingsOf, TASK_SETTINGS } from '../shared/source-settings.ts';

/** Cal.com books meetings; its signature carries no timestamp. */
export const CALCOM_SETTINGS = settingsOf({ ...TASK_SETTINGS });

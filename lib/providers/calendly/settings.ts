import { settingsOf, TASK_SETTINGS, toleranceSetting } from '../shared/source-settings.ts';

/** Calendly books meetings; its signed timestamps are checked within three minutes by default. */
export const CALENDLY_SETTINGS = settingsOf({ ...TASK_SETTINGS, ...toleranceSetting(180) });

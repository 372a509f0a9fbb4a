import * as v from 'valibot';
import { settingsOf, TASK_SETTINGS, text, toleranceSetting } from '../shared/source-settings.ts';

/** Any source without its own adapter (Standard Webhooks): meetings, leads, and five minutes of timestamp tolerance. */
export const STANDARD_SETTINGS = settingsOf({ ...TASK_SETTINGS, ...toleranceSetting(300), accountSource: v.optional(text(100)) });

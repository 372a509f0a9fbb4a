import * as v from 'valibot';

const id = v.union([v.pipe(v.string(), v.minLength(1), v.maxLength(200)), v.pipe(v.number(), v.integer(), v.transform(String))]);

/**
 * A lead form extension's webhook body (Google's `WebhookLead`). Loose: Google adds fields over time
 * (`lead_stage`, `lead_submit_time`…) and says to ignore those one does not know.
 */
export const GoogleAdsLeadSchema = v.looseObject({
  lead_id: v.pipe(v.string(), v.minLength(1), v.maxLength(300)),
  user_column_data: v.pipe(v.array(v.looseObject({
    column_id: v.nullish(v.pipe(v.string(), v.maxLength(200))),
    column_name: v.nullish(v.pipe(v.string(), v.maxLength(500))),
    string_value: v.nullish(v.pipe(v.string(), v.maxLength(5000))),
  })), v.maxLength(200)),
  api_version: v.nullish(v.string()),
  form_id: v.nullish(id),
  campaign_id: v.nullish(id),
  adgroup_id: v.nullish(id),
  creative_id: v.nullish(id),
  asset_group_id: v.nullish(id),
  gcl_id: v.nullish(v.pipe(v.string(), v.maxLength(500))),
  is_test: v.nullish(v.boolean()),
});

export type GoogleAdsLead = v.InferOutput<typeof GoogleAdsLeadSchema>;

/** Only the key, read before anything else is validated: a delivery without the right key is refused as unsigned. */
export const GoogleKeySchema = v.looseObject({ google_key: v.nullish(v.unknown()) });

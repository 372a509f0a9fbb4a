import * as v from 'valibot';

const id = v.union([v.pipe(v.string(), v.regex(/^\d{1,40}$/)), v.pipe(v.number(), v.integer(), v.minValue(0), v.transform(String))]);

/** The envelope of every Page webhook: the object, and its entries' changes. Loose: Meta adds fields. */
export const MetaNotificationSchema = v.looseObject({
  object: v.string(),
  entry: v.pipe(v.array(v.looseObject({
    id: v.nullish(id),
    time: v.nullish(v.number()),
    changes: v.nullish(v.array(v.looseObject({ field: v.string(), value: v.unknown() }))),
  })), v.maxLength(1000)),
});

/** A `leadgen` change: only ids. The lead itself is read from the Graph API. */
export const LeadgenValueSchema = v.looseObject({
  leadgen_id: id,
  page_id: id,
  form_id: v.nullish(id),
  ad_id: v.nullish(id),
  adgroup_id: v.nullish(id),
  created_time: v.nullish(v.number()),
});

/** `GET /{leadgen_id}` from the Graph API: the answers as `field_data`, each with a list of values. */
export const GraphLeadSchema = v.looseObject({
  id: v.string(),
  created_time: v.nullish(v.string()),
  ad_id: v.nullish(v.string()),
  form_id: v.nullish(v.string()),
  campaign_id: v.nullish(v.string()),
  is_organic: v.nullish(v.boolean()),
  field_data: v.nullish(v.array(v.looseObject({ name: v.string(), values: v.nullish(v.array(v.union([v.string(), v.number(), v.boolean()]))) }))),
});

export type GraphLead = v.InferOutput<typeof GraphLeadSchema>;

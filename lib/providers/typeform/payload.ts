import * as v from 'valibot';

const optionalText = v.nullish(v.string());

export const TypeformEnvelopeSchema = v.looseObject({ event_type: v.string() });

const FieldRefSchema = v.looseObject({ id: v.string(), ref: optionalText, type: optionalText, title: optionalText });

/** The parts of a `form_response` delivery we use (Typeform's documented webhook payload). */
export const TypeformResponseDeliverySchema = v.looseObject({
  event_id: v.nullish(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
  event_type: v.string(),
  form_response: v.looseObject({
    form_id: v.string(),
    token: optionalText,
    hidden: v.nullish(v.record(v.string(), v.unknown())),
    definition: v.nullish(v.looseObject({ title: optionalText, fields: v.nullish(v.array(FieldRefSchema)) })),
    // Answers are absent when every question was skipped.
    answers: v.nullish(v.array(v.looseObject({ type: v.string(), field: FieldRefSchema }))),
  }),
});

export type TypeformResponse = v.InferOutput<typeof TypeformResponseDeliverySchema>['form_response'];
export type TypeformAnswer = NonNullable<TypeformResponse['answers']>[number];

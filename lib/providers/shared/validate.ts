import * as v from 'valibot';
import { InputValidationError, type FieldProblem } from '../../errors/refusal.ts';

type AnySchema = v.GenericSchema;

// Enough to fix the payload; a hostile body must not make the answer huge.
const MAX_PROBLEMS = 20;

/** Validates with a valibot schema, or throws an `InputValidationError` (kind `invalid`) naming each field at fault. */
export function parseWith<S extends AnySchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  throw new InputValidationError(problemsOf(result.issues, 'body'));
}

/** Field problems from valibot issues. Messages name the field and what was expected, never the value received. */
export function problemsOf(issues: readonly v.BaseIssue<unknown>[], root: string): FieldProblem[] {
  return issues.slice(0, MAX_PROBLEMS).map((issue) => {
    const field = v.getDotPath(issue) ?? root;
    // valibot reports a key a strict object does not know as "expected never".
    if (issue.expected === 'never') {
      return { code: 'unknown_field', field, message: `${field} is not an accepted field.` };
    }
    if (issue.received === 'undefined') {
      return { code: 'required', field, message: `${field} is required.` };
    }
    // Our own checks carry a written message; valibot's built-in ones would quote the input.
    if (issue.type === 'check' || issue.type === 'raw_check') return { code: 'invalid', field, message: `${field}: ${issue.message}` };
    const expected = issue.expected ?? issue.type.replaceAll('_', ' ');
    return { code: 'invalid', field, message: `${field} is invalid: expected ${expected}.` };
  });
}

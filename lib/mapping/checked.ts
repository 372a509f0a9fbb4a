/** The result of normalising one field: the clean value, or why it was refused (a FieldProblem without its field). */
export type Checked = { ok: true; value: string } | { ok: false; code: string; message: string };

export function accepted(value: string): Checked {
  return { ok: true, value };
}

export function refused(code: string, message: string): Checked {
  return { ok: false, code, message };
}

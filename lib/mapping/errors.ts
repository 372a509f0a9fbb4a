/** One setting at fault: its path (`allowedOrigins[1]`) and what is wrong with it. */
export type SettingProblem = { setting: string; message: string };

/** A form's settings (SSM `<prefix>forms/<form>`) are invalid; the message names the form and each setting. */
export class FormSettingsError extends Error {
  override name = 'FormSettingsError';
  readonly code = 'form_settings_invalid';
  readonly form: string;
  /** The first setting at fault. */
  readonly setting: string;
  readonly problems: SettingProblem[];

  constructor(form: string, problems: SettingProblem[]) {
    const text = problems.map((p) => (p.setting ? `${p.setting} ${p.message}` : p.message)).join('; ');
    super(`forms/${form}: ${text}`);
    this.form = form;
    this.setting = problems[0]?.setting ?? '';
    this.problems = problems;
  }
}

import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { json, redirect, type HttpAnswer } from '../http/answers.ts';
import { header } from '../http/event.ts';
import type { FormSettings } from '../mapping/form-settings.ts';
import { PRESET_SENDERS } from '../mapping/presets.ts';
import { errorAnswer, httpErrorOf } from '../http/error-answer.ts';
import { reportRequestError } from '../http/with-http.ts';

/** JSON for `fetch` and API callers; pages and redirects for a plain HTML form post. */
export function wantsJson(event: APIGatewayProxyEventV2): boolean {
  const type = header(event, 'content-type') ?? '';
  const accept = header(event, 'accept') ?? '';
  return /^application\/([\w.+-]+\+)?json/i.test(type) || (/application\/json/i.test(accept) && !/text\/html/i.test(accept));
}

/**
 * Runs the accepting work and answers it the way the sender understands: 202 JSON, or for an HTML
 * post a 303 to the form's configured thank-you or error URL — only configured URLs, never one taken
 * from the request, so the endpoint cannot be used as an open redirect. A form builder's webhook (a
 * form with a `preset`) always gets the status and JSON: WordPress follows a 303 as a GET, and the
 * error page's 200 would tell the builder a refused lead was sent.
 */
export async function answerLead(event: APIGatewayProxyEventV2, settings: FormSettings, cors: Record<string, string>, work: () => Promise<{ id: string }>): Promise<HttpAnswer> {
  const sender = settings.preset ? PRESET_SENDERS[settings.preset] : undefined;
  const asJson = sender !== undefined || wantsJson(event);
  try {
    const { id } = await work();
    if (asJson) return json(sender?.acceptedStatus ?? 202, { status: 'accepted', id }, cors);
    return settings.thankYouUrl ? redirect(settings.thankYouUrl, cors) : page(200, 'Thank you', 'Your enquiry has been received. We will be in touch soon.', cors);
  } catch (thrown) {
    // Our own failures too are answered here, so the browser can read them (CORS) and a plain form lands on its error page.
    const error = httpErrorOf(thrown);
    reportRequestError(error);
    if (asJson) {
      const answer = errorAnswer(error);
      return { ...answer, headers: { ...answer.headers, ...cors } };
    }
    if (settings.errorUrl) {
      const target = new URL(settings.errorUrl);
      target.searchParams.set('error', error.code);
      if (error.field) target.searchParams.set('field', error.field);
      return redirect(target.href, { ...error.headers, ...cors });
    }
    const problems = error.problems.length > 0 ? error.problems.map((p) => p.message) : [error.message];
    return page(error.status, 'Please check the form', problems.join('\n'), { ...error.headers, ...cors });
  }
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A minimal page for forms without thank-you/error URLs; it names each problem so a person can fix it. */
function page(statusCode: number, title: string, text: string, headers: Record<string, string>): HttpAnswer {
  const items = text.split('\n').map((line) => `<p>${escapeHtml(line)}</p>`).join('');
  const body = `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title><h1>${escapeHtml(title)}</h1>${items}<p><a href="javascript:history.back()">Back</a></p></html>`;
  return { statusCode, headers: { 'content-type': 'text/html; charset=utf-8', ...headers }, body };
}

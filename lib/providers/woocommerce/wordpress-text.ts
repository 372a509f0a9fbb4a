/*
 * What WordPress does to a webhook secret on its way to the HMAC key, ported so the key WooCommerce
 * really signs with can be tried. WooCommerce signs with `wp_specialchars_decode(secret, ENT_QUOTES)`, and
 * saving the webhook form stores `sanitize_text_field(secret)`: the form is pre-filled with the current
 * secret, so any re-save (re-activating a disabled webhook, say) re-sanitises it.
 * Sources: wp-includes/formatting.php (`_sanitize_text_fields`, `wp_pre_kses_less_than`,
 * `wp_strip_all_tags`, `wp_specialchars_decode`) and PHP's `strip_tags` state machine.
 */

/** PHP `trim()`'s default characters. */
const PHP_TRIM = /^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g;
const phpTrim = (text: string) => text.replace(PHP_TRIM, '');
const isSpace = (c: string | undefined) => c !== undefined && /^[ \t\n\v\f\r]$/.test(c);

/** WordPress `sanitize_text_field()` (without its filter). Strings here are already valid UTF-8. */
export function sanitizeTextField(text: string): string {
  let filtered = text;
  if (filtered.includes('<')) {
    filtered = stripTags(preKsesLessThan(filtered).replace(/<(script|style)[^>]*?>.*?<\/\1>/gis, ''));
    filtered = phpTrim(filtered).replaceAll('<\n', '&lt;\n');
  }
  filtered = phpTrim(filtered.replace(/[\r\n\t ]+/g, ' '));
  // Percent-encoded octets go, each found one everywhere (str_replace), until none is left.
  let found = false;
  for (let match = /%[a-f0-9]{2}/i.exec(filtered); match; match = /%[a-f0-9]{2}/i.exec(filtered)) {
    filtered = filtered.split(match[0]).join('');
    found = true;
  }
  return found ? phpTrim(filtered.replace(/ +/g, ' ')) : filtered;
}

const DECODE_PADDING: [RegExp, string][] = [
  [/&#0*39;/g, '&#039;'], [/&#x0*27;/gi, '&#x27;'], [/&#0*34;/g, '&#034;'], [/&#x0*22;/gi, '&#x22;'],
  [/&#0*60;/g, '&#060;'], [/&#0*62;/g, '&#062;'], [/&#0*38;/g, '&#038;'], [/&#x0*26;/gi, '&#x26;'],
];
const DECODED: Record<string, string> = {
  '&#039;': "'", '&#x27;': "'", '&quot;': '"', '&#034;': '"', '&#x22;': '"',
  '&lt;': '<', '&#060;': '<', '&gt;': '>', '&#062;': '>', '&amp;': '&', '&#038;': '&', '&#x26;': '&',
};
const DECODED_ENTITY = /&(?:#039|#x27|quot|#034|#x22|lt|#060|gt|#062|amp|#038|#x26);/g;

/** WordPress `wp_specialchars_decode($text, ENT_QUOTES)`: one pass (strtr), so `&amp;lt;` becomes `&lt;`. */
export function specialcharsDecode(text: string): string {
  if (!text.includes('&')) return text;
  const unpadded = DECODE_PADDING.reduce((current, [pattern, entity]) => current.replace(pattern, entity), text);
  return unpadded.replace(DECODED_ENTITY, (entity) => DECODED[entity]!);
}

/** `wp_pre_kses_less_than`: a `<` not closed by a `>` before the next `<` is escaped (esc_html), so kept. */
function preKsesLessThan(text: string): string {
  return text.replace(/<[^>]*?(?:(?=<)|>|$)/g, (match) => (match.includes('>') ? match : escHtml(match)));
}

/**
 * `esc_html`: an `&` that already starts an entity is left alone (no double encoding). WordPress also
 * escapes `&name;` for names it does not know; `wp_specialchars_decode` gives the same key either way.
 */
function escHtml(text: string): string {
  return text
    .replace(/&(?!(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)/g, '&amp;')
    .replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#039;');
}

/**
 * PHP `strip_tags($text)` with no allowed tags: 0 text, 1 a tag, 2 `<?…?>`, 3 `<!…>`, 4 `<!--…-->`.
 * A `<` followed by white space is text; quotes inside a tag hide a `>`; an unclosed tag runs to the end.
 */
function stripTags(text: string): string {
  let out = '';
  let state = 0;
  let depth = 0;
  let quote = '';
  let last = '';
  let brackets = 0;
  let xml = false;
  const before = (i: number, n: number) => text.slice(Math.max(0, i - n), i).toLowerCase();
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\0') continue;
    if (state === 0) {
      if (c === '<') {
        if (isSpace(text[i + 1])) out += c;
        else state = 1;
      } else if (c === '>' && depth > 0) {
        depth--;
      } else {
        out += c;
      }
    } else if (state === 1) {
      if (c === '<') {
        if (!quote && !isSpace(text[i + 1])) depth++;
      } else if (c === '>') {
        if (depth > 0) depth--;
        else if (!quote && !(xml && text[i - 1] === '-')) [state, quote, xml] = [0, '', false];
      } else if (c === '"' || c === "'") {
        if (i > 0 && (!quote || c === quote)) quote = quote ? '' : c;
      } else if (c === '!' && text[i - 1] === '<') {
        state = 3;
      } else if (c === '?' && text[i - 1] === '<') {
        [state, brackets, last] = [2, 0, ''];
      }
    } else if (state === 2) {
      if ((c === '(' || c === ')') && last !== '"' && last !== "'") {
        last = c;
        brackets += c === '(' ? 1 : -1;
      } else if (c === '>') {
        if (depth > 0) depth--;
        else if (!quote && brackets === 0 && last !== '"' && text[i - 1] === '?') [state, quote] = [0, ''];
      } else if ((c === '"' || c === "'") && text[i - 1] !== '\\') {
        if (last === c) last = '';
        else if (last !== '\\') last = c;
        if (!quote || c === quote) quote = quote ? '' : c;
      } else if ((c === 'l' || c === 'L') && before(i, 4) === '<?xm') {
        [state, xml] = [1, true];
      }
    } else if (state === 3) {
      if (c === '>') {
        if (depth > 0) depth--;
        else if (!quote) [state, quote] = [0, ''];
      } else if ((c === '"' || c === "'") && text[i - 1] !== '\\') {
        if (!quote || c === quote) quote = quote ? '' : c;
      } else if (c === '-' && before(i, 2) === '!-') {
        state = 4;
      } else if ((c === 'e' || c === 'E') && before(i, 6) === 'doctyp') {
        state = 1;
      }
    } else if (c === '>' && !quote && before(i, 2) === '--') {
      [state, quote] = [0, ''];
    }
  }
  return out;
}

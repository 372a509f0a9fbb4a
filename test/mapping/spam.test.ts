import { describe, expect, it } from 'vitest';
import { parseFormSettings } from '../../lib/mapping/form-settings.ts';
import { checkSpam } from '../../lib/mapping/spam.ts';
import type { BodyFields } from '../../lib/http/body.ts';

const NOW = new Date('2026-03-11T10:00:00.000Z');
const DEFAULTS = parseFormSettings('contact', {});
const secondsAgo = (s: number) => String(NOW.getTime() - s * 1000);
const check = (fields: BodyFields, settings: unknown = {}) => checkSpam({ fields, settings: parseFormSettings('contact', settings), now: NOW });

describe('checkSpam', () => {
  it('passes a form with an empty honeypot sent after a while', () => {
    expect(check({ email: 'a@b.pl', _gotcha: '', _ts: secondsAgo(20) })).toEqual({ spam: false });
  });

  it('calls it spam when the honeypot is filled in', () => {
    expect(check({ email: 'a@b.pl', _gotcha: 'http://cheap-pills.example' })).toEqual({ spam: true, reason: 'honeypot' });
  });

  it('ignores whitespace in the honeypot (a browser autofill of spaces is not a bot)', () => {
    expect(check({ email: 'a@b.pl', _gotcha: '  ' })).toEqual({ spam: false });
  });

  it('uses the form\'s own honeypot name', () => {
    expect(check({ email: 'a@b.pl', website: 'x', _gotcha: '' }, { honeypot: 'website' })).toEqual({ spam: true, reason: 'honeypot' });
    expect(check({ email: 'a@b.pl', _gotcha: 'x' }, { honeypot: 'website' })).toEqual({ spam: false });
  });

  it('calls it spam when sent sooner than the minimum after the page loaded', () => {
    expect(checkSpam({ fields: { _ts: secondsAgo(2) }, settings: DEFAULTS, now: NOW })).toEqual({ spam: true, reason: 'too_fast' });
  });

  it('passes a post sent exactly at the minimum', () => {
    expect(check({ _ts: secondsAgo(3) })).toEqual({ spam: false });
  });

  it('uses the form\'s own minimum', () => {
    expect(check({ _ts: secondsAgo(8) }, { minSecondsToSubmit: 10 })).toEqual({ spam: true, reason: 'too_fast' });
  });

  it('turns the time check off with a minimum of 0', () => {
    expect(check({ _ts: secondsAgo(0) }, { minSecondsToSubmit: 0 })).toEqual({ spam: false });
  });

  it('reads a page-load time given in seconds', () => {
    expect(check({ _ts: String(Math.floor(NOW.getTime() / 1000) - 1) })).toEqual({ spam: true, reason: 'too_fast' });
  });

  it('passes a form without _ts, with an unreadable one, or one in the future (a visitor\'s clock ahead)', () => {
    expect([check({}), check({ _ts: 'abc' }), check({ _ts: String(NOW.getTime() + 60_000) })]).toEqual([{ spam: false }, { spam: false }, { spam: false }]);
  });

  it('treats a missing or unreadable _ts on a Turnstile form as spam: its page\'s script always sets it', () => {
    const turnstile = { turnstile: { enabled: true } };
    expect([check({}, turnstile), check({ _ts: 'abc' }, turnstile), check({ _ts: '' }, turnstile)])
      .toEqual([{ spam: true, reason: 'no_timestamp' }, { spam: true, reason: 'no_timestamp' }, { spam: true, reason: 'no_timestamp' }]);
    expect(check({ _ts: secondsAgo(20) }, turnstile)).toEqual({ spam: false });
  });

  it('lets any form require _ts, and a Turnstile form opt out', () => {
    expect(check({}, { requireTimestamp: true })).toEqual({ spam: true, reason: 'no_timestamp' });
    expect(check({}, { requireTimestamp: false, turnstile: { enabled: true } })).toEqual({ spam: false });
  });
});

import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { logger } from '../../lib/observability/logger.ts';
import { seenLogLines } from '../support/log-guard.ts';
import { knownSecrets, logLinesOf, registerSecret, scanLogLine } from '../support/log-scan.ts';
import { calcomSignature, standardHeaders, woocommerceSignature } from '../providers/support/signing.ts';

describe('the log guard', () => {
  it.each([
    ['an e-mail address', '{"level":"INFO","message":"x","email":"anna.nowak@example.pl"}'],
    ['a Polish mobile number', '{"level":"INFO","phone":"+48 601 234 567"}'],
    ['a bare phone number', '{"level":"INFO","message":"call 601234567"}'],
    ['a 32-hex token', '{"level":"INFO","token":"0123456789abcdef0123456789abcdef"}'],
    ['a SHA-1 hash', '{"level":"INFO","hash":"3c2a8b1f5f1e7f6cbd54a0b0cf2f0c2d8c1a0b9e"}'],
    ['a webhook secret', '{"level":"INFO","secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}'],
    ['the demo password', '{"level":"INFO","message":"demo-password"}'],
  ])('flags %s', (_what, line) => {
    expect(scanLogLine(line)).not.toEqual([]);
  });

  it('flags every secret the tests use by its value, also one not shaped like a secret, and never prints it', () => {
    registerSecret('wc-secret-with-$pecial&chars');
    const problems = scanLogLine(`{"level":"INFO","message":"sig wc-secret-with-$pecial&chars"}`);
    expect(problems).toEqual(['secret wc-… (28 characters)']);
  });

  it('learns the secrets the tests sign with, each part of a rotation list, and a whsec_ key without its prefix', () => {
    calcomSignature(Buffer.from('{}'), 'cal-only-signed-here');
    woocommerceSignature(Buffer.from('{}'), 'wc-rotated-old wc-rotated-new');
    const key = Buffer.from('standard-key-for-the-guard-test').toString('base64');
    standardHeaders(Buffer.from('{}'), `whsec_${key}`, 'msg_1', 1);
    for (const secret of ['cal-only-signed-here', 'wc-rotated-new', key]) expect(scanLogLine(`{"level":"INFO","x":"${secret}"}`)).not.toEqual([]);
  });

  it('flags the CSMART password the process runs with, and its SHA-1', () => {
    const saved = process.env.CSMART_PASSWORD;
    process.env.CSMART_PASSWORD = 'Zażółć-hasło-9';
    try {
      expect(knownSecrets()).toContain(createHash('sha1').update('Zażółć-hasło-9').digest('hex'));
      expect(scanLogLine('{"level":"INFO","message":"Zażółć-hasło-9"}')).not.toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.CSMART_PASSWORD;
      else process.env.CSMART_PASSWORD = saved;
    }
  });

  it('flags a secret as JSON escapes it inside a log line', () => {
    registerSecret('quote"d-secret');
    expect(scanLogLine(`{"level":"INFO","m":${JSON.stringify('x quote"d-secret')}}`)).not.toEqual([]);
  });

  it('sees the functions\' log lines, so a file that must log and shows none fails', () => {
    const before = seenLogLines();
    logger.info('a line for the guard');
    expect(seenLogLines()).toBe(before + 1);
  });

  it('lets ids, codes, counts and times through', () => {
    const line = '{"level":"INFO","message":"delivered","timestamp":"2026-11-29T01:00:30.179Z","submission":"1bf876ec-df5a-49d6-9516-3d9a3ce36b23","records":[{"module":"Accounts","id":"12","action":"created"}],"durationMs":1234,"timeEpoch":1773393300000}';
    expect(scanLogLine(line)).toEqual([]);
  });

  it('reads only structured log and metric lines', () => {
    const metric = '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]},"Accepted":1}';
    expect(logLinesOf(`plain text\n{"level":"INFO","message":"a"}\n{"not":"a log"}\n${metric}`)).toEqual(['{"level":"INFO","message":"a"}', metric]);
  });
});

describe('scrubbing reasons for the logs', () => {
  it('masks e-mail addresses, phone numbers and secrets a CSMART error text may quote', async () => {
    const { scrub } = await import('../../lib/observability/scrub.ts');
    const text = scrub('Klient jan.kowalski@example.pl (tel. +48 601 234 567) już istnieje; token=abcdef0123456789abcdef0123456789');
    expect(text).toBe('Klient <e-mail> (tel. <phone>) już istnieje; token=***');
    expect(scanLogLine(`{"level":"INFO","reason":${JSON.stringify(text)}}`)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { logLinesOf, scanLogLine } from '../support/log-scan.ts';

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

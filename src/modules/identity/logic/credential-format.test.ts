import { describe, expect, it } from 'vitest';
import { newId } from '../../../core/ids.ts';
import {
  formatApiToken,
  formatSessionCookie,
  parseApiToken,
  parseSessionCookie,
} from './credential-format.ts';
import { newSecret } from './secrets.ts';

describe('session cookie format', () => {
  it('round-trips tenant, session id and secret', () => {
    const id = newId('session');
    const secret = newSecret();
    const value = formatSessionCookie(42, id, secret);
    expect(value).toBe(`s1.42.${id}.${secret}`);
    expect(parseSessionCookie(value)).toEqual({ tenantId: 42, id, secret });
  });

  it('returns null for anything malformed, never throwing', () => {
    const id = newId('session');
    const secret = newSecret();
    const bad: unknown[] = [
      '',
      undefined,
      null,
      123,
      `s2.1.${id}.${secret}`,
      `s1.0.${id}.${secret}`,
      `s1.01.${id}.${secret}`,
      `s1.-1.${id}.${secret}`,
      `s1.99999999999.${id}.${secret}`,
      `s1.2147483648.${id}.${secret}`,
      `s1.1.${newId('apiToken')}.${secret}`,
      `s1.1.${id}.${secret.slice(1)}`,
      `s1.1.${id}.${secret}x`,
      `s1.1.${id}.${secret}.extra`,
      `s1.1.${id}`,
      `s1.1.${id}.${secret.slice(0, 42)}+`,
      `s1.1.${id}.${secret}`.repeat(3),
    ];
    for (const b of bad) expect(parseSessionCookie(b), String(b)).toBeNull();
    expect(parseSessionCookie(`s1.2147483647.${id}.${secret}`)?.tenantId).toBe(2147483647);
  });
});

describe('API token format', () => {
  it('round-trips, the id losing and regaining its tok_ prefix', () => {
    const id = newId('apiToken');
    const secret = newSecret();
    const token = formatApiToken(7, id, secret);
    expect(token).toBe(`arb_7_${id.slice(4)}_${secret}`);
    expect(parseApiToken(token)).toEqual({ tenantId: 7, id, secret });
  });

  it('reads secrets that contain underscores and dashes', () => {
    const id = newId('apiToken');
    const secret = `_${'a-_'.repeat(14)}`;
    expect(secret).toHaveLength(43);
    expect(parseApiToken(formatApiToken(1, id, secret))).toEqual({ tenantId: 1, id, secret });
  });

  it('returns null for anything malformed, never throwing', () => {
    const body = newId('apiToken').slice(4);
    const secret = newSecret();
    const bad: unknown[] = [
      '',
      undefined,
      {},
      `Bearer arb_1_${body}_${secret}`,
      `arb_1_${body}_${secret} `,
      `arb_0_${body}_${secret}`,
      `arb_x_${body}_${secret}`,
      `arb_1_${body.toLowerCase()}_${secret}`,
      `arb_1_${body.slice(1)}_${secret}`,
      `arb_1_${body}_${secret.slice(1)}`,
      `arb_1_${body}_${secret}A`,
      `arb_1_tok_${body}_${secret}`,
      `arb_3000000000_${body}_${secret}`,
      `ARB_1_${body}_${secret}`,
    ];
    for (const b of bad) expect(parseApiToken(b), String(b)).toBeNull();
  });
});

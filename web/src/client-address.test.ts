import { describe, expect, it } from 'vitest';
import { clientAddressFrom, clientAgentFrom } from './client-address.ts';

describe('the browser address the web app forwards to the API', () => {
  it('takes a plain IPv4 or IPv6 address as it is', () => {
    expect(clientAddressFrom('203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressFrom('2001:db8::7')).toBe('2001:db8::7');
  });

  it('drops the IPv4-mapped prefix a dual-stack socket reports', () => {
    expect(clientAddressFrom('::ffff:127.0.0.1')).toBe('127.0.0.1');
  });

  it('drops ports and brackets (CloudFront-Viewer-Address style)', () => {
    expect(clientAddressFrom('198.51.100.10:46532')).toBe('198.51.100.10');
    expect(clientAddressFrom('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(clientAddressFrom('2001:0db8:85a3:0000:0000:8a2e:0370:7334:46532')).toBe(
      '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
    );
  });

  it('takes the first entry of a list', () => {
    expect(clientAddressFrom('203.0.113.7, 10.0.0.1')).toBe('203.0.113.7');
  });

  it('gives nothing for a missing or malformed value', () => {
    expect(clientAddressFrom(undefined)).toBeUndefined();
    expect(clientAddressFrom('')).toBeUndefined();
    expect(clientAddressFrom('unknown')).toBeUndefined();
    expect(clientAddressFrom('1.2.3.4\r\nx-evil: 1')).toBeUndefined();
  });

  it('cleans and shortens a User-Agent', () => {
    expect(clientAgentFrom('Mozilla/5.0\u0000 (X11)')).toBe('Mozilla/5.0 (X11)');
    expect(clientAgentFrom('x'.repeat(600))).toHaveLength(512);
    expect(clientAgentFrom('  ')).toBeUndefined();
  });
});

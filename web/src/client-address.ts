// The browser's address as the web server learns it, in the form the API accepts
// (x-plantwatch-client-ip: an IPv4 or IPv6 address, nothing else). Pure: unit-tested.

/** The header the local web server (serve.ts) writes each request's socket peer address into. */
export const PEER_ADDRESS_HEADER = 'x-plantwatch-peer-address';

/**
 * The address in a header set by whatever the web server trusts in front of it: the local server's
 * own socket peer (serve.ts), or a front such as CloudFront (`cloudfront-viewer-address`, "ip:port").
 * Lists (x-forwarded-for style) give their first entry; ports, brackets and IPv4-mapped IPv6
 * prefixes are dropped. Anything that does not look like an address gives undefined.
 */
export function clientAddressFrom(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  let address = value.split(',')[0]?.trim() ?? '';
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::\d+)?$/.exec(address);
  if (bracketed?.[1]) address = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  else if (/^[0-9a-fA-F:]+:\d{1,5}$/.test(address) && address.split(':').length === 9) {
    // CloudFront writes an IPv6 viewer unbracketed, all eight groups, then ":port".
    address = address.slice(0, address.lastIndexOf(':'));
  }
  address = address.replace(/^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i, '$1');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) return address;
  if (address.includes(':') && /^[0-9a-fA-F:.]{2,45}$/.test(address)) return address;
  return undefined;
}

/** A User-Agent as forwarded: at most 512 characters, no control characters. */
export function clientAgentFrom(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const cleaned = value.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return cleaned ? cleaned.slice(0, 512) : undefined;
}

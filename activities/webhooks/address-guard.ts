import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * SSRF guard for outgoing webhooks: a URL an account (or a trigger's author) chose must not reach
 * Pulse's own network — its loopback, the private ranges it runs in, link-local addresses (the
 * cloud metadata endpoint 169.254.169.254 among them). The host is resolved once, every address
 * it resolves to is checked, and the connection is made to a checked address (see
 * `guardedLookup`), so a DNS answer that changes between the check and the connect
 * (rebinding) cannot slip through.
 */

/** Every refused range, IPv4 and IPv6 alike: the family is the network address's own. */
const REFUSED_RANGES: readonly [cidr: string, label: string][] = [
  ['0.0.0.0/8', 'this network'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrier-grade NAT'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local (cloud metadata)'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  // Dotted ones (::ffff:10.0.0.1) are judged as the IPv4 address they carry; any other form is refused.
  ['::ffff:0:0/96', 'IPv4-mapped'],
  ['fc00::/7', 'unique local (private)'],
  ['fe80::/10', 'link-local'],
  ['ff00::/8', 'multicast'],
  ['64:ff9b::/96', 'NAT64'],
  ['2001:db8::/32', 'documentation'],
];

const familyOf = (address: string): 'ipv4' | 'ipv6' => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

const REFUSED = REFUSED_RANGES.map(([cidr, label]) => {
  const [network, prefix] = cidr.split('/') as [string, string];
  const family = familyOf(network);
  const list = new BlockList();
  list.addSubnet(network, Number(prefix), family);
  return { list, label: `${label} ${cidr}`, family };
});

/** `::ffff:10.0.0.1` is 10.0.0.1: an IPv4-mapped address is judged as the IPv4 address it carries. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  return { address, family: familyOf(address) };
}

/** Why an address may not be called (e.g. 'loopback 127.0.0.0/8'), or undefined when it may. */
export function refusedRange(address: string): string | undefined {
  const ip = unmapped(address);
  return REFUSED.find((r) => r.family === ip.family && r.list.check(ip.address, ip.family))?.label;
}

/** The address guard said no: the URL points somewhere Pulse must not call. Never retried. */
export class AddressRefusedError extends Error {
  override name = 'AddressRefusedError';
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Every address `host` resolves to, when all may be called. Any refused address refuses the
 * host: a name that answers with both a public and a private address is how rebinding starts.
 */
export async function resolveAllowed(host: string, allowPrivate: boolean): Promise<ResolvedAddress[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  const addresses: ResolvedAddress[] =
    isIP(bare) !== 0
      ? [{ address: bare, family: isIP(bare) as 4 | 6 }]
      : (await lookup(bare, { all: true, verbatim: true })).map((a) => ({
          address: a.address,
          family: a.family as 4 | 6,
        }));
  if (addresses.length === 0) throw new Error(`${host} resolves to no address`);
  if (!allowPrivate) {
    for (const { address } of addresses) {
      const range = refusedRange(address);
      if (range) {
        throw new AddressRefusedError(
          `${host} resolves to ${address} (${range}); calling private, loopback and link-local addresses ` +
            'is refused unless PULSE_WEBHOOK_ALLOW_PRIVATE=true',
        );
      }
    }
  }
  return addresses;
}

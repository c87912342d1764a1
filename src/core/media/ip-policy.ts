// Which addresses URL previews may fetch from (SSRF guard): an address in the deny list is
// refused unless it is also in the allow list. The default deny list is every address that is
// not on the public internet (loopback, private, link-local, CGNAT, multicast, reserved).
import { BlockList, isIP } from 'node:net';

export const DEFAULT_DENIED_RANGES = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
  '192.0.0.0/24', '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24',
  '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
  '::/128', '::1/128', '64:ff9b::/96', '100::/64', '2001:db8::/32', 'fc00::/7', 'fe80::/10', 'ff00::/8',
];

/** True when `range` is an address or CIDR range (`a.b.c.d/n`, `x::/n`). */
export function isRange(range: string): boolean {
  const [addr, bits, extra] = range.split('/');
  const family = isIP(addr);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

function blockList(ranges: string[]): BlockList {
  const list = new BlockList();
  for (const r of ranges) {
    const [addr, bits] = r.split('/');
    const type = isIP(addr) === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return list;
}

/** An IPv4 address written as IPv6 (::ffff:a.b.c.d) is judged as the IPv4 address it is. */
function unmapped(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1] : ip;
}

export class IpPolicy {
  private readonly deny: BlockList;
  private readonly allow: BlockList;

  constructor(deny: string[], allow: string[]) {
    this.deny = blockList(deny);
    this.allow = blockList(allow);
  }

  /** True when previews may connect to this address. Anything that is not an IP address is refused. */
  permits(address: string): boolean {
    const ip = unmapped(address);
    const family = isIP(ip);
    if (family === 0) return false;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    return this.allow.check(ip, type) || !this.deny.check(ip, type);
  }
}

import { eachMatch } from './each-match';
import { PII_PLACEHOLDERS, type PiiDetector, type ReportMatch } from './kinds';

const MIN_DIGITS = 1; // an IPv6 address needs just one (see isIpv6), an IPv4 address has four
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
// Four octets standing alone: `v1.2.3.4` and `1.2.3.4.5` are versions, `10.0.19045.1` a build number.
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?!\\w|\\.\\d)`, 'g');
const IPV4_EXACT = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

// Hex groups and colons (with an optional dotted IPv4 tail, as in `::ffff:192.0.2.1`), all of them: a
// run with more groups than an address can have is left whole, and fails validation below.
const IPV6_CANDIDATE = /(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,8}(?:\.\d{1,3}){0,3}(?![\w:]|\.\d)/g;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

function hexGroupsValid(groups: string[]): number {
  let count = 0;
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i];
    if (i === groups.length - 1 && group.includes('.')) {
      if (!IPV4_EXACT.test(group)) return -1;
      count += 2;
    } else if (HEX_GROUP.test(group)) count += 1;
    else return -1;
  }
  return count;
}

/**
 * Full (eight groups) or compressed (one `::` standing for the missing zero groups) IPv6. Times (`10:30:00`)
 * and MAC addresses have too few groups; an address without a decimal digit (`cafe::beef`, `Foo::add`)
 * is more likely code than an address, and `::1` names no one.
 */
function isIpv6(candidate: string): boolean {
  if (!/\d/.test(candidate)) return false;
  const gap = candidate.indexOf('::');
  if (gap === -1) return hexGroupsValid(candidate.split(':')) === 8;
  if (candidate.indexOf('::', gap + 1) !== -1) return false;
  const head = candidate.slice(0, gap);
  const tail = candidate.slice(gap + 2);
  const groups = [...(head ? head.split(':') : []), ...(tail ? tail.split(':') : [])];
  const count = hexGroupsValid(groups);
  return count >= 2 && count <= 7;
}

function findIpv6(view: string, report: ReportMatch): void {
  eachMatch(IPV6_CANDIDATE, view, (match) => {
    // A colon right after the address belongs to the sentence (`fe80::1: unreachable`).
    const candidate = match[0].endsWith(':') && !match[0].endsWith('::') ? match[0].slice(0, -1) : match[0];
    if (isIpv6(candidate)) report(match.index, match.index + candidate.length);
  });
}

export const ipAddressDetector: PiiDetector = {
  kind: 'ip_address',
  placeholder: PII_PLACEHOLDERS.ip_address,
  applies: (traits) => traits.digits >= MIN_DIGITS,
  find(view, report) {
    // IPv6 first: its IPv4 tail must not be taken for an address of its own.
    if (view.includes(':')) findIpv6(view, report);
    eachMatch(IPV4, view, (match) => report(match.index, match.index + match[0].length));
  },
};

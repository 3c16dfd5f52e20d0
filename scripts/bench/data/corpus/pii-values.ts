import type { SeededRandom } from './random';

/** Realistic personal data of each kind, valid where a checksum exists (Luhn for cards, mod 97 for IBANs). */

export const PII_KINDS = ['email', 'phone', 'credit_card', 'iban', 'ip_address', 'postal_code'] as const;
export type PiiKind = (typeof PII_KINDS)[number];

const FIRST_NAMES = ['emma', 'liam', 'olivia', 'noah', 'ava', 'mason', 'sophia', 'lucas', 'mia', 'ethan', 'chloe', 'daniel', 'grace', 'owen', 'zoe', 'henry'];
const LAST_NAMES = ['smith', 'johnson', 'brown', 'garcia', 'miller', 'davis', 'wilson', 'taylor', 'clark', 'walker', 'young', 'king', 'wright', 'scott'];
const JAPANESE_GIVEN = ['taro', 'hanako', 'yuki', 'kenji', 'aiko', 'haruto', 'sakura', 'ren', 'yui', 'sota', 'mei', 'daiki'];
const JAPANESE_FAMILY = ['sato', 'suzuki', 'takahashi', 'tanaka', 'watanabe', 'ito', 'yamamoto', 'nakamura', 'kobayashi', 'kato'];
const DOMAINS = ['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com', 'proton.me', 'hotmail.co.uk', 'fastmail.com', 'aol.com'];
const JAPANESE_DOMAINS = ['docomo.ne.jp', 'ezweb.ne.jp', 'yahoo.co.jp', 'gmail.com', 'i.softbank.jp', 'outlook.jp'];

export function email(random: SeededRandom, japanese: boolean): string {
  const first = random.pick(japanese ? JAPANESE_GIVEN : FIRST_NAMES);
  const last = random.pick(japanese ? JAPANESE_FAMILY : LAST_NAMES);
  const local = random.pick([`${first}.${last}`, `${first}${last}${random.int(1, 99)}`, `${first[0]}.${last}`, `${last}_${first}`]);
  return `${local}@${random.pick(japanese ? JAPANESE_DOMAINS : DOMAINS)}`;
}

export function englishPhone(random: SeededRandom): string {
  const area = random.int(201, 989);
  const [mid, end] = [random.digits(3), random.digits(4)];
  return random.pick([
    `(${area}) ${mid}-${end}`,
    `${area}-${mid}-${end}`,
    `+1 ${area} ${mid} ${end}`,
    `${area}.${mid}.${end}`,
    `+44 20 ${random.digits(4)} ${random.digits(4)}`,
    `+44 7${random.digits(3)} ${random.digits(6)}`,
    `+49 30 ${random.digits(8)}`,
    `+33 6 ${random.digits(2)} ${random.digits(2)} ${random.digits(2)} ${random.digits(2)}`,
    `+61 4${random.digits(2)} ${random.digits(3)} ${random.digits(3)}`,
  ]);
}

/** Japanese mobile and landline numbers; a third in full-width digits, as typed on Japanese keyboards. */
export function japanesePhone(random: SeededRandom): string {
  const number = random.pick([
    `0${random.pick(['70', '80', '90'])}-${random.digits(4)}-${random.digits(4)}`,
    `0${random.pick(['70', '80', '90'])}${random.digits(8)}`,
    `0${random.pick(['3', '6'])}-${random.digits(4)}-${random.digits(4)}`,
    `0${random.int(11, 99)}-${random.digits(3)}-${random.digits(4)}`,
    `+81 ${random.pick(['70', '80', '90'])}-${random.digits(4)}-${random.digits(4)}`,
  ]);
  return random.chance(0.33) ? toFullWidthNumber(number) : number;
}

export function japanesePostalCode(random: SeededRandom): string {
  const code = `〒${random.digits(3)}-${random.digits(4)}`;
  return random.chance(0.2) ? toFullWidthNumber(code) : code;
}

function toFullWidthNumber(text: string): string {
  return text.replace(/[0-9+-]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}

/** The check digit that makes `digits` followed by it pass the Luhn test. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function creditCard(random: SeededRandom): string {
  const [prefix, length] = random.pick([['4', 16], ['51', 16], ['55', 16], ['2221', 16], ['34', 15], ['37', 15], ['6011', 16]] as const);
  const body = prefix + random.digits(length - 1 - prefix.length);
  const number = body + luhnCheckDigit(body);
  const separator = random.pick([' ', '-', '']);
  const groups = length === 15 ? [number.slice(0, 4), number.slice(4, 10), number.slice(10)] : number.match(/.{4}/g)!;
  return groups.join(separator);
}

/** ISO 13616 check digits: the account rearranged to digits must leave 1 modulo 97. */
export function ibanCheckDigits(country: string, bban: string): string {
  const numeric = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let remainder = 0;
  for (const digit of numeric) remainder = (remainder * 10 + Number(digit)) % 97;
  return String(98 - remainder).padStart(2, '0');
}

export function iban(random: SeededRandom): string {
  const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(65 + random.int(0, 25))).join('');
  const [country, bban] = random.pick([
    ['DE', random.digits(18)],
    ['GB', `${letters(4)}${random.digits(14)}`],
    ['FR', random.digits(23)],
    ['NL', `${letters(4)}${random.digits(10)}`],
    ['ES', random.digits(20)],
  ]);
  const compact = `${country}${ibanCheckDigits(country, bban)}${bban}`;
  return random.chance(0.6) ? compact.match(/.{1,4}/g)!.join(' ') : compact;
}

export function ipv4(random: SeededRandom): string {
  const first = random.pick([24, 31, 45, 62, 73, 81, 98, 104, 126, 133, 151, 172, 185, 192, 203, 212]);
  return `${first}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`;
}

import type { PiiKind } from './pii-values';
import { creditCard, email, englishPhone, iban, ipv4, japanesePhone, japanesePostalCode } from './pii-values';
import type { SeededRandom } from './random';
import type { Lang, SupportRecord } from './support-record';

/** Sentences that carry personal data, as customers write it in a question and agents repeat it in an answer. */

type Sentences = Partial<Record<PiiKind, readonly string[]>>;

const ENGLISH_USER: Sentences = {
  email: ['You can reach me at {v}.', 'My email is {v} if you need it.', 'Please send the label to {v}.', 'Reply to {v}, that is the address on the account.'],
  phone: ['My number is {v} if a call is easier.', 'Call me on {v} after 5pm.', 'The courier can call {v} when they arrive.'],
  credit_card: ['I paid with the card {v}.', 'The charge was on my card {v}, please check it.', 'Card number {v} was charged twice.'],
  iban: ['Please refund to my bank account {v}.', 'My IBAN is {v} for the refund.'],
  ip_address: ['The site blocked me from {v}.', 'My IP address is {v} if that helps.'],
};
const ENGLISH_AGENT: Sentences = {
  email: ['We have sent the details to {v}.', 'A confirmation is on its way to {v}.'],
  phone: ['Our courier will call you at {v} before delivery.', 'We will ring {v} to arrange a time.'],
  credit_card: ['The refund has been issued to the card {v}.'],
  iban: ['We have transferred the refund to {v}.'],
  ip_address: ['We have unblocked logins from {v}.'],
};
const JAPANESE_USER: Sentences = {
  email: ['連絡先のメールアドレスは{v}です。', '{v}にご返信ください。'],
  phone: ['電話番号は{v}です。', '日中は{v}に連絡してください。'],
  postal_code: ['お届け先は{v} {city}です。', '住所は{v} {city}に変わりました。'],
  credit_card: ['支払いに使ったカード番号は{v}です。'],
  ip_address: ['ログインできないIPアドレスは{v}です。'],
};
const JAPANESE_AGENT: Sentences = {
  email: ['{v}宛てに詳細をお送りしました。'],
  phone: ['配達前に{v}へお電話いたします。'],
  postal_code: ['{v} {city}宛てに再発送いたします。'],
  credit_card: ['{v}のカードへ返金いたしました。'],
  ip_address: ['{v}からのアクセス制限を解除しました。'],
};
const CITIES = ['東京都渋谷区神南', '大阪府大阪市北区梅田', '神奈川県横浜市中区山下町', '愛知県名古屋市中村区名駅', '福岡県福岡市博多区博多駅前', '北海道札幌市中央区北一条西'];

function valueOf(kind: PiiKind, lang: Lang, random: SeededRandom): string {
  switch (kind) {
    case 'email':
      return email(random, lang === 'ja');
    case 'phone':
      return lang === 'ja' ? japanesePhone(random) : englishPhone(random);
    case 'credit_card':
      return creditCard(random);
    case 'iban':
      return iban(random);
    case 'ip_address':
      return ipv4(random);
    case 'postal_code':
      return japanesePostalCode(random);
  }
}

/** `record` with one or two kinds of personal data added to its question or answer, and the kinds added. */
export function plantPii(record: SupportRecord, lang: Lang, random: SeededRandom): { record: SupportRecord; kinds: PiiKind[] } {
  const inAnswer = random.chance(0.3);
  const sentences = lang === 'ja' ? (inAnswer ? JAPANESE_AGENT : JAPANESE_USER) : inAnswer ? ENGLISH_AGENT : ENGLISH_USER;
  const available = Object.keys(sentences) as PiiKind[];
  const first = random.pick(available);
  const second = random.chance(0.3) ? random.pick(available.filter((k) => k !== first)) : undefined;
  const kinds = second ? [first, second] : [first];

  const separator = lang === 'ja' ? '' : ' ';
  const added = kinds.map((kind) =>
    random.pick(sentences[kind]!).replace('{v}', valueOf(kind, lang, random)).replace('{city}', random.pick(CITIES)),
  );
  const role: 'assistant' | 'user' = inAnswer ? 'assistant' : 'user';
  const messages = record.messages.map((m) => (m.role === role ? { role, content: [m.content, ...added].join(separator) } : m));
  return { record: { messages, category: record.category }, kinds };
}

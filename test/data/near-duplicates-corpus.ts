/**
 * Generated customer-support answers in English and Japanese, and near-duplicate variations of them: the data for
 * test/data/near-duplicates.test.ts and scripts/bench/near-duplicates-micro.ts. Answers are templated the way real
 * support answers are: a shared greeting and closing around a body of one main sentence and one detail sentence per
 * topic, with products, carriers, amounts and dates filled in. Everything is seeded, so runs are reproducible.
 */
import { normaliseForDedup } from '../../src/activities/data/near-duplicates';
import type { Random } from '../support/seeded-random';

export { seededRandom, type Random } from '../support/seeded-random';



export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

export interface AnswerLanguage {
  /** How many answers differ in substance: distinct pairs of a topic's main sentence and a detail sentence. */
  readonly substances: number;
  /**
   * An answer of the given substance (or a random one): greeting (often), main and detail sentence with random
   * products, numbers and dates, closing (sometimes). Two substances share at most one sentence besides greeting and closing.
   */
  answer(random: Random, substance?: number): string;
  /**
   * `text` with 1–2 edits, then surface noise (case, punctuation, full width, spacing). An edit substitutes or adds
   * a word; in Japanese it swaps or adds a short word (2–4 characters) or changes 1–2 characters.
   */
  variant(random: Random, text: string): string;
}

/**
 * Share of content two texts have in common: the longest common subsequence of their normalised tokens (words,
 * and single characters of Japanese) over the longer text's length. The ground truth the index is judged against.
 */
export function contentShare(a: string, b: string): number {
  const x = contentTokens(a);
  const y = contentTokens(b);
  let previous = new Uint16Array(y.length + 1);
  let current = new Uint16Array(y.length + 1);
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      current[j] = x[i - 1] === y[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
    }
    [previous, current] = [current, previous];
  }
  return previous[y.length] / Math.max(x.length, y.length, 1);
}

function contentTokens(text: string): string[] {
  return normaliseForDedup(text)
    .split(' ')
    .flatMap((chunk) => (/^[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]/u.test(chunk) ? [...chunk] : [chunk]));
}

function fill(template: string, slots: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => slots[name]);
}

interface Topic {
  main: string[];
  detail: string[];
}

/** Numbers every (main, detail) pair of every topic as a substance; `frame` adds slots, greeting and closing. */
function answerMaker(topics: Topic[], frame: (random: Random, main: string, detail: string) => string) {
  const combinations = topics.flatMap((topic) => topic.main.flatMap((main) => topic.detail.map((detail): [string, string] => [main, detail])));
  return {
    substances: combinations.length,
    answer(random: Random, substance = Math.floor(random() * combinations.length)): string {
      const [main, detail] = combinations[substance];
      return frame(random, main, detail);
    },
  };
}

const EN_PRODUCTS = ['wireless headphones', 'coffee grinder', 'yoga mat', 'phone case', 'desk lamp', 'running shoes', 'backpack', 'water bottle', 'electric kettle', 'bluetooth speaker', 'winter jacket', 'office chair', 'blender', 'smart watch', 'laptop stand', 'air fryer', 'baby stroller', 'gaming mouse', 'sleeping bag', 'rain boots', 'toaster', 'vacuum cleaner', 'hair dryer', 'camera tripod', 'wool scarf', 'kitchen scale', 'travel pillow', 'garden hose', 'monitor arm', 'USB-C charger'];
const EN_CARRIERS = ['UPS', 'FedEx', 'DHL', 'USPS', 'Royal Mail', 'our courier'];
const EN_MONTHS = ['March', 'April', 'May', 'June', 'July', 'August'];
const EN_GREETINGS = ['Thank you for contacting us.', 'Thanks for reaching out!', 'Hi there, thanks for getting in touch.', 'Hello, and thank you for your message.', 'Thank you for contacting customer support.', 'We appreciate you reaching out to us.'];
const EN_CLOSINGS = ['Please let us know if there is anything else we can help with.', 'If you have any other questions, please reply to this email.', 'Have a great day!', 'We are happy to help if you need anything else.', 'Please do not hesitate to contact us again.', 'Thank you for your patience.'];
const EN_TOPICS: Topic[] = [
  {
    main: ['Your order {order} has shipped with {carrier} and should arrive within {days} business days.', 'We have shipped your {product} with {carrier}, and it should reach you in {days} days.', 'Good news: the {product} left our warehouse this morning and is on its way to you.', 'Your parcel is with {carrier} now and the estimated delivery date is {date}.'],
    detail: ['You can follow the parcel with the tracking link in your confirmation email.', 'The tracking number will be active within 24 hours.', 'Deliveries may take a little longer during the holiday season.', 'If nobody is home, the driver will leave a card with pickup instructions.'],
  },
  {
    main: ['We have issued a refund of {amount} for your {product} to your original payment method.', 'Your refund of {amount} has been approved and sent back to your card.', 'The return of your {product} was received and the refund is on its way.', 'We refunded the shipping fee of {amount} because the delivery was late.'],
    detail: ['Depending on your bank, it can take up to {days} business days to appear on your statement.', 'You will receive a confirmation email once the refund is processed.', 'Please keep the receipt until the amount shows on your account.', 'Store credit refunds appear in your account balance immediately.'],
  },
  {
    main: ['We are sorry to hear that your {product} arrived damaged.', 'I am sorry that the {product} you received was broken in transit.', 'It is disappointing that your {product} stopped working after {days} days, and we want to make it right.', 'Thank you for the photos of the cracked {product}; that is clearly a shipping problem.'],
    detail: ['Please send us a photo of the damage and the packaging so we can file a claim with {carrier}.', 'We will send a free replacement as soon as we receive a photo of the item.', 'You do not need to return the damaged item; simply dispose of it safely.', 'A replacement has already been reserved for you in our warehouse.'],
  },
  {
    main: ['To reset your password, click Forgot password on the sign in page and follow the link we email you.', 'You can change your password from the Security section of your account settings.', 'We have sent a password reset link to the email address on your account.', 'Your password was reset successfully and all other devices have been signed out.'],
    detail: ['The reset link expires after {days} hours, so please use it soon.', 'If the email does not arrive, check your spam folder or add us to your contacts.', 'For your security we never ask for your password by email or phone.', 'Choose a password of at least twelve characters that you do not use elsewhere.'],
  },
  {
    main: ['Your subscription has been cancelled and you will not be charged again.', 'We have cancelled the automatic renewal of your membership as requested.', 'Your plan has been paused for {days} weeks and billing will resume on {date}.', 'We have switched your subscription from monthly to yearly billing.'],
    detail: ['You keep access to all premium features until {date}.', 'If you change your mind, you can resubscribe at any time from your account page.', 'We would love to hear why you decided to leave, if you have a moment.', 'Any unused days have been credited to your account.'],
  },
  {
    main: ['We have updated the delivery address on order {order} to the new address you provided.', 'The shipping address for your {product} has been changed as requested.', 'Unfortunately order {order} had already left our warehouse, so we could not change the address.', 'We have redirected your parcel to the {carrier} pickup point you chose.'],
    detail: ['Address changes are only possible before the order leaves our warehouse.', 'Please double check the postcode in your confirmation email.', 'The estimated delivery date stays the same.', 'Bring a photo ID when you collect the parcel.'],
  },
  {
    main: ['Your {product} is covered by our {days} year warranty against manufacturing defects.', 'The warranty on your {product} is still valid, so the repair will be free of charge.', 'Our technicians have repaired your {product} and it will be shipped back with {carrier}.', 'Sadly the warranty on your {product} ended on {date}, but we can offer a discounted repair.'],
    detail: ['Please fill in the warranty form with your order number {order} and a short description of the fault.', 'Damage caused by accidents or misuse is not covered by the warranty.', 'A prepaid shipping label will be emailed to you once the claim is approved.', 'Repairs usually take about {days} working days from the day we receive the item.'],
  },
  {
    main: ['We are happy to exchange your {product} for a different size or colour.', 'An exchange for your {product} has been set up on order {order}.', 'The size you asked for is out of stock, so we can offer a refund instead of an exchange.', 'Your exchanged {product} has shipped and should arrive by {date}.'],
    detail: ['Please return the original item unused and in its packaging within 30 days.', 'The new item will ship as soon as the return is scanned by {carrier}.', 'Exchanges are free of charge for members.', 'Our size guide on the product page can help you pick the right fit.'],
  },
  {
    main: ['The promo code you used expired on {date}, which is why the discount was not applied.', 'Unfortunately the discount code cannot be combined with items that are already on sale.', 'We have applied the missing discount of {amount} to order {order} by hand.', 'Your loyalty points have been added and you now have enough for a {amount} voucher.'],
    detail: ['As a gesture of goodwill we have added a {amount} credit to your account.', 'You can find our current offers on the deals page of our website.', 'Codes are case sensitive, so please enter them exactly as shown.', 'Points expire twelve months after they are earned.'],
  },
  {
    main: ['Your account was locked after several failed sign in attempts.', 'For your protection we temporarily locked your account after unusual activity.', 'We have verified your identity and unlocked your account.', 'The email address on your account has been changed as you asked.'],
    detail: ['It will unlock automatically in {days} hours, or you can verify your identity with the code we sent by text message.', 'We recommend enabling two factor authentication in your security settings.', 'Please contact us from the email address registered on the account.', 'A confirmation has been sent to both the old and the new address.'],
  },
  {
    main: ['It looks like one item was missing from order {order}, and we are sorry for the trouble.', 'We checked order {order} and the {product} was left out of your parcel by mistake.', 'Your parcel was delivered to the wrong address, and we have opened an investigation with {carrier}.', '{carrier} marked your parcel as delivered on {date}, but we understand you have not received it.'],
    detail: ['We have shipped the missing item today with {carrier} at no extra cost.', 'Sometimes items ship separately, so a second parcel may still be on its way.', 'Please check the packing slip to see whether the item was marked as backordered.', 'Please ask your neighbours and check any safe places around your home first.'],
  },
  {
    main: ['Your payment was declined by the card issuer, so order {order} has not been placed yet.', 'We could not process the payment for your {product} because the card was declined.', 'You were charged twice for order {order}, and we have cancelled the duplicate charge of {amount}.', 'We now accept PayPal and Apple Pay in addition to all major credit cards.'],
    detail: ['Please check the billing address and expiry date, or try another payment method.', 'Your bank may block online payments above {amount}; a quick call to them usually fixes it.', 'No money has been taken from your account for this attempt.', 'The pending charge will drop off your statement within {days} business days.'],
  },
  {
    main: ['Gift cards can be redeemed at checkout by entering the code in the payment section.', 'The balance of your gift card is {amount} and it is valid until {date}.', 'We have resent your digital gift card to the recipient email address.', 'Lost gift cards can be replaced if you still have the original receipt.'],
    detail: ['Gift cards cannot be exchanged for cash or used to buy other gift cards.', 'If the code does not work, please send us a photo of the back of the card.', 'You can combine a gift card with a credit card payment.', 'Digital gift cards usually arrive within a few minutes.'],
  },
  {
    main: ['Order {order} has been cancelled and you will not be charged.', 'We were able to cancel your order for the {product} before it shipped.', 'Your order {order} has already shipped, so we can no longer cancel it.', 'We cancelled order {order} because we could not verify the payment.'],
    detail: ['Any pending authorisation on your card will disappear within {days} business days.', 'You will receive a cancellation confirmation by email shortly.', 'Orders that have already shipped can be returned instead.', 'You are welcome to place the order again at any time.'],
  },
  {
    main: ['The {product} you ordered is on backorder and we expect new stock on {date}.', 'Unfortunately the {product} is temporarily out of stock at our warehouse.', 'The {product} has been discontinued by the manufacturer.', 'Pre-orders for the new {product} open on {date}.'],
    detail: ['We will ship it the same day it arrives and email you the tracking number.', 'If you prefer not to wait, we can cancel the order and refund you in full.', 'You can also choose a similar item and we will cover any price difference.', 'Sign up for a stock alert on the product page to hear first.'],
  },
  {
    main: ['We have emailed you a prepaid return label for your {product}.', 'To return your {product}, please start a return from the orders page of your account.', 'Your return for order {order} was received at our warehouse on {date}.', 'Returns are free within 30 days, but the {product} must be unused.'],
    detail: ['Drop the parcel off at any {carrier} location within {days} days.', 'Refunds are issued within five days of the return reaching our warehouse.', 'Items must be unused and in their original packaging.', 'Please include the return slip so we can match the parcel to your order.'],
  },
];

const EN_INSERTED = ['really', 'very', 'now', 'also', 'today', 'kindly', 'just', 'already', 'still', 'usually', 'please', 'again'];
const EN_SUBSTITUTES = ['parcel', 'package', 'item', 'order', 'soon', 'quickly', 'email', 'message', 'account', 'team', 'support', 'days', 'weeks', 'we', 'our', 'the', 'a', 'your'];

const englishAnswers = answerMaker(EN_TOPICS, (random, main, detail) => {
  const slots = {
    product: pick(random, EN_PRODUCTS),
    carrier: pick(random, EN_CARRIERS),
    days: String(2 + Math.floor(random() * 12)),
    order: `#${10000 + Math.floor(random() * 90000)}`,
    amount: `$${(5 + random() * 300).toFixed(2)}`,
    date: `${pick(random, EN_MONTHS)} ${1 + Math.floor(random() * 28)}`,
  };
  const parts = [fill(main, slots), fill(detail, slots)];
  if (random() < 0.7) parts.unshift(pick(random, EN_GREETINGS));
  if (random() < 0.5) parts.push(pick(random, EN_CLOSINGS));
  return parts.join(' ');
});

export const english: AnswerLanguage = {
  ...englishAnswers,
  variant(random, text) {
    const words = text.split(' ');
    const edits = 1 + Math.floor(random() * 2);
    for (let edit = 0; edit < edits; edit++) {
      const at = Math.floor(random() * words.length);
      if (random() < 0.5) words[at] = pick(random, EN_SUBSTITUTES);
      else words.splice(at, 0, pick(random, EN_INSERTED));
    }
    return surfaceNoise(random, words.join(' '));
  },
};

const JA_PRODUCTS = ['ワイヤレスイヤホン', 'コーヒーミル', 'ヨガマット', 'スマホケース', 'デスクライト', 'ランニングシューズ', 'リュック', '水筒', '電気ケトル', 'AirPods Pro', 'iPhone 15', 'Nintendo Switch', '加湿器', '炊飯器', 'ノートパソコン', 'ダウンジャケット', '掃除機', 'ドライヤー', '腕時計', 'Kindle'];
const JA_CARRIERS = ['ヤマト運輸', '佐川急便', '日本郵便'];
const JA_GREETINGS = ['お問い合わせいただきありがとうございます。', 'ご連絡ありがとうございます。', 'いつもご利用いただきありがとうございます。'];
const JA_CLOSINGS = ['よろしくお願いいたします。', '今後ともよろしくお願い申し上げます。', 'ご不明な点はお気軽にご連絡ください。'];
const JA_TOPICS: Topic[] = [
  {
    main: ['ご注文の{product}は本日{carrier}にて発送いたしました。', '{product}は{date}に発送済みです。', 'ご注文{order}の商品は倉庫を出荷いたしました。'],
    detail: ['到着まで{days}日ほどお待ちください。', '追跡番号はメールでお送りしております。', '配送状況はマイページからご確認いただけます。', '不在時は不在票が投函されます。'],
  },
  {
    main: ['{product}の返金手続きが完了いたしました。', 'ご返品いただいた{product}の代金{amount}を返金いたしました。', '配送遅延のため送料{amount}を返金いたしました。'],
    detail: ['カード会社により反映まで{days}週間ほどかかる場合がございます。', '返金完了のメールをお送りしております。', 'お手数ですが明細をご確認ください。', 'ポイントでの返金は即時に反映されます。'],
  },
  {
    main: ['お届けした{product}が破損していたとのこと、大変申し訳ございません。', '{product}に傷があったとのこと、ご迷惑をおかけしました。', '{product}が{days}日で動かなくなったとのこと、申し訳ございません。'],
    detail: ['お手数ですが破損箇所の写真をお送りください。', '代わりの商品を至急お送りいたします。', '破損品はご返送いただく必要はございません。', '交換品は倉庫で確保しております。'],
  },
  {
    main: ['パスワードはログイン画面の「パスワードを忘れた方」から再設定できます。', 'アカウント設定のセキュリティ画面からパスワードを変更できます。', '再設定用のリンクを登録メールアドレスにお送りしました。'],
    detail: ['リンクの有効期限は{days}時間です。', 'メールが届かない場合は迷惑メールフォルダをご確認ください。', '当社からパスワードをお尋ねすることはございません。', '他のサービスと同じパスワードは避けてください。'],
  },
  {
    main: ['定期購入の解約手続きが完了いたしました。', 'ご依頼のとおり会員プランの自動更新を停止しました。', '会員プランを{days}週間休止し、{date}から再開いたします。'],
    detail: ['{date}までは引き続きご利用いただけます。', '再開はいつでもマイページから可能です。', '次回以降の請求は発生いたしません。', '未使用分はポイントとしてお戻しします。'],
  },
  {
    main: ['ご注文{order}のお届け先住所を変更いたしました。', '{product}の配送先を新しいご住所に変更しました。', 'ご注文{order}はすでに出荷済みのため、住所を変更できませんでした。'],
    detail: ['出荷後の住所変更はお受けできませんのでご了承ください。', 'お届け予定日に変更はございません。', '確認メールの郵便番号をご確認ください。', '営業所での受け取りも可能です。'],
  },
  {
    main: ['{product}は{days}年間のメーカー保証の対象です。', '保証期間内のため{product}の修理は無料で承ります。', '{product}の修理が完了し、{carrier}で返送いたしました。'],
    detail: ['保証書と購入日のわかるものをご用意ください。', '落下などによる故障は保証の対象外となります。', '着払いの伝票をメールでお送りいたします。', '修理には{days}営業日ほどかかります。'],
  },
  {
    main: ['{product}のサイズ交換を承りました。', '{product}の色違いへの交換手続きを行いました。', 'ご希望のサイズが欠品のため、返金での対応となります。'],
    detail: ['未使用の状態で{days}日以内にご返送ください。', '返品を確認次第、新しい商品を発送いたします。', '交換の送料は当社が負担いたします。', 'サイズ表は商品ページでご確認いただけます。'],
  },
  {
    main: ['ご利用のクーポンは{date}で有効期限が切れております。', 'セール商品にはクーポンをご利用いただけません。', 'ご注文{order}に割引{amount}を手動で適用いたしました。'],
    detail: ['お詫びとして{amount}分のポイントを付与いたしました。', '現在のキャンペーンはサイトのトップページでご確認ください。', 'クーポンコードは半角英数字で入力してください。', 'ポイントの有効期限は一年間です。'],
  },
  {
    main: ['ログインに複数回失敗したため、アカウントを一時的にロックしました。', '不審なアクセスがあったため、アカウントを保護しております。', '本人確認が取れましたので、アカウントのロックを解除しました。'],
    detail: ['{days}時間後に自動で解除されます。', 'SMSで届く認証コードで本人確認を行ってください。', '二段階認証の設定をおすすめいたします。', '登録のメールアドレスからご連絡ください。'],
  },
  {
    main: ['ご注文{order}に{product}が同梱されていなかったとのこと、申し訳ございません。', '確認したところ{product}の入れ忘れがございました。', '{carrier}では{date}に配達済みとなっておりますが、お受け取りでないとのことです。'],
    detail: ['不足分は本日{carrier}で発送いたしました。', '別便で届く場合がございますので今しばらくお待ちください。', '納品書の記載内容をご確認ください。', '宅配ボックスや近隣の方へのお預けもご確認ください。'],
  },
  {
    main: ['カード会社の承認が下りず、ご注文{order}は確定しておりません。', '{product}のお支払いでカードがご利用いただけませんでした。', 'ご注文{order}で二重に請求された{amount}を取り消しました。'],
    detail: ['有効期限やご請求先住所をご確認のうえ再度お試しください。', '別のお支払い方法もご利用いただけます。', '今回の決済で料金は発生しておりません。', '仮売上は{days}営業日ほどで解除されます。'],
  },
  {
    main: ['ご注文{order}のキャンセルを承りました。', '発送前のため{product}のご注文を取り消しいたしました。', 'ご注文{order}はすでに発送済みのため、キャンセルできませんでした。'],
    detail: ['カードの仮売上は{days}日ほどで解除されます。', 'キャンセル完了のメールをお送りしております。', '発送済みの場合は返品にて承ります。', '改めてのご注文もお待ちしております。'],
  },
  {
    main: ['{product}は現在在庫切れで、{date}頃に入荷予定です。', 'あいにく{product}は一時的に品切れとなっております。', '{product}はメーカーの生産終了により販売を終了いたしました。'],
    detail: ['入荷次第すぐに発送いたします。', 'お待ちいただけない場合はキャンセルも可能です。', '類似商品への変更も承ります。', '商品ページから入荷のお知らせを登録できます。'],
  },
];

const JA_SWAPS: Array<[string, string]> = [['本日', '明日'], ['発送', '出荷'], ['商品', '品物'], ['ください', 'くださいませ'], ['いたしました', 'しました'], ['お送り', '送付'], ['大変', '誠に'], ['ご注文', 'ご購入'], ['返金', '払戻'], ['手続き', '手続'], ['至急', '早急'], ['確認', '確かめ']];
const JA_INSERTED = ['至急', '必ず', '大変', 'また', 'なお', '早めに', '既に', '念のため'];
const JA_CHARACTERS = [...'あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん日月本手続確認送付商品'];

/** Full-width digits, as Japanese text often has them (２〜３日). */
function japaneseNumber(random: Random, n: number): string {
  return random() < 0.5 ? String(n) : String(n).replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
}

const japaneseAnswers = answerMaker(JA_TOPICS, (random, main, detail) => {
  const slots = {
    product: pick(random, JA_PRODUCTS),
    carrier: pick(random, JA_CARRIERS),
    days: japaneseNumber(random, 2 + Math.floor(random() * 12)),
    order: `#${10000 + Math.floor(random() * 90000)}`,
    amount: `${japaneseNumber(random, 500 + Math.floor(random() * 20000))}円`,
    date: `${japaneseNumber(random, 1 + Math.floor(random() * 12))}月${japaneseNumber(random, 1 + Math.floor(random() * 28))}日`,
  };
  const parts = [fill(main, slots), fill(detail, slots)];
  if (random() < 0.5) parts.unshift(pick(random, JA_GREETINGS));
  if (random() < 0.3) parts.push(pick(random, JA_CLOSINGS));
  return parts.join('');
});

export const japanese: AnswerLanguage = {
  ...japaneseAnswers,
  variant(random, text) {
    let out = text;
    const edits = 1 + Math.floor(random() * 2);
    for (let edit = 0; edit < edits; edit++) {
      const kind = random();
      const swaps = JA_SWAPS.filter(([from]) => out.includes(from));
      if (kind < 0.35 && swaps.length > 0) {
        const [from, to] = pick(random, swaps);
        out = out.replace(from, to);
      } else if (kind < 0.7) {
        const at = Math.floor(random() * out.length);
        out = out.slice(0, at) + pick(random, JA_INSERTED) + out.slice(at);
      } else {
        const length = 1 + Math.floor(random() * 2);
        const at = Math.floor(random() * (out.length - length));
        const replacement = Array.from({ length }, () => pick(random, JA_CHARACTERS)).join('');
        out = out.slice(0, at) + replacement + out.slice(at + length);
      }
    }
    return surfaceNoise(random, out);
  },
};

/** Differences that normalisation must erase: letter case, punctuation, full-width forms, spacing. */
function surfaceNoise(random: Random, text: string): string {
  const noise = Math.floor(random() * 5);
  let out = text;
  if (noise === 1) out = out.toUpperCase();
  if (noise === 2) out = out.replace(/[.,!?:;。、！「」]/g, '');
  if (noise === 3) out = out.replace(/[0-9A-Za-z]/g, (c) => (random() < 0.5 ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c));
  if (noise === 4) out = out.replace(/ /g, () => (random() < 0.3 ? '   ' : ' ')).replace(/。/g, '。 ');
  return random() < 0.3 ? `${out}!!` : out;
}

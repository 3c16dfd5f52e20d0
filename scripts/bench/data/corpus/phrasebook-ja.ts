import type { Phrasebook } from './phrasebook';
import type { SeededRandom } from './random';
import type { Category } from './support-record';

/** Japanese support exchanges of the same store: です/ます answers, no spaces between words, some Latin product names. */

const MATERIALS = [
  'オーク材の', 'ウォールナットの', 'パイン材の', '竹製の', 'リネンの', 'コットンの', 'ベルベットの', '陶器の', 'ガラスの',
  'ステンレスの', '鋳物の', '籐の', '大理石の', 'ウールの', 'チーク材の', 'ホーロー製の', '銅製の', '信楽焼の', '麻の', '北欧風の',
];
const FURNITURE = [
  '本棚', 'ローテーブル', 'ダイニングチェア', 'カウンタースツール', 'フロアランプ', 'スパイスラック', 'シューズラック', 'ナイトテーブル',
  'チェスト', 'ベッドフレーム', 'サイドテーブル', 'テレビ台', 'デスク', 'ワークチェア', '姿見', 'ベンチ',
];
const ITEMS = [
  ...FURNITURE, 'デスクライト', '掛け布団カバー', 'ブランケット', 'バスタオル', 'シャワーカーテン', 'ラグ', '玄関マット', 'カーテン',
  '掛け時計', '植木鉢', '花瓶', '深皿', '取り皿セット', 'マグカップ', '片手鍋', 'フライパン', '土鍋', 'まな板', '収納かご',
  'ランドリーバスケット', '枕', 'クッションカバー', 'テーブルランナー', 'キャンドルホルダー', 'フォトフレーム', 'ペンダントライト',
  'バスマット', 'やかん', 'サラダボウル',
];
// Product lines sold under their Latin names, as Japanese shops often do.
const NAMED = ['Nordic', 'Haven', 'Alder', 'Kyoto', 'Luna', 'Meadow', 'Harbor', 'Sierra', 'Cove', 'Juniper'];
const NAMED_FURNITURE = ['チェア', 'シェルフ', 'ベッドフレーム', 'ダイニングテーブル', 'ソファ', 'デスク'];
const NAMED_ITEMS = [...NAMED_FURNITURE, 'ソファカバー', 'フロアランプ', 'ラグ', 'LED デスクライト', '収納ボックス'];

function product(category: Category, random: SeededRandom): string {
  const furniture = category === 'assembly' || category === 'warranty';
  if (random.chance(0.3)) {
    const model = random.chance(0.4) ? ` ${random.pick(['S', 'M', 'L', 'II', 'Pro', 'mini'])}` : '';
    return `${random.pick(NAMED)} ${random.pick(furniture ? NAMED_FURNITURE : NAMED_ITEMS)}${model}`;
  }
  return `${random.pick(MATERIALS)}${random.pick(furniture ? FURNITURE : ITEMS)}`;
}

const SURNAMES = [
  '佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本', '中村', '小林', '加藤', '吉田', '山田', '佐々木', '山口', '松本', '井上',
  '木村', '林', '斎藤', '清水', '山崎', '森', '池田', '橋本', '阿部', '石川', '山下', '中島', '石井', '小川', '前田', '岡田',
  '長谷川', '藤田', '後藤', '近藤', '村上', '遠藤', '青木', '坂本', '斉藤', '福田', '太田', '西村', '藤井', '金子', '岡本', '藤原',
  '三浦', '中野', '中川', '原田', '松田', '竹内', '小野', '田村', '中山', '和田', '石田', '森田', '上田', '原', '内田', '柴田',
  '酒井', '宮崎', '横山', '高木', '安藤', '宮本', '大野', '小島', '谷口', '今井', '工藤', '高田', '増田', '丸山', '杉山', '村田',
  '大塚', '新井', '小山', '平野', '藤本', '河野', '上野', '野口', '武田', '松井', '千葉', '岩崎', '菅原', '木下', '久保', '佐野',
];
const AGENTS = ['山田', '中川', '小野', '原', '松田', '竹内', '野口', '菅原', '杉山', '久保', '大野', '千葉'];

const yen = (random: SeededRandom) => `${(random.int(50, 9800) * 10).toLocaleString('en-US')}円`;

export const JAPANESE: Phrasebook = {
  lang: 'ja',
  separator: '',
  systemPrompts: [
    'あなたはインテリア・生活雑貨の通販ショップ「Hearth & Home」のサポート担当です。丁寧に回答してください。',
    'お客様からのお問い合わせに、敬語で簡潔にお答えください。',
    'あなたはHearth & Homeのカスタマーサポートです。次に取るべき手順を必ず添えてください。',
  ],
  questionOpeners: ['お世話になっております。', 'すみません、', 'こんにちは。', '初めて問い合わせます。', 'いつも利用しています。'],
  questions: {
    shipping: [
      '{product}はいつ届きますか？',
      '{product}を{date}までに届けてもらうことはできますか？',
      '{region}への配送は可能ですか？',
      '注文番号{order}の配送先を変更したいです。',
      '{product}の送料はいくらですか？',
      '{carrier}の追跡が{days}日間更新されていません。',
    ],
    returns: [
      '{product}を返品したいのですが、どうすればいいですか？',
      '届いた{product}の色が写真と違うので交換できますか？',
      '箱を捨ててしまったのですが、{product}は返品できますか？',
      '返品した{product}の返金はいつになりますか？',
      'セールで買った{product}も返品できますか？',
    ],
    billing: [
      '注文番号{order}で二重に請求されています。',
      '{product}の代金が{amount}も引き落とされていました。',
      '{product}を分割払いで購入できますか？',
      'クーポンが{product}に適用されませんでした。',
      '領収書を発行してもらえますか？注文番号は{order}です。',
    ],
    product: [
      '{product}のサイズを教えてください。',
      '{product}は食洗機に対応していますか？',
      '{product}のお手入れ方法を知りたいです。',
      '{product}に別の色はありますか？',
      '{product}は屋外でも使えますか？',
      '{product}の耐荷重はどのくらいですか？',
    ],
    order_status: [
      '注文番号{order}の商品はいつ発送されますか？',
      '{date}に注文した{product}がまだ届きません。',
      '注文番号{order}をキャンセルできますか？',
      '配達完了になっているのに{product}が届いていません。',
    ],
    warranty: [
      '{product}が{count}か月で壊れました。保証の対象ですか？',
      '{product}の保証期間を教えてください。',
      '{product}の塗装がはがれてきました。',
      '{product}の脚にひびが入りました。部品だけ送ってもらえますか？',
    ],
    assembly: [
      '{product}のネジが足りません。',
      '{product}の組み立て説明書はどこで見られますか？',
      '{product}の組み立てサービスはありますか？',
      '{product}の組み立てにはどんな工具が必要ですか？',
    ],
    account: [
      'パスワード再設定のメールが届きません。',
      '登録しているメールアドレスを変更したいです。',
      '注文番号{order}のポイントが付与されていません。',
      '退会の手続きを教えてください。',
    ],
  },
  questionContexts: ['{date}に注文しました。', '注文番号は{order}です。', '{relative}への贈り物です。', '{date}に引っ越す予定です。', '{amount}で購入しました。'],
  questionClosers: ['よろしくお願いします。', 'ご確認をお願いいたします。', '至急お願いします。', '教えていただけると助かります。'],
  salutations: ['{customer}様、', '{customer}様\n'],
  answerOpeners: [
    'お問い合わせ[いただき|][ありがとうございます|誠にありがとうございます]。',
    'ご連絡[ありがとうございます|いただきありがとうございます]。',
    'ご不便をおかけして[申し訳ございません|大変申し訳ございません]。',
    'いつも[ご利用いただき|Hearth & Homeをご利用いただき]ありがとうございます。',
    'お待たせ[いたしました|して申し訳ございません]。',
    'ご質問[ありがとうございます|いただきありがとうございます]。',
    '{product}をお[選び|買い上げ]いただきありがとうございます。',
    '[詳しく|早速]確認いたしました。',
  ],
  // As in English: every answer carries a high-entropy value and choices of wording, so that no two base answers
  // come close by chance.
  answers: {
    shipping: [
      '{product}は[通常|ふだん|基本的に]{days}営業日以内に[発送し|出荷し]、{carrier}で{date}[ごろ|までに]お届けします。',
      '{date}までのお届けをご希望の場合は、{product}を[お急ぎ便|速達便]（{amount}）で[ご注文ください|お申し込みください]。',
      '{region}への{product}のお届けも[可能ですが|承っておりますが]、[別途|追加で]送料が{amount}かかります。',
      'ご注文番号{order}の配送先は、[発送前|出荷前]であれば[こちらで|当店で]変更いたします。',
      '{amount}以上のご注文は送料無料のため、{product}の送料は[かかりません|無料です]。',
      '{carrier}に[調査|確認]を依頼しました（受付番号{ticket}）ので、{short}日ほど[お待ちください|お時間をください]。',
      '{product}は大型商品のため、{date}までに{carrier}から[配達日時|お届け日時]のご連絡が[ございます|入ります]。',
    ],
    returns: [
      '{product}の返品は{date}まで[承りますので|受け付けておりますので]、受付番号{ticket}を[お控えください|お手元に保管してください]。',
      '色違いの{product}と[無料で|送料無料で]交換いたしますので、受付番号{ticket}にご希望の[色|カラー]をご返信ください。',
      '外箱がなくても、[未使用の|使用前の]{product}であれば{date}まで返品[いただけます|可能です]。',
      '{product}の返金{amount}は、商品到着から{days}営業日以内に[元のお支払い方法へ|ご購入時のお支払い方法へ]行います。',
      'セール品の{product}は、{date}までであれば[ポイントでの返金|ポイントでのご返金]となります。',
      '返品用の伝票（{ticket}）を[お送りしますので|お届けしますので]、{product}を梱包して{carrier}に[お渡しください|ご依頼ください]。',
    ],
    billing: [
      'ご注文番号{order}で二重に請求されていた{amount}は、[返金の手続き|返金処理]を[済ませました|完了しました]。',
      'セール価格との差額{amount}を、[ご登録のカード|お支払いに使われたカード]へ{date}までに返金いたします。',
      '{product}（{amount}）は最大{count}回の分割払いで[ご購入いただけます|お支払いいただけます]。',
      'クーポンの割引分{amount}を[返金いたしました|ご返金しました]ので、[ご確認ください|明細をご確認ください]。',
      'ご注文番号{order}の領収書は、[マイページの注文履歴|マイページ]から[ダウンロードいただけます|発行できます]。',
    ],
    product: [
      '{product}のサイズは幅{cm}センチ、奥行き{cm2}センチ、高さ{cm3}センチです。',
      '{product}（品番{sku}）は食洗機に[対応していますが|対応しておりますが]、手洗いのほうが長く[きれいに|美しく]お使いいただけます。',
      '{product}（品番{sku}）は[柔らかい布|乾いた布]で[乾拭きし|拭き取り]、研磨剤は使わないでください。',
      '{product}には{color}（品番{sku}）も[ございますので|ありますので]、商品ページからお選びください。',
      '{product}（品番{sku}）は屋内用のため、屋外でのご使用は[おすすめしておりません|お控えください]。',
      '{product}（品番{sku}）の耐荷重は[約|およそ]{kg}キロです。',
    ],
    order_status: [
      'ご注文番号{order}は{date}に[発送済みで|出荷済みで]、{carrier}がお届けします。',
      '{product}は入荷待ちのため、発送が{days}日ほど遅れ、{date}ごろの[発送|出荷]となります。',
      'ご注文番号{order}はまだ発送前のため、キャンセルを[承りました|受け付けました]。',
      '配達状況を調査し（受付番号{ticket}）、{short}日以内に見つからない場合は{product}を[再送|再発送]いたします。',
      '{carrier}に確認したところ、{product}は{date}に[お届け予定です|配達される予定です]。',
    ],
    warranty: [
      '{product}には{years}年間の保証がございますので、受付番号{ticket}にて[無償で交換|無償で修理]いたします。',
      '{product}の保証期間は、お届け日から{years}年間、{year}年{date}までです。',
      '塗装のはがれは製造上の不具合のため、{product}を{date}までに無償で[修理|補修]いたします。',
      '破損箇所の写真を受付番号{ticket}宛てにお送りいただければ、{days}営業日以内に[交換部品|代わりの部品]を手配します。',
      'ご注文番号{order}が購入の証明になりますので、[レシートは不要です|レシートがなくても問題ございません]。',
    ],
    assembly: [
      '{product}の不足しているネジは[本日|今日中に]発送し、{date}までにお届けします。',
      '{product}（品番{sku}）の組み立て説明書は、商品ページから[ダウンロードいただけます|ご覧いただけます]。',
      '{product}の組み立てサービスは{amount}で[承っております|ご利用いただけます]。',
      '付属の六角レンチと[プラスドライバー|ドライバー]があれば、{product}（品番{sku}）を組み立てられます。',
      '{product}（品番{sku}）の組み立ては、大人二人で約{minutes}分です。',
    ],
    account: [
      '迷惑メールフォルダをご確認ください。{time}に再設定用のリンクを[改めて|もう一度]お送りしました。',
      'メールアドレスは、マイページの[会員情報|登録情報]から変更いただけます。受付番号は{ticket}です。',
      'ご注文番号{order}の{points}ポイントを[付与いたしました|お付けしました]。',
      '退会の手続き（受付番号{ticket}）を承りました。{days}日以内に個人情報を[削除いたします|消去いたします]。',
    ],
  },
  // Follow-ups use slots of their own ({ref}, {checkin}, …), so they add a value the main sentence does not hold.
  followUps: [
    '詳細は{checkin}までにメールで[ご案内いたします|お知らせいたします]。',
    '{checkin}の発送後に追跡番号を[お知らせします|メールでお送りします]。',
    '受付番号は{ref}です。',
    'ほかにご不明な点があれば、受付番号{ref}にて[お気軽に|いつでも]お問い合わせください。',
    'お手数ですが、{checkin}まで梱包材は[保管してください|捨てずにお持ちください]。',
    'お詫びとして{bonus}ポイントを付与いたしました。',
    '{checkin}に改めてご連絡いたします。',
    '本件は受付番号{ref}で[承っております|記録しております]。',
  ],
  closings: ['よろしくお願いいたします。', '今後ともよろしくお願いいたします。'],
  signatures: ['（担当：{agent}）', '\nHearth & Home サポート {agent}', '\n担当 {agent}'],
  answerShape: { salutation: 0.8, followUp: 0.6, closing: 0.1, signature: 0.3 },
  product,
  slots: {
    customer: (r) => r.pick(SURNAMES),
    agent: (r) => r.pick(AGENTS),
    order: (r) => `HH-${r.int(100000, 999999)}`,
    ticket: (r) => `CS-${r.int(10000, 99999)}`,
    ref: (r) => `CS-${r.int(10000, 99999)}`,
    checkin: (r) => `${r.int(1, 12)}月${r.int(1, 28)}日`,
    bonus: (r) => String(50 * r.int(2, 100)),
    date: (r) => `${r.int(1, 12)}月${r.int(1, 28)}日`,
    amount: yen,
    days: (r) => String(r.int(2, 10)),
    short: (r) => String(r.int(1, 3)),
    time: (r) => `${r.int(8, 22)}時${r.int(0, 59)}分`,
    sku: (r) => String(r.int(10000, 99999)),
    year: (r) => String(r.int(2026, 2036)),
    count: (r) => String(r.int(2, 24)),
    window: (r) => r.pick(['14', '30', '60', '90']),
    years: (r) => String(r.int(1, 5)),
    minutes: (r) => String(5 * r.int(4, 18)),
    points: (r) => String(50 * r.int(2, 40)),
    cm: (r) => String(r.int(20, 200)),
    cm2: (r) => String(r.int(20, 90)),
    cm3: (r) => String(r.int(10, 180)),
    kg: (r) => String(r.int(3, 120)),
    color: (r) => r.pick(['ネイビー', 'チャコールグレー', 'アイボリー', 'オリーブ', 'テラコッタ', 'ホワイト', 'ブラック', 'ナチュラル', 'くすみピンク']),
    carrier: (r) => r.pick(['ヤマト運輸', '佐川急便', '日本郵便', '西濃運輸']),
    region: (r) => r.pick(['北海道', '沖縄', '離島', '九州', '海外']),
    relative: (r) => r.pick(['母', '父', '姉', '兄', '祖母', '友人', '娘', '息子', '同僚']),
  },
};

/** The shape of one corpus line: a customer-support exchange in the OpenAI chat format. */

export const CATEGORIES = ['shipping', 'returns', 'billing', 'product', 'order_status', 'warranty', 'assembly', 'account'] as const;
export type Category = (typeof CATEGORIES)[number];

export type Lang = 'en' | 'ja';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface SupportRecord {
  messages: ChatMessage[];
  category: Category;
}

/** A copy whose user and assistant texts went through `edit`; the system prompt is shared, so it stays as is. */
export function mapTexts(record: SupportRecord, edit: (text: string, role: 'user' | 'assistant') => string): SupportRecord {
  return {
    messages: record.messages.map((m) => (m.role === 'system' ? m : { role: m.role, content: edit(m.content, m.role) })),
    category: record.category,
  };
}

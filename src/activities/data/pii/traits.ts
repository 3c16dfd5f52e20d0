/** What a text contains, measured once so that each detector can skip a text it cannot match. */
export interface TextTraits {
  /** ASCII digits in the (folded) text: a card needs 13, a phone number 8. */
  digits: number;
  at: boolean;
}

export function countDigits(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) count++;
  }
  return count;
}

export function traitsOf(view: string): TextTraits {
  return { digits: countDigits(view), at: view.includes('@') };
}

/** Luhn check of a string of ASCII digits (the last digit is the check digit). */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * ISO 13616 check of an IBAN without spaces: move the first four characters to the end, read letters as
 * 10..35, and the number must be 1 mod 97. Computed digit by digit, as the number exceeds 2^53.
 */
export function passesIbanMod97(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i) | 0x20; // lower-case letters; digits are unchanged
    if (code >= 48 && code <= 57) remainder = (remainder * 10 + (code - 48)) % 97;
    else if (code >= 97 && code <= 122) remainder = (remainder * 100 + (code - 87)) % 97;
    else return false;
  }
  return remainder === 1;
}

/**
 * Stop sequences are matched on decoded text, not on token ids: a stop string can be split across tokens in
 * many ways. Returns the text up to the earliest stop, or null when none occurs.
 */
export function cutAtStop(text: string, stops: readonly string[]): string | null {
  let earliest = -1;
  for (const stop of stops) {
    if (stop === '') continue;
    const at = text.indexOf(stop);
    if (at >= 0 && (earliest < 0 || at < earliest)) earliest = at;
  }
  return earliest < 0 ? null : text.slice(0, earliest);
}

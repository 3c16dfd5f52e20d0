/**
 * Calls `onMatch` for each match of a global `regex` in `text`. An exec loop on the shared regex: unlike
 * `matchAll`, it neither clones the regex nor builds an iterator, which would cost more than the scan on a
 * typical record. Detectors are synchronous, so no two scans share the regex at once.
 */
export function eachMatch(regex: RegExp, text: string, onMatch: (match: RegExpExecArray) => void): void {
  regex.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = regex.exec(text))) {
    if (match[0] === '') regex.lastIndex = match.index + 1; // a custom pattern may match nothing somewhere
    onMatch(match);
  }
}

import type { PiiDetector, PiiKind } from './kinds';

interface Span {
  start: number;
  end: number;
  detector: PiiDetector;
}

/**
 * The matches kept for one text. The first detector to claim a range keeps it: detectors run from the most
 * specific (an e-mail address may contain a phone number) to the least.
 */
export class ClaimedSpans {
  private readonly spans: Span[] = [];

  get size(): number {
    return this.spans.length;
  }

  claim(start: number, end: number, detector: PiiDetector): void {
    for (const span of this.spans) if (start < span.end && span.start < end) return;
    this.spans.push({ start, end, detector });
  }

  /** The text with each claimed range replaced by its detector's placeholder. */
  redact(text: string): string {
    const ordered = [...this.spans].sort((a, b) => a.start - b.start);
    let redacted = '';
    let copied = 0;
    for (const span of ordered) {
      redacted += text.slice(copied, span.start) + span.detector.placeholder;
      copied = span.end;
    }
    return redacted + text.slice(copied);
  }

  /** The distinct kinds claimed, in the order of `kindOrder`. */
  kinds(kindOrder: readonly PiiKind[]): PiiKind[] {
    return kindOrder.filter((kind) => this.spans.some((span) => span.detector.kind === kind));
  }
}

import MiniSearch from 'minisearch';
import { searchTerms } from '../metrics/tokenize';
import { passageOf, type Passage } from './passages';
import type { CanonicalRecord } from '../../activities/data/records';

export interface RetrievedPassage extends Passage {
  /** BM25 score, higher is more relevant. */
  score: number;
}

/** Classic Okapi BM25 constants (Robertson et al.); MiniSearch's default d = 0.5 (BM25+) is turned off. */
export const BM25_PARAMS = { k: 1.2, b: 0.75, d: 0 };
/** A training question that matches the asked one is the strongest evidence that its answer applies. */
export const FIELD_BOOST = { question: 2, answer: 1 };

interface IndexedPassage {
  key: number;
  passageId: string;
  question: string;
  answer: string;
}

/**
 * BM25 over the training split's questions and answers, for the retrieval arms of the evaluation.
 * Index and scoring come from MiniSearch; terms come from the metrics' tokeniser (words, and character
 * bigrams for Japanese and Chinese). The score of a passage is
 *   Σ over fields f (question, answer) of boost_f · Σ over distinct query terms t of idf_f(t) · tf·(k+1) / (tf + k·(1 − b + b·len_f / avglen_f))
 * with idf_f(t) = ln(1 + (N − n_f(t) + 0.5) / (n_f(t) + 0.5)), N the number of passages and n_f(t) those
 * whose field f contains t. MiniSearch multiplies that sum by the number of matched query terms; `topK`
 * divides it back out, so the score is plain BM25.
 */
export class Bm25Retriever {
  private readonly index = new MiniSearch<IndexedPassage>({
    idField: 'key',
    fields: ['question', 'answer'],
    storeFields: ['passageId', 'question', 'answer'],
    tokenize: searchTerms,
    // The tokeniser already normalises (NFKC, lower case); MiniSearch's default would lower-case again.
    processTerm: (term) => term,
    searchOptions: {
      boost: FIELD_BOOST,
      bm25: BM25_PARAMS,
      // Each query term counts once, as in BM25 without query-term frequency.
      tokenize: (query) => [...new Set(searchTerms(query))],
    },
  });
  private count = 0;

  /** Builds the index from the training split, streamed: records without a question or an answer are skipped. */
  static async fromRecords(records: Iterable<CanonicalRecord> | AsyncIterable<CanonicalRecord>): Promise<Bm25Retriever> {
    const retriever = new Bm25Retriever();
    for await (const record of records) {
      const passage = passageOf(record);
      if (passage) retriever.add(passage);
    }
    return retriever;
  }

  static fromPassages(passages: Iterable<Passage>): Bm25Retriever {
    const retriever = new Bm25Retriever();
    for (const p of passages) retriever.add(p);
    return retriever;
  }

  add(passage: Passage): void {
    // A key of our own: two records may share an id, and MiniSearch rejects duplicate ids.
    this.index.add({ key: this.count, passageId: passage.id, question: passage.question, answer: passage.answer });
    this.count += 1;
  }

  get size(): number {
    return this.count;
  }

  /** The k passages most relevant to the query, best first; fewer when fewer share a term with it. */
  topK(query: string, k: number): RetrievedPassage[] {
    if (!Number.isInteger(k) || k < 1) throw new Error(`retrieval top-k must be a positive integer, got ${k}`);
    return this.index
      .search(query)
      .map((r) => ({ key: r.id as number, id: r.passageId as string, question: r.question as string, answer: r.answer as string, score: r.score / Math.max(1, r.queryTerms.length) }))
      .sort((a, b) => b.score - a.score || a.key - b.key)
      .slice(0, k)
      .map(({ id, question, answer, score }) => ({ id, question, answer, score }));
  }
}

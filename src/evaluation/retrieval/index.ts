export { BM25_PARAMS, Bm25Retriever, FIELD_BOOST } from './bm25-retriever';
export type { RetrievedPassage } from './bm25-retriever';
export { passageOf } from './passages';
export type { Passage } from './passages';
export { DEFAULT_RAG_HEADING, DEFAULT_RAG_LABELS, ragMessages } from './rag-prompt';
export type { RagPromptInput } from './rag-prompt';

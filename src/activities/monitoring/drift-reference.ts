import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ArtifactRef, ArtifactStore } from '../../artifacts/store';
import { buildDriftReference, type DriftReference } from '../../monitoring/input-drift';
import { findVersion, readIndex } from '../../registry/model-registry';
import { readSplitRecords } from '../data/split-records';

interface VersionEntry {
  lineage?: { data?: { train?: ArtifactRef } };
}

/**
 * The drift reference of a registered version: its training split's questions, measured once and kept beside the
 * registry. Null for a version the registry does not know (nothing to compare with).
 */
export async function driftReferenceOf(store: ArtifactStore, pipeline: string, version: number): Promise<DriftReference | null> {
  const name = `drift-reference/${pipeline}/v${version}.json`;
  const cached = await store.readNamed(name);
  if (cached) return JSON.parse(cached.toString('utf8')) as DriftReference;

  const index = await readIndex(store, pipeline);
  if (!index.versions.some((v) => v.version === version)) return null;
  const entry = await store.getJson<VersionEntry>(findVersion(index, version).entry);
  const train = entry.lineage?.data?.train;
  if (!train) return null;
  const reference = buildDriftReference(await trainingQuestions(store, train));
  await store.writeNamed(name, JSON.stringify(reference));
  return reference;
}

/** The last question of every training record, with its category: what a served request is compared as. */
async function trainingQuestions(store: ArtifactStore, train: ArtifactRef): Promise<{ question: string; category?: string }[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-drift-'));
  try {
    const file = path.join(dir, 'train.jsonl');
    await store.getFile(train, file);
    const questions: { question: string; category?: string }[] = [];
    for await (const record of readSplitRecords(file)) {
      const question = record.messages.filter((m) => m.role === 'user').at(-1)?.content;
      if (question) questions.push({ question, ...(record.category ? { category: record.category } : {}) });
    }
    return questions;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

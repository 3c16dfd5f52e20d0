import type { ArtifactRef, ArtifactStore } from '../artifacts/store';

/**
 * The training and validation loss at every logged step, as the trainer's log history holds them (a resumed run's
 * included). Stored as JSON by the training activity: the only durable copy, since checkpoints are deleted.
 */
export interface LossCurve {
  kind: 'tempered.loss-curve/v1';
  /** [step, training loss], by step. */
  train: [number, number][];
  /** [step, validation loss], one per evaluation. */
  validation: [number, number][];
}

/** Checks the trainer's `loss_curve` (of its `done` event) and stores it; a trainer that sent none gives null. */
export async function storeLossCurve(store: ArtifactStore, reported: unknown): Promise<ArtifactRef | null> {
  if (reported === undefined || reported === null) return null;
  return store.putJson(parseLossCurve({ kind: 'tempered.loss-curve/v1', ...(reported as object) }, 'the trainer\'s loss_curve'));
}

/** A loss curve read back from JSON; `where` names its source in the error of a malformed one. */
export function parseLossCurve(value: unknown, where: string): LossCurve {
  const curve = value as Partial<LossCurve> | null;
  if (!curve || typeof curve !== 'object' || curve.kind !== 'tempered.loss-curve/v1') {
    throw new Error(`${where}: expected a JSON object of kind tempered.loss-curve/v1`);
  }
  return { kind: curve.kind, train: points(curve.train, `${where}: train`), validation: points(curve.validation, `${where}: validation`) };
}

function points(value: unknown, where: string): [number, number][] {
  if (!Array.isArray(value)) throw new Error(`${where}: expected a list of [step, loss] pairs`);
  const kept: [number, number][] = [];
  value.forEach((p: unknown, i) => {
    // A loss the trainer could not compute arrives as null (JSON has no NaN): that step has no point.
    if (Array.isArray(p) && p.length === 2 && Number.isFinite(p[0]) && p[1] === null) return;
    if (!Array.isArray(p) || p.length !== 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      throw new Error(`${where}[${i}]: expected [step, loss] with two finite numbers, got ${JSON.stringify(p)}`);
    }
    kept.push([p[0] as number, p[1] as number]);
  });
  return kept;
}

import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { blobKey } from '../../src/artifacts/keys';
import { parseManifest } from '../../src/artifacts/directory';
import { S3ArtifactStore, type ArtifactRef } from '../../src/artifacts/store';

/** Checkpoint manifests are a few hundred bytes; anything much larger is one of their files. */
const MANIFEST_MAX_BYTES = 1024 * 1024;

/**
 * The training steps of the checkpoints stored in S3 beside `checkpoint` (the scope of one training's
 * checkpoints), each read from its own trainer_state.json, sorted. Reads through the artifact store, so each
 * blob's hash is checked.
 */
export async function storedCheckpointSteps(s3: S3Client, checkpoint: ArtifactRef): Promise<number[]> {
  const match = /^s3:\/\/([^/]+)\/(.+)\/sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/.exec(checkpoint.uri);
  if (!match) throw new Error(`checkpoint ${checkpoint.uri}: expected the uri of a blob in an S3 store, s3://<bucket>/<prefix>/sha256/<xx>/<sha256>`);
  const [, bucket, prefix] = match;
  const scope = new S3ArtifactStore({ bucket: bucket!, prefix, client: s3 });
  const blobs: ArtifactRef[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/sha256/`, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      const sha256 = object.Key!.slice(object.Key!.lastIndexOf('/') + 1);
      blobs.push({ uri: `s3://${bucket}/${object.Key}`, sha256, size: object.Size! });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);

  const steps: number[] = [];
  for (const blob of blobs.filter((b) => b.size <= MANIFEST_MAX_BYTES)) {
    let files;
    try {
      files = parseManifest(await scope.getBytes(blob), blob.uri).files;
    } catch {
      continue; // a checkpoint's file, not a manifest
    }
    const state = files.find((f) => f.path === 'trainer_state.json');
    if (!state) throw new Error(`checkpoint ${blob.uri} has no trainer_state.json: ${files.map((f) => f.path).join(', ')}`);
    const ref = { uri: `${scope.root}/${blobKey(state.sha256)}`, sha256: state.sha256, size: state.size };
    steps.push((JSON.parse((await scope.getBytes(ref)).toString('utf8')) as { global_step: number }).global_step);
  }
  return steps.sort((a, b) => a - b);
}

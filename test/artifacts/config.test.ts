import assert from 'node:assert/strict';
import path from 'node:path';
import { stateDir } from '../../src/config/paths';
import { artifactStoreConfigFromEnv, LocalArtifactStore, openArtifactStore, S3ArtifactStore } from '../../src/artifacts/store';

describe('artifact store configuration', function () {
  it('defaults to <stateDir>/artifacts', function () {
    assert.deepEqual(artifactStoreConfigFromEnv({}), { kind: 'local', dir: path.join(stateDir, 'artifacts') });
    assert.deepEqual(artifactStoreConfigFromEnv({ TEMPERED_ARTIFACTS: '  ' }), { kind: 'local', dir: path.join(stateDir, 'artifacts') });
  });

  it('takes a directory path or a file:// URI', function () {
    assert.deepEqual(artifactStoreConfigFromEnv({ TEMPERED_ARTIFACTS: '/srv/artifacts' }), { kind: 'local', dir: '/srv/artifacts' });
    assert.deepEqual(artifactStoreConfigFromEnv({ TEMPERED_ARTIFACTS: 'rel/dir' }), { kind: 'local', dir: path.resolve('rel/dir') });
    assert.deepEqual(artifactStoreConfigFromEnv({ TEMPERED_ARTIFACTS: 'file:///srv/my%20artifacts' }), {
      kind: 'local',
      dir: '/srv/my artifacts',
    });
    const store = openArtifactStore({ kind: 'local', dir: '/srv/my artifacts' });
    assert.ok(store instanceof LocalArtifactStore);
    assert.equal(store.root, 'file:///srv/my%20artifacts');
  });

  it('takes s3://bucket/prefix with endpoint, region and path style', function () {
    assert.deepEqual(artifactStoreConfigFromEnv({ TEMPERED_ARTIFACTS: 's3://models/tempered/prod/' }), {
      kind: 's3',
      bucket: 'models',
      prefix: 'tempered/prod',
      region: 'us-east-1',
    });
    assert.deepEqual(
      artifactStoreConfigFromEnv({
        TEMPERED_ARTIFACTS: 's3://models',
        TEMPERED_S3_ENDPOINT: 'http://127.0.0.1:8333',
        TEMPERED_S3_REGION: 'eu-west-1',
        TEMPERED_S3_FORCE_PATH_STYLE: 'false',
      }),
      { kind: 's3', bucket: 'models', prefix: '', endpoint: 'http://127.0.0.1:8333', region: 'eu-west-1', forcePathStyle: false },
    );
    const store = openArtifactStore(artifactStoreConfigFromEnv({ TEMPERED_ARTIFACTS: 's3://models/tempered', TEMPERED_S3_ENDPOINT: 'http://127.0.0.1:1' }));
    assert.ok(store instanceof S3ArtifactStore);
    assert.equal(store.root, 's3://models/tempered');
  });

  it('rejects what it cannot use', function () {
    assert.throws(() => artifactStoreConfigFromEnv({ TEMPERED_ARTIFACTS: 'gs://bucket/x' }), /TEMPERED_ARTIFACTS=gs:\/\/bucket\/x/);
    assert.throws(() => artifactStoreConfigFromEnv({ TEMPERED_ARTIFACTS: 's3://' }), /valid bucket name/);
    assert.throws(() => artifactStoreConfigFromEnv({ TEMPERED_ARTIFACTS: 's3://Bad_Bucket/x' }), /valid bucket name/);
    assert.throws(
      () => artifactStoreConfigFromEnv({ TEMPERED_ARTIFACTS: 's3://models', TEMPERED_S3_FORCE_PATH_STYLE: 'yes' }),
      /TEMPERED_S3_FORCE_PATH_STYLE/,
    );
  });
});

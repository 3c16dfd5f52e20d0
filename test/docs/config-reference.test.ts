import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CONFIG_REFERENCE, configReference, REGENERATE } from '../../scripts/gen-config-reference';
import { specFields } from '../../scripts/config-reference/spec-fields';
import { environmentVariables } from '../../scripts/config-reference/worker-environment';
import { projectRoot } from '../../src/config/paths';
import { RUN_TIME_TUNABLE_FIELDS } from '../../src/spec/schema';

describe('the configuration reference (docs/configuration.md)', () => {
  it('is what the generator writes from the current schema and code', () => {
    const file = path.join(projectRoot, CONFIG_REFERENCE);
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '(missing)';
    const expected = configReference();
    if (current === expected) return;
    const [have, want] = [current.split('\n'), expected.split('\n')];
    const differs = want.findIndex((l, i) => l !== have[i]);
    const line = differs < 0 ? want.length : differs;
    assert.fail(
      `${CONFIG_REFERENCE} is out of date with the schema or the code; regenerate it with \`${REGENERATE}\`.\n` +
        `First difference at line ${line + 1}:\n  file:      ${have[line] ?? '(end of file)'}\n  generated: ${want[line] ?? '(end)'}`,
    );
  });

  it('marks exactly the run-time tunable fields as overridable', () => {
    const rows = configReference()
      .split('\n')
      .flatMap((line) => /^\| `([^`]+)` \|[^|]*\|[^|]*\| yes \|/.exec(line)?.[1] ?? []);
    assert.deepEqual(rows.sort(), [...RUN_TIME_TUNABLE_FIELDS].sort());
  });

  it('lists nested, list and variant fields with their types, defaults and descriptions', () => {
    const schema = z.strictObject({
      name: z.string().regex(/^[a-z]+$/).describe('What the thing is called.'),
      limits: z
        .strictObject({
          timeout: z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/).default('2m'),
          share: z.number().gt(0).lt(1).optional(),
          retries: z.int().min(1).default(3),
        })
        .prefault({}),
      sources: z.array(
        z.discriminatedUnion('type', [
          z.strictObject({ type: z.literal('csv'), path: z.string().min(1), column: z.string().default('q') }),
          z.strictObject({ type: z.literal('jsonl'), path: z.string().min(1) }),
        ]),
      ),
    });
    const byPath = new Map(specFields(schema).map((f) => [f.path, f]));
    assert.deepEqual([...byPath.keys()], ['name', 'limits', 'limits.timeout', 'limits.share', 'limits.retries', 'sources', 'sources[].type', 'sources[].path', 'sources[].column']);
    assert.deepEqual(byPath.get('name'), { path: 'name', type: 'string matching `^[a-z]+$`', default: 'required', description: 'What the thing is called.', only: [] });
    assert.equal(byPath.get('limits.timeout')!.type, 'duration (`90s`, `15m`, `24h`, `7d`)');
    assert.equal(byPath.get('limits.timeout')!.default, '`"2m"`');
    assert.equal(byPath.get('limits.share')!.type, 'number in (0, 1)');
    assert.equal(byPath.get('limits.retries')!.type, 'integer ≥ 1');
    assert.equal(byPath.get('sources')!.type, 'list of objects');
    assert.equal(byPath.get('sources[].type')!.type, 'one of `csv`, `jsonl`');
    assert.deepEqual(byPath.get('sources[].path')!.only, []);
    assert.deepEqual(byPath.get('sources[].column')!.only, ['csv']);
  });

  it('describes each environment variable from the comments of the file that reads it', () => {
    const variables = new Map(environmentVariables(projectRoot, 'src/config/roots.ts').map((v) => [v.name, v.description]));
    assert.deepEqual([...variables.keys()], ['TEMPERED_PIPELINES_DIRS', 'TEMPERED_DATA_ROOTS', 'TEMPERED_DATA_BUCKETS', 'TEMPERED_MODEL_ROOTS', 'TEMPERED_ALLOW_INLINE_SPECS']);
    assert.match(variables.get('TEMPERED_DATA_BUCKETS')!, /S3 buckets/);
    const temporal = new Map(environmentVariables(projectRoot, 'src/config/temporal.ts').map((v) => [v.name, v.description]));
    assert.equal(temporal.get('TEMPORAL_TLS_KEY'), temporal.get('TEMPORAL_TLS_CERT'), 'one bullet names both');
    assert.match(temporal.get('TEMPORAL_API_KEY')!, /API key/);
  });
});

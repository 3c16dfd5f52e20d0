import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalArtifactStore } from '../../src/artifacts/store';
import { collectRunReport, type RunSnapshot } from '../../src/report/collect-report';
import { renderRunReport } from '../../src/report/render-report';
import { failedInExperiment, gateFailedRun } from './run-fixtures';

/** The text of one report section, tags removed (entities kept). */
function sectionText(page: string, id: string): string {
  const match = new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`).exec(page);
  assert.ok(match, `the report has a section #${id}`);
  return match[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

function chartSvg(page: string, id: string): string {
  const match = new RegExp(`<svg[^>]*id="${id}"[\\s\\S]*?</svg>`).exec(page);
  assert.ok(match, `the report has a chart #${id}`);
  return match[0];
}

/** Every `d` of the paths of the chart with this id. */
function chartPaths(page: string, id: string): string[] {
  return [...chartSvg(page, id).matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]!);
}

describe('run report rendering', () => {
  let store: LocalArtifactStore;
  let run: RunSnapshot;
  before(async () => {
    store = new LocalArtifactStore({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'report-store-')) });
    run = await gateFailedRun(store);
  });

  it('escapes every text a run supplies: spec values, file names, categories, answers and failures', async () => {
    const page = renderRunReport(await collectRunReport(failedInExperiment(run), store));
    const withAnswers = renderRunReport(await collectRunReport(run, store));
    for (const html of [page, withAnswers]) {
      assert.doesNotMatch(html, /<script|<img|<iframe|<svg onload|<a href="http|<b>support/i, 'no markup from a run survives');
      assert.equal((html.match(/<table>/g) ?? []).length, (html.match(/<\/table>/g) ?? []).length, 'an answer cannot close a table');
    }
    assert.ok(page.includes('Answer &lt;b&gt;support&lt;/b&gt; questions &amp; &quot;refunds&quot; &lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(page.includes('chats/&lt;img src=x onerror=alert(2)&gt;.jsonl:7'), 'the audit row names its file and line');
    assert.ok(page.includes('invalid JSON near &quot;&lt;iframe src=//evil.example&gt;&quot;'), 'the failure is quoted as text');
    assert.ok(withAnswers.includes('&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;alert(3)'), 'the model answer is quoted as text');
    assert.ok(withAnswers.includes('&lt;svg onload=alert(4)&gt;'), 'the category is quoted as text');
    // The page may load nothing: no scripts, styles, fonts or images from anywhere.
    assert.match(page, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
    assert.doesNotMatch(withAnswers, /\b(src|href)="(?!#)/, 'no attribute points outside the page');
    assert.match(page, /<style>[^<]*font: 15px\/1\.5 system-ui, -apple-system, "Segoe UI"/, 'the report\'s own style sheet is not escaped');
  });

  it('draws the loss curves and each arm\'s interval as SVG paths through the run\'s own figures', async () => {
    const page = renderRunReport(await collectRunReport(run, store));
    const [, , training, validation] = chartPaths(page, 'chart-loss');
    // One vertex per logged step: 12 training losses, 3 validation losses.
    assert.equal(training!.match(/[ML]/g)?.length, 12);
    assert.equal(validation!.match(/[ML]/g)?.length, 3);
    const ys = [...training!.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => Number(m[1]));
    assert.ok(ys.every((y, i) => i === 0 || y > ys[i - 1]!), 'a falling loss is drawn going down the page (SVG y grows downwards)');
    const tokenF1 = chartPaths(page, 'chart-token-f1');
    assert.equal(tokenF1.filter((d) => /^M[\d.]+ [\d.]+H[\d.]+M/.test(d)).length, 2, 'one whisker per arm');
    assert.match(sectionText(page, 'evaluation'), /fine-tuned 2 0 \[0, 0\.05\] 0\.11 \[0\.06, 0\.16\]/);
    assert.match(sectionText(page, 'evaluation'), /\+0\.06 \[0\.01, 0\.11\] p=0\.03/);
    // The model's 4-bit graph against the evaluated one: answers left unchanged, and the paired change.
    assert.match(sectionText(page, 'evaluation'), /onnx-quantized 2 1 \(50(\.0)?%\) .*-0\.04 \[-0\.08, 0\] p=0\.5/);
    assert.match(chartSvg(page, 'chart-token-f1-gain'), /<path d="M[\d.]+ 22V[\d.]+" stroke="#57606a" stroke-dasharray="4 3"/, 'the zero line of the differences');
    assert.ok(chartPaths(page, 'chart-data').some((d) => /^M[\d.]+ [\d.]+h[1-9]/.test(d)), 'the data bars have width');
  });

  it('says plainly what a run stopped at the gate did not reach, and shows the failed check', async () => {
    const page = renderRunReport(await collectRunReport(run, store));
    assert.match(sectionText(page, 'gate'), /accuracy 0 \[0, 0\.05\] .* &gt;= 0\.99 FAILED/);
    assert.match(sectionText(page, 'gate'), /No approval was asked: the gate failed, so nothing was deployed\./);
    assert.match(sectionText(page, 'ab-test'), /No A\/B test: the gate failed, so nothing was deployed\./);
    assert.match(sectionText(page, 'lineage'), /Not registered: the gate failed\. The lineage below is the export's\./);
    assert.match(sectionText(page, 'lineage'), /code version 0\.1\.0 d{40}/);
    assert.match(sectionText(page, 'readiness'), /security\.pii_leaks ok answers: 12 leaks: 0/);
    assert.match(page, /<p class="state fail">stopped at the gate: nothing deployed<\/p>/);
    assert.match(sectionText(page, 'phases'), /6 continuous-improvement skipped .* skipped nothing was deployed/);
  });

  it('reports a failed run as far as it got, and why the rest is missing', async () => {
    const page = renderRunReport(await collectRunReport(failedInExperiment(run), store));
    assert.match(sectionText(page, 'data'), /collected 9 kept 6/);
    assert.match(sectionText(page, 'data'), /duplicate 1/, 'the audit counts');
    assert.match(sectionText(page, 'training'), /The experiment phase failed: chat\.jsonl:3: invalid JSON/);
    for (const id of ['evaluation', 'gate', 'lineage']) {
      assert.match(sectionText(page, id), /Not reached: the run failed in its experiment phase\./, id);
    }
    assert.match(page, /<p class="state fail">failed<\/p>/);
  });

  it('names an artifact it cannot read and makes the rest of the report', async () => {
    const broken = structuredClone(run);
    const curve = broken.status!.facts!.training!.curve!;
    broken.status!.facts!.training!.curve = { ...curve, sha256: 'e'.repeat(64), uri: curve.uri.replace(curve.sha256, 'e'.repeat(64)) };
    const report = await collectRunReport(broken, store);
    assert.equal(report.problems.length, 1);
    assert.match(report.problems[0]!, /^the loss curve \(file:\/\/\S+eeee\) could not be read: /);
    const page = renderRunReport(report);
    assert.match(page, /Parts of this report are missing/);
    assert.match(sectionText(page, 'training'), /No loss curve was stored for this training/);
    assert.match(sectionText(page, 'evaluation'), /Token F1/);
  });
});

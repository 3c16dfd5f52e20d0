import assert from 'node:assert/strict';
import { parseLossCurve } from '../../src/report/loss-curve';
import { barChart, intervalChart, lineChart, niceScale } from '../../src/report/svg-charts';

const pathsOf = (svg: string) => [...svg.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]!);
const vertices = (d: string) => [...d.matchAll(/[ML]([\d.-]+) ([\d.-]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);

describe('svg charts', () => {
  it('widens an axis to round ticks that cover the data', () => {
    assert.deepEqual(niceScale(0.0137, 2.9).ticks, [0, 0.5, 1, 1.5, 2, 2.5, 3]);
    assert.deepEqual(niceScale(1, 12).ticks, [0, 2, 4, 6, 8, 10, 12]);
    assert.deepEqual(niceScale(0.1, 0.3, 2).ticks, [0.1, 0.2, 0.3], 'no 0.30000000000000004');
    const flat = niceScale(4.2, 4.2);
    assert.ok(flat.min < 4.2 && flat.max > 4.2, 'a single value gets room on both sides');
    assert.deepEqual([niceScale(0, 0).min, niceScale(0, 0).max], [0, 1], 'scores that are all zero');
    assert.throws(() => niceScale(0, Number.NaN), /cannot scale an axis over \[0, NaN\]/);
  });

  it('draws each series through its points inside the plot, lower losses lower on the page', () => {
    const svg = lineChart({
      id: 'c',
      title: 'loss',
      xLabel: 'step',
      yLabel: 'loss',
      series: [
        { name: 'training', points: [[1, 3], [2, 2], [3, 1]], color: '#000' },
        { name: 'validation', points: [[2, 2.5]], color: '#f00', markers: true },
      ],
    })!.text;
    const [, , training, validation] = pathsOf(svg);
    const points = vertices(training!);
    assert.equal(points.length, 3);
    assert.ok(points[0]![0]! < points[1]![0]! && points[1]![0]! < points[2]![0]!, 'steps go right');
    assert.ok(points[0]![1]! < points[2]![1]!, 'loss 3 is drawn above loss 1');
    for (const [x, y] of points) assert.ok(x! >= 60 && x! <= 624 && y! >= 28 && y! <= 256, `(${x}, ${y}) inside the plot`);
    assert.equal(vertices(validation!).length, 1);
    assert.match(svg, /<circle cx="[\d.]+" cy="[\d.]+" r="3" fill="#f00"\/>/, 'a lone validation point still shows');
    assert.equal(lineChart({ id: 'e', title: 'empty', xLabel: 'x', yLabel: 'y', series: [{ name: 'none', points: [], color: '#000' }] }), null);
  });

  it('puts each interval between its ends, and labels rows as text', () => {
    const svg = intervalChart({
      id: 'i',
      title: 'token F1',
      xLabel: 'token F1',
      reference: 0,
      rows: [
        { label: 'base', value: 0.2, lower: 0.1, upper: 0.3 },
        { label: '<b>hybrid</b>', value: 0.5, lower: 0.4, upper: 0.6 },
      ],
    })!.text;
    const whiskers = pathsOf(svg).filter((d) => /H.*M.*V.*M.*V/.test(d));
    assert.equal(whiskers.length, 2);
    const [lo, hi] = [...whiskers[0]!.matchAll(/M([\d.]+) [\d.]+H([\d.]+)/g)][0]!.slice(1).map(Number);
    const dot = Number(/<circle cx="([\d.]+)"/.exec(svg)![1]);
    assert.ok(lo! < dot && dot < hi!, 'the point lies inside its interval');
    assert.ok(svg.includes('&lt;b&gt;hybrid&lt;/b&gt;') && !svg.includes('<b>'));
    assert.match(svg, /0\.5 \[0\.4, 0\.6\]/);
  });

  it('draws bars from zero with widths in proportion to their values', () => {
    const svg = barChart({ id: 'b', title: 'records', xLabel: 'records', bars: [{ label: 'kept', value: 40 }, { label: 'dropped', value: 10 }] })!.text;
    const widths = pathsOf(svg)
      .map((d) => /^M[\d.]+ [\d.]+h([\d.]+)v/.exec(d))
      .filter(Boolean)
      .map((m) => Number(m![1]));
    assert.equal(widths.length, 2);
    assert.ok(Math.abs(widths[0]! / widths[1]! - 4) < 0.01, `40 is drawn four times as long as 10 (${widths})`);
  });
});

describe('loss curve', () => {
  it('keeps [step, loss] pairs, skips losses the trainer could not compute, and names what is malformed', () => {
    const curve = parseLossCurve({ kind: 'tempered.loss-curve/v1', train: [[1, 2.5], [2, null], [3, 2.1]], validation: [] }, 'curve.json');
    assert.deepEqual(curve.train, [[1, 2.5], [3, 2.1]]);
    assert.throws(() => parseLossCurve({ kind: 'tempered.loss-curve/v1', train: [[1, 2], ['2', 1]], validation: [] }, 'curve.json'), /curve\.json: train\[1\]: expected \[step, loss\] with two finite numbers, got \["2",1\]/);
    assert.throws(() => parseLossCurve({ train: [] }, 'curve.json'), /curve\.json: expected a JSON object of kind tempered\.loss-curve\/v1/);
  });
});

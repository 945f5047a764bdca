import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  readRecsEvalReport,
  recsEvalReportPath,
  RecsEvalReportError,
  writeRecsEvalReport,
  type RecsEvalReport,
} from './recs-eval-report';

const report = (): RecsEvalReport => ({
  kind: 'recs-eval',
  version: 1,
  generatedAt: '2025-11-21T10:00:00.000Z',
  k: 10,
  holdout: 10,
  datasets: [
    {
      dataset: 'movielens-100k',
      users: 943,
      items: 1682,
      interactions: 100000,
      lambda: 200,
      blendWeights: { popularity: 0.05 },
      rows: [{ recommender: 'popularity', precision: 0.1, recall: 0.05, map: 0.04, ndcg: 0.11, coverage: 0.05 }],
    },
  ],
});

describe('recs-eval report file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'recs-report-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is absent until written, then reads back what was written under reports/', () => {
    expect(readRecsEvalReport(dir)).toBeUndefined();
    const path = writeRecsEvalReport(dir, report());
    expect(path).toBe(join(dir, 'reports', 'recs-eval.json'));
    expect(readRecsEvalReport(dir)).toEqual(report());
  });

  it('refuses to write or serve a report of the wrong shape', () => {
    const bad = report();
    (bad.datasets[0].rows[0] as unknown as Record<string, unknown>).ndcg = 'high';
    expect(() => writeRecsEvalReport(dir, bad)).toThrow(/row 0: bad ndcg/);
    expect(readRecsEvalReport(dir)).toBeUndefined();
    writeRecsEvalReport(dir, report());
    const path = recsEvalReportPath(dir);
    writeFileSync(path, '{"kind":"recs-eval","version":2}');
    expect(() => readRecsEvalReport(dir)).toThrow(RecsEvalReportError);
    writeFileSync(path, 'not json');
    expect(() => readRecsEvalReport(dir)).toThrow(/not JSON/);
    expect(readFileSync(path, 'utf8')).toBe('not json');
  });
});

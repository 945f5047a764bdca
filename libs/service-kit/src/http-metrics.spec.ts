import type { AddressInfo } from 'node:net';
import express from 'express';
import { metricsRegistry } from '@atelier/observability';
import { httpMetricsMiddleware } from './http-metrics';
import { MetricProbes } from './metric-probes';

const sample = async (name: string, labels: Record<string, string>): Promise<number | undefined> => {
  // A histogram's _count/_bucket/_sum samples live under the histogram's own name, tagged with metricName.
  const values = (await metricsRegistry.getMetricsAsJSON()).flatMap((m) =>
    (m.values as Array<{ labels: Record<string, string | number>; value: number; metricName?: string }>).map((v) => ({
      ...v,
      metricName: v.metricName ?? m.name,
    })),
  );
  return values.find(
    (v) => v.metricName === name && Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l),
  )?.value;
};

describe('httpMetricsMiddleware', () => {
  it('counts answers by route pattern and status, 5xx and unmatched paths included', async () => {
    const app = express();
    app.use(httpMetricsMiddleware);
    app.get('/items/:id', (_req, res) => void res.json({ ok: true }));
    app.get('/boom', (_req, res) => void res.status(500).json({ error: 'x' }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await fetch(`${base}/items/1`);
      await fetch(`${base}/items/2`);
      await fetch(`${base}/boom`);
      await fetch(`${base}/nowhere/7`);
    } finally {
      server.close();
    }
    // Two ids, one route label: raw paths never become label values.
    expect(await sample('atelier_http_requests_total', { route: '/items/:id', status: '200' })).toBe(2);
    expect(await sample('atelier_http_requests_total', { route: '/boom', status: '500' })).toBe(1);
    expect(await sample('atelier_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
    expect(await sample('atelier_http_request_seconds_count', { route: '/items/:id', method: 'GET' })).toBe(2);
  });
});

describe('MetricProbes', () => {
  it('runs every probe on refresh and counts a failing one without failing the scrape', async () => {
    const probes = new MetricProbes();
    let ran = 0;
    probes.register('ok', async () => void ran++);
    probes.register('broken', () => Promise.reject(new Error('database down')));
    await expect(probes.refresh()).resolves.toBeUndefined();
    await probes.refresh();
    expect(ran).toBe(2);
    expect(await sample('atelier_metric_probe_errors_total', { probe: 'broken' })).toBe(2);
  });
});

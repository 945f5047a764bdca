// Imported first by main.ts: OpenTelemetry (when OTEL_TRACES_EXPORTER=otlp) must patch http, express and pg
// before anything loads them. Off, this loads no SDK.
import { loadConfig } from '@atelier/config';
import { startTracing } from '@atelier/observability';

startTracing(loadConfig('gateway').tracing);

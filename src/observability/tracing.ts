import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { envDetectorSync, Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  type OpenTelemetryWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import type { ObservabilitySettings } from './settings';

export interface WorkerTracing {
  /** Activity interceptors, the client interceptor of the client activities get, and the workflow bundle's module. */
  interceptors: Required<Pick<WorkerInterceptors, 'activity' | 'client' | 'workflowModules'>>;
  /** The sink workflow spans leave the sandbox through. */
  sinks: InjectedSinks<{ exporter: OpenTelemetryWorkflowExporter }>;
  /** Exports the spans still buffered; call when the workers have stopped. */
  shutdown(): Promise<void>;
}

/**
 * The workflow interceptors module, bundled into the workflow code (`interceptors.workflowModules`): it traces
 * workflow runs and puts the context into the headers of the activities and child workflows they start.
 */
export const TRACING_WORKFLOW_MODULE = require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

let started: WorkerTracing | undefined;

/**
 * OpenTelemetry tracing of workflows and activities, on only when OTEL_EXPORTER_OTLP_ENDPOINT is set: spans go in
 * batches to `<endpoint>/v1/traces` over OTLP/HTTP (JSON), with `service.name` `serviceName` unless
 * OTEL_SERVICE_NAME says otherwise. One tracer provider per process: a second call returns the first.
 */
export function startTracing(settings: Pick<ObservabilitySettings, 'tracingEndpoint'>, serviceName: string): WorkerTracing | null {
  if (!settings.tracingEndpoint) return null;
  if (started) return started;
  // The exporter reads the endpoint, headers and timeouts from the OTEL_EXPORTER_OTLP_* variables itself.
  const processor = new BatchSpanProcessor(new OTLPTraceExporter());
  const resource = Resource.default().merge(new Resource({ 'service.name': serviceName })).merge(envDetectorSync.detect());
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  provider.register({ contextManager: new AsyncLocalStorageContextManager() });
  started = {
    interceptors: {
      activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
      client: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
      workflowModules: [TRACING_WORKFLOW_MODULE],
    },
    sinks: { exporter: makeWorkflowExporter(processor, resource) },
    shutdown: () => provider.shutdown(),
  };
  return started;
}

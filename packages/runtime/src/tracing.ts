import type { Telemetry } from "bullmq";

/**
 * OpenTelemetry traces of the pipeline: a scan → its analyze jobs → each signal's alert job → each
 * delivery job, one trace per scan, carried from job to job through Redis by BullMQ's telemetry
 * (bullmq-otel: each job's options hold its producer's trace context, and the worker's `process`
 * span continues it, so what a processor enqueues is a child of that job). A signal's path is the
 * subtree under its alert job (`alert.<signalId>`).
 *
 * Off by default, at no cost: nothing here is imported by a process that has no
 * OTEL_EXPORTER_OTLP_ENDPOINT (the SDK is loaded by {@link startTracing} only), BullMQ runs
 * without its telemetry option (no span, no context lookup), and {@link inSpan} calls straight
 * through.
 */

export interface TracingOptions {
  /** OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT); spans are POSTed as JSON to `<endpoint>/v1/traces`. */
  readonly endpoint: string;
  /** The resource's `service.name`, e.g. `vpa-scanner`. */
  readonly serviceName: string;
  /**
   * Longest wait between two exports. @defaultValue 5000 (the SDK's). Spans are also exported
   * when 512 are waiting, and all of them by {@link Tracing.shutdown}.
   */
  readonly exportIntervalMs?: number;
}

export interface Tracing {
  /** BullMQ's telemetry: give it to every queue and worker (QueueConnection.telemetry). */
  readonly telemetry: Telemetry;
  /** Exports the spans still buffered, then stops tracing (the process's globals are reset). */
  shutdown(): Promise<void>;
}

/** The minimal span surface {@link inSpan} needs, so this module imports no OpenTelemetry type eagerly. */
interface ActiveTracer {
  startActiveSpan<T>(
    name: string,
    options: { attributes: Record<string, string | number | boolean> },
    fn: (span: {
      end(): void;
      recordException(error: Error): void;
      setStatus(status: { code: number; message?: string }): void;
    }) => T,
  ): T;
}

/** Set while tracing runs in this process. */
let activeTracer: ActiveTracer | null = null;
/** SpanStatusCode.ERROR (a constant of @opentelemetry/api, copied to keep it out of an off process). */
const SPAN_STATUS_ERROR = 2;

/**
 * Starts exporting traces over OTLP/HTTP (JSON) and registers the process-wide context manager
 * (AsyncLocalStorage, so the active span follows awaits), the W3C trace-context propagator (what
 * BullMQ writes into each job) and the tracer provider. Loads the SDK here, on first use.
 *
 * ```ts
 * const tracing = await startTracing({ endpoint: "http://collector:4318", serviceName: "vpa-scanner" });
 * const connection = { ...connection, telemetry: tracing.telemetry };
 * // … createQueue / createWorker with that connection …
 * await tracing.shutdown(); // flushes
 * ```
 */
export async function startTracing(options: TracingOptions): Promise<Tracing> {
  const [api, core, sdk, hooks, resources, exporterModule, otel] = await Promise.all([
    import("@opentelemetry/api"),
    import("@opentelemetry/core"),
    import("@opentelemetry/sdk-trace"),
    import("@opentelemetry/context-async-hooks"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("bullmq-otel"),
  ]);
  const exporter = new exporterModule.OTLPTraceExporter({
    url: `${options.endpoint.replace(/\/+$/, "")}/v1/traces`,
  });
  const provider = new sdk.TracerProvider({
    resource: resources.resourceFromAttributes({ "service.name": options.serviceName }),
    spanProcessors: [
      new sdk.BatchSpanProcessor({
        exporter,
        ...(options.exportIntervalMs === undefined ? {} : { scheduledDelayMillis: options.exportIntervalMs }),
      }),
    ],
  });
  const contextManager = new hooks.AsyncLocalStorageContextManager().enable();
  api.context.setGlobalContextManager(contextManager);
  api.propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
  api.trace.setGlobalTracerProvider(provider);
  activeTracer = api.trace.getTracer("vpa") as unknown as ActiveTracer;
  return {
    telemetry: new otel.BullMQOtel({ tracerName: "bullmq" }) as unknown as Telemetry,
    async shutdown() {
      activeTracer = null;
      try {
        await provider.shutdown();
      } finally {
        api.trace.disable();
        api.propagation.disable();
        api.context.disable();
      }
    },
  };
}

/**
 * Runs `fn` inside a span named `name` when tracing runs (what BullMQ enqueues inside it joins
 * its trace); otherwise just runs it. A thrown error is recorded on the span and rethrown.
 */
export async function inSpan<T>(
  name: string,
  attributes: Record<string, string | number | boolean>,
  fn: () => Promise<T>,
): Promise<T> {
  const tracer = activeTracer;
  if (tracer === null) return fn();
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      span.recordException(err);
      span.setStatus({ code: SPAN_STATUS_ERROR, message: err.message });
      throw error;
    } finally {
      span.end();
    }
  });
}

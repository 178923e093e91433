import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const RUNTIME = resolve(import.meta.dirname, "..");

/**
 * Tracing is off unless OTEL_EXPORTER_OTLP_ENDPOINT is set, and off costs nothing: a process that
 * never calls startTracing loads none of the OpenTelemetry SDK. Checked in a fresh Node process
 * whose module resolution is recorded (node:module registerHooks), since this test process's own
 * module graph is vitest's.
 */
describe("tracing when off", () => {
  it("loads no OpenTelemetry SDK, exporter or BullMQ telemetry, and inSpan just runs the function", () => {
    const script = `
      import { registerHooks } from "node:module";
      const resolved = [];
      registerHooks({ resolve(specifier, context, next) { resolved.push(specifier); return next(specifier, context); } });
      const runtime = await import("@vpa/runtime");
      const value = await runtime.inSpan("scan", { "vpa.timeframe": "1D" }, async () => 42);
      const queue = runtime.createQueue("analyze", { redisUrl: "redis://127.0.0.1:1", prefix: "unused" });
      const telemetry = queue.queue.opts.telemetry ?? null;
      console.log(JSON.stringify({ value, telemetry, loaded: resolved.filter((s) =>
        /@opentelemetry\\/(sdk-trace|exporter|context-async-hooks|resources|core)|bullmq-otel/.test(s)) }));
      process.exit(0);
    `;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: RUNTIME,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(child.status, child.stderr).toBe(0);
    const report = JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "{}");
    expect(report).toEqual({ value: 42, telemetry: null, loaded: [] });
  });
});

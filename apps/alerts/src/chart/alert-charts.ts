/**
 * The chart of an instant alert, drawn once per signal and shared by its deliveries.
 *
 * Get-or-render, lazily, in the delivery job (deliver.job.ts); the fan-out of an alert that goes
 * out at once only starts it (`warmChart`, not awaited), so the drawing overlaps the fan-out's
 * queries instead of sitting in the first send's path. A chart that expired or was evicted is
 * drawn again by the next delivery that needs it. One drawing costs tens of milliseconds (the PNG
 * test prints it). The last few charts are also kept in the process (`RECENT_CHARTS`): a HIGH
 * alert's hundreds of deliveries then read its chart once per process, not once each from Redis
 * (a round trip and a fresh buffer of the PNG per delivery).
 * Within a process concurrent deliveries of one signal wait for one drawing; across processes
 * the first to miss the cache claims the drawing in Redis (`claimDrawing`) and the others wait for
 * its chart to appear in the cache (polled, at most `drawingWaitMs`, then they draw it
 * themselves: the claimer may have died). The claimer gives the claim up when its drawing is over,
 * drawn or not (a signal without its bar has no chart), and a waiter that finds the claim free
 * takes it and draws at once. So several alerts workers, each sending some of a HIGH
 * alert's deliveries, draw its chart once between them, not once each. Two drawings of one chart
 * (a claim expired, Redis away) are the same bytes: the drawing is deterministic.
 *
 * A bar close starts a dozen charts at once: their reads are coalesced (one statement for the
 * signals, one per timeframe for their bars, instead of three round trips each), and at most
 * `RENDERS_AT_ONCE` are handed to the chart thread at a time (render-chart-png.ts), so they come
 * out one after another, the first within milliseconds, instead of all at the end of the burst;
 * the SVG of the next is built while the thread draws the one before.
 *
 * A chart is an illustration: when it cannot be had (its bars are gone, Redis or the renderer
 * fails), the alert goes without it, and the reason is logged. `imageFor` never throws.
 *
 * Digests carry no chart: a digest is a ranked list of several symbols, one symbol's chart would
 * read as the whole digest's subject; its text often needs more than a photo caption's 1,024
 * characters; and its items carry no signal id to key a chart by.
 */
import { type BarRow, type Database, findSignals, loadChartBarsOfSignals, type SignalView } from "@vpa/db";
import { createCoalescingBatcher, createConcurrencyLimit, type Metrics } from "@vpa/runtime";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { MessageImage } from "../render/rendered-message.ts";
import { alertChartInput } from "./alert-chart-input.ts";
import type { ChartCache } from "./redis-chart-cache.ts";
import { renderChartPng } from "./render-chart-png.ts";
import { type ChartBar, type ChartInput, renderChartSvg } from "./render-chart-svg.ts";
import { supportAndResistance } from "./support-resistance.ts";

export interface AlertCharts {
  /**
   * The chart of a signal, from the cache or drawn (and cached) now; null when there is none.
   * Never throws. `known`: the signal as the caller already read it (the fan-out), not read again.
   */
  imageFor(signalId: number, known?: SignalView): Promise<MessageImage | null>;
  /**
   * Draws made-up charts (nothing cached or sent) so that the first alert's chart does not pay
   * for starting the chart thread, loading resvg and the font, and compiling the drawing code:
   * ~140 ms for a process's first chart on a quiet machine and ~500 ms inside a close's burst,
   * against ~10 ms for each later one (bench/live). A worker calls it as it starts, because a new
   * worker (a deploy, a restart, a scale-up) meets its first burst cold. Never throws.
   */
  warmUp(): Promise<void>;
}

export interface AlertChartsOptions {
  readonly db: Kysely<Database>;
  readonly cache: ChartCache;
  readonly logger: Logger;
  /** Counts each chart by where it came from (`vpa_alert_charts_total`); none counted without it. */
  readonly metrics?: Pick<Metrics, "alertCharts">;
  /**
   * How long a process waits for a chart another process claimed before drawing it itself.
   * Default {@link DRAWING_WAIT_MS}.
   */
  readonly drawingWaitMs?: number;
}

/**
 * Waiting for another process's drawing: a chart takes ~10 ms alone and a few hundred behind a
 * close's other charts, so 2 s covers a slow one; past it the claimer is taken for gone.
 */
export const DRAWING_WAIT_MS = 2_000;
/** A claim outlives the wait, so a slow drawer is not joined by a second before the wait is over. */
const DRAWING_CLAIM_MS = 5_000;
/** How often a waiting process looks for the claimed chart. */
const DRAWING_POLL_MS = 15;

/**
 * @example
 * const cache = new RedisChartCache({ redisUrl: connection.redisUrl, prefix: connection.prefix });
 * const charts = createAlertCharts({ db, cache, logger });
 * const image = await charts.imageFor(signalId); // { png, alt } or null
 */
/** Charts kept in the process (a PNG is ~15–40 KB): every HIGH alert of a scan, and then some. */
const RECENT_CHARTS = 32;
/** Charts handed to the chart thread at once: one drawn, one waiting (no idle gap between them). */
const RENDERS_AT_ONCE = 2;
/** Signals whose bars are read by one statement. */
const LOADS_AT_ONCE = 64;
/** Made-up charts drawn by `warmUp`: the first pays the start, the second the code still cold. */
const WARM_UP_CHARTS = 2;

/** A chart like an alert's (60 daily bars, both languages in its text), for `warmUp` only. */
function warmUpChart(): ChartInput {
  const bars: ChartBar[] = Array.from({ length: 60 }, (_, i) => {
    const close = 20 + Math.sin(i / 6) * 2;
    return {
      time: new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10),
      open: close - 0.2,
      high: close + 0.5,
      low: close - 0.6,
      close,
      volume: 100_000 + ((i * 7919) % 50_000),
    };
  });
  return {
    bars,
    signalIndex: bars.length - 1,
    ...supportAndResistance(bars, bars.length - 1),
    bias: "bull",
    title: "VPA · HOSE · 1D · 2024-02-29",
    subtitle: "Selling climax · Cao trào bán ▲ bull · score 87",
  };
}

export function createAlertCharts(options: AlertChartsOptions): AlertCharts {
  const logger = options.logger.child({ module: "alert-charts" });
  const counted = (source: "drawn" | "cache" | "none") => options.metrics?.alertCharts.inc({ source });
  const inFlight = new Map<number, Promise<MessageImage | null>>();
  // Insertion-ordered: the oldest is dropped first. A chart is deterministic, so never stale.
  const recent = new Map<number, MessageImage>();
  const remember = (signalId: number, image: MessageImage | null) => {
    if (image === null) return;
    recent.delete(signalId);
    recent.set(signalId, image);
    if (recent.size > RECENT_CHARTS) recent.delete(recent.keys().next().value as number);
  };

  const signals = createCoalescingBatcher<number, SignalView | undefined>(
    (ids) => findSignals(options.db, ids),
    {
      weight: () => 1,
      maxWeight: LOADS_AT_ONCE,
    },
  );
  const bars = createCoalescingBatcher<number, BarRow[]>((ids) => loadChartBarsOfSignals(options.db, ids), {
    weight: () => 1,
    maxWeight: LOADS_AT_ONCE,
  });
  const rasterise = createConcurrencyLimit(RENDERS_AT_ONCE);

  async function draw(signalId: number, known: SignalView | undefined): Promise<MessageImage | null> {
    const started = performance.now();
    const [signal, chartBars] = await Promise.all([known ?? signals.add(signalId), bars.add(signalId)]);
    if (signal === undefined) return null;
    const chart = alertChartInput(signal, chartBars);
    if (chart === null) {
      logger.info({ signalId }, "the signal's bar is not stored; the alert goes without a chart");
      return null;
    }
    const loaded = performance.now();
    const png = await rasterise(() => renderChartPng(renderChartSvg(chart.input)));
    logger.debug(
      {
        signalId,
        loadMs: Math.round(loaded - started),
        renderMs: Math.round(performance.now() - loaded),
        bytes: png.byteLength,
      },
      "chart drawn",
    );
    return { png, alt: chart.alt };
  }

  /**
   * The cached chart, or the drawing claimed for this process: waits while another process holds
   * the claim (polling, at most `drawingWaitMs`), taking the claim as soon as it is free.
   */
  async function cachedOrClaimed(
    signalId: number,
    claim: (key: number, ttlMs: number) => Promise<boolean>,
  ): Promise<{ readonly image: MessageImage } | { readonly claimed: boolean }> {
    const deadline = performance.now() + (options.drawingWaitMs ?? DRAWING_WAIT_MS);
    for (let first = true; ; first = false) {
      if (!first) await new Promise((resolve) => setTimeout(resolve, DRAWING_POLL_MS));
      const cached = await options.cache.get(signalId);
      if (cached !== null) return { image: cached };
      if (await claim(signalId, DRAWING_CLAIM_MS)) return { claimed: true };
      if (performance.now() >= deadline) {
        logger.info({ signalId }, "the chart another process claimed did not come; drawing it here");
        return { claimed: false };
      }
    }
  }

  async function cachedOrDrawn(
    signalId: number,
    known: SignalView | undefined,
  ): Promise<MessageImage | null> {
    let claimed = false;
    try {
      const claim = options.cache.claimDrawing?.bind(options.cache);
      if (claim === undefined) {
        const cached = await options.cache.get(signalId);
        if (cached !== null) {
          counted("cache");
          return cached;
        }
      } else {
        const found = await cachedOrClaimed(signalId, claim);
        if ("image" in found) {
          counted("cache");
          return found.image;
        }
        claimed = found.claimed;
      }
    } catch (err) {
      logger.warn({ err, signalId }, "chart cache unreadable; drawing the chart");
    }
    try {
      return await drawAndCache(signalId, known);
    } finally {
      if (claimed)
        await options.cache.releaseDrawing?.(signalId).catch((err: unknown) => {
          logger.debug({ err, signalId }, "could not give the drawing claim up; it expires");
        });
    }
  }

  async function drawAndCache(signalId: number, known: SignalView | undefined): Promise<MessageImage | null> {
    let image: MessageImage | null;
    try {
      image = await draw(signalId, known);
    } catch (err) {
      logger.warn({ err, signalId }, "could not draw the alert's chart; it goes without one");
      counted("none");
      return null;
    }
    counted(image === null ? "none" : "drawn");
    if (image === null) return null;
    try {
      await options.cache.set(signalId, image);
    } catch (err) {
      logger.warn({ err, signalId }, "could not cache the chart; the next delivery draws it again");
    }
    return image;
  }

  return {
    async warmUp() {
      const started = performance.now();
      try {
        const input = warmUpChart();
        for (let i = 0; i < WARM_UP_CHARTS; i++) await rasterise(() => renderChartPng(renderChartSvg(input)));
        logger.info({ ms: Math.round(performance.now() - started) }, "chart drawing warmed up");
      } catch (err) {
        logger.warn(
          { err },
          "could not draw the warm-up chart; the first alert's chart may be slow or missing",
        );
      }
    },
    imageFor(signalId, known) {
      const kept = recent.get(signalId);
      if (kept !== undefined) return Promise.resolve(kept);
      const running = inFlight.get(signalId);
      if (running !== undefined) return running;
      const drawing = cachedOrDrawn(signalId, known)
        .then((image) => {
          remember(signalId, image);
          return image;
        })
        .finally(() => inFlight.delete(signalId));
      inFlight.set(signalId, drawing);
      return drawing;
    },
  };
}

import { isTimeframe, type Timeframe } from "@vpa/db";
import { isProviderName, PROVIDER_NAMES } from "@vpa/market-data";
import { createConfiguredProvider, fetchLatestBars, scanMarket } from "@vpa/scanner";
import type { AppContext } from "../app-context.ts";
import { UsageError } from "../cli-error.ts";
import { countOf } from "../count-of.ts";
import { parseList, parseOptions } from "../parse-options.ts";

const BAR_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z))?$/;

export async function runFetch(app: AppContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions("fetch", args);
  if (positionals.length > 0) throw new UsageError(`fetch: unexpected ${positionals.join(" ")}`);
  if (values.provider !== undefined && !isProviderName(values.provider)) {
    throw new UsageError(
      `fetch: unknown --provider ${values.provider} (known: ${PROVIDER_NAMES.join(", ")})`,
    );
  }
  const timeframe = values.timeframe ?? "1D";
  if (!isTimeframe(timeframe)) throw new UsageError(`fetch: unknown --timeframe ${timeframe}`);
  for (const [name, value] of [
    ["from", values.from],
    ["to", values.to],
  ] as const) {
    if (value !== undefined && !BAR_TIME.test(value))
      throw new UsageError(`fetch: --${name} must be YYYY-MM-DD (got ${value})`);
  }
  if (values.url !== undefined && !/^https?:\/\//.test(values.url))
    throw new UsageError("fetch: --url must start with http:// or https://");
  // --scan enqueues at the end: find out now, before fetching and storing, whether Redis is there.
  if (values.scan) await app.requireServices("postgres", "redis");
  const provider = createConfiguredProvider(app.config.marketData, app.metrics, {
    ...(values.provider === undefined ? {} : { provider: values.provider }),
    ...(values.url === undefined ? {} : { baseUrl: values.url }),
  });
  try {
    const summary = await fetchLatestBars(app.database.db, provider, {
      timeframe: timeframe as Timeframe,
      ...(values.symbols === undefined ? {} : { symbols: parseList(values.symbols) }),
      ...(values.from === undefined ? {} : { from: values.from }),
      ...(values.to === undefined ? {} : { to: values.to }),
      onSymbol: (symbol, _bars, error) => {
        if (!values.json && error !== null) console.error(`  ${symbol}: ${error.message}`);
      },
    });
    app.metrics.barsIngested.inc({ source: "fetch" }, summary.barsWritten);
    let scanned = 0;
    if (values.scan && summary.updated.length > 0) {
      const plan = await scanMarket(app.database.db, app.queue("analyze"), {
        timeframe: timeframe as Timeframe,
        symbols: summary.updated.map((u) => u.symbol),
        // Every new bar gets analysed, not only the newest: a fetch after downtime brings several.
        sinceBySymbol: new Map(summary.updated.map((u) => [u.symbol, u.oldest])),
        digestQueue: app.queue("digests"),
        chunkSize: app.config.scan.analyzeChunkSize,
      });
      scanned = plan.symbols.length;
    }
    if (values.json) {
      console.log(JSON.stringify({ ...summary, provider: provider.name, scanned }));
    } else {
      console.log(
        `${provider.name}: ${countOf(summary.symbols, "symbol")}, ${countOf(summary.barsFetched, "new bar")} (${summary.barsWritten.toLocaleString("en-US")} written), ` +
          `${countOf(summary.updated.length, "symbol")} updated, ${summary.failed.length} failed` +
          (values.scan ? `; ${countOf(scanned, "symbol")} enqueued for analysis` : ""),
      );
    }
    return summary.failed.length > 0 ? 1 : 0;
  } finally {
    await provider.close?.();
  }
}

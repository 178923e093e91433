/**
 * Reads `symbol,date,open,high,low,close,volume` CSV(.gz) files into per-symbol columns, the way
 * an importer would (vn-market.md §7): rows with inconsistent OHLC (high < low, open/close outside
 * [low, high], negative or non-finite values) are dropped, and so are rows whose date does not
 * increase (the shared dataset repeats one FPT row, 2016-09-23). Both are counted, never silent.
 *
 * Test and benchmark support only: this is I/O, so it lives outside `src/`.
 */
import { createReadStream, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createGunzip } from "node:zlib";
import type { Bar, BarColumns } from "../../src/index.ts";

const repositoryRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/** The shared 3.2M-row dataset (`../shared/data/` next to the repository); may be absent. */
export const SHARED_DAILY_DATA_PATH = `${repositoryRoot}../shared/data/vn-daily-2000-2021.csv.gz`;

/** The small VN30 subset the repository carries. */
export const FIXTURE_DAILY_DATA_PATH = `${repositoryRoot}fixtures/vn30-daily-2018-2021.csv.gz`;

export const sharedDataAvailable = existsSync(SHARED_DAILY_DATA_PATH);

export interface SymbolSeries {
  readonly symbol: string;
  readonly columns: BarColumns;
}

export interface DailyDataset {
  readonly series: readonly SymbolSeries[];
  readonly rowsRead: number;
  readonly rowsKept: number;
  readonly droppedInconsistent: number;
  readonly droppedNonIncreasingDate: number;
}

class SeriesBuilder {
  readonly time: string[] = [];
  readonly open: number[] = [];
  readonly high: number[] = [];
  readonly low: number[] = [];
  readonly close: number[] = [];
  readonly volume: number[] = [];
}

/** True when a row satisfies the bar invariant the core assumes. */
export function isConsistentBar(
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
): boolean {
  return (
    Number.isFinite(open + high + low + close + volume) &&
    low <= open &&
    low <= close &&
    open <= high &&
    close <= high &&
    volume >= 0
  );
}

/**
 * Streams a gzip CSV file and returns its series in file order (the file is sorted by symbol, date).
 *
 * @param symbols keep only these symbols (all when omitted)
 */
export async function readDailyBarsCsvGz(path: string, symbols?: ReadonlySet<string>): Promise<DailyDataset> {
  const builders = new Map<string, SeriesBuilder>();
  let rowsRead = 0;
  let rowsKept = 0;
  let droppedInconsistent = 0;
  let droppedNonIncreasingDate = 0;
  let leftover = "";
  let header = true;

  const consume = (line: string): void => {
    if (header) {
      header = false;
      return;
    }
    if (line.length === 0) return;
    rowsRead++;
    const c1 = line.indexOf(",");
    const symbol = line.slice(0, c1);
    if (symbols !== undefined && !symbols.has(symbol)) return;
    const c2 = line.indexOf(",", c1 + 1);
    const c3 = line.indexOf(",", c2 + 1);
    const c4 = line.indexOf(",", c3 + 1);
    const c5 = line.indexOf(",", c4 + 1);
    const c6 = line.indexOf(",", c5 + 1);
    const date = line.slice(c1 + 1, c2);
    const open = Number(line.slice(c2 + 1, c3));
    const high = Number(line.slice(c3 + 1, c4));
    const low = Number(line.slice(c4 + 1, c5));
    const close = Number(line.slice(c5 + 1, c6));
    const volume = Number(line.slice(c6 + 1));
    if (!isConsistentBar(open, high, low, close, volume)) {
      droppedInconsistent++;
      return;
    }
    let builder = builders.get(symbol);
    if (builder === undefined) {
      builder = new SeriesBuilder();
      builders.set(symbol, builder);
    }
    const last = builder.time.at(-1);
    if (last !== undefined && date <= last) {
      droppedNonIncreasingDate++;
      return;
    }
    builder.time.push(date);
    builder.open.push(open);
    builder.high.push(high);
    builder.low.push(low);
    builder.close.push(close);
    builder.volume.push(volume);
    rowsKept++;
  };

  const stream = createReadStream(path).pipe(createGunzip());
  stream.setEncoding("utf8");
  for await (const chunk of stream as AsyncIterable<string>) {
    const text = leftover + chunk;
    let start = 0;
    for (let end = text.indexOf("\n", start); end !== -1; end = text.indexOf("\n", start)) {
      consume(text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end));
      start = end + 1;
    }
    leftover = text.slice(start);
  }
  consume(leftover);

  const series: SymbolSeries[] = [];
  for (const [symbol, b] of builders) {
    series.push({
      symbol,
      columns: {
        time: b.time,
        open: Float64Array.from(b.open),
        high: Float64Array.from(b.high),
        low: Float64Array.from(b.low),
        close: Float64Array.from(b.close),
        volume: Float64Array.from(b.volume),
      },
    });
  }
  return { series, rowsRead, rowsKept, droppedInconsistent, droppedNonIncreasingDate };
}

/** Columns → bar objects (for the object-based API). */
export function columnsToBars(columns: BarColumns): Bar[] {
  const bars: Bar[] = new Array(columns.time.length);
  for (let i = 0; i < bars.length; i++) {
    bars[i] = {
      time: columns.time[i]!,
      open: columns.open[i]!,
      high: columns.high[i]!,
      low: columns.low[i]!,
      close: columns.close[i]!,
      volume: columns.volume[i]!,
    };
  }
  return bars;
}

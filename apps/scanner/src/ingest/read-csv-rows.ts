import { BarFileError } from "./bar-file-error.ts";
import { fixedSymbolFor, malformedRow, type RawBarRow, type ReadBarFileOptions } from "./raw-bar-row.ts";
import { readLineChunks } from "./read-line-chunks.ts";

const REQUIRED = ["date", "open", "high", "low", "close", "volume"] as const;

/**
 * CSV rows, split on commas: bar files never quote (stock lists do, see split-csv-line.ts), and a
 * plain split is several times faster. Blank lines are skipped, and so are comment lines starting
 * with `#` before the header (the project's fixtures say where they come from that way, e.g.
 * `fixtures/vn30f1m-15m-sample.csv`); after the header a `#` line is a row like any other, and is
 * rejected, so no data line is ever skipped silently.
 */
export async function* readCsvRowChunks(
  path: string,
  options: ReadBarFileOptions,
): AsyncGenerator<RawBarRow[]> {
  let columns: {
    symbol: number;
    date: number;
    open: number;
    high: number;
    low: number;
    close: number;
    volume: number;
  } | null = null;
  let fixedSymbol = "";
  let minFields = 0;
  try {
    for await (const chunk of readLineChunks(path)) {
      const rows: RawBarRow[] = [];
      const { lines, firstLine } = chunk;
      for (let i = 0; i < lines.length; i++) {
        const text = lines[i] as string;
        if (columns === null) {
          if (text.trim() === "" || text.replace(/^\uFEFF/, "").startsWith("#")) continue;
          const header = text
            .replace(/^\uFEFF/, "")
            .split(",")
            .map((h) => h.trim().toLowerCase());
          const missing = REQUIRED.filter((name) => !header.includes(name));
          if (missing.length > 0) {
            throw new BarFileError(
              `${path}:${firstLine + i}: header lacks ${missing.join(", ")} (got: ${header.join(",")})`,
            );
          }
          columns = {
            symbol: header.indexOf("symbol"),
            date: header.indexOf("date"),
            open: header.indexOf("open"),
            high: header.indexOf("high"),
            low: header.indexOf("low"),
            close: header.indexOf("close"),
            volume: header.indexOf("volume"),
          };
          if (columns.symbol < 0) fixedSymbol = fixedSymbolFor(path, options);
          minFields = 0;
          for (const index of Object.values(columns)) minFields = Math.max(minFields, index + 1);
          continue;
        }
        if (text.length === 0 || text.trim() === "") continue;
        const fields = text.split(",");
        if (fields.length < minFields) {
          rows.push(
            malformedRow(path, firstLine + i, `${fields.length} field(s), the header needs ${minFields}`),
          );
          continue;
        }
        rows.push({
          file: path,
          line: firstLine + i,
          symbol: columns.symbol < 0 ? fixedSymbol : field(fields, columns.symbol),
          date: field(fields, columns.date),
          open: field(fields, columns.open),
          high: field(fields, columns.high),
          low: field(fields, columns.low),
          close: field(fields, columns.close),
          volume: field(fields, columns.volume),
        });
      }
      if (rows.length > 0) yield rows;
    }
  } catch (error) {
    if (error instanceof BarFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file or directory" : (error as Error).message;
    throw new BarFileError(`${path}: cannot read (${reason})`, { cause: error });
  }
  if (columns === null) throw new BarFileError(`${path}: empty file (no header)`);
}

function field(fields: readonly string[], index: number): string {
  const value = fields[index];
  if (value === undefined) return "";
  // Trimming allocates; most fields have no spaces.
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  return first === 32 || last === 32 || first === 9 || last === 9 ? value.trim() : value;
}

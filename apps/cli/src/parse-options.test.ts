import { describe, expect, it } from "vitest";
import { UsageError } from "./cli-error.ts";
import { asksForHelp, checkCommandLine, parseOptions } from "./parse-options.ts";

function usageErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error("no usage error");
}

describe("parseOptions", () => {
  it("parses the options the registry declares for the command, typed", () => {
    const { values, positionals } = parseOptions("signals", [
      "--symbol",
      "VCB",
      "--min-score",
      "70",
      "--json",
    ]);
    expect(values).toEqual({ symbol: "VCB", "min-score": "70", json: true });
    expect(positionals).toEqual([]);
  });

  it("takes a negative number after an option that wants a value as that value (Telegram group ids)", () => {
    const { values } = parseOptions("subscribe", ["--telegram", "-1001234567890", "--min-score", "70"]);
    expect(values).toEqual({ telegram: "-1001234567890", "min-score": "70" });
  });

  it("keeps a repeatable option's values in order", () => {
    const { values } = parseOptions("backtest", ["--sweep", "stop-loss=5,7", "--sweep", "min-score=50,60"]);
    expect(values.sweep).toEqual(["stop-loss=5,7", "min-score=50,60"]);
  });

  it("refuses an unknown option, naming the one the user probably meant", () => {
    expect(usageErrorOf(() => parseOptions("signals", ["--simbol", "VCB"]))).toBe(
      "signals: unknown option --simbol (did you mean --symbol?)",
    );
    expect(usageErrorOf(() => parseOptions("signals", ["--symbols=VCB"]))).toBe(
      "signals: unknown option --symbols (did you mean --symbol?)",
    );
    expect(usageErrorOf(() => parseOptions("subscribe", ["-x"]))).toBe("subscribe: unknown option -x");
  });

  it("says in its own words when a value is missing or given to a flag", () => {
    expect(usageErrorOf(() => parseOptions("signals", ["--symbol"]))).toBe("signals: --symbol needs a value");
    expect(usageErrorOf(() => parseOptions("signals", ["--symbol", "--json"]))).toBe(
      "signals: --symbol needs a value (a value that starts with - goes as --symbol=-...)",
    );
    expect(usageErrorOf(() => parseOptions("signals", ["--json=yes"]))).toBe(
      "signals: --json takes no value",
    );
    expect(() => parseOptions("subscribe", ["--name", "x", "--json"])).toThrow(UsageError);
  });
});

describe("checkCommandLine", () => {
  it("accepts a command's own words and options", () => {
    expect(() => checkCommandLine("services", ["status", "--json"])).not.toThrow();
    expect(() => checkCommandLine("worker", ["alerts"])).not.toThrow();
    expect(() => checkCommandLine("import", ["a.csv", "b.csv", "--format", "csv"])).not.toThrow();
  });

  it("refuses a misspelt or missing action with the likely one", () => {
    expect(usageErrorOf(() => checkCommandLine("services", ["stauts"]))).toBe(
      'services: expected up, status or down, not "stauts" (did you mean status?)',
    );
    expect(usageErrorOf(() => checkCommandLine("worker", []))).toBe(
      "worker: name one of scanner, alerts, backtest, stream or api",
    );
  });
});

describe("asksForHelp", () => {
  it("finds -h or --help anywhere before --", () => {
    expect(asksForHelp(["--symbol", "VCB", "--help"])).toBe(true);
    expect(asksForHelp(["-h"])).toBe(true);
    expect(asksForHelp(["--", "--help"])).toBe(false);
    expect(asksForHelp(["--json"])).toBe(false);
  });
});

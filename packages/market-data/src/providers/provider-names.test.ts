import { loadConfig } from "@vpa/runtime";
import { describe, expect, it } from "vitest";
import { createProvider } from "./create-provider.ts";
import { PROVIDER_NAMES } from "./provider-names.ts";

const base = { DATABASE_URL: "postgres://localhost/test", REDIS_URL: "redis://localhost:6379" };

describe("the provider list is the one every place reads", () => {
  it.each(PROVIDER_NAMES)("%s: the configuration takes it and the factory makes that provider", (name) => {
    expect(loadConfig({ ...base, MARKET_DATA_PROVIDER: name }).marketData.provider).toBe(name);
    expect(createProvider(name, { baseUrl: "http://127.0.0.1:9" }).name).toBe(name);
  });

  it("a name not in the list is refused at start, with the known ones", () => {
    expect(() => loadConfig({ ...base, MARKET_DATA_PROVIDER: "bloomberg" })).toThrow(
      new RegExp(`MARKET_DATA_PROVIDER.*${PROVIDER_NAMES.map((name) => `"?${name}"?`).join(".*")}`, "s"),
    );
  });
});

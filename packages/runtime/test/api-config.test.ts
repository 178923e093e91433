import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";

describe("the API's configuration", () => {
  it("defaults to port 8080, same-origin only, 600 requests a minute per key and 64 KiB bodies", () => {
    expect(loadConfig({}).api).toEqual({
      port: 8080,
      corsOrigins: [],
      rateLimitPerMinute: 600,
      bodyLimitBytes: 65_536,
    });
  });

  it("reads a CORS allow-list of origins, and refuses paths, other schemes and bad numbers together", () => {
    const config = loadConfig({ API_CORS_ORIGINS: "https://dash.example.com, http://127.0.0.1:3000" });
    expect(config.api.corsOrigins).toEqual(["https://dash.example.com", "http://127.0.0.1:3000"]);
    try {
      loadConfig({
        API_CORS_ORIGINS: "https://dash.example.com/app,ftp://x",
        API_RATE_LIMIT_PER_MINUTE: "0",
        API_PORT: "http",
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join("\n");
      expect(problems).toMatch(/API_CORS_ORIGINS: must be comma-separated origins/);
      expect(problems).toMatch(/API_RATE_LIMIT_PER_MINUTE: must be at least 1/);
      expect(problems).toMatch(/API_PORT: must be a whole number/);
    }
  });
});

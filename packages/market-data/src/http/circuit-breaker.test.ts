import { describe, expect, it } from "vitest";
import { type CircuitState, createCircuitBreaker } from "./circuit-breaker.ts";

function setUp(failureThreshold = 3, openMs = 1_000) {
  let now = 10_000;
  const changes: CircuitState[] = [];
  const breaker = createCircuitBreaker(
    { failureThreshold, openMs },
    () => now,
    (state) => changes.push(state),
  );
  return {
    breaker,
    changes,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("circuit breaker", () => {
  it("opens after failureThreshold consecutive failures, and a success resets the count", () => {
    const { breaker, changes } = setUp(3);
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state()).toBe("closed");
    breaker.recordFailure();
    expect(breaker.state()).toBe("open");
    expect(changes).toEqual(["open"]);
  });

  it("fails fast while open, saying how long is left", () => {
    const { breaker, advance } = setUp(1, 1_000);
    breaker.recordFailure();
    advance(400);
    expect(breaker.acquire()).toEqual({ allowed: false, retryInMs: 600 });
  });

  it("goes half-open after openMs and lets exactly one trial through; its success closes", () => {
    const { breaker, changes, advance } = setUp(1, 1_000);
    breaker.recordFailure();
    advance(999);
    expect(breaker.state()).toBe("open");
    advance(1);
    expect(breaker.state()).toBe("half-open");
    expect(breaker.acquire()).toEqual({ allowed: true, trial: true });
    expect(breaker.acquire()).toEqual({ allowed: false, retryInMs: 0 });
    breaker.recordSuccess();
    expect(breaker.state()).toBe("closed");
    expect(breaker.acquire()).toEqual({ allowed: true, trial: false });
    expect(changes).toEqual(["open", "half-open", "closed"]);
  });

  it("a failed trial opens it again for another openMs", () => {
    const { breaker, changes, advance } = setUp(2, 1_000);
    breaker.recordFailure();
    breaker.recordFailure();
    advance(1_000);
    const trial = breaker.acquire();
    expect(trial).toEqual({ allowed: true, trial: true });
    advance(50);
    breaker.recordFailure();
    expect(breaker.state()).toBe("open");
    expect(breaker.acquire()).toEqual({ allowed: false, retryInMs: 1_000 });
    advance(1_000);
    expect(breaker.state()).toBe("half-open");
    expect(changes).toEqual(["open", "half-open", "open", "half-open"]);
  });

  it("a released trial (caller aborted) frees the slot for another trial", () => {
    const { breaker, advance } = setUp(1, 100);
    breaker.recordFailure();
    advance(100);
    const trial = breaker.acquire();
    breaker.release(trial);
    expect(breaker.acquire()).toEqual({ allowed: true, trial: true });
  });

  it("failures reported after it opened do not extend the open time", () => {
    const { breaker, advance } = setUp(1, 1_000);
    breaker.recordFailure();
    advance(900);
    breaker.recordFailure();
    advance(100);
    expect(breaker.state()).toBe("half-open");
  });
});

import type { CircuitState } from "./provider-types.ts";

/**
 * The `circuit_breaker_state` gauge, one series per provider (`{provider="udf"}`): 0 closed,
 * 1 open, 2 half-open (the resilience4j convention). This package has no metrics dependency: the
 * process wires `hooks.onCircuitStateChange` (or polls `provider.circuitState()`) to its registry,
 * starting every series at 0 (closed).
 *
 * @example
 * const gauge = new Gauge({ name: CIRCUIT_STATE_METRIC.name, help: CIRCUIT_STATE_METRIC.help, labelNames: ["provider"] });
 * const hooks = { onCircuitStateChange: (provider, state) => gauge.set({ provider }, circuitStateValue(state)) };
 */
export const CIRCUIT_STATE_METRIC = {
  name: "circuit_breaker_state",
  help: "State of a market-data provider's circuit breaker: 0 closed, 1 open, 2 half-open",
} as const;

export function circuitStateValue(state: CircuitState): number {
  switch (state) {
    case "closed":
      return 0;
    case "open":
      return 1;
    case "half-open":
      return 2;
  }
}

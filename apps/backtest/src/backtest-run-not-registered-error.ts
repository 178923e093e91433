import { UnrecoverableError } from "bullmq";

/**
 * A job for a run id with no `backtest_runs` row (deleted, or enqueued by hand): no retry can
 * register it, so the job fails at once.
 */
export class BacktestRunNotRegisteredError extends UnrecoverableError {
  readonly code = "BACKTEST_RUN_NOT_REGISTERED";
  constructor(what: "run" | "sweep" | "walk-forward", runId: string) {
    super(`backtest ${what} ${runId} is not registered: submit it with vpa backtest`);
    this.name = "BacktestRunNotRegisteredError";
  }
}

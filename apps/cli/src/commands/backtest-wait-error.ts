/**
 * `vpa backtest` stopped waiting for a run: it did not finish within --timeout, or its row was
 * deleted meanwhile (`vpa backtest --delete` in another shell). The message says where it stands.
 */
export class BacktestWaitError extends Error {
  readonly code: "BACKTEST_NOT_FINISHED" | "BACKTEST_RUN_DELETED";
  constructor(code: BacktestWaitError["code"], message: string) {
    super(message);
    this.name = "BacktestWaitError";
    this.code = code;
  }
}

import { UnrecoverableError } from "bullmq";

/** The universe and period of a backtest have no stored bars: import them, then submit again. */
export class NoBarsToTestError extends UnrecoverableError {
  readonly code = "BACKTEST_NO_BARS";
  constructor(what: string) {
    super(`no bars for ${what}: import them first (vpa import or vpa fetch)`);
    this.name = "NoBarsToTestError";
  }
}

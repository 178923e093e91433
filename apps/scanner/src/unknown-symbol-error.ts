import { UnrecoverableError } from "bullmq";

/** An analyze job for a symbol the database does not know: no retry can import its bars. */
export class UnknownSymbolError extends UnrecoverableError {
  readonly code = "UNKNOWN_SYMBOL";
  constructor(symbol: string) {
    super(`unknown symbol ${symbol}: import its bars first (vpa import or vpa fetch)`);
    this.name = "UnknownSymbolError";
  }
}

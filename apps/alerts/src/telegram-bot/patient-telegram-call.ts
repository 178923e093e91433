import { setTimeout as sleep } from "node:timers/promises";
import { type BackoffOptions, backoffDelayMs } from "@vpa/runtime";
import { isTransientError, TelegramApiError } from "node-telegram-bot-api";
import type { Logger } from "pino";

/**
 * How long to stay away after Bot API call number `retry` + 1 failed: Telegram's `retry_after`
 * when it gave one (a 429), else the project's exponential backoff (no jitter: one bot, one
 * caller). Both of the bot's waits (its patient calls and the poll loop) read it.
 */
export function telegramRetryWaitMs(error: unknown, retry: number, backoff: BackoffOptions): number {
  const retryAfter = error instanceof TelegramApiError ? error.retryAfter : undefined;
  return retryAfter !== undefined ? retryAfter * 1000 : backoffDelayMs(retry, backoff, Math.random);
}

const PATIENT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 60_000, jitter: 0 };

export interface PatientCallOptions {
  /** What the call does, for the log ("set the webhook"). */
  readonly what: string;
  readonly logger: Logger;
  /** Aborting it ends the call and every wait at once (the bot's stop()). */
  readonly signal: AbortSignal;
  /** @defaultValue 5 */
  readonly maxAttempts?: number;
  /**
   * The longest wait between tries: a `retry_after` beyond it gives the call up rather than
   * holding the start (or a shutdown) for minutes.
   * @defaultValue 60 000 ms
   */
  readonly maxWaitMs?: number;
  /** Each request's time limit. @defaultValue 10 000 ms */
  readonly requestTimeoutMs?: number;
}

/** Why a patient call gave up: its last error (`cause`), or the bot stopped first. */
export class TelegramCallGaveUpError extends Error {
  readonly code = "TELEGRAM_CALL_GAVE_UP";
  constructor(what: string, reason: string, cause?: unknown) {
    super(`could not ${what}: ${reason}`, { cause });
    this.name = "TelegramCallGaveUpError";
  }
}

/**
 * One Bot API call made a bounded number of times: a 429 waits its `retry_after`, a 5xx or a
 * network failure backs off 1 s, 2 s, 4 s …; any other answer (400 "bad webhook", 401) fails at
 * once, since trying again cannot help. Every wait is bounded (`maxWaitMs`) and ends on `signal`,
 * so neither the start nor a stop can hang on it.
 */
export async function callTelegramPatiently<T>(
  call: (signal: AbortSignal) => Promise<T>,
  options: PatientCallOptions,
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 5;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  for (let attempt = 1; ; attempt++) {
    if (options.signal.aborted) throw new TelegramCallGaveUpError(options.what, "the bot is stopping");
    try {
      return await call(AbortSignal.any([options.signal, AbortSignal.timeout(requestTimeoutMs)]));
    } catch (err) {
      if (options.signal.aborted) throw new TelegramCallGaveUpError(options.what, "the bot is stopping", err);
      if (!isTransientError(err) || attempt >= maxAttempts)
        throw new TelegramCallGaveUpError(options.what, `failed after ${attempt} tries`, err);
      const waitMs = telegramRetryWaitMs(err, attempt - 1, PATIENT_BACKOFF);
      if (waitMs > maxWaitMs)
        throw new TelegramCallGaveUpError(options.what, `Telegram asked to wait ${waitMs} ms`, err);
      options.logger.warn({ err, attempt, waitMs }, `could not ${options.what} yet; trying again`);
      const waited = await sleep(waitMs, true, { signal: options.signal }).catch(() => false);
      if (!waited) throw new TelegramCallGaveUpError(options.what, "the bot is stopping", err);
    }
  }
}

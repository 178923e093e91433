import { BarBatch } from "./bar-batch.ts";

/**
 * Runs batch writes while the importer keeps parsing, at most `maxInFlight` at a time, and hands
 * out empty batches: `maxInFlight + 1` exist at most (one filling, the others being written), each
 * reused once its write is done. Memory is bounded by that, whatever the size of the import.
 *
 * A failed write is rethrown by the next `submit` or by `drain`; invariant: `drain` must be awaited
 * (also on error paths) so that no statement is still running when the import returns.
 */
export class BatchWriteQueue {
  readonly #write: (batch: BarBatch) => Promise<number>;
  readonly #maxInFlight: number;
  readonly #batchRows: number;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #free: BarBatch[] = [];
  #failure: { error: unknown } | null = null;
  #written = 0;

  constructor(options: {
    write: (batch: BarBatch) => Promise<number>;
    maxInFlight: number;
    batchRows: number;
  }) {
    this.#write = options.write;
    this.#maxInFlight = Math.max(1, options.maxInFlight);
    this.#batchRows = options.batchRows;
  }

  /** Rows inserted or changed by the writes finished so far. */
  get written(): number {
    return this.#written;
  }

  takeEmptyBatch(): BarBatch {
    return this.#free.pop() ?? new BarBatch(this.#batchRows);
  }

  /** Starts writing `batch`, first waiting while `maxInFlight` writes are running. */
  async submit(batch: BarBatch): Promise<void> {
    while (this.#inFlight.size >= this.#maxInFlight) await Promise.race(this.#inFlight);
    this.#throwIfFailed();
    if (batch.length === 0) {
      this.#free.push(batch);
      return;
    }
    const running: Promise<void> = this.#write(batch).then(
      (written) => {
        this.#written += written;
        batch.clear();
        this.#free.push(batch);
        this.#inFlight.delete(running);
      },
      (error: unknown) => {
        this.#failure ??= { error };
        this.#inFlight.delete(running);
      },
    );
    this.#inFlight.add(running);
  }

  /** Waits for every write; rethrows the first failure. */
  async drain(): Promise<void> {
    await Promise.all(this.#inFlight);
    this.#throwIfFailed();
  }

  #throwIfFailed(): void {
    if (this.#failure !== null) throw this.#failure.error;
  }
}

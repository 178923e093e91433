/** `JobWaiter.wait` ran out of time: the jobs keep running in the workers; only the wait ended. */
export class JobsNotFinishedError extends Error {
  readonly code = "JOBS_NOT_FINISHED";
  /** Jobs still unfinished. */
  readonly unfinished: number;
  constructor(unfinished: number, total: number, queue: string) {
    super(
      `${unfinished} of ${total} ${queue} jobs did not finish in time; they keep running (vpa status shows the queues)`,
    );
    this.name = "JobsNotFinishedError";
    this.unfinished = unfinished;
  }
}

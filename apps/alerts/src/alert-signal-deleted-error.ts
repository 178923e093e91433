/**
 * An instant alert's signal is gone (deleted with its stock or by a re-import) before the alert
 * was rendered: there is nothing left to send.
 */
export class AlertSignalDeletedError extends Error {
  readonly code = "ALERT_SIGNAL_DELETED";
  constructor(signalId: number | string) {
    super(`signal ${signalId} of the alert was deleted before it was sent`);
    this.name = "AlertSignalDeletedError";
  }
}

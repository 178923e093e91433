/**
 * The one-off history backfill and update that give every alert its evidence line (README: Signal
 * track record): what `vpa import` suggests after a first daily history and `vpa status` names
 * for an empty track record.
 */
export const BACKFILL_TRACK_RECORD =
  "vpa scan --lookback-days 36500 --no-alerts --wait && vpa study --update";

export { continuousElapsedFraction } from "./continuous-elapsed-fraction.ts";
export { DERIVATIVES_SESSIONS } from "./derivatives-sessions.ts";
export { evaluateProvisional, type FormingBarClock } from "./evaluate-provisional.ts";
export type { ProvisionalAlertEvent } from "./provisional-alert-event.ts";
export {
  PROVISIONAL_MIN_ELAPSED_FRACTION,
  TIME_OF_DAY_MIN_SESSIONS,
  TIME_OF_DAY_SESSIONS,
} from "./provisional-parameters.ts";
export type { ProvisionalRecord, VolumeProjection } from "./provisional-record.ts";
export { TimeOfDayVolume } from "./time-of-day-volume.ts";

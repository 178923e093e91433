/** The fixed numbers of vpa-signals.md §10 (provisional signals). */

/** No provisional evaluation before this share of the bar's continuous trading time has elapsed. */
export const PROVISIONAL_MIN_ELAPSED_FRACTION = 1 / 3;

/** Sessions whose same-time-of-day bars make the time-of-day volume average. */
export const TIME_OF_DAY_SESSIONS = 20;

/** Fewer same-time-of-day bars than this: no time-of-day correction (the 20-bar average is used). */
export const TIME_OF_DAY_MIN_SESSIONS = 5;

/**
 * The absolute range a price (thousand VND, or index points for indices and index futures) must lie
 * in to be stored. Wide on purpose: it stops values that are no price at all (1e300, 1e-9, a
 * volume or a time stamp read as a price) at the edge, not unusual prices.
 *
 * - `min` 0.0001 = 0.1 VND: adjusted prices carry 4 decimals, so no source writes a smaller
 *   positive price. The shared dataset's lowest is 0.0013 (PTG 2011-08-10, adjusted).
 * - `max` 10,000,000 = 10 billion VND a share: about 1000× the highest price in the shared
 *   dataset (9,523.6, C47 2014-06-30, itself a glitch) and far above any listed share. Index
 *   points (VN30 500–2,000, VNINDEX up to ~1,600) and VN30F1M futures (560–1,580 in 2018–2024)
 *   lie well inside.
 *
 * A file priced in VND is inside this range too (23,450 for VCB): the relative rule
 * ({@link PRICE_JUMP_FACTOR}) catches that mistake against the symbol's own history.
 */
export const SANE_PRICE_RANGE = { min: 0.0001, max: 10_000_000 } as const;

/**
 * A bar whose price is this many times its neighbour's close (or that fraction of it) is rejected:
 * no real move comes near it. The largest day-to-day close ratio in the shared dataset's 3.2M
 * rows, glitches aside, is 11.5× (TH1 2018-05-18, an unadjusted event on a thin day); its only
 * ratios above 100 are three single-day ~1000× glitches (PSL and PTT 2010-11-25, C47
 * 2014-06-30), exactly what this rule exists to stop. 1000× is the VND versus thousand-VND mistake.
 */
export const PRICE_JUMP_FACTOR = 100;

/**
 * Largest volume accepted (shares): 2^53 - 1, the largest whole number a double holds exactly; the
 * database column is int8. The shared dataset's largest daily volume is 128,443,910.
 */
export const MAX_VOLUME = Number.MAX_SAFE_INTEGER;
